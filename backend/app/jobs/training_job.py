"""The "training" job: runs one training session (or its resume) in a worker process.

It talks to the world only through its JobContext and the database, so the local runner and a
distributed one (Celery) run it unchanged. The API process imports this module for its queue and
`on_lost` hook: the ML libraries are imported inside the handler only.
The session's model family (app/core/families) picks the Trainer and the dataset copy it needs; nothing
else here depends on a family.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.core.families.config import TrainingConfig
from app.core.families.registry import families, family_of_architecture, require_architecture
from app.core.training import events
from app.core.training.base import (
    KeptFile,
    Trainer,
    TrainingError,
    TrainingOutcome,
    TrainingRequest,
    TrainingStopRequested,
)
from app.core.training.config import resolve_device
from app.core.training.offline import prepare_ultralytics_env
from app.db.base import new_id
from app.db.session import session_scope
from app.domain.errors import AppError
from app.domain.status import ACTIVE_STATUSES, SessionStatus
from app.jobs.context import JobContext, JobStopped
from app.jobs.registry import JobSnapshot, job_handler
from app.jobs.training_recorder import (
    TrainingRecorder,
    kept_summary,
    primary_metric_value,
    replace_checkpoint_rows,
)
from app.repositories import training as repo
from app.repositories.training import ModelRow, SessionRow
from app.services.training.resolution import resolve_dataset, resolve_start_weights, write_run_data_yaml
from app.services.training.state import add_log, log_tail_text, mark_lost, set_state
from app.utils.clock import utc_now
from app.utils.paths import relative_posix


def _prune_dataset_caches(settings: Settings) -> None:
    """The families' derived copies of datasets that were deleted since go too (the copies are cheap:
    images are links)."""
    for family in families():
        if family.dataset_cache is None:
            continue
        root = settings.data_dir / family.dataset_cache
        if not root.is_dir():
            continue
        for entry in root.iterdir():
            dataset_id = entry.name.lstrip(".").split(".")[0]  # <id>, .<id>.lock, .<id>.building-<x>
            if (settings.datasets_dir / dataset_id).is_dir():
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------------------
# Preparing a run
# --------------------------------------------------------------------------------------------------


def _download_official(target: Path) -> None:
    """Online only (checked by the API before queueing): fetch official weights into models/official."""
    from ultralytics.utils.downloads import attempt_download_asset

    target.parent.mkdir(parents=True, exist_ok=True)
    problem = ""
    try:
        attempt_download_asset(str(target))
    except Exception as exc:  # offline after all, GitHub unreachable, disk full...
        problem = f" ({type(exc).__name__}: {str(exc)[:300]})"
    if not target.is_file():
        raise TrainingError(
            f"Could not download {target.name}{problem}. Put it into {target.parent}, or train from scratch."
        )


def _gpu_count() -> int:
    from app.core.hardware import gpu_count

    return gpu_count()


def _already_trained(settings: Settings, session_id: str, epochs: int) -> bool:
    with session_scope(settings.resolved_database_url) as db:
        rows = repo.epoch_metrics(db, session_id, last_n=1)
        return bool(rows) and rows[0].epoch >= epochs


def _reset_progress(settings: Settings, session_id: str) -> None:
    """A fresh start: forget epochs of an attempt that finished none (nothing resumable)."""
    with session_scope(settings.resolved_database_url) as db:
        repo.delete_epoch_metrics(db, session_id)
        repo.delete_checkpoints(db, session_id)
        session = repo.get_session(db, session_id)
        if session is not None:
            session.current_epoch, session.progress = 0, 0.0
            session.best_epoch = session.best_metric = None


def prepare_request(
    settings: Settings,
    session_id: str,
    config: TrainingConfig,
    dataset_id: str,
    *,
    resume: bool,
    recorder: TrainingRecorder,
) -> TrainingRequest:
    family = family_of_architecture(config.model_arch)
    trainer = family.trainer_class()
    run_dir = settings.runs_dir / session_id
    with session_scope(settings.resolved_database_url) as db:
        session_row = repo.get_session(db, session_id)
        version_id = session_row.dataset_version_id if session_row is not None else None
        dataset = resolve_dataset(settings, db, dataset_id, version_id)
        last = trainer.last_checkpoint(run_dir) if resume else None
        weights = None if last else resolve_start_weights(settings, db, config)
    try:
        device = resolve_device(config.device, _gpu_count())
    except ValueError as exc:
        raise TrainingError(f"device: {exc}") from exc
    data_yaml = write_run_data_yaml(dataset, run_dir)
    if last is None:
        if resume:
            recorder.on_log("No finished epoch to resume from: starting from the beginning", "warning")
        _reset_progress(settings, session_id)
        shutil.rmtree(run_dir / "train", ignore_errors=True)
        assert weights is not None
        if weights.kind == "download" and not family.library_downloads_weights:
            recorder.on_log(f"Downloading {weights.label}")
            assert weights.path is not None
            _download_official(weights.path)
        elif weights.kind == "download":  # the library fetches them into its cache while building
            recorder.on_log(f"Starting from {weights.label}: fetched into {weights.path} while building")
        recorder.on_log(
            f"Building {config.model_arch} from {weights.label}; "
            f"dataset '{dataset.name}'{dataset.version_label} "
            f"({dataset.train_images} training images, classes: {', '.join(dataset.class_names)}); "
            f"device {device}"
        )
    else:
        recorder.on_log(f"Resuming from {last.name} on device {device}")
    return TrainingRequest(
        session_id=session_id,
        config=config,
        data_yaml=data_yaml,
        run_dir=run_dir,
        device=device,
        train_images=dataset.train_images,
        class_names=dataset.class_names,
        weights=weights.path if weights else None,
        resume_from=last,
        dataset_root=dataset.root,
        cache_dir=family.dataset_cache_dir(settings.data_dir, dataset.cache_key),
    )


# --------------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------------


def _model_weights(settings: Settings, request: TrainingRequest, best: Path) -> Path:
    """The registered model's weights file: a hard link of the run's best weights (which the run folder
    may tidy away later), a copy where the file system refuses links."""
    from app.core.export.engine import link_or_copy

    target = settings.models_dir / new_id() / family_of_architecture(request.config.model_arch).model_file
    target.parent.mkdir(parents=True, exist_ok=True)
    link_or_copy(best, target)
    return target


def _register_model(
    settings: Settings,
    db: Session,
    session: SessionRow,
    request: TrainingRequest,
    target: Path,
    metrics: dict[str, float],
) -> ModelRow:
    return repo.new_model(
        db,
        id=target.parent.name,
        name=session.name,
        source="trained",
        framework=family_of_architecture(session.model_arch).name,
        model_arch=session.model_arch,
        task=require_architecture(session.model_arch).task,
        class_names=request.class_names,
        image_size=request.config.image_size,
        path=relative_posix(target, settings.data_dir),
        size_bytes=target.stat().st_size,
        metrics=metrics,
        dataset_id=session.dataset_id,
        dataset_version_id=session.dataset_version_id,
        session_id=session.id,
    )


def _complete(
    settings: Settings,
    session_id: str,
    request: TrainingRequest,
    outcome: TrainingOutcome | None,
    trainer: type[Trainer],
) -> dict[str, Any]:
    best = (outcome.best_weights if outcome else None) or trainer.best_checkpoint(request.run_dir)
    if best is None:
        raise TrainingError("Training ended without best weights")
    target = _model_weights(settings, request, best)
    kept = _tidy_files(trainer, request.run_dir, completed=True)  # before anyone sees "completed"
    try:
        return _record_completion(settings, session_id, request, outcome, target, kept)
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise


def _record_completion(
    settings: Settings,
    session_id: str,
    request: TrainingRequest,
    outcome: TrainingOutcome | None,
    target: Path,
    kept: list[KeptFile] | None,
) -> dict[str, Any]:
    with session_scope(settings.resolved_database_url) as db:
        session = repo.get_session(db, session_id)
        assert session is not None
        if outcome is not None and outcome.best_epoch is not None:
            session.best_epoch = outcome.best_epoch
        metrics = (outcome.final_metrics if outcome else {}) or {}
        if not metrics and session.best_epoch is not None:  # the best epoch came before a resume
            metrics = repo.epoch_metric_values(db, session_id, session.best_epoch)
        model = _register_model(settings, db, session, request, target, metrics)
        if primary_metric_value(metrics) is not None:
            session.best_metric = primary_metric_value(metrics)
        session.progress = 1.0
        if outcome is not None:
            session.current_epoch = outcome.epochs_completed
        payload = {
            "best_map": session.best_metric,
            "best_epoch": session.best_epoch,
            "total_epochs": session.total_epochs,
            "epochs_completed": session.current_epoch,
            "checkpoint_path": model.path,
            "model_id": model.id,
            "metrics": metrics,
        }
        repo.add_event(db, session_id, events.COMPLETE, payload)
        if kept is not None:
            replace_checkpoint_rows(settings, db, session, kept)
            add_log(db, session_id, kept_summary(kept))
        add_log(
            db,
            session_id,
            f"Completed: best epoch {session.best_epoch}, mask mAP50-95 "
            f"{session.best_metric}; registered model {model.id}",
        )
        set_state(db, session, SessionStatus.COMPLETED, "Training completed")
    return {"model_id": model.id, "best_epoch": payload["best_epoch"], "best_map": payload["best_map"]}


def _finish(
    settings: Settings, session_id: str, status: SessionStatus, message: str, *, code: str | None = None
) -> None:
    with session_scope(settings.resolved_database_url) as db:
        session = repo.get_session(db, session_id)
        if session is None:
            return
        if status == SessionStatus.FAILED:
            tail = log_tail_text(db, session_id)
            session.error = message + (f"\nLast log lines:\n{tail}" if tail else "")
            repo.add_event(db, session_id, events.ERROR, {"message": message, "code": code or "error"})
            add_log(db, session_id, message, "error")
        set_state(db, session, status, message)


def _claim(
    settings: Settings, session_id: str, ctx: JobContext, resume: bool
) -> tuple[TrainingConfig, str] | None:
    with session_scope(settings.resolved_database_url) as db:
        session = repo.get_session(db, session_id)
        if session is None or session.status not in ACTIVE_STATUSES or session.dataset_id is None:
            return None
        session.started_at = session.started_at or utc_now()
        session.heartbeat_at = utc_now()
        session.worker = f"job:{ctx.job_id}"
        session.error = None
        message = "Resumed" if resume else "Started"
        set_state(db, session, SessionStatus.RUNNING, f"{message} (worker process {os.getpid()})")
        return TrainingConfig.model_validate(session.config), session.dataset_id


def on_training_lost(settings: Settings, job: JobSnapshot, reason: str, interrupted: bool) -> None:
    """API process: the worker died (failed, with reason and last log lines) or the server restarted
    while it ran (interrupted: resumable from the last finished epoch)."""
    session_id = str(job.params.get("session_id") or job.subject_id or "")
    if session_id:
        mark_lost(settings, session_id, reason, interrupted=interrupted, job_id=job.id)


@job_handler("training", queue="gpu", on_lost=on_training_lost)
def run_training(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any] | None:
    settings = ctx.settings
    session_id = str(params["session_id"])
    resume = bool(params.get("resume"))
    claimed = _claim(settings, session_id, ctx, resume)
    if claimed is None:
        return {"skipped": True}
    config, dataset_id = claimed
    if ctx.should_stop():  # stopped while it was being started
        _stopped(settings, session_id)
        raise JobStopped("Stopped at the user's request")
    prepare_ultralytics_env(settings.data_dir)  # before anything imports ultralytics
    recorder = TrainingRecorder(settings, session_id, ctx, config)
    trainer = family_of_architecture(config.model_arch).trainer_class()
    run_dir = settings.runs_dir / session_id
    try:
        request = prepare_request(settings, session_id, config, dataset_id, resume=resume, recorder=recorder)
        if request.resume_from is not None and _already_trained(settings, session_id, config.epochs):
            recorder.on_log("All epochs had finished: registering the result")
            result = _complete(settings, session_id, request, None, trainer)
        else:
            _prune_dataset_caches(settings)
            outcome = trainer().train(request, recorder)
            result = _complete(settings, session_id, request, outcome, trainer)
    except TrainingStopRequested:
        _tidy(trainer, run_dir, recorder, completed=False)
        _stopped(settings, session_id)
        raise JobStopped("Stopped at the user's request") from None
    except (TrainingError, AppError) as exc:
        _tidy(trainer, run_dir, recorder, completed=False)
        message = str(exc.detail if isinstance(exc, AppError) else exc)
        code = "out_of_memory" if "out of memory" in message else "invalid"
        _finish(settings, session_id, SessionStatus.FAILED, message, code=code)
        raise
    except BaseException as exc:
        _tidy(trainer, run_dir, recorder, completed=False)
        _finish(
            settings,
            session_id,
            SessionStatus.FAILED,
            f"{type(exc).__name__}: {exc}"[:2000],
            code="exception",
        )
        raise
    return result


def _tidy_files(trainer: type[Trainer], run_dir: Path, *, completed: bool) -> list[KeptFile] | None:
    """Frees what the run no longer needs; what it keeps (None: the trainer records checkpoints itself).
    A failure here never hides the run's own outcome."""
    try:
        return trainer.tidy_run(run_dir, completed=completed)
    except OSError:
        return None


def _tidy(trainer: type[Trainer], run_dir: Path, recorder: TrainingRecorder, *, completed: bool) -> None:
    kept = _tidy_files(trainer, run_dir, completed=completed)
    if kept is not None:
        try:
            recorder.record_kept_files(kept)
        except Exception as exc:
            recorder.ctx.log(f"could not record the kept files: {type(exc).__name__}: {exc}")


def _stopped(settings: Settings, session_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        session = repo.get_session(db, session_id)
        done = session.current_epoch if session else 0
        total = session.total_epochs if session else 0
    message = (
        f"Stopped after epoch {done}/{total}; resume continues from epoch {done + 1}"
        if done
        else "Stopped before the first epoch finished; resume starts from the beginning"
    )
    _finish(settings, session_id, SessionStatus.STOPPED, message)
