"""Accounts, tokens and logins for access-control tests (see the auth_* fixtures in conftest.py)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from fastapi.testclient import TestClient

from app.config import Settings
from app.db.session import session_scope
from app.repositories import users as users_repo
from app.schemas.auth import ApiTokenCreate, Role, UserCreate
from app.services import api_tokens, auth, users

DEFAULT_PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    password: str
    role: Role


def create_account(
    settings: Settings,
    role: Role = "user",
    username: str | None = None,
    password: str = DEFAULT_PASSWORD,
    *,
    disabled: bool = False,
    must_change_password: bool = False,
) -> Account:
    """An account written straight to the database (as `crackdet create-admin` or an admin would)."""
    name = username or f"{role}-{next(_numbers)}"
    body = UserCreate(username=name, password=password, role=role)
    user = users.create_user(settings, body, must_change_password=must_change_password)
    if disabled:  # straight to the row: even the last admin (which the service would refuse)
        with session_scope(settings.resolved_database_url) as db:
            users_repo.update_fields(db, user.id, disabled=True)
    return Account(user.id, name, password, role)


def issue_token(settings: Settings, account: Account, expires_in_days: int | None = None) -> str:
    """A new API token's secret for `account`."""
    user = next(user for user in users.list_users(settings) if user.id == account.id)
    body = ApiTokenCreate(name="test", expires_in_days=expires_in_days)
    return api_tokens.create_token(settings, auth.Principal(user=user), body).secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def login(client: TestClient, username: str, password: str = DEFAULT_PASSWORD) -> str:
    """Logs the client in (it keeps the cookies); returns the CSRF token to send on writes."""
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def csrf(client: TestClient) -> dict[str, str]:
    """The X-CSRF-Token header a logged-in test client must send on writes."""
    return {auth.CSRF_HEADER: client.cookies[auth.CSRF_COOKIE]}
