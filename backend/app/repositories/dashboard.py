"""Queries for the dashboard: counts across areas and the recent training sessions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.tables import Dataset, Model, TrainingSession


def training_counts(session: Session) -> dict[str, int]:
    """Training sessions by status."""
    query = select(TrainingSession.status, func.count()).group_by(TrainingSession.status)
    return {status: int(count) for status, count in session.execute(query).all()}


def dataset_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Dataset)) or 0


def model_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Model)) or 0


def recent_trainings(session: Session, limit: int) -> Sequence[tuple[TrainingSession, str | None]]:
    """The newest training sessions with their dataset's name (None once the dataset is deleted)."""
    query = (
        select(TrainingSession, Dataset.name)
        .outerjoin(Dataset, Dataset.id == TrainingSession.dataset_id)
        .order_by(TrainingSession.created_at.desc(), TrainingSession.id)
        .limit(limit)
    )
    return [(run, name) for run, name in session.execute(query).all()]
