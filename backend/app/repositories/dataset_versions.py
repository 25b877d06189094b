"""Queries on dataset_versions, and who uses a version (training sessions, models)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.tables import DatasetVersion, Model, TrainingSession

# The row type services read (they never import app.db.tables themselves).
VersionRow = DatasetVersion


def of_dataset(db: Session, dataset_id: str) -> Sequence[DatasetVersion]:
    """Newest first."""
    return db.scalars(
        select(DatasetVersion)
        .where(DatasetVersion.dataset_id == dataset_id)
        .order_by(DatasetVersion.number.desc())
    ).all()


def get(db: Session, version_id: str) -> DatasetVersion | None:
    return db.get(DatasetVersion, version_id) if len(version_id) <= 32 else None


def latest(db: Session, dataset_id: str) -> DatasetVersion | None:
    return db.scalars(
        select(DatasetVersion)
        .where(DatasetVersion.dataset_id == dataset_id)
        .order_by(DatasetVersion.number.desc())
        .limit(1)
    ).first()


def add_next(db: Session, dataset_id: str, **values: Any) -> DatasetVersion | None:
    """A new version numbered one above the dataset's highest; None when another writer took that
    number at the same moment (the unique constraint decides; the transaction is rolled back)."""
    highest = db.scalar(
        select(func.max(DatasetVersion.number)).where(DatasetVersion.dataset_id == dataset_id)
    )
    row = DatasetVersion(dataset_id=dataset_id, number=int(highest or 0) + 1, **values)
    try:
        db.add(row)
        db.flush()
    except IntegrityError:
        db.rollback()
        return None
    return row


def delete(db: Session, row: DatasetVersion) -> None:
    db.delete(row)


def all_manifest_hashes(db: Session) -> set[str]:
    return set(db.scalars(select(DatasetVersion.manifest_sha256)).all())


def models_trained_on(db: Session, version_id: str) -> list[str]:
    return list(
        db.scalars(select(Model.name).where(Model.dataset_version_id == version_id).order_by(Model.name))
    )


def sessions_training_on(db: Session, version_id: str) -> list[str]:
    return list(
        db.scalars(
            select(TrainingSession.name)
            .where(TrainingSession.dataset_version_id == version_id)
            .order_by(TrainingSession.name)
        )
    )


def numbers(db: Session, version_ids: Iterable[str]) -> dict[str, int]:
    """{version id: its number} (lineage of models and sessions)."""
    ids = [i for i in set(version_ids) if i]
    if not ids:
        return {}
    rows = db.execute(
        select(DatasetVersion.id, DatasetVersion.number).where(DatasetVersion.id.in_(ids))
    ).all()
    return {str(version_id): int(number) for version_id, number in rows}
