"""Notifications: recorded as rows by any process, pushed live by the API process.

Other areas call `notify(settings, level, title, message, source)`: from the API process or a worker
process alike, it only writes a row. The API process runs ONE `NotificationTailer`, which reads rows newer
than the last one it saw (about once a second) and publishes them to every /ws/notifications client.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from app.config import Settings
from app.core.monitoring.broadcast import Broadcaster
from app.db.session import session_scope
from app.domain.errors import InvalidInput, NotFound
from app.repositories import notifications as repo
from app.repositories.notifications import NotificationRow
from app.schemas.notifications import (
    NotificationLevel,
    NotificationMessage,
    NotificationOut,
    NotificationPage,
    ReadAllResult,
)
from app.utils.clock import as_utc, as_utc_or_none, utc_now

log = logging.getLogger(__name__)

LEVELS: tuple[NotificationLevel, ...] = ("info", "success", "warning", "error")
MAX_TITLE = 200
MAX_MESSAGE = 4000
MAX_SOURCE = 40
RETENTION = timedelta(days=90)


def _clip(text: str, limit: int, *, one_line: bool = True) -> str:
    text = " ".join(text.split()) if one_line else text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def to_out(row: NotificationRow) -> NotificationOut:
    return NotificationOut(
        id=row.id,
        level=row.level,
        title=row.title,
        message=row.message,
        source=row.source,
        created_at=as_utc(row.created_at),
        read_at=as_utc_or_none(row.read_at),
        read=row.read_at is not None,
    )


def notify(
    settings: Settings, level: str, title: str, message: str = "", source: str = "system"
) -> NotificationOut:
    """Record a notification for the user; it shows as a toast and in the list within about a second.

    level: info | success | warning | error. Long texts are shortened (title 200, message 4000 characters).
    """
    if level not in LEVELS:
        raise InvalidInput(f"Unknown notification level {level!r}; use one of {', '.join(LEVELS)}")
    title = _clip(title, MAX_TITLE)
    if not title:
        raise InvalidInput("A notification needs a title")
    with session_scope(settings.resolved_database_url) as session:
        row = repo.insert(
            session,
            level=level,
            title=title,
            message=_clip(message, MAX_MESSAGE, one_line=False),
            source=_clip(source, MAX_SOURCE) or "system",
        )
        return to_out(row)


def list_notifications(settings: Settings, *, offset: int, limit: int, unread_only: bool) -> NotificationPage:
    with session_scope(settings.resolved_database_url) as session:
        rows, total = repo.page(session, offset=offset, limit=limit, unread_only=unread_only)
        return NotificationPage(
            items=[to_out(row) for row in rows],
            total=total,
            offset=offset,
            limit=limit,
            unread_count=repo.unread_count(session),
        )


def mark_read(settings: Settings, notification_id: int) -> NotificationOut:
    with session_scope(settings.resolved_database_url) as session:
        row = repo.get(session, notification_id)
        if row is None:
            raise NotFound(f"Notification {notification_id} does not exist")
        if row.read_at is None:
            row.read_at = utc_now()
            session.flush()
        return to_out(row)


def mark_all_read(settings: Settings) -> ReadAllResult:
    with session_scope(settings.resolved_database_url) as session:
        return ReadAllResult(updated=repo.mark_all_read(session, utc_now()))


def prune(settings: Settings, now: datetime) -> int:
    with session_scope(settings.resolved_database_url) as session:
        return repo.delete_created_before(session, now - RETENTION)


class NotificationTailer:
    """Publishes rows newer than the last one seen. One per API process, however many clients listen.

    On PostgreSQL ids can commit out of order, so each poll looks back a few ids and skips those already
    sent: a row committed late is still pushed, and never twice.
    """

    LOOKBACK = 64
    BATCH = 200

    def __init__(self, settings: Settings, hub: Broadcaster, poll_s: float = 1.0) -> None:
        self._settings = settings
        self._hub = hub
        self._poll_s = poll_s
        self._floor: int | None = None  # rows up to this id existed at start: history, not news
        self._last_id = 0
        self._sent: set[int] = set()
        self._failing = False

    async def run(self) -> None:
        while True:
            await self.poll()
            await asyncio.sleep(self._poll_s)

    async def poll(self) -> int:
        """Publish what is new; returns how many were published."""
        try:
            messages = await asyncio.to_thread(self._fetch_new)
        except Exception as exc:  # database away: keep trying, say so once
            if not self._failing:
                log.warning("Notifications: cannot read the database (%s); retrying", exc)
            self._failing = True
            return 0
        self._failing = False
        for message in messages:
            self._hub.publish(message)
        return len(messages)

    def _fetch_new(self) -> list[str]:
        with session_scope(self._settings.resolved_database_url) as session:
            if self._floor is None:
                self._floor = self._last_id = repo.max_id(session)
                return []
            start = max(self._floor, self._last_id - self.LOOKBACK)
            rows = [r for r in repo.newer_than(session, start, self.BATCH) if r.id not in self._sent]
            if not rows:
                return []
            unread = repo.unread_count(session)
            messages = [self._message(row, unread) for row in rows]
        self._remember(row.id for row in rows)
        return messages

    def _remember(self, ids: Iterable[int]) -> None:
        self._sent.update(ids)
        self._last_id = max(self._sent)
        self._sent = {i for i in self._sent if i > self._last_id - self.LOOKBACK}

    @staticmethod
    def _message(row: NotificationRow, unread: int) -> str:
        out = to_out(row)
        return NotificationMessage(
            **out.model_dump(), timestamp=out.created_at, unread_count=unread
        ).model_dump_json()
