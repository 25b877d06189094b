"""Database queries of the training area (sessions, events, epoch metrics, checkpoints)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from app.core.training import events
from app.db.tables import Checkpoint, Dataset, EpochMetric, Job, Model, TrainingEvent, TrainingSession
from app.domain.status import JobStatus

TRAINING_JOB_KIND = "training"

# The rows services read (services never import the ORM tables themselves).
SessionRow = TrainingSession
EventRow = TrainingEvent
EpochMetricRow = EpochMetric
CheckpointRow = Checkpoint
DatasetRow = Dataset
ModelRow = Model


@dataclass(frozen=True)
class SessionFilters:
    statuses: Sequence[str] = ()
    dataset_id: str | None = None
    model_arch: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    search: str | None = None


# -- sessions --------------------------------------------------------------------------------------


def get_session(db: Session, session_id: str) -> TrainingSession | None:
    return db.get(TrainingSession, session_id)


def new_session(db: Session, **fields: Any) -> TrainingSession:
    """A new session row, flushed (its id is set)."""
    session = TrainingSession(**fields)
    db.add(session)
    db.flush()
    return session


def delete_session(db: Session, session: TrainingSession) -> None:
    db.delete(session)


def get_dataset(db: Session, dataset_id: str) -> Dataset | None:
    return db.get(Dataset, dataset_id)


def get_model(db: Session, model_id: str) -> Model | None:
    return db.get(Model, model_id)


def dataset_names(db: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(db.execute(select(Dataset.id, Dataset.name).where(Dataset.id.in_(list(ids)))).tuples().all())


def new_model(db: Session, **fields: Any) -> Model:
    """A model registered by a completed session."""
    model = Model(**fields)
    db.add(model)
    return model


def model_of_session(db: Session, session_id: str) -> str | None:
    """The id of the model a session registered, if any."""
    return db.scalar(select(Model.id).where(Model.session_id == session_id).limit(1))


def _filtered(query: Select[Any], filters: SessionFilters) -> Select[Any]:
    if filters.statuses:
        query = query.where(TrainingSession.status.in_(list(filters.statuses)))
    if filters.dataset_id:
        query = query.where(TrainingSession.dataset_id == filters.dataset_id)
    if filters.model_arch:
        query = query.where(TrainingSession.model_arch == filters.model_arch)
    if filters.created_after:
        query = query.where(TrainingSession.created_at >= filters.created_after)
    if filters.created_before:
        query = query.where(TrainingSession.created_at < filters.created_before)
    if filters.search:
        escaped = filters.search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(TrainingSession.name.ilike(f"%{escaped}%", escape="\\"))
    return query


def list_sessions(
    db: Session, filters: SessionFilters, *, offset: int, limit: int
) -> tuple[list[TrainingSession], int]:
    total = db.scalar(_filtered(select(func.count(TrainingSession.id)), filters)) or 0
    rows = db.scalars(
        _filtered(select(TrainingSession), filters)
        .order_by(TrainingSession.created_at.desc(), TrainingSession.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


def sessions_by_ids(db: Session, ids: Sequence[str]) -> list[TrainingSession]:
    rows = {row.id: row for row in db.scalars(select(TrainingSession).where(TrainingSession.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]


def queue_positions(db: Session) -> dict[str, int]:
    """1-based FIFO position of every queued training session (by its job's creation)."""
    subject_ids = db.scalars(
        select(Job.subject_id)
        .where(Job.kind == TRAINING_JOB_KIND, Job.status == JobStatus.QUEUED)
        .order_by(Job.created_at, Job.id)
    ).all()
    return {subject: index + 1 for index, subject in enumerate(s for s in subject_ids if s)}


def latest_job(db: Session, session_id: str) -> Job | None:
    return db.scalars(
        select(Job)
        .where(Job.kind == TRAINING_JOB_KIND, Job.subject_id == session_id)
        .order_by(Job.created_at.desc(), Job.id.desc())
        .limit(1)
    ).first()


# -- events ----------------------------------------------------------------------------------------


def add_event(db: Session, session_id: str, type_: str, payload: dict[str, Any]) -> TrainingEvent:
    event = TrainingEvent(session_id=session_id, type=type_, payload=payload)
    db.add(event)
    return event


def events_after(
    db: Session, session_id: str, after_id: int, *, limit: int = 1000, types: Sequence[str] = ()
) -> list[TrainingEvent]:
    query = select(TrainingEvent).where(TrainingEvent.session_id == session_id, TrainingEvent.id > after_id)
    if types:
        query = query.where(TrainingEvent.type.in_(list(types)))
    return list(db.scalars(query.order_by(TrainingEvent.id).limit(limit)).all())


def replay_events(db: Session, session_id: str, after_id: int) -> list[TrainingEvent]:
    """Every event after `after_id` in id order, except progress events superseded by a later one."""
    last_progress = db.scalar(
        select(func.max(TrainingEvent.id)).where(
            TrainingEvent.session_id == session_id,
            TrainingEvent.id > after_id,
            TrainingEvent.type == events.PROGRESS,
        )
    )
    query = select(TrainingEvent).where(TrainingEvent.session_id == session_id, TrainingEvent.id > after_id)
    if last_progress is not None:
        query = query.where((TrainingEvent.type != events.PROGRESS) | (TrainingEvent.id == last_progress))
    return list(db.scalars(query.order_by(TrainingEvent.id)).all())


def last_event(db: Session, session_id: str, type_: str) -> TrainingEvent | None:
    return db.scalars(
        select(TrainingEvent)
        .where(TrainingEvent.session_id == session_id, TrainingEvent.type == type_)
        .order_by(TrainingEvent.id.desc())
        .limit(1)
    ).first()


def max_event_id(db: Session, session_id: str) -> int:
    value = db.scalar(select(func.max(TrainingEvent.id)).where(TrainingEvent.session_id == session_id))
    return int(value or 0)


def log_events(db: Session, session_id: str, tail: int) -> list[TrainingEvent]:
    rows = db.scalars(
        select(TrainingEvent)
        .where(TrainingEvent.session_id == session_id, TrainingEvent.type == events.LOG)
        .order_by(TrainingEvent.id.desc())
        .limit(tail)
    ).all()
    return list(reversed(rows))


# -- epoch metrics ---------------------------------------------------------------------------------


def upsert_epoch_metric(db: Session, session_id: str, epoch: int, metrics: dict[str, float]) -> None:
    db.execute(delete(EpochMetric).where(EpochMetric.session_id == session_id, EpochMetric.epoch == epoch))
    db.add(EpochMetric(session_id=session_id, epoch=epoch, metrics=metrics))


def epoch_metric_values(db: Session, session_id: str, epoch: int) -> dict[str, float]:
    """The metrics of one epoch ({} when it has none)."""
    row = db.scalar(
        select(EpochMetric).where(EpochMetric.session_id == session_id, EpochMetric.epoch == epoch)
    )
    return dict(row.metrics) if row is not None else {}


def delete_epoch_metrics(db: Session, session_id: str) -> None:
    db.execute(delete(EpochMetric).where(EpochMetric.session_id == session_id))


def epoch_metrics(db: Session, session_id: str, last_n: int | None = None) -> list[EpochMetric]:
    query = select(EpochMetric).where(EpochMetric.session_id == session_id)
    if last_n is not None:
        rows = db.scalars(query.order_by(EpochMetric.epoch.desc()).limit(last_n)).all()
        return list(reversed(rows))
    return list(db.scalars(query.order_by(EpochMetric.epoch)).all())


def metrics_for_sessions(db: Session, session_ids: Sequence[str]) -> dict[str, list[EpochMetric]]:
    out: dict[str, list[EpochMetric]] = {sid: [] for sid in session_ids}
    rows = db.scalars(
        select(EpochMetric)
        .where(EpochMetric.session_id.in_(list(session_ids)))
        .order_by(EpochMetric.session_id, EpochMetric.epoch)
    ).all()
    for row in rows:
        out[row.session_id].append(row)
    return out


# -- checkpoints -----------------------------------------------------------------------------------


def delete_checkpoints(db: Session, session_id: str) -> None:
    db.execute(delete(Checkpoint).where(Checkpoint.session_id == session_id))


def checkpoints(db: Session, session_id: str) -> list[Checkpoint]:
    return list(
        db.scalars(
            select(Checkpoint).where(Checkpoint.session_id == session_id).order_by(Checkpoint.epoch)
        ).all()
    )


def insert_checkpoint(db: Session, session_id: str, **fields: Any) -> Checkpoint:
    """A checkpoint row as given (several rows may share an epoch: best weights and resume point)."""
    row = Checkpoint(session_id=session_id, **fields)
    db.add(row)
    return row


def add_checkpoint(
    db: Session,
    session_id: str,
    *,
    epoch: int,
    path: str,
    metrics: dict[str, float],
    is_best: bool,
    size_bytes: int,
) -> Checkpoint:
    db.execute(delete(Checkpoint).where(Checkpoint.session_id == session_id, Checkpoint.epoch == epoch))
    if is_best:
        db.execute(update(Checkpoint).where(Checkpoint.session_id == session_id).values(is_best=False))
    row = Checkpoint(
        session_id=session_id, epoch=epoch, path=path, metrics=metrics, is_best=is_best, size_bytes=size_bytes
    )
    db.add(row)
    db.flush()
    return row


def checkpoints_to_prune(rows: Sequence[Checkpoint], keep_last: int) -> list[Checkpoint]:
    """Retention: keep the best and the last `keep_last` epochs; the rest go."""
    ordered = sorted(rows, key=lambda row: row.epoch)
    keep = {row.id for row in ordered if row.is_best}
    if keep_last > 0:
        keep.update(row.id for row in ordered[-keep_last:])
    return [row for row in ordered if row.id not in keep]
