"""The framework-neutral training interface.

A `Trainer` (one per model family: core/families/<family>/trainer.py) runs one training in the current
process and reports through a `TrainingListener`. It knows nothing about the database, the job runner or
the API: the job handler (app/jobs/training_job.py) wires a listener that persists events, and any runner
(local process pool, Celery) can call that handler unchanged.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from app.core.training.config import TrainingOptions


class TrainingStopRequested(Exception):
    """Raised from inside the training loop when a stop was requested; the last finished epoch's
    checkpoint stays resumable (Ultralytics' own `trainer.stop` strips it)."""


class TrainingError(Exception):
    """A failure with a message meant for the user (e.g. CUDA out of memory: use a smaller batch)."""


@dataclass(frozen=True)
class TrainingRequest:
    """What to train: everything resolved to absolute paths by the job handler."""

    session_id: str
    config: TrainingOptions
    data_yaml: Path  # run-specific data.yaml with an absolute dataset path
    run_dir: Path  # <runs_dir>/<session_id>: the trainer writes everything below it
    device: str  # resolved: 'cpu', '0', '0,1'
    train_images: int
    class_names: list[str]
    weights: Path | None = None  # starting weights (.pt, .pth); None = from scratch
    resume_from: Path | None = None  # last.pt / last.ckpt of an earlier attempt
    dataset_root: Path | None = None  # the stored dataset (frameworks that need another layout)
    cache_dir: Path | None = None  # where a derived copy of the dataset may be cached


@dataclass(frozen=True)
class BatchProgress:
    epoch: int  # 1-based
    epochs: int
    batch: int  # 1-based
    batches: int
    elapsed_s: float  # since this attempt started
    eta_s: float | None
    losses: dict[str, float] = field(default_factory=dict)

    @property
    def percent(self) -> float:
        done = (self.epoch - 1) * self.batches + self.batch
        return round(100.0 * done / max(1, self.epochs * self.batches), 2)


@dataclass(frozen=True)
class EpochResult:
    epoch: int  # 1-based
    epochs: int
    metrics: dict[str, float]  # flat names, see events.METRIC_KEYS
    fitness: float | None
    is_best: bool
    ended_at: float  # time.time() when the epoch (validation and save included) ended
    cpu_time_s: float | None = None  # CPU seconds this process used during the epoch (all threads)


@dataclass(frozen=True)
class SavedCheckpoint:
    epoch: int
    path: Path
    is_best: bool
    metrics: dict[str, float]


@dataclass(frozen=True)
class KeptFile:
    """A file a finished or stopped run keeps on disk (recorded as a checkpoint row with its size)."""

    path: Path
    role: str  # "best" (the best weights) | "resumable" (what a resume continues from)


@dataclass(frozen=True)
class TrainingOutcome:
    best_weights: Path | None
    last_weights: Path | None
    best_epoch: int | None
    best_fitness: float | None
    epochs_completed: int
    final_metrics: dict[str, float]


class TrainingListener(Protocol):
    """Receives everything a trainer reports. Called on the training thread: keep each call short."""

    def on_log(self, message: str, level: str = "info") -> None: ...

    def on_start(self, epochs: int, start_epoch: int, batches: int) -> None: ...

    def on_batch(self, progress: BatchProgress) -> None: ...

    def on_epoch(self, result: EpochResult) -> None: ...

    def on_checkpoint(self, checkpoint: SavedCheckpoint) -> None: ...

    def should_stop(self) -> bool: ...


class Trainer(ABC):
    """Runs one training (or a resume) to completion, stop or error in the calling process."""

    framework: str

    @abstractmethod
    def train(self, request: TrainingRequest, listener: TrainingListener) -> TrainingOutcome:
        """Train. Raises TrainingStopRequested on a stop request, TrainingError with a user-facing
        message on known failures, anything else on bugs."""

    @staticmethod
    def last_checkpoint(run_dir: Path) -> Path | None:
        """The resumable checkpoint of an earlier attempt, if any."""
        return None

    @staticmethod
    def best_checkpoint(run_dir: Path) -> Path | None:
        """The best weights of the run, if any."""
        return None

    @staticmethod
    def tidy_run(run_dir: Path, *, completed: bool) -> list[KeptFile] | None:
        """Removes what the run no longer needs (after completion: everything but the best weights).
        Returns the files kept, to be recorded as the run's checkpoints; None when the trainer records
        its checkpoints epoch by epoch through `TrainingListener.on_checkpoint` instead."""
        return None


def out_of_memory_error(exc: BaseException, request: TrainingRequest) -> TrainingError | None:
    """A user-facing TrainingError when `exc` is running out of (GPU or host) memory, else None."""
    text = str(exc).lower()
    if not (
        isinstance(exc, MemoryError) or "out of memory" in text or type(exc).__name__ == "OutOfMemoryError"
    ):
        return None
    config = request.config
    where = "CUDA" if request.device != "cpu" else "Host"
    return TrainingError(
        f"{where} out of memory while training with batch size {config.batch_size} at image size "
        f"{config.image_size}. Try a smaller batch size (e.g. {max(1, config.batch_size // 2)}) or a smaller "
        f"image size. ({str(exc)[:200]})"
    )


@contextmanager
def out_of_memory_as_training_error(request: TrainingRequest) -> Iterator[None]:
    """Around a library's training call: running out of memory becomes `out_of_memory_error`'s
    TrainingError; anything else (a stop request included) passes through unchanged."""
    try:
        yield
    except (RuntimeError, MemoryError) as exc:
        if (error := out_of_memory_error(exc, request)) is not None:
            raise error from exc
        raise


class ForwardLibraryWarnings(logging.Handler):
    """Passes a training library's warnings and errors to the listener as console lines (its stdout stays
    quiet). `clean` tidies a message; an empty result drops it (known noise)."""

    def __init__(self, listener: TrainingListener, clean: Callable[[str], str] = str.strip) -> None:
        super().__init__(level=logging.WARNING)
        self.listener = listener
        self.clean = clean

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.clean(record.getMessage())
            if message:
                self.listener.on_log(message[:2000], "warning" if record.levelno < logging.ERROR else "error")
        except Exception:  # a log line must never break training
            pass
