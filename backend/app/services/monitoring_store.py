"""What the monitoring service keeps in the database: its settings and the one-minute history.

One row per minute (averages), kept HISTORY_RETENTION; a minute written before a restart is merged with
the same minute's new samples, not duplicated.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from app.config import Settings
from app.core.monitoring.history import GpuPoint, HistoryPoint, MinuteAverage, combine
from app.db.session import session_scope
from app.repositories import monitoring as repo
from app.repositories.monitoring import MinuteRow
from app.schemas import monitoring as schemas
from app.utils.clock import as_utc

log = logging.getLogger("app.services.monitoring")

SETTINGS_KEY = "monitoring"
HISTORY_RETENTION = timedelta(days=7)


def default_settings(settings: Settings) -> schemas.MonitoringSettings:
    return schemas.MonitoringSettings(interval_s=settings.monitor_interval_s)


def load_settings(settings: Settings) -> schemas.MonitoringSettings:
    """The stored settings over the defaults (CRACKDET_MONITOR_INTERVAL_S gives the default interval)."""
    defaults = default_settings(settings)
    with session_scope(settings.resolved_database_url) as session:
        stored = repo.get_setting(session, SETTINGS_KEY)
    if not isinstance(stored, dict):
        return defaults
    try:
        return schemas.MonitoringSettings.model_validate({**defaults.model_dump(), **stored})
    except ValidationError as exc:
        log.warning("Stored monitoring settings are invalid (%s); using the defaults", exc.errors()[:1])
        return defaults


def save_settings(settings: Settings, config: schemas.MonitoringSettings) -> None:
    with session_scope(settings.resolved_database_url) as session:
        repo.put_setting(session, SETTINGS_KEY, config.model_dump())


def _row_point(row: MinuteRow) -> HistoryPoint:
    return HistoryPoint(
        timestamp=as_utc(row.bucket_start),
        cpu_percent=row.cpu_percent,
        memory_percent=row.memory_percent,
        disk_percent=row.disk_percent,
        gpus=tuple(GpuPoint(**gpu) for gpu in row.gpus),
    )


def _row_values(point: HistoryPoint, sample_count: int) -> dict[str, Any]:
    return {
        "bucket_start": point.timestamp,
        "sample_count": sample_count,
        "cpu_percent": point.cpu_percent,
        "memory_percent": point.memory_percent,
        "disk_percent": point.disk_percent,
        "gpus": [
            {
                "index": g.index,
                "host": g.host,
                "utilization_percent": g.utilization_percent,
                "memory_used_percent": g.memory_used_percent,
                "temperature_c": g.temperature_c,
                "power_w": g.power_w,
            }
            for g in point.gpus
        ],
    }


def persist_minute(settings: Settings, average: MinuteAverage) -> None:
    """Store one minute, merging with a row for the same minute (written before a restart)."""
    with session_scope(settings.resolved_database_url) as session:
        row = repo.get_minute(session, average.point.timestamp)
        if row is None:
            repo.add_minute(session, _row_values(average.point, average.sample_count))
            return
        merged = combine(
            [(_row_point(row), row.sample_count), (average.point, average.sample_count)],
            average.point.timestamp,
        )
        repo.update_minute(row, _row_values(merged, row.sample_count + average.sample_count))


def prune_history(settings: Settings, now: datetime) -> int:
    """Removes the minutes older than the retention; returns how many."""
    with session_scope(settings.resolved_database_url) as session:
        return repo.delete_before(session, now - HISTORY_RETENTION)


def stored_points(settings: Settings, start: datetime, end: datetime) -> list[HistoryPoint]:
    """The stored minutes in [start, end), oldest first."""
    with session_scope(settings.resolved_database_url) as session:
        return [_row_point(row) for row in repo.minutes_between(session, start, end)]
