"""Database queries of the datasets area (datasets, their settings-table secrets, their jobs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db.tables import Dataset, DatasetVersion, Job, Setting, TrainingSession
from app.domain.status import ACTIVE_STATUSES, DatasetStatus

# The row type services read (they never import app.db.tables themselves).
DatasetRow = Dataset


def list_datasets(db: Session) -> Sequence[Dataset]:
    return db.scalars(select(Dataset).order_by(Dataset.created_at.desc(), Dataset.id)).all()


def get(db: Session, dataset_id: str) -> Dataset | None:
    return db.get(Dataset, dataset_id)


def get_by_source_ref(db: Session, source_ref: str) -> Dataset | None:
    return db.scalars(select(Dataset).where(Dataset.source_ref == source_ref)).one_or_none()


def add(db: Session, **values: Any) -> Dataset:
    """A new dataset row with these columns, flushed so that its id is known."""
    row = Dataset(**values)
    db.add(row)
    db.flush()
    return row


def save_by_source_ref(db: Session, source_ref: str, create: dict[str, Any], **values: Any) -> Dataset:
    """The row with this source_ref updated with `values`, or a new one (`create` + `values`); flushed."""
    row = get_by_source_ref(db, source_ref)
    if row is None:
        row = Dataset(source_ref=source_ref, **create)
        db.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    db.flush()
    return row


def delete(db: Session, dataset_id: str) -> bool:
    row = db.get(Dataset, dataset_id)
    if row is None:
        return False
    db.delete(row)
    return True


def mark_failed(db: Session, dataset_id: str, message: str) -> bool:
    """The row as a failed import: the error kept, its files' facts cleared; False when it is gone."""
    return update_fields(
        db,
        dataset_id,
        status=DatasetStatus.FAILED,
        error=message,
        message=None,
        progress=0.0,
        size_bytes=0,
        path=None,
        validation=None,
        splits={},
        image_count=0,
        instance_count=0,
    )


def used_bytes(db: Session, exclude_id: str | None = None) -> int:
    """Bytes all datasets use or have reserved (importing ones hold their expected size)."""
    query = select(func.coalesce(func.sum(Dataset.size_bytes), 0))
    if exclude_id is not None:
        query = query.where(Dataset.id != exclude_id)
    return int(db.scalar(query) or 0)


def update_fields(db: Session, dataset_id: str, **values: Any) -> bool:
    """Updates only the given columns; False when the row no longer exists."""
    result = db.execute(update(Dataset).where(Dataset.id == dataset_id).values(**values))
    return bool(getattr(result, "rowcount", 0))


@dataclass(frozen=True)
class SessionUse:
    """A training session that uses a dataset: what deleting the dataset needs to know."""

    name: str
    active: bool


def training_sessions_using(db: Session, dataset_id: str) -> list[SessionUse]:
    rows = db.execute(
        select(TrainingSession.name, TrainingSession.status).where(TrainingSession.dataset_id == dataset_id)
    ).all()
    return [SessionUse(name, status in ACTIVE_STATUSES) for name, status in rows]


def has_versions(db: Session, dataset_id: str) -> bool:
    return (
        db.scalar(select(DatasetVersion.id).where(DatasetVersion.dataset_id == dataset_id).limit(1))
        is not None
    )


def detach_training_sessions(db: Session, dataset_id: str) -> int:
    result = db.execute(
        update(TrainingSession).where(TrainingSession.dataset_id == dataset_id).values(dataset_id=None)
    )
    return int(getattr(result, "rowcount", 0))


def get_setting(db: Session, key: str) -> Any:
    row = db.get(Setting, key)
    return None if row is None else row.value


def set_setting(db: Session, key: str, value: Any) -> None:
    row = db.get(Setting, key)
    if row is None:
        db.add(Setting(key=key, value=value))
    else:
        row.value = value


def delete_setting(db: Session, key: str) -> bool:
    row = db.get(Setting, key)
    if row is None:
        return False
    db.delete(row)
    return True


def pop_setting(db: Session, key: str) -> Any:
    value = get_setting(db, key)
    delete_setting(db, key)
    return value


def get_job(db: Session, job_id: str) -> Job | None:
    return db.get(Job, job_id)
