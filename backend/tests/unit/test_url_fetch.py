"""Safe URL fetching (app/utils/net.py). Never touches the internet.

The test server runs on 127.0.0.1, which the fetcher must refuse. So: refusals are tested with the
default policy; the happy path allows 127.0.0.0/8 through the same setting an operator would use for
a LAN (`allowed_networks`), and the redirect tests check that a hop to 10.x or to the metadata address
is STILL refused with that allowance in place (each hop is re-checked; metadata is never allowed).
"""

from __future__ import annotations

import asyncio
import io
import ipaddress
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from PIL import Image

from app.domain.errors import AppError, InvalidInput, TooLarge, Unprocessable
from app.utils.net import (
    FetchPolicy,
    IPAddress,
    UnsupportedMediaType,
    address_problem,
    fetch_image,
    parse_url,
)

PNG = io.BytesIO()
Image.new("RGB", (16, 12), (90, 90, 90)).save(PNG, format="PNG")
PNG_BYTES = PNG.getvalue()
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)


class _Handler(BaseHTTPRequestHandler):
    hosts: ClassVar[list[str]] = []

    def log_message(self, *_args: object) -> None:
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if ("Content-Length" not in (headers or {}) and status != 200) or body:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        _Handler.hosts.append(self.headers.get("Host", ""))
        routes = {
            "/crack.png": lambda: self._send(200, PNG_BYTES, {"Content-Type": "image/png"}),
            "/to-crack": lambda: self._send(302, headers={"Location": "/crack.png"}),
            "/to-private": lambda: self._send(302, headers={"Location": "http://10.0.0.7/x.png"}),
            "/to-metadata": lambda: self._send(
                301, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
            ),
            "/to-mapped": lambda: self._send(302, headers={"Location": "http://[::ffff:10.1.2.3]/x.png"}),
            "/loop": lambda: self._send(302, headers={"Location": "/loop"}),
            "/page": lambda: self._send(200, b"<html></html>", {"Content-Type": "text/html"}),
            "/missing": lambda: self._send(404, b"no"),
            "/big": lambda: self._send(200, b"x" * 5000, {"Content-Type": "image/png"}),
            "/slow": self._slow,
            "/unsized": self._unsized,
        }
        routes.get(self.path, lambda: self._send(404))()

    def _slow(self) -> None:
        time.sleep(2.0)
        self._send(200, PNG_BYTES, {"Content-Type": "image/png"})

    def _unsized(self) -> None:
        """A body without Content-Length (read until close): only counting while streaming stops it."""
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"y" * 5000)
        self.close_connection = True


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def fetch(url: str, policy: FetchPolicy | None = None, resolver: object = None) -> object:
    """Runs the fetch on its own event loop in a thread (the test process may already run a loop)."""
    kwargs = {"resolver": resolver} if resolver is not None else {}

    def run() -> object:
        return asyncio.run(fetch_image(url, policy or FetchPolicy(timeout_s=5), **kwargs))  # type: ignore[arg-type]

    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(run).result()


# -- address rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.8.8",
        "10.0.0.1",
        "10.255.255.255",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.1.1",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::1",
        "100.100.100.200",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_allowed_networks_never_cover_metadata() -> None:
    allowed = (ipaddress.ip_network("169.254.0.0/16"), ipaddress.ip_network("10.0.0.0/8"))
    assert address_problem(ipaddress.ip_address("10.1.2.3"), allowed) is None
    assert "metadata" in (address_problem(ipaddress.ip_address("169.254.169.254"), allowed) or "")
    assert "metadata" in (address_problem(ipaddress.ip_address("fd00:ec2::254"), allowed) or "")


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/a.png",
        "file:///etc/passwd",
        "gopher://x/",
        "/relative.png",
        "http://",
        "http://user:pw@example.com/a.png",
    ],
)
def test_only_plain_http_urls(url: str) -> None:
    with pytest.raises(InvalidInput):
        parse_url(url)


# -- refusals with the default policy ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.png",
        "http://localhost/a.png",
        "http://[::1]/a.png",
        "http://10.0.0.8/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:7f00:1]/a.png",
        "http://2130706433/a.png",  # 127.0.0.1 as one decimal number
    ],
)
def test_local_and_private_urls_are_refused(url: str) -> None:
    with pytest.raises(InvalidInput, match="Refused"):
        fetch(url)


def test_the_local_test_server_itself_is_refused_by_default(server: str) -> None:
    with pytest.raises(InvalidInput, match="loopback"):
        fetch(f"{server}/crack.png")


def test_a_name_resolving_to_any_private_address_is_refused() -> None:
    async def mixed(_host: str, _port: int) -> list[IPAddress]:  # a round-robin answer with one bad address
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")]

    with pytest.raises(InvalidInput, match=r"10\.0\.0\.5"):
        fetch("http://images.example.test/a.png", resolver=mixed)


# -- with loopback allowed (as an operator would allow a LAN) -------------------------------------


def allow_loopback(**kwargs: float) -> FetchPolicy:
    return FetchPolicy(allowed_networks=LOOPBACK, **kwargs)  # type: ignore[arg-type]


def test_happy_path(server: str) -> None:
    fetched = fetch(f"{server}/crack.png", allow_loopback(timeout_s=5))
    assert fetched.data == PNG_BYTES  # type: ignore[attr-defined]
    assert fetched.content_type == "image/png"  # type: ignore[attr-defined]
    assert fetched.filename == "crack.png"  # type: ignore[attr-defined]


def test_redirects_are_followed_and_each_hop_checked(server: str) -> None:
    fetched = fetch(f"{server}/to-crack", allow_loopback(timeout_s=5))
    assert fetched.final_url.endswith("/crack.png")  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput, match=r"10\.0\.0\.7 is a private"):
        fetch(f"{server}/to-private", allow_loopback(timeout_s=5))
    with pytest.raises(InvalidInput, match="metadata"):
        fetch(f"{server}/to-metadata", allow_loopback(timeout_s=5))
    with pytest.raises(InvalidInput, match=r"10\.1\.2\.3"):
        fetch(f"{server}/to-mapped", allow_loopback(timeout_s=5))
    with pytest.raises(InvalidInput, match="Too many redirects"):
        fetch(f"{server}/loop", allow_loopback(timeout_s=5))


def test_connection_goes_to_the_vetted_address_with_the_name_kept(server: str) -> None:
    """No second DNS lookup: the resolver's (checked) answer is what is connected to."""
    port = int(server.rsplit(":", 1)[1])
    calls: list[str] = []

    async def resolver(host: str, _port: int) -> list[IPAddress]:
        calls.append(host)
        return [ipaddress.ip_address("127.0.0.1")]

    _Handler.hosts.clear()
    fetched = fetch(f"http://images.example.test:{port}/crack.png", allow_loopback(timeout_s=5), resolver)
    assert fetched.data == PNG_BYTES  # type: ignore[attr-defined]
    assert calls == ["images.example.test"]
    assert _Handler.hosts == [f"images.example.test:{port}"]


def test_answers_that_are_not_images(server: str) -> None:
    with pytest.raises(UnsupportedMediaType, match="text/html"):
        fetch(f"{server}/page", allow_loopback(timeout_s=5))
    with pytest.raises(Unprocessable, match="404"):
        fetch(f"{server}/missing", allow_loopback(timeout_s=5))


def test_size_limits(server: str) -> None:
    with pytest.raises(TooLarge, match="5,000 bytes"):  # refused from Content-Length
        fetch(f"{server}/big", allow_loopback(timeout_s=5, max_bytes=1000))
    with pytest.raises(TooLarge, match="larger than"):  # counted while streaming
        fetch(f"{server}/unsized", allow_loopback(timeout_s=5, max_bytes=1000))


def test_time_limit(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(Unprocessable, match=r"longer than|Timeout"):
        fetch(f"{server}/slow", allow_loopback(timeout_s=0.5))
    assert time.monotonic() - started < 1.8


def test_refusals_are_4xx() -> None:
    for error in (InvalidInput, TooLarge, Unprocessable, UnsupportedMediaType):
        assert issubclass(error, AppError) and 400 <= error.status_code < 500
