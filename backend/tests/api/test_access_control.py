"""Access control on every route: 401 without credentials, roles, CSRF, tokens, WebSockets, /metrics.

Routes are enumerated from the app itself, so a router added later is covered without editing this file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import ApiToken, AuthSession, User
from app.main import create_app
from app.utils.clock import utc_now
from tests.helpers.auth import Account, bearer, csrf, issue_token, login

PUBLIC = {
    ("GET", "/api/v1/system/health"),
    ("GET", "/api/v1/auth/status"),
    ("POST", "/api/v1/auth/login"),
}
SELF_SERVICE_PREFIX = "/api/v1/auth/"
ADMIN_WRITES = ("/api/v1/settings/",)
WRITE_METHODS = {"post", "put", "patch", "delete"}
WS_PATHS = ["/ws/gpu", "/ws/notifications", f"/ws/training/{'a' * 32}"]


def _operations(client: TestClient) -> list[tuple[str, str]]:
    """(METHOD, concrete path) of every documented operation, path parameters filled with '1'."""
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return sorted(
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, operations in paths.items()
        for method in operations
        if method in {"get", *WRITE_METHODS}
    )


def _call(client: TestClient, method: str, path: str, headers: dict[str, str] | None = None) -> int:
    return client.request(method, path, headers=headers).status_code


def test_every_route_but_the_public_ones_needs_credentials(auth_client: TestClient) -> None:
    operations = _operations(auth_client)
    assert len(operations) > 40  # every area's routes, /metrics included
    assert ("GET", "/metrics") in operations
    for method, path in operations:
        response = auth_client.request(method, path)
        if (method, path) in PUBLIC:
            assert response.status_code not in (401, 403), (method, path)
        else:
            assert response.status_code == 401, (method, path, response.text)
            assert "log in" in response.json()["detail"].lower()
            assert response.headers["www-authenticate"] == "Bearer"


def test_the_web_app_itself_stays_public_so_the_login_page_loads(auth_client: TestClient) -> None:
    for path in ("/", "/login", "/datasets"):
        assert auth_client.get(path).status_code in (200, 503), path  # 503: front end not built here


def test_a_viewer_reads_everything_and_writes_nothing(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    headers = bearer(issue_token(auth_settings, make_user(role="viewer")))
    for method, path in _operations(auth_client):
        status = _call(auth_client, method, path, headers)
        if path.startswith("/api/v1/users"):
            assert status == 403, (method, path)
        elif method == "GET" or path.startswith(SELF_SERVICE_PREFIX):
            assert status not in (401, 403), (method, path, status)
        else:
            assert status == 403, (method, path, status)
    # The answer says why.
    body = auth_client.delete("/api/v1/datasets/1", headers=headers).json()
    assert "needs the user role" in body["detail"] and "viewer" in body["detail"]


def test_a_user_writes_but_does_not_manage_users_or_settings(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    headers = bearer(issue_token(auth_settings, make_user(role="user")))
    for method, path in _operations(auth_client):
        status = _call(auth_client, method, path, headers)
        admin_only = path.startswith("/api/v1/users") or (method != "GET" and path.startswith(ADMIN_WRITES))
        if admin_only:
            assert status == 403, (method, path, status)
        else:
            assert status not in (401, 403), (method, path, status)
    assert auth_client.get("/api/v1/settings/monitoring", headers=headers).status_code == 200


def test_an_admin_manages_users_and_settings(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    headers = bearer(issue_token(auth_settings, make_user(role="admin")))
    assert auth_client.get("/api/v1/users", headers=headers).status_code == 200
    current = auth_client.get("/api/v1/settings/monitoring", headers=headers).json()
    response = auth_client.put("/api/v1/settings/monitoring", json=current, headers=headers)
    assert response.status_code == 200, response.text


def test_metrics_need_a_token_for_prometheus(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    assert auth_client.get("/metrics").status_code == 401
    headers = bearer(issue_token(auth_settings, make_user(role="viewer")))
    response = auth_client.get("/metrics", headers=headers)
    assert response.status_code == 200
    assert "crackdet" in response.text


# API tokens: expiry, revocation, disabled owner


def test_a_token_works_until_it_expires(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    secret = issue_token(auth_settings, make_user(), expires_in_days=1)
    assert auth_client.get("/api/v1/datasets", headers=bearer(secret)).status_code == 200
    with session_scope(auth_settings.resolved_database_url) as db:
        token = db.query(ApiToken).one()
        assert token.last_used_at is not None  # recorded on use
        token.expires_at = utc_now() - timedelta(seconds=1)
    assert auth_client.get("/api/v1/datasets", headers=bearer(secret)).status_code == 401


def test_a_revoked_token_is_refused(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    secret = issue_token(auth_settings, make_user())
    tokens = auth_client.get("/api/v1/auth/tokens", headers=bearer(secret)).json()
    assert (
        auth_client.delete(f"/api/v1/auth/tokens/{tokens[0]['id']}", headers=bearer(secret)).status_code
        == 204
    )
    assert auth_client.get("/api/v1/datasets", headers=bearer(secret)).status_code == 401


def test_malformed_and_unknown_tokens_are_refused(auth_client: TestClient) -> None:
    for value in ("Bearer", "Bearer cdt_nope", "Basic YWRtaW46YWRtaW4=", "Bearer " + "x" * 5000):
        assert auth_client.get("/api/v1/datasets", headers={"Authorization": value}).status_code == 401


def test_a_bearer_token_is_the_only_credential_but_other_schemes_leave_the_cookie_alone(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    """A wrong token is not rescued by a cookie; a proxy's own Basic auth does not hide the session."""
    login(auth_client, make_user().username)
    wrong = {"Authorization": "Bearer cdt_wrong"}
    assert auth_client.get("/api/v1/datasets", headers=wrong).status_code == 401
    basic = {"Authorization": "Basic YWRtaW46YWRtaW4="}
    assert auth_client.get("/api/v1/datasets", headers=basic).status_code == 200
    weird = {"X-CSRF-Token": "café".encode("latin-1")}  # non-ASCII header text: a wrong token, not a 500
    assert auth_client.post("/api/v1/notifications/read-all", headers=weird).status_code == 403  # type: ignore[arg-type]


def test_a_disabled_account_loses_its_tokens_and_sessions(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    account = make_user()
    secret = issue_token(auth_settings, account)
    login(auth_client, account.username)
    assert auth_client.get("/api/v1/datasets").status_code == 200
    with session_scope(auth_settings.resolved_database_url) as db:
        db.get(User, account.id).disabled = True  # type: ignore[union-attr]
    assert auth_client.get("/api/v1/datasets").status_code == 401
    assert auth_client.get("/api/v1/datasets", headers=bearer(secret)).status_code == 401


def test_an_expired_session_is_refused(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    login(auth_client, make_user().username)
    assert auth_client.get("/api/v1/datasets").status_code == 200
    with session_scope(auth_settings.resolved_database_url) as db:
        db.query(AuthSession).one().expires_at = utc_now() - timedelta(seconds=1)
    assert auth_client.get("/api/v1/datasets").status_code == 401


# CSRF


def test_cookie_writes_need_the_csrf_header(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    login(auth_client, make_user().username)
    write = "/api/v1/notifications/read-all"
    missing = auth_client.post(write)
    assert missing.status_code == 403
    assert "CSRF token missing or wrong" in missing.json()["detail"]
    assert auth_client.post(write, headers={"X-CSRF-Token": "guess"}).status_code == 403
    assert auth_client.post(write, headers=csrf(auth_client)).status_code == 200
    assert auth_client.get("/api/v1/notifications").status_code == 200  # reads need no header


def test_a_planted_csrf_cookie_does_not_pass(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    """Header equal to the cookie is not enough: the token must be the one issued with this session."""
    login(auth_client, make_user().username)
    auth_client.cookies.set("crackdet_csrf", "planted-by-another-site")
    response = auth_client.post(
        "/api/v1/notifications/read-all", headers={"X-CSRF-Token": "planted-by-another-site"}
    )
    assert response.status_code == 403


def test_bearer_tokens_are_exempt_from_csrf(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    headers = bearer(issue_token(auth_settings, make_user()))
    assert auth_client.post("/api/v1/notifications/read-all", headers=headers).status_code == 200


# WebSockets


def _close_code(client: TestClient, path: str, headers: dict[str, str] | None = None) -> int | None:
    """The close code the server ends the connection with at once (None: it stayed open and sent data)."""
    with client.websocket_connect(path, headers=dict(headers or {})) as ws:
        try:
            ws.receive_text()
        except WebSocketDisconnect as exc:
            return exc.code
    return None


@pytest.mark.parametrize("path", WS_PATHS)
def test_websockets_refuse_clients_without_credentials(auth_client: TestClient, path: str) -> None:
    assert _close_code(auth_client, path) == 4401


@pytest.mark.parametrize("path", WS_PATHS)
def test_websockets_refuse_a_foreign_origin_even_with_credentials(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account], path: str
) -> None:
    headers = {**bearer(issue_token(auth_settings, make_user())), "Origin": "https://evil.example"}
    assert _close_code(auth_client, path, headers) == 4403


def test_websockets_accept_a_session_cookie_from_the_same_origin(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    login(auth_client, make_user(role="viewer").username)
    with auth_client.websocket_connect("/ws/gpu", headers={"Origin": "http://testserver"}) as ws:
        assert ws.receive_json()["type"] == "gpu_stats"


def test_websockets_accept_a_bearer_token_and_a_configured_origin(
    settings: Settings, make_user: Callable[..., Account]
) -> None:
    cors = settings.model_copy(
        update={"auth": "required", "cookie_secure": False, "cors_origins": ["https://ui.example"]}
    )
    make_user(role="admin")
    headers = {**bearer(issue_token(cors, make_user())), "Origin": "https://ui.example"}
    with (
        TestClient(create_app(cors)) as client,
        client.websocket_connect(f"/ws/training/{'a' * 32}", headers=headers) as ws,
    ):
        assert ws.receive_json()["code"] == "not_found"  # past the access check: the route's own answer


# Access control off (loopback): nothing changes, but a request from the network is refused


def test_with_access_control_off_nothing_needs_credentials(client: TestClient) -> None:
    assert client.get("/api/v1/auth/status").json() == {"auth_enabled": False, "user": None}
    assert client.get("/api/v1/datasets").status_code == 200
    assert client.post("/api/v1/notifications/read-all").status_code == 200  # no CSRF header needed
    for method, path in [
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/auth/tokens"),
        ("POST", "/api/v1/auth/login"),
    ]:
        response = client.request(method, path, json={"username": "a", "password": "b"})
        assert response.status_code == 409, (method, path)
        assert "Access control is off" in response.json()["detail"]


def test_with_access_control_off_a_request_reaching_a_network_address_is_refused(settings: Settings) -> None:
    """E.g. `uvicorn --host 0.0.0.0` run by hand, without CRACKDET_HOST: the app thinks it is on loopback."""
    with TestClient(create_app(settings), base_url="http://192.0.2.10:8000") as client:
        response = client.get("/api/v1/datasets")
        assert response.status_code == 403
        assert "access control is off" in response.json()["detail"]
        assert _close_code(client, "ws://192.0.2.10:8000/ws/gpu") == 4403


def test_with_access_control_off_websockets_refuse_other_sites_origins(client: TestClient) -> None:
    """A page from another site open in the user's browser cannot read this machine's live streams."""
    assert _close_code(client, "/ws/gpu", {"Origin": "https://evil.example"}) == 4403
    for origin in ("http://127.0.0.1:5173", "http://localhost:8000", "http://[::1]:8000"):
        with client.websocket_connect("/ws/gpu", headers={"Origin": origin}) as ws:
            assert ws.receive_json()["type"] == "gpu_stats", origin


@pytest.fixture
def loopback_client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client


def test_with_access_control_off_loopback_requests_pass(loopback_client: TestClient) -> None:
    assert loopback_client.get("/api/v1/datasets").status_code == 200
