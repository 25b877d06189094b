"""Login, logout, password change, API tokens, account administration and login rate limiting."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import ApiToken, AuthSession, User
from app.main import create_app
from tests.helpers.auth import DEFAULT_PASSWORD, Account, bearer, csrf, issue_token, login

LOGIN = "/api/v1/auth/login"


def _set_cookie_headers(response: object) -> dict[str, str]:
    headers = response.headers.get_list("set-cookie")  # type: ignore[attr-defined]
    return {header.split("=", 1)[0]: header for header in headers}


def test_login_sets_an_httponly_session_cookie_and_a_readable_csrf_cookie(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    account = make_user(role="viewer")
    response = auth_client.post(LOGIN, json={"username": account.username, "password": account.password})
    assert response.status_code == 200
    body = response.json()
    assert body["user"]["username"] == account.username and body["user"]["role"] == "viewer"
    assert body["user"]["last_login_at"] is not None
    cookies = _set_cookie_headers(response)
    session, token = cookies["crackdet_session"].lower(), cookies["crackdet_csrf"].lower()
    for header in (session, token):
        assert "samesite=strict" in header and "path=/" in header and "secure" not in header
    assert "httponly" in session and "httponly" not in token
    assert auth_client.cookies["crackdet_csrf"] == body["csrf_token"]

    status = auth_client.get("/api/v1/auth/status").json()
    assert status["auth_enabled"] is True and status["user"]["id"] == account.id


def test_only_hashes_of_session_and_csrf_secrets_are_stored(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    account = make_user()
    csrf_token = login(auth_client, account.username)
    session_secret = auth_client.cookies["crackdet_session"]
    with session_scope(auth_settings.resolved_database_url) as db:
        row = db.scalars(select(AuthSession)).one()
        stored = f"{row.secret_hash} {row.csrf_hash}"
        user = db.get(User, account.id)
        assert user is not None and user.password_hash.startswith("$argon2id$")
        assert account.password not in user.password_hash
    assert session_secret not in stored and csrf_token not in stored


def test_cookies_are_secure_by_default_on_a_network_address(
    settings: Settings, make_user: Callable[..., Account]
) -> None:
    network = settings.model_copy(update={"host": "0.0.0.0"})  # auth=auto: required here
    account = make_user(role="admin")
    with TestClient(create_app(network), base_url="https://testserver") as client:
        response = client.post(LOGIN, json={"username": account.username, "password": account.password})
        assert response.status_code == 200
        cookies = _set_cookie_headers(response)
        assert (
            "secure" in cookies["crackdet_session"].lower() and "secure" in cookies["crackdet_csrf"].lower()
        )
        assert client.get("/api/v1/datasets").status_code == 200  # the https client sends them back


def test_wrong_password_and_unknown_user_get_the_same_answer(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    account = make_user()
    wrong = auth_client.post(LOGIN, json={"username": account.username, "password": "not the password"})
    unknown = auth_client.post(LOGIN, json={"username": "nobody-here", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Wrong username or password"}
    assert "crackdet_session" not in auth_client.cookies


def test_a_disabled_account_cannot_log_in(auth_client: TestClient, make_user: Callable[..., Account]) -> None:
    account = make_user(disabled=True)
    response = auth_client.post(LOGIN, json={"username": account.username, "password": account.password})
    assert response.status_code == 403
    assert "disabled" in response.json()["detail"]


def test_failed_logins_are_rate_limited_per_username_and_address(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    account, other = make_user(), make_user()
    for _ in range(5):  # CRACKDET_LOGIN_RATE_LIMIT_PER_MINUTE default
        assert (
            auth_client.post(LOGIN, json={"username": account.username, "password": "wrong!"}).status_code
            == 401
        )
    limited = auth_client.post(LOGIN, json={"username": account.username, "password": account.password})
    assert limited.status_code == 429  # even the right password waits: no guessing through the limit
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert "Too many failed logins" in limited.json()["detail"]
    # Another account from the same address is not locked out by someone else's failures.
    assert (
        auth_client.post(LOGIN, json={"username": other.username, "password": other.password}).status_code
        == 200
    )


def test_logout_ends_the_session_on_the_server(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    login(auth_client, make_user().username)
    stolen = auth_client.cookies["crackdet_session"]
    response = auth_client.post("/api/v1/auth/logout", headers=csrf(auth_client))
    assert response.status_code == 204
    assert "crackdet_session" not in auth_client.cookies and "crackdet_csrf" not in auth_client.cookies
    with session_scope(auth_settings.resolved_database_url) as db:
        assert db.scalars(select(AuthSession)).all() == []
    auth_client.cookies.set("crackdet_session", stolen)  # a copy of the old cookie is worthless now
    assert auth_client.get("/api/v1/datasets").status_code == 401


def test_changing_the_password_logs_out_other_sessions_but_not_this_one(
    auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    make_user(role="admin")
    account = make_user()
    new_password = "a brand new passphrase"
    with TestClient(create_app(auth_settings)) as this:
        other = TestClient(this.app)  # a second browser (its own cookies) on the same running app
        login(this, account.username)
        login(other, account.username)
        wrong = this.post(
            "/api/v1/auth/password",
            json={"current_password": "not it at all", "new_password": new_password},
            headers=csrf(this),
        )
        assert wrong.status_code == 403
        short = this.post(
            "/api/v1/auth/password",
            json={"current_password": account.password, "new_password": "short"},
            headers=csrf(this),
        )
        assert short.status_code == 422
        changed = this.post(
            "/api/v1/auth/password",
            json={"current_password": account.password, "new_password": new_password},
            headers=csrf(this),
        )
        assert changed.status_code == 204
        assert this.get("/api/v1/datasets").status_code == 200
        assert other.get("/api/v1/datasets").status_code == 401
        assert (
            this.post(LOGIN, json={"username": account.username, "password": account.password}).status_code
            == 401
        )
        login(this, account.username, new_password)


def test_an_account_with_a_one_time_password_must_change_it_first(
    auth_client: TestClient, make_user: Callable[..., Account]
) -> None:
    account = make_user(role="admin", must_change_password=True)
    login(auth_client, account.username)
    assert auth_client.get("/api/v1/auth/status").json()["user"]["must_change_password"] is True
    refused = auth_client.get("/api/v1/datasets")
    assert refused.status_code == 403 and "Change your one-time password" in refused.json()["detail"]
    response = auth_client.post(
        "/api/v1/auth/password",
        json={"current_password": account.password, "new_password": "my own passphrase"},
        headers=csrf(auth_client),
    )
    assert response.status_code == 204
    assert auth_client.get("/api/v1/datasets").status_code == 200
    assert auth_client.get("/api/v1/auth/status").json()["user"]["must_change_password"] is False


# API tokens


def test_a_token_secret_is_shown_once_and_stored_hashed(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    login(auth_client, make_user(role="viewer").username)  # viewers may have read-only tokens too
    created = auth_client.post(
        "/api/v1/auth/tokens", json={"name": "grafana", "expires_in_days": 30}, headers=csrf(auth_client)
    )
    assert created.status_code == 201
    secret, token = created.json()["secret"], created.json()["token"]
    assert secret.startswith("cdt_") and len(secret) > 40
    assert token["prefix"] == secret[:8] and token["revoked"] is False and token["expires_at"] is not None
    listed = auth_client.get("/api/v1/auth/tokens").json()
    assert [t["id"] for t in listed] == [token["id"]] and secret not in str(listed)
    with session_scope(auth_settings.resolved_database_url) as db:
        assert secret not in db.scalars(select(ApiToken)).one().secret_hash
    auth_client.cookies.clear()
    assert auth_client.get("/api/v1/datasets", headers=bearer(secret)).status_code == 200
    assert auth_client.get("/api/v1/auth/status", headers=bearer(secret)).json()["user"]["role"] == "viewer"


def test_token_requests_are_validated(auth_client: TestClient, make_user: Callable[..., Account]) -> None:
    login(auth_client, make_user().username)
    for body in (
        {"name": ""},
        {"name": "x" * 101},
        {"name": "a", "expires_in_days": 0},
        {"name": "a", "x": 1},
    ):
        response = auth_client.post("/api/v1/auth/tokens", json=body, headers=csrf(auth_client))
        assert response.status_code == 422, body


def test_only_the_owner_or_an_admin_revokes_a_token(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    owner, stranger, admin = make_user(), make_user(), make_user(role="admin")
    owner_headers = bearer(issue_token(auth_settings, owner))
    token_id = auth_client.get("/api/v1/auth/tokens", headers=owner_headers).json()[0]["id"]
    stranger_headers = bearer(issue_token(auth_settings, stranger))
    assert auth_client.delete(f"/api/v1/auth/tokens/{token_id}", headers=stranger_headers).status_code == 404
    assert auth_client.get("/api/v1/datasets", headers=owner_headers).status_code == 200
    admin_headers = bearer(issue_token(auth_settings, admin))
    assert auth_client.delete(f"/api/v1/auth/tokens/{token_id}", headers=admin_headers).status_code == 204
    assert auth_client.get("/api/v1/datasets", headers=owner_headers).status_code == 401
    assert auth_client.get("/api/v1/auth/tokens", headers=stranger_headers).json()[0]["revoked"] is False


# Account administration


def test_an_admin_creates_updates_and_deletes_accounts(
    auth_client: TestClient, auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    headers = bearer(issue_token(auth_settings, make_user(role="admin")))
    created = auth_client.post(
        "/api/v1/users",
        json={"username": "inspector.1", "password": DEFAULT_PASSWORD, "role": "viewer"},
        headers=headers,
    )
    assert created.status_code == 201
    user = created.json()
    assert user["role"] == "viewer" and user["disabled"] is False and DEFAULT_PASSWORD not in str(user)
    assert "password_hash" not in user
    duplicate = auth_client.post(
        "/api/v1/users", json={"username": "inspector.1", "password": DEFAULT_PASSWORD}, headers=headers
    )
    assert duplicate.status_code == 409
    for bad in (
        {"username": "ab", "password": DEFAULT_PASSWORD},
        {"username": "has space", "password": DEFAULT_PASSWORD},
        {"username": "fine", "password": "short"},
        {"username": "fine", "password": DEFAULT_PASSWORD, "role": "root"},
    ):
        assert auth_client.post("/api/v1/users", json=bad, headers=headers).status_code == 422, bad

    login(auth_client, "inspector.1")
    promoted = auth_client.patch(f"/api/v1/users/{user['id']}", json={"role": "user"}, headers=headers)
    assert promoted.status_code == 200 and promoted.json()["role"] == "user"
    assert auth_client.post("/api/v1/notifications/read-all", headers=csrf(auth_client)).status_code == 200
    reset = auth_client.patch(
        f"/api/v1/users/{user['id']}", json={"password": "set by the admin"}, headers=headers
    )
    assert reset.status_code == 200
    assert auth_client.get("/api/v1/datasets").status_code == 401  # a new password logs its browsers out
    login(auth_client, "inspector.1", "set by the admin")

    names = [u["username"] for u in auth_client.get("/api/v1/users", headers=headers).json()]
    assert "inspector.1" in names
    assert auth_client.delete(f"/api/v1/users/{user['id']}", headers=headers).status_code == 204
    assert auth_client.get("/api/v1/datasets").status_code == 401
    assert auth_client.delete(f"/api/v1/users/{user['id']}", headers=headers).status_code == 404


def test_the_last_active_admin_cannot_be_demoted_disabled_or_deleted(
    auth_client: TestClient, auth_settings: Settings
) -> None:
    with session_scope(auth_settings.resolved_database_url) as db:
        admin = db.scalars(select(User).where(User.role == "admin")).one()
        admin_id, username = admin.id, admin.username
    headers = bearer(issue_token(auth_settings, Account(admin_id, username, DEFAULT_PASSWORD, "admin")))
    for method, body in (("PATCH", {"role": "user"}), ("PATCH", {"disabled": True}), ("DELETE", None)):
        response = auth_client.request(method, f"/api/v1/users/{admin_id}", json=body, headers=headers)
        assert response.status_code == 409, (method, body)
        assert "last active admin" in response.json()["detail"]
