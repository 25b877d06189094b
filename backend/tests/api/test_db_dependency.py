"""What a request writes is committed before its response leaves the server.

A client that acts on a response at once (log in, then call the API with the new session cookie) must see
what that response reported. Services open and commit their own unit of work before they return, so the
commit precedes the response by construction; with a router-held session committed by FastAPI after the
response, the browser test for login failed about once in ten runs on that race.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import AuthSession
from app.main import create_app
from tests.helpers.auth import Account


def _sessions_in_database(settings: Settings) -> int:
    with session_scope(settings.resolved_database_url) as other:  # what another request would read
        return int(other.scalar(select(func.count()).select_from(AuthSession)) or 0)


def test_a_login_is_committed_before_its_response_starts(
    auth_settings: Settings, make_user: Callable[..., Account]
) -> None:
    account = make_user(role="admin")  # serving with access control on needs an active admin
    app = create_app(auth_settings)
    seen_when_response_started: list[int] = []

    async def probe(scope: Any, receive: Any, send: Any) -> None:
        async def watch(message: Any) -> None:
            if message["type"] == "http.response.start" and scope.get("path") == "/api/v1/auth/login":
                seen_when_response_started.append(_sessions_in_database(auth_settings))
            await send(message)

        await app(scope, receive, watch)

    with TestClient(probe) as client:
        before = _sessions_in_database(auth_settings)
        login = client.post(
            "/api/v1/auth/login", json={"username": account.username, "password": account.password}
        )
        assert login.status_code == 200, login.text
        # The new session was readable by any other request before the response's first byte...
        assert seen_when_response_started == [before + 1]
        # ...so the cookie works on the very next request.
        status = client.get("/api/v1/auth/status")
        assert status.status_code == 200
        assert status.json()["user"]["username"] == account.username
