"""Training rows as API shapes (summaries, details, events, metrics, checkpoints)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.config import Settings
from app.core.families.config import TrainingConfig
from app.core.families.registry import find_family
from app.core.training import events
from app.domain.errors import NotFound
from app.domain.status import RESUMABLE_STATUSES, SessionStatus
from app.repositories import dataset_versions as version_repo
from app.repositories import training as repo
from app.repositories.training import CheckpointRow, EpochMetricRow, EventRow, SessionRow
from app.schemas.training import (
    CheckpointOut,
    EpochMetricOut,
    TrainingEventOut,
    TrainingSessionDetail,
    TrainingSessionSummary,
)
from app.utils.clock import as_utc, as_utc_or_none


def require_session(db: Session, session_id: str) -> SessionRow:
    session = repo.get_session(db, session_id)
    if session is None:
        raise NotFound(f"Training session {session_id} does not exist")
    return session


def last_checkpoint_exists(settings: Settings, session: SessionRow) -> bool:
    family = find_family(session.framework)
    if family is None:
        return False
    trainer = family.trainer_class()  # trainer modules import their libraries inside `train` only
    return trainer.last_checkpoint(settings.runs_dir / session.id) is not None


def resumable(settings: Settings, session: SessionRow) -> bool:
    """Stopped and interrupted runs resume (from scratch when no epoch finished); a failed one only
    from a checkpoint."""
    if session.status not in RESUMABLE_STATUSES:
        return False
    return session.status != SessionStatus.FAILED or last_checkpoint_exists(settings, session)


def summary(
    settings: Settings,
    session: SessionRow,
    *,
    dataset_name: str | None = None,
    queue_position: int | None = None,
    version_number: int | None = None,
) -> TrainingSessionSummary:
    config = session.config or {}
    return TrainingSessionSummary(
        id=session.id,
        name=session.name,
        status=session.status,
        dataset_id=session.dataset_id,
        dataset_name=dataset_name,
        dataset_version_id=session.dataset_version_id,
        dataset_version_number=version_number,
        framework=session.framework,
        model_arch=session.model_arch,
        current_epoch=session.current_epoch,
        total_epochs=session.total_epochs,
        progress=session.progress,
        best_metric=session.best_metric,
        best_epoch=session.best_epoch,
        metric_name=events.PRIMARY_METRIC,
        error=session.error,
        resume_count=session.resume_count,
        queue_position=queue_position,
        resumable=resumable(settings, session),
        image_size=config.get("image_size"),
        batch_size=config.get("batch_size"),
        created_at=as_utc(session.created_at),
        started_at=as_utc_or_none(session.started_at),
        finished_at=as_utc_or_none(session.finished_at),
    )


def detail(settings: Settings, db: Session, session: SessionRow) -> TrainingSessionDetail:
    names = repo.dataset_names(db, {session.dataset_id} if session.dataset_id else set())
    position = repo.queue_positions(db).get(session.id) if session.status == SessionStatus.QUEUED else None
    numbers = version_repo.numbers(db, [session.dataset_version_id or ""])
    base = summary(
        settings,
        session,
        dataset_name=names.get(session.dataset_id or ""),
        queue_position=position,
        version_number=numbers.get(session.dataset_version_id or ""),
    )
    job = repo.latest_job(db, session.id)
    latest = repo.epoch_metrics(db, session.id, last_n=1)
    eta = None
    if session.status == SessionStatus.RUNNING:
        progress = repo.last_event(db, session.id, events.PROGRESS)
        eta = progress.payload.get("estimated_time_remaining") if progress else None
    return TrainingSessionDetail(
        **base.model_dump(),
        config=TrainingConfig.model_validate(session.config),
        job_id=job.id if job else None,
        stop_requested=bool(job and job.stop_requested and session.status == SessionStatus.RUNNING),
        model_id=repo.model_of_session(db, session.id),
        latest_metrics=latest[0].metrics if latest else None,
        estimated_time_remaining=eta,
    )


def event_out(event: EventRow) -> TrainingEventOut:
    return TrainingEventOut(
        id=event.id,
        type=event.type,
        session_id=event.session_id,
        timestamp=as_utc(event.created_at),
        data=event.payload,
    )


def metric_out(row: EpochMetricRow) -> EpochMetricOut:
    return EpochMetricOut(epoch=row.epoch, metrics=row.metrics, created_at=as_utc(row.created_at))


def checkpoint_out(settings: Settings, row: CheckpointRow) -> CheckpointOut:
    return CheckpointOut(
        id=row.id,
        session_id=row.session_id,
        epoch=row.epoch,
        metrics=row.metrics,
        is_best=row.is_best,
        size_bytes=row.size_bytes,
        path=row.path,
        exists=(settings.data_dir / row.path).is_file(),
        created_at=as_utc(row.created_at),
    )
