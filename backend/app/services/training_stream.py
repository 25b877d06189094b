"""What the training WebSocket (/ws/training/{session_id}) reads: replay, live tail and status.

The router keeps the connections and the per-session fan-out; every database read is here. Messages
are the stored events as JSON: {"id", "type", "session_id", "timestamp", "data"}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.config import Settings
from app.db.session import get_engine, session_scope
from app.repositories import training as training_repo
from app.repositories import training_stream as repo
from app.services.training.sessions import get_session
from app.services.training.views import event_out
from app.utils.clock import iso_z


def event_message(
    session_id: str, id_: int, type_: str, payload: dict[str, Any], created: datetime
) -> dict[str, Any]:
    """An event as sent to clients, built without ORM objects or validation (the hot path)."""
    return {"id": id_, "type": type_, "session_id": session_id, "timestamp": iso_z(created), "data": payload}


def poll(settings: Settings, session_id: str, after_id: int) -> tuple[str | None, list[dict[str, Any]]]:
    """(status, events after `after_id`); the status is read before the events, in one transaction."""
    with get_engine(settings.resolved_database_url).connect() as conn:
        status, rows = repo.status_and_new_events(conn, session_id, after_id)
    return status, [event_message(session_id, *row) for row in rows]


def last_event_id(settings: Settings, session_id: str) -> int:
    with session_scope(settings.resolved_database_url) as db:
        return training_repo.max_event_id(db, session_id)


def history(settings: Settings, session_id: str, after_id: int) -> tuple[str | None, list[dict[str, Any]]]:
    """(status, the replay after `after_id`: superseded progress events skipped); (None, []) if unknown."""
    with session_scope(settings.resolved_database_url) as db:
        session = training_repo.get_session(db, session_id)
        if session is None:
            return None, []
        replay = training_repo.replay_events(db, session_id, after_id)
        return session.status, [event_out(event).model_dump(mode="json") for event in replay]


def status(settings: Settings, session_id: str) -> dict[str, Any] | None:
    """The session as GET /training/sessions/{id} shows it, or None when it cannot be read."""
    try:
        return get_session(settings, session_id).model_dump(mode="json")
    except Exception:
        return None
