"""Database queries of the models area: models, their exports and evaluations, and jobs using them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from app.db.tables import Dataset, Job, Model, ModelEvaluation, ModelExport, TrainingSession
from app.domain.status import ACTIVE_STATUSES, JobStatus

ACTIVE_JOB_STATUSES = tuple(ACTIVE_STATUSES)
IMPORT_JOB_KIND = "model_import"
EXPORT_JOB_KIND = "model_export"
EVALUATE_JOB_KIND = "model_evaluate"

# The rows services read (services never import the ORM tables themselves).
ModelRow = Model
ExportRow = ModelExport
EvaluationRow = ModelEvaluation
JobRow = Job
DatasetRow = Dataset
SessionRow = TrainingSession
# The job-tracked rows of the models area, by job kind.
_TRACKED: dict[str, type[ModelExport] | type[ModelEvaluation]] = {
    EXPORT_JOB_KIND: ModelExport,
    EVALUATE_JOB_KIND: ModelEvaluation,
}


@dataclass(frozen=True)
class ModelFilters:
    source: str | None = None
    framework: str | None = None
    task: str | None = None
    dataset_id: str | None = None
    tag: str | None = None
    search: str | None = None


def _filtered(query: Select[Any], filters: ModelFilters) -> Select[Any]:
    if filters.source:
        query = query.where(Model.source == filters.source)
    if filters.framework:
        query = query.where(Model.framework == filters.framework)
    if filters.task:
        query = query.where(Model.task == filters.task)
    if filters.dataset_id:
        query = query.where(Model.dataset_id == filters.dataset_id)
    if filters.search:
        needle = filters.search.lower()
        query = query.where(
            or_(
                func.lower(Model.name).contains(needle, autoescape=True),
                func.lower(func.coalesce(Model.model_arch, "")).contains(needle, autoescape=True),
            )
        )
    return query


def list_models(db: Session, filters: ModelFilters, *, offset: int, limit: int) -> tuple[list[Model], int]:
    """A page of models, newest first, and the total matching. Tags (a JSON list) filter in Python."""
    query = _filtered(select(Model), filters).order_by(Model.created_at.desc(), Model.id)
    if filters.tag:
        wanted = filters.tag.lower()
        rows = [m for m in db.scalars(query).all() if wanted in (t.lower() for t in m.tags or [])]
        return rows[offset : offset + limit], len(rows)
    total = int(db.scalar(_filtered(select(func.count(Model.id)), filters)) or 0)
    return list(db.scalars(query.offset(offset).limit(limit)).all()), total


def get(db: Session, model_id: str) -> Model | None:
    return db.get(Model, model_id)


def models_by_ids(db: Session, ids: Sequence[str]) -> list[Model]:
    rows = {m.id: m for m in db.scalars(select(Model).where(Model.id.in_(list(ids)))).all()}
    return [rows[i] for i in ids if i in rows]


def dataset_names(db: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(db.execute(select(Dataset.id, Dataset.name).where(Dataset.id.in_(ids))).tuples().all())


def session_names(db: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    query = select(TrainingSession.id, TrainingSession.name).where(TrainingSession.id.in_(ids))
    return dict(db.execute(query).tuples().all())


def _counts(db: Session, column: Any, model_ids: list[str]) -> dict[str, int]:
    if not model_ids:
        return {}
    query = select(column, func.count()).where(column.in_(model_ids)).group_by(column)
    return {str(key): int(count) for key, count in db.execute(query).tuples().all()}


def export_counts(db: Session, model_ids: list[str]) -> dict[str, int]:
    return _counts(db, ModelExport.model_id, model_ids)


def evaluation_counts(db: Session, model_ids: list[str]) -> dict[str, int]:
    return _counts(db, ModelEvaluation.model_id, model_ids)


def exports_of(db: Session, model_id: str) -> list[ModelExport]:
    query = select(ModelExport).where(ModelExport.model_id == model_id)
    return list(db.scalars(query.order_by(ModelExport.created_at.desc(), ModelExport.id)).all())


def get_export(db: Session, model_id: str, export_id: str) -> ModelExport | None:
    row = db.get(ModelExport, export_id)
    return row if row is not None and row.model_id == model_id else None


def latest_completed_export(db: Session, model_id: str, format_name: str) -> ModelExport | None:
    query = (
        select(ModelExport)
        .where(
            ModelExport.model_id == model_id,
            ModelExport.format == format_name,
            ModelExport.status == JobStatus.COMPLETED,
        )
        .order_by(ModelExport.created_at.desc(), ModelExport.id)
        .limit(1)
    )
    return db.scalars(query).first()


def evaluations_of(db: Session, model_ids: Sequence[str]) -> list[ModelEvaluation]:
    query = select(ModelEvaluation).where(ModelEvaluation.model_id.in_(list(model_ids)))
    return list(db.scalars(query.order_by(ModelEvaluation.created_at.desc(), ModelEvaluation.id)).all())


def jobs_by_ids(db: Session, ids: set[str]) -> dict[str, Job]:
    if not ids:
        return {}
    return {job.id: job for job in db.scalars(select(Job).where(Job.id.in_(ids))).all()}


def active_jobs_on(db: Session, model_id: str) -> list[Job]:
    query = select(Job).where(Job.subject_id == model_id, Job.status.in_(ACTIVE_JOB_STATUSES))
    return list(db.scalars(query.order_by(Job.created_at)).all())


def active_trainings_from(db: Session, model_id: str, model_path: str) -> list[TrainingSession]:
    """Queued/running trainings whose starting weights are this model (by id or by its file)."""
    query = select(TrainingSession).where(TrainingSession.status.in_(ACTIVE_JOB_STATUSES))
    using = []
    for session in db.scalars(query).all():
        weights = (session.config or {}).get("weights")
        if isinstance(weights, str) and (
            weights in (model_id, model_path) or weights.startswith(f"models/{model_id}/")
        ):
            using.append(session)
    return using


def import_jobs(db: Session, limit: int) -> list[Job]:
    query = select(Job).where(Job.kind == IMPORT_JOB_KIND).order_by(Job.created_at.desc(), Job.id)
    return list(db.scalars(query.limit(limit)).all())


def get_job(db: Session, job_id: str) -> Job | None:
    return db.get(Job, job_id)


def get_dataset(db: Session, dataset_id: str) -> Dataset | None:
    return db.get(Dataset, dataset_id)


def get_session(db: Session, session_id: str) -> TrainingSession | None:
    return db.get(TrainingSession, session_id)


def get_evaluation(db: Session, evaluation_id: str) -> ModelEvaluation | None:
    return db.get(ModelEvaluation, evaluation_id)


def get_export_row(db: Session, export_id: str) -> ModelExport | None:
    return db.get(ModelExport, export_id)


def new_evaluation(db: Session, **fields: Any) -> ModelEvaluation:
    row = ModelEvaluation(**fields)
    db.add(row)
    db.flush()
    return row


def new_export(db: Session, **fields: Any) -> ModelExport:
    row = ModelExport(**fields)
    db.add(row)
    db.flush()
    return row


def delete_row(db: Session, row: Model | ModelExport) -> None:
    """Deletes a model (its exports and evaluations go with it: ON DELETE CASCADE) or an export."""
    db.delete(row)
    db.flush()


def link_job(db: Session, kind: str, row_id: str, job_id: str) -> None:
    """The export/evaluation row of a job `kind` gets its job id (unless it has one)."""
    table = _TRACKED[kind]
    db.execute(update(table).where(table.id == row_id, table.job_id.is_(None)).values(job_id=job_id))


def fail_unqueued(db: Session, kind: str, row_id: str, error: str, at: datetime) -> None:
    """The export/evaluation row whose job could not be queued is failed with the reason."""
    table = _TRACKED[kind]
    db.execute(
        update(table).where(table.id == row_id).values(status=JobStatus.FAILED, error=error, finished_at=at)
    )
