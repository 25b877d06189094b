"""The request's database session commits before the response leaves the server.

A client that acts on a response at once (log in, then call the API with the new session cookie) must see
what that response reported. With FastAPI's default dependency scope the commit ran after the response was
sent, and the browser test for login failed about once in ten runs on that race.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.api.deps import DbDep
from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Setting


def test_writes_are_committed_before_the_response_starts(settings: Settings) -> None:
    app = FastAPI()
    app.state.settings = settings
    seen_when_response_started: list[Any] = []

    @app.post("/write")
    def write(db: DbDep) -> dict[str, bool]:
        db.add(Setting(key="race-probe", value={"written": True}))
        return {"ok": True}

    async def probe(scope: Any, receive: Any, send: Any) -> None:
        async def watch(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":  # what another request would read right now
                with session_scope(settings.resolved_database_url) as other:
                    seen_when_response_started.append(
                        other.scalar(select(Setting.value).where(Setting.key == "race-probe"))
                    )
            await send(message)

        await app(scope, receive, watch)

    with TestClient(probe) as client:  # type: ignore[arg-type]
        assert client.post("/write").status_code == 200
    assert seen_when_response_started == [{"written": True}]
