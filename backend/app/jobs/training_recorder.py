"""The training job's TrainingListener: persists everything a trainer reports (events, epoch metrics,
checkpoints, heartbeats) so the API and the WebSocket can show it, and keeps the checkpoint rows equal
to the files a run keeps."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from app.config import Settings
from app.core.families.config import TrainingConfig
from app.core.training import events
from app.core.training.base import BatchProgress, EpochResult, KeptFile, SavedCheckpoint
from app.db.session import session_scope
from app.jobs.context import JobContext
from app.repositories import training as repo
from app.repositories.training import SessionRow
from app.services.training.state import add_log
from app.utils.clock import from_timestamp, utc_now
from app.utils.paths import relative_posix

PROGRESS_INTERVAL_S = 0.5


def primary_metric_value(metrics: dict[str, float]) -> float | None:
    """Mask mAP50-95; box mAP50-95 for detection models (they have no mask metrics)."""
    value = metrics.get(events.PRIMARY_METRIC)
    return value if value is not None else metrics.get("box_map50_95")


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
            add_log(db, self.session_id, message, level)
        self.ctx.log(message)

    def on_start(self, epochs: int, start_epoch: int, batches: int) -> None:
        with session_scope(self.url) as db:
            session = repo.get_session(db, self.session_id)
            if session is not None:
                session.total_epochs = epochs
                session.current_epoch = start_epoch
                session.heartbeat_at = utc_now()
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
            session = repo.get_session(db, self.session_id)
            if session is not None:
                session.progress = progress.percent / 100.0
                session.heartbeat_at = utc_now()
        self.ctx.progress(progress.percent / 100.0, f"epoch {progress.epoch}/{progress.epochs}")

    def on_epoch(self, result: EpochResult) -> None:
        metrics = result.metrics
        payload = {
            "epoch": result.epoch,
            "total_epochs": result.epochs,
            "is_best": result.is_best,
            "train_loss": metrics.get("train_loss"),
            "val_loss": metrics.get("val_loss"),
            "val_map": primary_metric_value(metrics),
            "learning_rate": metrics.get("lr"),
            "epoch_time": metrics.get("epoch_time"),
            "timestamp": from_timestamp(result.ended_at).isoformat(),
            "ended_at": result.ended_at,
            "cpu_time": result.cpu_time_s,
            "metrics": metrics,
        }
        with session_scope(self.url) as db:
            repo.upsert_epoch_metric(db, self.session_id, result.epoch, metrics)
            repo.add_event(db, self.session_id, events.METRICS, payload)
            session = repo.get_session(db, self.session_id)
            if session is not None:
                session.current_epoch = result.epoch
                session.total_epochs = result.epochs
                session.progress = result.epoch / max(1, result.epochs)
                session.heartbeat_at = utc_now()
                if result.is_best:
                    session.best_epoch = result.epoch
                    session.best_metric = primary_metric_value(metrics)
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
                path=relative_posix(checkpoint.path, self.settings.data_dir),
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

    def record_kept_files(self, kept: list[KeptFile]) -> None:
        """The run's checkpoint rows become exactly the files it keeps, with their sizes (trainers that
        tidy their run folder themselves; see Trainer.tidy_run)."""
        with session_scope(self.url) as db:
            session = repo.get_session(db, self.session_id)
            if session is None:
                return
            replace_checkpoint_rows(self.settings, db, session, kept)
            add_log(db, self.session_id, kept_summary(kept))
        self.ctx.log(kept_summary(kept))


def replace_checkpoint_rows(
    settings: Settings, db: Session, session: SessionRow, kept: list[KeptFile]
) -> None:
    """Checkpoint rows for the files a run keeps: the best weights at the best epoch, the resumable
    checkpoint at the last finished one."""
    repo.delete_checkpoints(db, session.id)
    for item in kept:
        epoch = (session.best_epoch if item.role == "best" else None) or session.current_epoch
        repo.insert_checkpoint(
            db,
            session.id,
            epoch=epoch,
            path=relative_posix(item.path, settings.data_dir),
            metrics=repo.epoch_metric_values(db, session.id, epoch),
            is_best=item.role == "best",
            size_bytes=item.path.stat().st_size if item.path.is_file() else 0,
        )


def kept_summary(kept: list[KeptFile]) -> str:
    files = [
        f"{item.path.name} ({item.path.stat().st_size / 1e6:.0f} MB)" for item in kept if item.path.is_file()
    ]
    return f"Kept on disk: {', '.join(files) or 'nothing'}"
