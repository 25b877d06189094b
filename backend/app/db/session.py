"""Engine and session management (SQLite with WAL + foreign keys, or PostgreSQL by URL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _create_pooled_engine(url: str) -> Engine:
    """PostgreSQL: a bounded pool per process. Every job worker is its own process with its own pool,
    so API pool + slots x worker pool must stay under the server's max_connections (see DEPLOYMENT.md)."""
    from app.config import get_settings

    settings = get_settings()
    return create_engine(
        url,
        pool_pre_ping=True,  # survive a PostgreSQL restart or an idle connection dropped by a proxy
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_recycle=settings.db_pool_recycle_s or -1,
    )


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL per process (worker processes build their own)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _configure_sqlite)
    else:
        engine = _create_pooled_engine(url)
    return engine


@lru_cache(maxsize=8)
def _session_factory(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: commits on success, rolls back on error."""
    session = _session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def check_database(url: str) -> tuple[bool, str | None]:
    try:
        with get_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
        return True, None
    except Exception as exc:  # reported in /health, never raised
        return False, f"{type(exc).__name__}: {exc}"[:500]


def dispose_engines() -> None:
    _session_factory.cache_clear()
    get_engine.cache_clear()
