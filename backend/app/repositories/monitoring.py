"""Queries on the one-minute monitoring history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.db.tables import MonitoringHistory, Setting

# The row type services read (they never import app.db.tables themselves).
MinuteRow = MonitoringHistory


def get_minute(session: Session, bucket_start: datetime) -> MonitoringHistory | None:
    query = select(MonitoringHistory).where(MonitoringHistory.bucket_start == bucket_start)
    return session.scalars(query).first()


def add_minute(session: Session, values: dict[str, Any]) -> None:
    session.add(MonitoringHistory(**values))


def update_minute(row: MonitoringHistory, values: dict[str, Any]) -> None:
    for name, value in values.items():
        setattr(row, name, value)


def minutes_between(session: Session, start: datetime, end: datetime) -> Sequence[MonitoringHistory]:
    query = (
        select(MonitoringHistory)
        .where(MonitoringHistory.bucket_start >= start, MonitoringHistory.bucket_start < end)
        .order_by(MonitoringHistory.bucket_start)
    )
    return session.scalars(query).all()


def delete_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(delete(MonitoringHistory).where(MonitoringHistory.bucket_start < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def get_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return None if row is None else row.value


def put_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
