"""Time, one way: timezone-aware UTC everywhere.

SQLite hands back naive datetimes for values that were written as UTC; `as_utc` is the one place that
says so. Everything the API returns goes through it (or `iso_z`) so clients always see an offset.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive value is taken to be UTC already (how the database stores it)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def as_utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def iso_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z` suffix (events and exports)."""
    return as_utc(moment).isoformat().replace("+00:00", "Z")


def from_timestamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
