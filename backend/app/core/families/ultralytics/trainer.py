"""Ultralytics YOLO segmentation training behind the framework-neutral `Trainer` interface.

Import this module only in a worker process, after `prepare_ultralytics_env` (offline.py): it imports
ultralytics (and torch) lazily inside `train`, but callers should not rely on that.

Callback order per epoch in Ultralytics 8.4: on_train_epoch_start, on_train_batch_end (per batch),
on_train_epoch_end, validation, save_model, on_model_save, on_fit_epoch_end. After the last epoch,
`final_eval` validates best.pt and fires on_fit_epoch_end once more, without a preceding
on_train_epoch_end: that is how it is told apart from a regular epoch.
"""

from __future__ import annotations

import logging
import shutil
import time
import zipfile
from pathlib import Path
from typing import Any

from app.core.families.ultralytics import NAME
from app.core.families.ultralytics.args import ultralytics_train_args
from app.core.families.ultralytics.layout import EPOCH_CHECKPOINT, RUN_NAME, weights_dir
from app.core.training import events
from app.core.training.base import (
    BatchProgress,
    EpochResult,
    ForwardLibraryWarnings,
    SavedCheckpoint,
    Trainer,
    TrainingListener,
    TrainingOutcome,
    TrainingRequest,
    TrainingStopRequested,
    out_of_memory_as_training_error,
)


def _starting_checkpoint(request: TrainingRequest) -> Path:
    """The starting weights as a checkpoint Ultralytics loads: the shipped starter model (.npz, no
    pickle) is written out as one in the run directory first."""
    assert request.weights is not None
    if request.weights.suffix == ".npz":
        from app.core.families.ultralytics.starter.weights import materialize

        return materialize(request.run_dir / "starting-weights")
    return request.weights


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _tensor_dict(values: Any) -> dict[str, float]:
    if not isinstance(values, dict):
        return {}
    out = {}
    for key, value in values.items():
        number = _float(value)
        if number is not None:
            out[str(key)] = number
    return out


def _clean_warning(message: str) -> str:
    return message.replace("WARNING ⚠️", "").strip()


class _Callbacks:
    """Ultralytics callbacks that translate trainer state into listener calls."""

    def __init__(self, request: TrainingRequest, listener: TrainingListener) -> None:
        self.request = request
        self.listener = listener
        self.started_at = time.time()
        self.cpu_mark = time.process_time()
        self.start_epoch = 0
        self.batch_index = 0
        self.pending_epoch: int | None = None
        self.train_losses: dict[str, float] = {}
        self.lr: float | None = None
        self.saved: SavedCheckpoint | None = None
        self.best_epoch: int | None = None
        self.best_fitness: float | None = None
        self.epochs_completed = 0
        self.final_metrics: dict[str, float] = {}
        self.last_metrics: dict[str, float] = {}

    def attach(self, model: Any) -> None:
        model.add_callback("on_train_start", self.on_train_start)
        model.add_callback("on_train_epoch_start", self.on_train_epoch_start)
        model.add_callback("on_train_batch_end", self.on_train_batch_end)
        model.add_callback("on_train_epoch_end", self.on_train_epoch_end)
        model.add_callback("on_model_save", self.on_model_save)
        model.add_callback("on_fit_epoch_end", self.on_fit_epoch_end)
        model.add_callback("on_val_batch_end", self.on_val_batch_end)  # stop during long validations too

    # ----------------------------------------------------------------------------------------------

    def on_train_start(self, trainer: Any) -> None:
        self.started_at = time.time()
        self.cpu_mark = time.process_time()
        self.start_epoch = int(trainer.start_epoch)
        self.epochs_completed = self.start_epoch
        stopper = getattr(trainer, "stopper", None)
        if self.start_epoch and stopper is not None and getattr(stopper, "best_epoch", None) is not None:
            self.best_epoch = int(stopper.best_epoch)  # already 1-based
            self.best_fitness = _float(getattr(trainer, "best_fitness", None))
        batches = len(trainer.train_loader)
        self.listener.on_start(int(trainer.epochs), self.start_epoch, batches)
        if self.listener.should_stop():
            raise TrainingStopRequested()

    def on_train_epoch_start(self, trainer: Any) -> None:
        self.batch_index = 0
        self.pending_epoch = None

    def on_train_batch_end(self, trainer: Any) -> None:
        self.batch_index += 1
        batches = len(trainer.train_loader)
        epochs = int(trainer.epochs)
        epoch = int(trainer.epoch)  # 0-based
        elapsed = time.time() - self.started_at
        done_here = (epoch - self.start_epoch) * batches + self.batch_index
        remaining = epochs * batches - (epoch * batches + self.batch_index)
        eta = elapsed / done_here * remaining if done_here > 0 else None
        self.listener.on_batch(
            BatchProgress(
                epoch=epoch + 1,
                epochs=epochs,
                batch=min(self.batch_index, batches),
                batches=batches,
                elapsed_s=round(elapsed, 3),
                eta_s=None if eta is None else round(eta, 1),
                losses={k: round(v, 5) for k, v in _tensor_dict(trainer.tloss).items()},
            )
        )
        if self.listener.should_stop():
            raise TrainingStopRequested()

    def on_val_batch_end(self, validator: Any) -> None:
        if self.listener.should_stop():
            raise TrainingStopRequested()

    def on_train_epoch_end(self, trainer: Any) -> None:
        self.pending_epoch = int(trainer.epoch)
        self.train_losses = _tensor_dict(trainer.tloss)
        lr = trainer.lr if isinstance(trainer.lr, dict) else {}
        self.lr = _float(lr.get("lr/pg0"))
        self.saved = None

    def on_model_save(self, trainer: Any) -> None:
        epoch = int(trainer.epoch) + 1
        fitness = _float(trainer.fitness)
        is_best = fitness is not None and _float(trainer.best_fitness) == fitness
        period = self.request.config.save_period
        final = bool(trainer.stop) or epoch >= int(trainer.epochs)
        if not (is_best or final or (period > 0 and epoch % period == 0)):
            return
        target = Path(trainer.wdir) / EPOCH_CHECKPOINT.format(epoch=epoch)
        shutil.copyfile(trainer.last, target)
        self.saved = SavedCheckpoint(epoch=epoch, path=target, is_best=is_best, metrics={})

    def on_fit_epoch_end(self, trainer: Any) -> None:
        raw = dict(trainer.metrics or {})
        if self.pending_epoch is None:  # final validation of best.pt
            self.final_metrics = events.flat_validation_metrics(raw)
            return
        epoch = self.pending_epoch + 1
        self.pending_epoch = None
        metrics = {**events.flat_losses("train", self.train_losses), **events.flat_validation_metrics(raw)}
        fitness = _float(trainer.fitness)
        if fitness is not None:
            metrics["fitness"] = round(fitness, 6)
        if self.lr is not None:
            metrics["lr"] = round(self.lr, 8)
        epoch_time = _float(trainer.epoch_time)
        if epoch_time is not None:
            metrics["epoch_time"] = round(epoch_time, 3)
        is_best = fitness is not None and _float(trainer.best_fitness) == fitness
        if is_best:
            self.best_epoch, self.best_fitness = epoch, fitness
        self.epochs_completed = epoch
        self.last_metrics = metrics
        cpu_now = time.process_time()
        cpu_time, self.cpu_mark = cpu_now - self.cpu_mark, cpu_now
        self.listener.on_epoch(
            EpochResult(
                epoch=epoch,
                epochs=int(trainer.epochs),
                metrics=metrics,
                fitness=fitness,
                is_best=is_best,
                ended_at=time.time(),
                cpu_time_s=round(cpu_time, 3),
            )
        )
        self.listener.on_log(epoch_summary(epoch, int(trainer.epochs), metrics, is_best))
        if self.saved is not None:
            saved = SavedCheckpoint(self.saved.epoch, self.saved.path, self.saved.is_best, metrics)
            self.saved = None
            self.listener.on_checkpoint(saved)


def epoch_summary(epoch: int, epochs: int, metrics: dict[str, float], is_best: bool) -> str:
    def fmt(key: str) -> str:
        value = metrics.get(key)
        return "-" if value is None else f"{value:.4g}"

    parts = " ".join(f"{p} {fmt(f'train_{p}_loss')}" for p in events.LOSS_PARTS)
    return (
        f"Epoch {epoch}/{epochs}: train loss {fmt('train_loss')} ({parts}), val loss {fmt('val_loss')}; "
        f"mask mAP50 {fmt('mask_map50')} mAP50-95 {fmt('mask_map50_95')}; "
        f"box mAP50 {fmt('box_map50')} mAP50-95 {fmt('box_map50_95')}; "
        f"{fmt('epoch_time')} s{' (best so far)' if is_best else ''}"
    )


class UltralyticsTrainer(Trainer):
    framework = NAME

    @staticmethod
    def last_checkpoint(run_dir: Path) -> Path | None:
        """last.pt, or when it is missing or cut short (Ultralytics writes it in place, so a kill during
        the write truncates it) the newest complete epoch copy, which holds the same resumable state."""
        folder = weights_dir(run_dir)
        epoch_copies = sorted(folder.glob(EPOCH_CHECKPOINT.replace("{epoch:04d}", "*")), reverse=True)
        for candidate in (folder / "last.pt", *epoch_copies):
            # torch.save writes a zip: a truncated one has no central directory
            if candidate.is_file() and zipfile.is_zipfile(candidate):
                return candidate
        return None

    @staticmethod
    def best_checkpoint(run_dir: Path) -> Path | None:
        best = weights_dir(run_dir) / "best.pt"
        return best if best.is_file() else None

    def _build(self, request: TrainingRequest) -> tuple[Any, dict[str, Any]]:
        from ultralytics import YOLO

        config = request.config
        if request.resume_from is not None:
            model = YOLO(str(request.resume_from), task="segment")
            kwargs: dict[str, Any] = {
                "resume": True,
                "data": str(request.data_yaml),
                "device": request.device,
                "workers": config.num_workers,
            }
            return model, kwargs
        model = YOLO(f"{config.model_arch}.yaml", task="segment")
        kwargs = ultralytics_train_args(config, device=request.device, train_images=request.train_images)
        kwargs.update(
            data=str(request.data_yaml),
            project=str(request.run_dir.resolve()),
            name=RUN_NAME,
            pretrained=str(_starting_checkpoint(request)) if request.weights is not None else False,
        )
        return model, kwargs

    def train(self, request: TrainingRequest, listener: TrainingListener) -> TrainingOutcome:
        from ultralytics.utils import LOGGER

        callbacks = _Callbacks(request, listener)
        model, kwargs = self._build(request)
        callbacks.attach(model)
        forward = ForwardLibraryWarnings(listener, _clean_warning)
        previous_level = LOGGER.level
        LOGGER.addHandler(forward)
        LOGGER.setLevel(logging.WARNING)
        try:
            with out_of_memory_as_training_error(request):
                model.train(**kwargs)
        finally:
            LOGGER.removeHandler(forward)
            LOGGER.setLevel(previous_level)
        return TrainingOutcome(
            best_weights=self.best_checkpoint(request.run_dir),
            last_weights=self.last_checkpoint(request.run_dir),
            best_epoch=callbacks.best_epoch,
            best_fitness=callbacks.best_fitness,
            epochs_completed=callbacks.epochs_completed,
            final_metrics=callbacks.final_metrics or callbacks.last_metrics,
        )
