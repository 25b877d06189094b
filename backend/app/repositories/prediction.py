"""Queries on the predictions table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from app.db.tables import Job, Model, ModelExport, Prediction
from app.domain.status import JobStatus

# The row type services read (they never import app.db.tables themselves).
PredictionRow = Prediction


def add(db: Session, **values: Any) -> Prediction:
    row = Prediction(**values)
    db.add(row)
    db.flush()
    return row


def delete(db: Session, row: Prediction) -> None:
    db.delete(row)


def get(db: Session, prediction_id: str) -> Prediction | None:
    return db.get(Prediction, prediction_id)


def get_model(db: Session, model_id: str) -> Model | None:
    return db.get(Model, model_id)


def latest_completed_exports(db: Session, model_id: str, formats: Sequence[str]) -> dict[str, str]:
    """{format: stored path} of the newest completed export of the model in each format."""
    rows = db.execute(
        select(ModelExport.format, ModelExport.path)
        .where(
            ModelExport.model_id == model_id,
            ModelExport.format.in_(list(formats)),
            ModelExport.status == JobStatus.COMPLETED,
            ModelExport.path.is_not(None),
        )
        .order_by(ModelExport.created_at.desc(), ModelExport.id)
    ).all()
    found: dict[str, str] = {}
    for fmt, path in rows:
        found.setdefault(str(fmt), str(path))
    return found


def get_job(db: Session, job_id: str) -> Job | None:
    return db.get(Job, job_id)


def latest_job_for(db: Session, kind: str, subject_id: str) -> Job | None:
    """The newest job of this kind about this subject (e.g. a batch's prediction job)."""
    query = select(Job).where(Job.kind == kind, Job.subject_id == subject_id).order_by(Job.created_at.desc())
    return db.scalars(query).first()


def page(
    db: Session, *, offset: int, limit: int, batch_id: str | None = None, model_id: str | None = None
) -> tuple[list[Prediction], int]:
    """Newest first, without the (large) results column."""
    conditions = []
    if batch_id is not None:
        conditions.append(Prediction.batch_id == batch_id)
    if model_id is not None:
        conditions.append(Prediction.model_id == model_id)
    total = int(db.scalar(select(func.count()).select_from(Prediction).where(*conditions)) or 0)
    rows = db.scalars(
        select(Prediction)
        .options(defer(Prediction.results))
        .where(*conditions)
        .order_by(Prediction.created_at.desc(), Prediction.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), total


def by_ids(db: Session, ids: Sequence[str]) -> list[Prediction]:
    """The predictions with these ids, in the order given (unknown ids are left out)."""
    rows = {row.id: row for row in db.scalars(select(Prediction).where(Prediction.id.in_(list(ids))))}
    return [rows[i] for i in ids if i in rows]


def of_batch(db: Session, batch_id: str, *, with_results: bool = True) -> list[Prediction]:
    query = (
        select(Prediction)
        .where(Prediction.batch_id == batch_id)
        .order_by(Prediction.created_at, Prediction.id)
    )
    if not with_results:
        query = query.options(defer(Prediction.results))
    return list(db.scalars(query).all())


def count_batch(db: Session, batch_id: str) -> int:
    return int(
        db.scalar(select(func.count()).select_from(Prediction).where(Prediction.batch_id == batch_id)) or 0
    )
