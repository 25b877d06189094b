"""The training WebSocket's hot-path read: a session's status and its events after an id.

Two indexed Core queries built once (the poll runs 20 times a second per watched session), read in one
transaction with the status BEFORE the events: a finished status with no new events then means the
final events were already delivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select

from app.db.tables import TrainingEvent, TrainingSession

MAX_EVENTS_PER_READ = 1000

_STATUS = select(TrainingSession.status).where(TrainingSession.id == bindparam("sid"))
_NEW_EVENTS = (
    select(TrainingEvent.id, TrainingEvent.type, TrainingEvent.payload, TrainingEvent.created_at)
    .where(TrainingEvent.session_id == bindparam("sid"), TrainingEvent.id > bindparam("after"))
    .order_by(TrainingEvent.id)
    .limit(MAX_EVENTS_PER_READ)
)

# (id, type, payload, created_at) of one stored event
EventTuple = tuple[int, str, dict[str, Any], datetime]


def status_and_new_events(
    conn: Connection, session_id: str, after_id: int
) -> tuple[str | None, Sequence[EventTuple]]:
    """(the session's status or None when it does not exist, its events with id > after_id in order)."""
    status = conn.execute(_STATUS, {"sid": session_id}).scalar_one_or_none()
    rows = conn.execute(_NEW_EVENTS, {"sid": session_id, "after": after_id}).all()
    return status, [(int(id_), str(type_), payload, created) for id_, type_, payload, created in rows]
