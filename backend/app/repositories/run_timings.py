"""Past epochs' durations with what they trained (for duration estimates refined by this machine)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import Dataset, EpochMetric, TrainingSession
from app.domain.status import SessionStatus

FINISHED_WITH_EPOCHS = (SessionStatus.COMPLETED, SessionStatus.STOPPED)


@dataclass(frozen=True)
class EpochTiming:
    model_arch: str
    image_size: int
    device: str
    train_images: int
    val_images: int
    seconds: float


def _split_images(splits: dict[str, Any], name: str) -> int:
    entry = splits.get(name)
    return int(entry.get("images", 0)) if isinstance(entry, dict) else 0


def recent_epoch_timings(db: Session, sessions: int = 5, epochs_per_session: int = 20) -> list[EpochTiming]:
    """Epoch times of the latest finished sessions (newest first), skipping each run's first epoch
    (it pays for warm-up and data caching)."""
    rows = db.execute(
        select(TrainingSession, Dataset)
        .join(Dataset, Dataset.id == TrainingSession.dataset_id)
        .where(TrainingSession.status.in_([str(s) for s in FINISHED_WITH_EPOCHS]))
        .order_by(TrainingSession.finished_at.desc())
        .limit(sessions)
    ).all()
    timings: list[EpochTiming] = []
    for session, dataset in rows:
        config = session.config or {}
        metrics = db.scalars(
            select(EpochMetric)
            .where(EpochMetric.session_id == session.id, EpochMetric.epoch > 1)
            .order_by(EpochMetric.epoch.desc())
            .limit(epochs_per_session)
        ).all()
        for metric in metrics:
            seconds = metric.metrics.get("epoch_time")
            if not isinstance(seconds, int | float) or seconds <= 0:
                continue
            timings.append(
                EpochTiming(
                    model_arch=session.model_arch,
                    image_size=int(config.get("image_size", 640)),
                    device=str(config.get("device", "auto")),
                    train_images=_split_images(dataset.splits or {}, "train"),
                    val_images=_split_images(dataset.splits or {}, "val"),
                    seconds=float(seconds),
                )
            )
    return timings


def dataset_split_images(db: Session, dataset_id: str) -> tuple[int, int] | None:
    """(train images, val images) of a dataset as recorded at import; None when it does not exist."""
    dataset = db.get(Dataset, dataset_id)
    if dataset is None:
        return None
    splits = dataset.splits or {}
    return _split_images(splits, "train"), _split_images(splits, "val")
