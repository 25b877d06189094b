"""The "training" job: runs one training session (or its resume) in a worker process.

It talks to the world only through its JobContext and the database, so the local runner and a
distributed one (Celery) run it unchanged. The API process imports this module for its queue and
`on_lost` hook: heavy libraries (torch, ultralytics) are imported inside the handler only.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete

from app.config import Settings
from app.core.training import events
from app.core.training.base import (
    BatchProgress,
    EpochResult,
    SavedCheckpoint,
    TrainingError,
    TrainingOutcome,
    TrainingRequest,
    TrainingStopRequested,
)
from app.core.training.config import TrainingConfig, resolve_device
from app.core.training.offline import prepare_ultralytics_env
from app.db.base import new_id, utcnow
from app.db.session import session_scope
from app.db.tables import Checkpoint, EpochMetric, Model, TrainingSession
from app.jobs.context import JobContext, JobStopped
from app.jobs.registry import JobSnapshot, job_handler
from app.repositories import training as repo
from app.services import training as service
from app.services.errors import AppError

PROGRESS_INTERVAL_S = 0.5


def _relative(settings: Settings, path: Path) -> str:
    return str(path.resolve().relative_to(settings.data_dir.resolve()))


class TrainingRecorder:
    """The TrainingListener of a job: persists every report as events, metrics and checkpoints."""

    def __init__(self, settings: Settings, session_id: str, ctx: JobContext, config: TrainingConfig) -> None:
        self.settings = settings
        self.url = settings.resolved_database_url
        self.session_id = session_id
        self.ctx = ctx
        self.config = config
        self._progress_at = 0.0

    def on_log(self, message: str, level: str = "info") -> None:
        with session_scope(self.url) as db:
            service.add_log(db, self.session_id, message, level)
        self.ctx.log(message)

    def on_start(self, epochs: int, start_epoch: int, batches: int) -> None:
        with session_scope(self.url) as db:
            session = db.get(TrainingSession, self.session_id)
            if session is not None:
                session.total_epochs = epochs
                session.current_epoch = start_epoch
                session.heartbeat_at = utcnow()
        where = f"resuming at epoch {start_epoch + 1}" if start_epoch else "starting at epoch 1"
        self.on_log(f"Training {epochs} epochs of {batches} batches, {where}")

    def on_batch(self, progress: BatchProgress) -> None:
        now = time.monotonic()
        last_of_epoch = progress.batch >= progress.batches
        if not last_of_epoch and now - self._progress_at < PROGRESS_INTERVAL_S:
            return
        self._progress_at = now
        payload = {
            "current_epoch": progress.epoch,
            "total_epochs": progress.epochs,
            "current_batch": progress.batch,
            "total_batches": progress.batches,
            "progress_percent": progress.percent,
            "estimated_time_remaining": progress.eta_s,
            "elapsed": progress.elapsed_s,
            "losses": {k.removesuffix("_loss"): v for k, v in progress.losses.items()},
        }
        with session_scope(self.url) as db:
            repo.add_event(db, self.session_id, events.PROGRESS, payload)
            session = db.get(TrainingSession, self.session_id)
            if session is not None:
                session.progress = progress.percent / 100.0
                session.heartbeat_at = utcnow()
        self.ctx.progress(progress.percent / 100.0, f"epoch {progress.epoch}/{progress.epochs}")

    def on_epoch(self, result: EpochResult) -> None:
        metrics = result.metrics
        payload = {
            "epoch": result.epoch,
            "total_epochs": result.epochs,
            "is_best": result.is_best,
            "train_loss": metrics.get("train_loss"),
            "val_loss": metrics.get("val_loss"),
            "val_map": metrics.get(events.PRIMARY_METRIC),
            "learning_rate": metrics.get("lr"),
            "epoch_time": metrics.get("epoch_time"),
            "timestamp": datetime.fromtimestamp(result.ended_at, UTC).isoformat(),
            "ended_at": result.ended_at,
            "cpu_time": result.cpu_time_s,
            "metrics": metrics,
        }
        with session_scope(self.url) as db:
            repo.upsert_epoch_metric(db, self.session_id, result.epoch, metrics)
            repo.add_event(db, self.session_id, events.METRICS, payload)
            session = db.get(TrainingSession, self.session_id)
            if session is not None:
                session.current_epoch = result.epoch
                session.total_epochs = result.epochs
                session.progress = result.epoch / max(1, result.epochs)
                session.heartbeat_at = utcnow()
                if result.is_best:
                    session.best_epoch = result.epoch
                    session.best_metric = metrics.get(events.PRIMARY_METRIC)
        self.ctx.progress(
            result.epoch / max(1, result.epochs), f"epoch {result.epoch}/{result.epochs}", force=True
        )

    def on_checkpoint(self, checkpoint: SavedCheckpoint) -> None:
        size = checkpoint.path.stat().st_size if checkpoint.path.is_file() else 0
        with session_scope(self.url) as db:
            row = repo.add_checkpoint(
                db,
                self.session_id,
                epoch=checkpoint.epoch,
                path=_relative(self.settings, checkpoint.path),
                metrics=checkpoint.metrics,
                is_best=checkpoint.is_best,
                size_bytes=size,
            )
            repo.add_event(
                db,
                self.session_id,
                events.CHECKPOINT,
                {
                    "checkpoint_id": row.id,
                    "epoch": checkpoint.epoch,
                    "is_best": checkpoint.is_best,
                    "size_bytes": size,
                },
            )
            pruned = repo.checkpoints_to_prune(
                repo.checkpoints(db, self.session_id), self.config.keep_last_checkpoints
            )
            paths = [self.settings.data_dir / p.path for p in pruned]
            for row in pruned:
                db.delete(row)
        for path in paths:
            path.unlink(missing_ok=True)

    def should_stop(self) -> bool:
        return self.ctx.should_stop()


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
    from app.jobs.runner import gpu_count

    return gpu_count()


def _already_trained(settings: Settings, session_id: str, epochs: int) -> bool:
    with session_scope(settings.resolved_database_url) as db:
        rows = repo.epoch_metrics(db, session_id, last_n=1)
        return bool(rows) and rows[0].epoch >= epochs


def _reset_progress(settings: Settings, session_id: str) -> None:
    """A fresh start: forget epochs of an attempt that finished none (nothing resumable)."""
    with session_scope(settings.resolved_database_url) as db:
        db.execute(delete(EpochMetric).where(EpochMetric.session_id == session_id))
        db.execute(delete(Checkpoint).where(Checkpoint.session_id == session_id))
        session = db.get(TrainingSession, session_id)
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
    from app.core.training.ultralytics_trainer import UltralyticsTrainer

    run_dir = settings.runs_dir / session_id
    with session_scope(settings.resolved_database_url) as db:
        dataset = service.resolve_dataset(settings, db, dataset_id)
        last = UltralyticsTrainer.last_checkpoint(run_dir) if resume else None
        weights = None if last else service.resolve_start_weights(settings, db, config)
    try:
        device = resolve_device(config.device, _gpu_count())
    except ValueError as exc:
        raise TrainingError(f"device: {exc}") from exc
    data_yaml = service.write_run_data_yaml(dataset, run_dir)
    if last is None:
        if resume:
            recorder.on_log("No finished epoch to resume from: starting from the beginning", "warning")
        _reset_progress(settings, session_id)
        shutil.rmtree(run_dir / "train", ignore_errors=True)
        assert weights is not None
        if weights.kind == "download":
            recorder.on_log(f"Downloading {weights.label}")
            assert weights.path is not None
            _download_official(weights.path)
        recorder.on_log(
            f"Building {config.model_arch} from {weights.label}; dataset '{dataset.name}' "
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
    )


# --------------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------------


def _register_model(
    settings: Settings,
    db: Any,
    session: TrainingSession,
    request: TrainingRequest,
    best: Path,
    metrics: dict[str, float],
) -> Model:
    model_id = new_id()
    target = settings.models_dir / model_id / "best.pt"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(best, target)
    model = Model(
        id=model_id,
        name=session.name,
        source="trained",
        framework=service.FRAMEWORK,
        model_arch=session.model_arch,
        task="segment",
        class_names=request.class_names,
        image_size=request.config.image_size,
        path=_relative(settings, target),
        size_bytes=target.stat().st_size,
        metrics=metrics,
        dataset_id=session.dataset_id,
        session_id=session.id,
    )
    db.add(model)
    return model


def _complete(
    settings: Settings, session_id: str, request: TrainingRequest, outcome: TrainingOutcome | None
) -> dict[str, Any]:
    from app.core.training.ultralytics_trainer import UltralyticsTrainer

    best = (outcome.best_weights if outcome else None) or UltralyticsTrainer.best_checkpoint(request.run_dir)
    if best is None:
        raise TrainingError("Training ended without a best.pt checkpoint")
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(TrainingSession, session_id)
        assert session is not None
        metrics = (outcome.final_metrics if outcome else {}) or {}
        model = _register_model(settings, db, session, request, best, metrics)
        if outcome is not None and outcome.best_epoch is not None:
            session.best_epoch = outcome.best_epoch
        if metrics.get(events.PRIMARY_METRIC) is not None:
            session.best_metric = metrics[events.PRIMARY_METRIC]
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
        service.add_log(
            db,
            session_id,
            f"Completed: best epoch {session.best_epoch}, mask mAP50-95 "
            f"{session.best_metric}; registered model {model.id}",
        )
        service.set_state(db, session, events.COMPLETED, "Training completed")
    return {"model_id": model.id, "best_epoch": payload["best_epoch"], "best_map": payload["best_map"]}


def _finish(
    settings: Settings, session_id: str, status: str, message: str, *, code: str | None = None
) -> None:
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(TrainingSession, session_id)
        if session is None:
            return
        if status == events.FAILED:
            tail = service.log_tail_text(db, session_id)
            session.error = message + (f"\nLast log lines:\n{tail}" if tail else "")
            repo.add_event(db, session_id, events.ERROR, {"message": message, "code": code or "error"})
            service.add_log(db, session_id, message, "error")
        service.set_state(db, session, status, message)


def _claim(
    settings: Settings, session_id: str, ctx: JobContext, resume: bool
) -> tuple[TrainingConfig, str] | None:
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(TrainingSession, session_id)
        if session is None or session.status not in events.ACTIVE_STATES or session.dataset_id is None:
            return None
        session.started_at = session.started_at or utcnow()
        session.heartbeat_at = utcnow()
        session.worker = f"job:{ctx.job_id}"
        session.error = None
        message = "Resumed" if resume else "Started"
        service.set_state(db, session, events.RUNNING, f"{message} (worker process {os.getpid()})")
        return TrainingConfig.model_validate(session.config), session.dataset_id


def on_training_lost(settings: Settings, job: JobSnapshot, reason: str, interrupted: bool) -> None:
    """API process: the worker died (failed, with reason and last log lines) or the server restarted
    while it ran (interrupted: resumable from the last finished epoch)."""
    session_id = str(job.params.get("session_id") or job.subject_id or "")
    if session_id:
        service.mark_lost(settings, session_id, reason, interrupted=interrupted, job_id=job.id)


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
    try:
        request = prepare_request(settings, session_id, config, dataset_id, resume=resume, recorder=recorder)
        if request.resume_from is not None and _already_trained(settings, session_id, config.epochs):
            recorder.on_log("All epochs had finished: registering the result")
            return _complete(settings, session_id, request, None)
        from app.core.training.ultralytics_trainer import UltralyticsTrainer

        outcome = UltralyticsTrainer().train(request, recorder)
        return _complete(settings, session_id, request, outcome)
    except TrainingStopRequested:
        _stopped(settings, session_id)
        raise JobStopped("Stopped at the user's request") from None
    except (TrainingError, AppError) as exc:
        message = str(exc.detail if isinstance(exc, AppError) else exc)
        code = "out_of_memory" if "out of memory" in message else "invalid"
        _finish(settings, session_id, events.FAILED, message, code=code)
        raise
    except BaseException as exc:
        _finish(settings, session_id, events.FAILED, f"{type(exc).__name__}: {exc}"[:2000], code="exception")
        raise


def _stopped(settings: Settings, session_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(TrainingSession, session_id)
        done = session.current_epoch if session else 0
        total = session.total_epochs if session else 0
    message = (
        f"Stopped after epoch {done}/{total}; resume continues from epoch {done + 1}"
        if done
        else "Stopped before the first epoch finished; resume starts from the beginning"
    )
    _finish(settings, session_id, events.STOPPED, message)
