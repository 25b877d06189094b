"""Fetching an image from a user-supplied URL without becoming a proxy into the server's network (SSRF).

- Only http and https, no credentials in the URL.
- The host is resolved once and EVERY address it resolves to must be public: loopback, private,
  link-local, multicast, reserved, unspecified, shared (CGNAT) and other non-global addresses are
  refused, IPv4 inside IPv6 (mapped, 6to4, Teredo) is unwrapped first, and cloud metadata endpoints
  (169.254.169.254, fd00:ec2::254, ...) are refused always. CRACKDET_URL_FETCH_ALLOWED_NETWORKS lists
  networks exempt from the private-address rule (a LAN server; tests use 127.0.0.0/8) but never from
  the metadata rule.
- The connection goes to the vetted address itself (the URL's host is replaced by the IP, the Host
  header and TLS SNI / certificate check keep the name), so a DNS answer cannot change between the
  check and the connection (DNS rebinding). Environment proxies are ignored.
- Redirects are followed by hand, at most 5, each hop checked like the first.
- Time (whole fetch) and size (Content-Length, then counted while streaming) are limited; the answer
  must be 200 with an image/* content type.
Every refusal is a 4xx AppError saying what is wrong.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote

import httpx

from app.domain.errors import AppError, InvalidInput, TooLarge, Unprocessable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_REDIRECTS = 5
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean...
        "169.254.170.2",  # AWS ECS task metadata
        "fd00:ec2::254",  # AWS IPv6
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure wire server
    )
)
USER_AGENT = "crackdet-url-fetch/1"

Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]


class UnsupportedMediaType(AppError):
    status_code = 415


@dataclass(frozen=True)
class FetchPolicy:
    timeout_s: float = 20.0
    max_bytes: int = 100 * 1024**2
    allowed_networks: Sequence[IPNetwork] = field(default_factory=tuple)
    max_redirects: int = MAX_REDIRECTS

    @classmethod
    def from_strings(cls, timeout_s: float, max_bytes: int, networks: Sequence[str]) -> FetchPolicy:
        try:
            parsed = tuple(ipaddress.ip_network(n, strict=False) for n in networks)
        except ValueError as exc:
            raise InvalidInput(f"CRACKDET_URL_FETCH_ALLOWED_NETWORKS is invalid: {exc}") from None
        return cls(timeout_s=timeout_s, max_bytes=max_bytes, allowed_networks=parsed)


@dataclass(frozen=True)
class FetchedImage:
    data: bytes
    content_type: str
    final_url: str
    filename: str


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip.teredo is not None:
            return ip.teredo[1]
    return None


def address_problem(ip: IPAddress, allowed: Sequence[IPNetwork] = ()) -> str | None:
    """Why the server must not connect to `ip`, or None when it may."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        problem = address_problem(embedded, allowed)
        return f"{problem} (inside the IPv6 address {ip})" if problem else None
    if ip in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    if any(ip.version == net.version and ip in net for net in allowed):
        return None
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
    )
    for name, failed in checks:
        if failed:
            return f"{ip} is a {name} address"
    if not ip.is_global:
        return f"{ip} is not a public address"
    return None


def parse_url(url: str) -> httpx.URL:
    """The URL, if it is an absolute http(s) URL without credentials."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise InvalidInput(f"Not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https"):
        raise InvalidInput(
            f"Only http and https URLs can be fetched, not {parsed.scheme or 'a relative URL'!r}"
        )
    if not parsed.host:
        raise InvalidInput("The URL has no host")
    if parsed.userinfo:
        raise InvalidInput("URLs with a user name or password are not fetched")
    return parsed


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unprocessable(f"The host {host!r} could not be resolved ({exc.strerror})") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


async def vetted_address(url: httpx.URL, policy: FetchPolicy, resolver: Resolver) -> IPAddress:
    """The address to connect to: every address of the host must be allowed."""
    host = url.host
    try:
        addresses: list[IPAddress] = [ipaddress.ip_address(host)]
    except ValueError:
        addresses = await resolver(host, url.port or (443 if url.scheme == "https" else 80))
    if not addresses:
        raise Unprocessable(f"The host {host!r} has no address")
    for address in addresses:
        problem = address_problem(address, policy.allowed_networks)
        if problem:
            raise InvalidInput(f"Refused to fetch {url.scheme}://{host}/...: {problem}")
    return addresses[0]


def _pinned_request(client: httpx.AsyncClient, url: httpx.URL, address: IPAddress) -> httpx.Request:
    host = f"[{url.host}]" if ":" in url.host else url.host  # IPv6 literals keep their brackets
    host_header = host if url.port is None else f"{host}:{url.port}"
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return client.build_request(
        "GET",
        url.copy_with(host=str(address)),
        headers={"Host": host_header, "User-Agent": USER_AGENT, "Accept": "image/*"},
        extensions=extensions,
    )


def _filename(url: httpx.URL) -> str:
    name = PurePosixPath(unquote(url.path)).name
    return name[:200] or "image"


async def _read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"The image is {int(declared):,} bytes; the limit is {max_bytes:,}")
    chunks: list[bytes] = []
    received = 0
    async for chunk in response.aiter_bytes():
        received += len(chunk)
        if received > max_bytes:
            raise TooLarge(f"The image is larger than the limit of {max_bytes:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_content_type(response: httpx.Response) -> str:
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not content_type.startswith("image/"):
        raise UnsupportedMediaType(
            f"The URL did not return an image (Content-Type {content_type or 'missing'!r})"
        )
    return content_type


async def _fetch(url: str, policy: FetchPolicy, resolver: Resolver) -> FetchedImage:
    current = parse_url(url)
    timeout = httpx.Timeout(policy.timeout_s)
    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False) as client:
        for _hop in range(policy.max_redirects + 1):
            address = await vetted_address(current, policy, resolver)
            request = _pinned_request(client, current, address)
            try:
                response = await client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise Unprocessable(f"Could not fetch the URL: {type(exc).__name__}: {exc}") from None
            try:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise Unprocessable(f"The server answered {response.status_code} without a Location")
                    current = parse_url(str(current.join(location)))
                    continue
                if response.status_code != 200:
                    raise Unprocessable(f"The server answered HTTP {response.status_code}")
                content_type = _check_content_type(response)
                data = await _read_limited(response, policy.max_bytes)
                return FetchedImage(data, content_type, str(current), _filename(current))
            except httpx.HTTPError as exc:
                raise Unprocessable(f"Could not fetch the URL: {type(exc).__name__}: {exc}") from None
            finally:
                await response.aclose()
    raise InvalidInput(f"Too many redirects (more than {policy.max_redirects})")


async def fetch_image(url: str, policy: FetchPolicy, resolver: Resolver = system_resolver) -> FetchedImage:
    """Download an image from `url` under `policy` (see the module docstring)."""
    try:
        async with asyncio.timeout(policy.timeout_s):
            return await _fetch(url, policy, resolver)
    except TimeoutError:
        raise Unprocessable(f"Fetching the URL took longer than {policy.timeout_s:.0f} s") from None
