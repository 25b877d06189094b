"""Queries of the start-up housekeeping: what is still in flight, and what was saved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import Dataset, Job, Prediction


def active_jobs(db: Session, statuses: Iterable[str]) -> list[tuple[str, dict[str, Any]]]:
    """(id, params) of the jobs in these states."""
    rows = db.execute(select(Job.id, Job.params).where(Job.status.in_(list(statuses)))).all()
    return [(row.id, dict(row.params or {})) for row in rows]


def importing_datasets(db: Session, statuses: Iterable[str]) -> list[tuple[str, str, str | None]]:
    """(id, source, job id) of the datasets in these (importing) states."""
    query = select(Dataset.id, Dataset.source, Dataset.job_id).where(Dataset.status.in_(list(statuses)))
    return [(row.id, row.source, row.job_id) for row in db.execute(query)]


def saved_prediction_ids(db: Session) -> set[str]:
    return set(db.scalars(select(Prediction.id)))
