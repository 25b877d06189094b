"""Migrations upgrade from empty and downgrade cleanly, on SQLite and (in CI) PostgreSQL."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from app.db import tables  # noqa: F401
from app.db.base import Base
from app.db.migrate import downgrade, upgrade


def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_then_downgrade_removes_them(database_url: str) -> None:
    upgrade(database_url)
    assert _table_names(database_url) == set(Base.metadata.tables)
    downgrade(database_url, "base")
    assert _table_names(database_url) == set()
    upgrade(database_url)  # and again, from empty
    assert _table_names(database_url) == set(Base.metadata.tables)


def test_schema_matches_orm_tables(database_url: str) -> None:
    """Alembic autogenerate finds nothing to do: the migrations and tables.py agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    upgrade(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
