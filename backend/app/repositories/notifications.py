"""Queries on the notifications table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.db.tables import Notification

# The row type services read (they never import app.db.tables themselves).
NotificationRow = Notification


def insert(session: Session, *, level: str, title: str, message: str, source: str) -> Notification:
    row = Notification(level=level, title=title, message=message, source=source)
    session.add(row)
    session.flush()
    return row


def page(
    session: Session, *, offset: int, limit: int, unread_only: bool
) -> tuple[Sequence[Notification], int]:
    query = select(Notification)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Notification.id.desc()).offset(offset).limit(limit)).all()
    return rows, total


def unread_count(session: Session) -> int:
    query = select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
    return session.scalar(query) or 0


def get(session: Session, notification_id: int) -> Notification | None:
    return session.get(Notification, notification_id)


def mark_all_read(session: Session, now: datetime) -> int:
    result = session.execute(update(Notification).where(Notification.read_at.is_(None)).values(read_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def newer_than(session: Session, after_id: int, limit: int) -> Sequence[Notification]:
    query = select(Notification).where(Notification.id > after_id).order_by(Notification.id).limit(limit)
    return session.scalars(query).all()


def max_id(session: Session) -> int:
    return session.scalar(select(func.max(Notification.id))) or 0


def delete_created_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(Notification).where(Notification.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
