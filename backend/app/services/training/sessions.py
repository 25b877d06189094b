"""Training sessions: create, read, list, stop, cancel, resume and delete.

The runner that queues the work is handed in (`JobRunner`): routers take it from `RunnerDep`.
"""

from __future__ import annotations

import shutil
from datetime import datetime

from app.config import Settings
from app.core.families.registry import family_of_architecture
from app.core.training import events
from app.db.session import session_scope
from app.domain.errors import Conflict
from app.domain.status import ACTIVE_STATUSES, SessionStatus
from app.repositories import dataset_versions as version_repo
from app.repositories import training as repo
from app.schemas.common import Page
from app.schemas.training import (
    DeleteResponse,
    TrainingSessionCreate,
    TrainingSessionDetail,
    TrainingSessionSummary,
)
from app.services.ports import JobRunner
from app.services.training.recommendation import config_for_request
from app.services.training.resolution import resolve_dataset, resolve_start_weights, validate_device
from app.services.training.state import add_log, set_state
from app.services.training.views import detail, last_checkpoint_exists, require_session, resumable, summary
from app.utils.paths import is_inside


def create_session(
    settings: Settings, runner: JobRunner, body: TrainingSessionCreate
) -> TrainingSessionDetail:
    given = body.model_dump(include=body.model_fields_set - {"dataset_id", "name", "dataset_version_id"})
    config = config_for_request(settings, runner.training_gpu_count(), body.dataset_id, given)
    validate_device(runner, config.device)
    with session_scope(settings.resolved_database_url) as db:
        dataset = resolve_dataset(settings, db, body.dataset_id, body.dataset_version_id)
        weights = resolve_start_weights(settings, db, config)
        session = repo.new_session(
            db,
            name=body.name or f"{config.model_arch} on {dataset.name}"[:200],
            dataset_id=dataset.id,
            dataset_version_id=body.dataset_version_id,
            framework=family_of_architecture(config.model_arch).name,
            model_arch=config.model_arch,
            config=config.model_dump(mode="json"),
            status=SessionStatus.QUEUED,
            total_epochs=config.epochs,
            run_dir=None,
        )
        session.run_dir = session.id
        repo.add_event(
            db,
            session.id,
            events.STATE,
            {"status": SessionStatus.QUEUED, "previous": None, "message": "Queued"},
        )
        add_log(
            db,
            session.id,
            f"Queued {config.model_arch} on '{dataset.name}'{dataset.version_label} "
            f"({dataset.train_images} training images), starting from {weights.label}",
        )
        session_id = session.id
    runner.submit(kind=repo.TRAINING_JOB_KIND, params={"session_id": session_id}, subject_id=session_id)
    return get_session(settings, session_id)


def get_session(settings: Settings, session_id: str) -> TrainingSessionDetail:
    with session_scope(settings.resolved_database_url) as db:
        return detail(settings, db, require_session(db, session_id))


def list_sessions(
    settings: Settings,
    *,
    statuses: tuple[str, ...] = (),
    dataset_id: str | None = None,
    model_arch: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    search: str | None = None,
    offset: int,
    limit: int,
) -> Page[TrainingSessionSummary]:
    filters = repo.SessionFilters(statuses, dataset_id, model_arch, created_after, created_before, search)
    with session_scope(settings.resolved_database_url) as db:
        rows, total = repo.list_sessions(db, filters, offset=offset, limit=limit)
        names = repo.dataset_names(db, {r.dataset_id for r in rows if r.dataset_id})
        numbers = version_repo.numbers(db, [r.dataset_version_id or "" for r in rows])
        queued = any(r.status == SessionStatus.QUEUED for r in rows)
        positions = repo.queue_positions(db) if queued else {}
        items = [
            summary(
                settings,
                r,
                dataset_name=names.get(r.dataset_id or ""),
                queue_position=positions.get(r.id),
                version_number=numbers.get(r.dataset_version_id or ""),
            )
            for r in rows
        ]
    return Page[TrainingSessionSummary](items=items, total=total, offset=offset, limit=limit)


def stop_session(settings: Settings, runner: JobRunner, session_id: str) -> TrainingSessionDetail:
    """Running: the worker stops within seconds and keeps the last epoch resumable. Queued: cancelled."""
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        if session.status not in ACTIVE_STATUSES:
            raise Conflict(f"Session is {session.status}; only a queued or running session can be stopped")
        job = repo.latest_job(db, session_id)
        job_id = job.id if job else None
        was_queued = session.status == SessionStatus.QUEUED
    if was_queued and (job_id is None or runner.cancel(job_id)):
        _mark_cancelled(settings, session_id)
        return get_session(settings, session_id)
    if job_id is not None:
        runner.request_stop(job_id)
    with session_scope(settings.resolved_database_url) as db:
        add_log(db, session_id, "Stop requested: finishing at the current batch")
    return get_session(settings, session_id)


def _mark_cancelled(settings: Settings, session_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        if session.status == SessionStatus.QUEUED:
            set_state(db, session, SessionStatus.CANCELLED, "Cancelled before it started")


def cancel_session(settings: Settings, runner: JobRunner, session_id: str) -> TrainingSessionDetail:
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        if session.status != SessionStatus.QUEUED:
            raise Conflict(
                f"Session is {session.status}; only a queued session can be cancelled (stop a running one)"
            )
        job = repo.latest_job(db, session_id)
        job_id = job.id if job else None
    if job_id is not None and not runner.cancel(job_id):
        raise Conflict("The session has just started; stop it instead")
    _mark_cancelled(settings, session_id)
    return get_session(settings, session_id)


def resume_session(settings: Settings, runner: JobRunner, session_id: str) -> TrainingSessionDetail:
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        if not resumable(settings, session):
            raise Conflict(
                f"Session is {session.status} and cannot be resumed"
                + (" (no checkpoint to resume from)" if session.status == SessionStatus.FAILED else "")
            )
        if session.dataset_id is None:
            raise Conflict("The session's dataset was deleted; it cannot be resumed")
        resolve_dataset(settings, db, session.dataset_id, session.dataset_version_id)
        has_checkpoint = last_checkpoint_exists(settings, session)
        session.resume_count += 1
        session.error = None
        session.finished_at = None
        where = (
            f"from epoch {session.current_epoch + 1}"
            if has_checkpoint
            else "from the start (no finished epoch to resume from)"
        )
        set_state(db, session, SessionStatus.QUEUED, f"Resume requested: continues {where}")
    runner.submit(
        kind=repo.TRAINING_JOB_KIND, params={"session_id": session_id, "resume": True}, subject_id=session_id
    )
    return get_session(settings, session_id)


def delete_session(settings: Settings, session_id: str) -> DeleteResponse:
    with session_scope(settings.resolved_database_url) as db:
        session = require_session(db, session_id)
        if session.status in ACTIVE_STATUSES:
            raise Conflict(f"Session is {session.status}; stop or cancel it before deleting it")
        run_dir = settings.runs_dir / session.id
        repo.delete_session(db, session)
    freed = 0
    if run_dir.is_dir() and is_inside(run_dir, settings.runs_dir):
        freed = sum(p.stat().st_size for p in run_dir.rglob("*") if p.is_file())
        shutil.rmtree(run_dir, ignore_errors=True)
    return DeleteResponse(success=True, freed_bytes=freed)
