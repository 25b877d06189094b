"""Access control for HTTP routes and WebSockets, applied once where the routers are included.

`AccessPolicy.enforce` is a router-level dependency (app/api/v1/router.py, /metrics in app/main.py) and
`enforce_ws_access` the WebSocket router's: individual endpoints never check credentials themselves.
With access control off (a loopback bind), both let everything through, as before.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, NoReturn
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request, WebSocket, WebSocketException
from starlette.concurrency import run_in_threadpool
from starlette.types import Scope

from app.config import Settings, auth_enabled, is_loopback_host
from app.domain.errors import Conflict
from app.schemas.auth import Role
from app.services import auth
from app.services.auth import Principal

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WS_CLOSE_UNAUTHENTICATED = 4401
WS_CLOSE_FORBIDDEN = 4403
LOGIN_HINT = "Log in, or send an API token as `Authorization: Bearer cdt_...`"


def _network_address(scope: Scope) -> str | None:
    """The server address a request reached, when it is an IP address other than loopback."""
    server = scope.get("server")
    if not server:
        return None
    try:
        address = ipaddress.ip_address(server[0])
    except ValueError:
        return None  # a Unix socket or a test client's name
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return None if address.is_loopback else str(address)


def _unprotected_network_detail(settings: Settings, address: str) -> str:
    return (
        f"Refused: this request reached the server on {address}, a network address, but access control "
        f"is off (CRACKDET_HOST={settings.host}, CRACKDET_AUTH={settings.auth}). Start it with "
        f"`crackdet serve --host {address}`, or set CRACKDET_AUTH=required"
    )


def _endpoints(routers: Sequence[APIRouter]) -> set[Callable[..., Any]]:
    return {route.endpoint for router in routers for route in router.routes if hasattr(route, "endpoint")}


@dataclass
class AccessPolicy:
    """Who may call what, by endpoint and router (not by path strings, which prefixes would blur).

    public: endpoints anyone may call. self_service: routers of the caller's own account (any role).
    admin: routers only admins may use. admin_writes: routers anyone may read and only admins change.
    Everything else: viewers read (GET/HEAD), users and admins also write.
    """

    public: Sequence[Callable[..., Any]] = ()
    self_service: Sequence[APIRouter] = ()
    admin: Sequence[APIRouter] = ()
    admin_writes: Sequence[APIRouter] = ()
    _public: set[Callable[..., Any]] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self._public = set(self.public)

    def required_role(self, endpoint: Callable[..., Any] | None, method: str) -> Role:
        if endpoint in _endpoints(self.self_service):
            return "viewer"
        if endpoint in _endpoints(self.admin):
            return "admin"
        if method in SAFE_METHODS:
            return "viewer"
        return "admin" if endpoint in _endpoints(self.admin_writes) else "user"

    def enforce(self, request: Request) -> None:
        """401 without valid credentials, 403 for a missing CSRF token or a role too low."""
        settings: Settings = request.app.state.settings
        if not auth_enabled(settings):
            address = _network_address(request.scope)
            if address is not None:
                raise HTTPException(status_code=403, detail=_unprotected_network_detail(settings, address))
            return
        principal = auth.authenticate(
            settings,
            authorization=request.headers.get("authorization"),
            session_cookie=request.cookies.get(auth.SESSION_COOKIE),
        )
        request.state.principal = principal
        endpoint = request.scope.get("endpoint")
        if endpoint in self._public:
            return
        if principal is None:
            raise HTTPException(
                status_code=401,
                detail=f"Not authenticated (or the session or token expired or was revoked): {LOGIN_HINT}",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if request.method not in SAFE_METHODS:
            auth.check_csrf(
                principal, request.headers.get(auth.CSRF_HEADER), request.cookies.get(auth.CSRF_COOKIE)
            )
        if principal.user.must_change_password and endpoint not in _endpoints(self.self_service):
            raise auth.Forbidden("Change your one-time password first: POST /api/v1/auth/password")
        auth.check_role(principal, self.required_role(endpoint, request.method))


def current_principal(request: Request) -> Principal | None:
    """The request's principal as `AccessPolicy.enforce` found it (None when signed out or auth is off)."""
    return getattr(request.state, "principal", None)


def signed_in(request: Request) -> Principal:
    """For account endpoints: the caller, or 409 when access control is off."""
    if not auth_enabled(request.app.state.settings):
        raise Conflict(auth.AUTH_OFF)
    principal = current_principal(request)
    if principal is None:  # only public endpoints get here without one, and they do not ask
        raise HTTPException(status_code=401, detail=LOGIN_HINT)
    return principal


PrincipalDep = Annotated[Principal, Depends(signed_in)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(current_principal)]


# WebSockets


def origin_allowed(origin: str | None, host: str | None, cors_origins: Sequence[str]) -> bool:
    """No Origin (a script), this server's own origin (same host and port) or a configured CORS origin."""
    if origin is None:
        return True
    if origin.rstrip("/") in {o.rstrip("/") for o in cors_origins}:
        return True
    return bool(host) and urlsplit(origin).netloc.lower() == (host or "").lower()


def _loopback_origin(origin: str) -> bool:
    try:
        hostname = urlsplit(origin).hostname
    except ValueError:
        return False
    return hostname is not None and is_loopback_host(hostname)


async def _refuse(websocket: WebSocket, code: int, reason: str) -> NoReturn:
    # Accepted, then closed at once with the reason code (a browser sees 4401/4403, not a failed
    # handshake); nothing is read from the client nor sent to it.
    await websocket.accept()
    raise WebSocketException(code=code, reason=reason)


async def enforce_ws_access(websocket: WebSocket) -> None:
    """Session cookie or bearer token, and an allowed Origin; refused: close 4401 or 4403."""
    settings: Settings = websocket.app.state.settings
    if not auth_enabled(settings):
        if _network_address(websocket.scope) is not None:
            await _refuse(websocket, WS_CLOSE_FORBIDDEN, "Access control is off on a network address")
        origin = websocket.headers.get("origin")
        if origin and not (_loopback_origin(origin) or origin_allowed(origin, None, settings.cors_origins)):
            # Another site open in the user's browser must not read this machine's streams.
            await _refuse(websocket, WS_CLOSE_FORBIDDEN, "Origin not allowed")
        return
    if not origin_allowed(
        websocket.headers.get("origin"), websocket.headers.get("host"), settings.cors_origins
    ):
        await _refuse(websocket, WS_CLOSE_FORBIDDEN, "Origin not allowed")
    principal = await run_in_threadpool(
        auth.authenticate,
        settings,
        authorization=websocket.headers.get("authorization"),
        session_cookie=websocket.cookies.get(auth.SESSION_COOKIE),
    )
    if principal is None:
        await _refuse(websocket, WS_CLOSE_UNAUTHENTICATED, "Not authenticated: log in or send an API token")
    if principal.user.must_change_password:
        await _refuse(websocket, WS_CLOSE_FORBIDDEN, "Change your one-time password first")
    websocket.state.principal = principal
