from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from app.config import Settings
from app.db.session import get_engine, session_scope
from app.db.tables import Dataset, EpochMetric, TrainingSession


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_settings: Settings) -> None:
    with get_engine(sqlite_settings.resolved_database_url).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_session_rows_round_trip_and_cascade(settings: Settings) -> None:
    url = settings.resolved_database_url
    with session_scope(url) as db:
        ds = Dataset(name="d", source="upload", status="ready", class_names=["crack"])
        db.add(ds)
        db.flush()
        run = TrainingSession(name="r", dataset_id=ds.id, framework="ultralytics", model_arch="yolov8n-seg")
        db.add(run)
        db.flush()
        db.add(EpochMetric(session_id=run.id, epoch=1, metrics={"loss": 1.5}))
        run_id = run.id
    with session_scope(url) as db:
        metric = db.scalars(select(EpochMetric)).one()
        assert metric.metrics == {"loss": 1.5}
        db.delete(db.get(TrainingSession, run_id))
    with session_scope(url) as db:
        assert db.scalars(select(EpochMetric)).all() == []


def test_epoch_metric_is_unique_per_session_and_epoch(settings: Settings) -> None:
    url = settings.resolved_database_url
    with session_scope(url) as db:
        run = TrainingSession(name="r", framework="ultralytics", model_arch="yolov8n-seg")
        db.add(run)
        db.flush()
        run_id = run.id
    with pytest.raises(IntegrityError), session_scope(url) as db:
        db.add(EpochMetric(session_id=run_id, epoch=1, metrics={}))
        db.add(EpochMetric(session_id=run_id, epoch=1, metrics={}))


def test_dataset_in_use_cannot_be_deleted_by_the_database(settings: Settings) -> None:
    url = settings.resolved_database_url
    with session_scope(url) as db:
        ds = Dataset(name="d", source="upload", status="ready")
        db.add(ds)
        db.flush()
        db.add(TrainingSession(name="r", dataset_id=ds.id, framework="ultralytics", model_arch="x"))
        ds_id = ds.id
    with pytest.raises(IntegrityError), session_scope(url) as db:
        db.delete(db.get(Dataset, ds_id))


def test_postgres_pool_follows_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pool bounds come from CRACKDET_DB_* so API + job workers stay under max_connections."""
    from app.config import get_settings
    from app.db.session import dispose_engines
    from tests.conftest import POSTGRES_URL

    if POSTGRES_URL is None:  # like every PostgreSQL test: runs where CRACKDET_TEST_POSTGRES_URL is set (CI)
        pytest.skip("CRACKDET_TEST_POSTGRES_URL is not set")
    monkeypatch.setenv("CRACKDET_DB_POOL_SIZE", "3")
    monkeypatch.setenv("CRACKDET_DB_MAX_OVERFLOW", "1")
    get_settings.cache_clear()
    dispose_engines()
    try:
        engine = get_engine(POSTGRES_URL)
        assert engine.pool.size() == 3
        with engine.connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar() == 1
    finally:
        get_settings.cache_clear()
        dispose_engines()
