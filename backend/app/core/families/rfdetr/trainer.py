"""RF-DETR (Roboflow) detection and segmentation training behind the framework-neutral `Trainer` interface.

Import this module anywhere: rfdetr (torch, PyTorch Lightning) is imported inside `train` only, which
runs in a worker process. How it plugs into rfdetr 1.11.2:

- Data: the stored YOLO-seg dataset becomes RF-DETR's COCO layout as a cached derived copy
  (app/data/coco_convert.py; a split imported from a COCO export keeps its original annotation file).
- Live metrics and control: `RFDETR.callbacks` exists but is never called in 1.11.2. While `train` runs,
  `rfdetr.training.build_trainer` is wrapped so the Lightning trainer it builds gets one more callback,
  which reports batches and epochs to the listener (mapped to the common metric names of events.py)
  and raises TrainingStopRequested at the next batch once a stop is requested. Lightning re-raises it
  after its teardown, so nothing half-written replaces `last.ckpt`.
- Resume: `last.ckpt` is Lightning's full checkpoint of the last finished epoch (optimizer, scheduler,
  EMA and best-model state included), written after every epoch (`checkpoint_interval` is set out of
  reach so no per-epoch 0.5 GB copies pile up). A resume builds the same variant and passes it as
  `resume=`, with the same output folder so the best-model tracking continues.
- Best weights: rfdetr tracks the EMA model's mask (segmentation) or box (detection) mAP50-95 with a
  strict "better than the best so far, starting at 0" rule and writes `checkpoint_best_total.pth` when
  fitting ends (the final EMA weights when it never improved); `is_best` follows the same rule.
- Disk: a run writes ~0.9 GB (last.ckpt ~0.5 GB with the optimizer, three ~130 MB weight files).
  `tidy_run` keeps only the best weights once the run completed, and last.ckpt (plus the best-so-far
  files the resume needs) while it can still resume.
"""

from __future__ import annotations

import importlib.util
import logging
import math
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.core.families.registry import require_architecture
from app.core.families.rfdetr import FAMILY, NAME, VARIANTS
from app.core.families.rfdetr.args import RFDETR_AUGMENTATION, rfdetr_train_args
from app.core.training.base import (
    BatchProgress,
    EpochResult,
    ForwardLibraryWarnings,
    KeptFile,
    Trainer,
    TrainingError,
    TrainingListener,
    TrainingOutcome,
    TrainingRequest,
    TrainingStopRequested,
    out_of_memory_as_training_error,
)
from app.core.training.config import TrainingOptions

RUN_NAME = "train"
LAST_CHECKPOINT = "last.ckpt"
BEST_WEIGHTS = "checkpoint_best_total.pth"
BEST_SO_FAR = ("checkpoint_best_ema.pth", "checkpoint_best_regular.pth")  # fit end promotes one of them
FINAL_EMA = "last_ema.pth"
NOISY_WARNINGS = ("DINOv2", "not optimized for inference", "Skipping validation-loss")

# rfdetr's Lightning metric names -> the common flat names (events.METRIC_KEYS; giou and dice extra).
METRIC_NAMES: dict[str, str] = {
    "train/loss": "train_loss",
    "train/loss_bbox": "train_box_loss",
    "train/loss_giou": "train_giou_loss",
    "train/loss_ce": "train_cls_loss",
    "train/loss_mask_ce": "train_seg_loss",
    "train/loss_mask_dice": "train_dice_loss",
    "val/loss": "val_loss",
    "val/precision": "box_precision",
    "val/recall": "box_recall",
    "val/mAP_50": "box_map50",
    "val/mAP_50_95": "box_map50_95",
    "val/segm_mAP_50": "mask_map50",
    "val/segm_mAP_50_95": "mask_map50_95",
    "train/lr": "lr",
}


def output_dir(run_dir: Path) -> Path:
    return run_dir / RUN_NAME


def _number(value: Any) -> float | None:
    try:
        number = float(value.item() if hasattr(value, "item") else value)
    except (TypeError, ValueError, RuntimeError):
        return None
    return number if math.isfinite(number) else None


def flat_metrics(raw: dict[str, Any]) -> dict[str, float]:
    """rfdetr's `trainer.callback_metrics` -> the common flat metric names."""
    out: dict[str, float] = {}
    for source, target in METRIC_NAMES.items():
        number = _number(raw.get(source))
        if number is not None:
            out[target] = round(number, 8 if target == "lr" else 6)
    return out


def fitness_key(segmentation: bool) -> tuple[str, str]:
    """The metric rfdetr's best-model tracking compares (EMA first, as validation evaluates EMA)."""
    return (
        ("val/ema_segm_mAP_50_95", "val/segm_mAP_50_95")
        if segmentation
        else ("val/ema_mAP_50_95", "val/mAP_50_95")
    )


def epoch_summary(epoch: int, epochs: int, metrics: dict[str, float], is_best: bool) -> str:
    def fmt(key: str) -> str:
        value = metrics.get(key)
        return "-" if value is None else f"{value:.4g}"

    parts = " ".join(f"{p} {fmt(f'train_{p}_loss')}" for p in ("box", "giou", "cls", "seg", "dice"))
    return (
        f"Epoch {epoch}/{epochs}: train loss {fmt('train_loss')} ({parts}); "
        f"mask mAP50 {fmt('mask_map50')} mAP50-95 {fmt('mask_map50_95')}; "
        f"box mAP50 {fmt('box_map50')} mAP50-95 {fmt('box_map50_95')}; "
        f"{fmt('epoch_time')} s{' (best so far)' if is_best else ''}"
    )


def _clean_warning(message: str) -> str:
    """rfdetr's warnings and errors become console lines; its start-up chatter about DINOv2 does not."""
    message = message.strip()
    return "" if any(noise in message for noise in NOISY_WARNINGS) else message


class _Reporter:
    """Turns Lightning trainer state into listener calls (the Lightning callback delegates here)."""

    def __init__(self, listener: TrainingListener, segmentation: bool) -> None:
        self.listener = listener
        self.fitness_keys = fitness_key(segmentation)
        self.started_at = time.time()
        self.cpu_mark = time.process_time()
        self.epoch_started_at = time.time()
        self.start_epoch = 0
        self.epochs = 0
        self.batches = 0
        self.best_value = 0.0
        self.best_epoch: int | None = None
        self.best_metrics: dict[str, float] = {}
        self.last_epoch = 0
        self.last_metrics: dict[str, float] = {}

    def check_stop(self) -> None:
        if self.listener.should_stop():
            raise TrainingStopRequested()

    def train_start(self, trainer: Any) -> None:
        self.started_at = time.time()
        self.cpu_mark = time.process_time()
        self.start_epoch = self.last_epoch = int(trainer.current_epoch)
        self.epochs = int(trainer.max_epochs)
        self.batches = int(trainer.num_training_batches)
        for callback in trainer.callbacks:  # a resume restores the best score so far into this callback
            restored = _number(getattr(callback, "_best_ema", None))
            if restored is not None:
                self.best_value = max(self.best_value, restored)
        self.listener.on_start(self.epochs, self.start_epoch, self.batches)
        self.check_stop()

    def epoch_start(self) -> None:
        self.epoch_started_at = time.time()
        self.check_stop()

    def batch_end(self, trainer: Any, outputs: Any, batch_index: int) -> None:
        epoch = int(trainer.current_epoch)  # 0-based
        batch = min(batch_index + 1, self.batches)
        elapsed = time.time() - self.started_at
        done_here = (epoch - self.start_epoch) * self.batches + batch
        remaining = self.epochs * self.batches - (epoch * self.batches + batch)
        eta = elapsed / done_here * remaining if done_here > 0 else None
        loss = _number(outputs.get("loss")) if isinstance(outputs, dict) else _number(outputs)
        self.listener.on_batch(
            BatchProgress(
                epoch=epoch + 1,
                epochs=self.epochs,
                batch=batch,
                batches=self.batches,
                elapsed_s=round(elapsed, 3),
                eta_s=None if eta is None else round(eta, 1),
                losses={} if loss is None else {"loss": round(loss, 5)},
            )
        )
        self.check_stop()

    def epoch_end(self, trainer: Any) -> None:
        raw = dict(trainer.callback_metrics)
        metrics = flat_metrics(raw)
        fitness = next((v for v in (_number(raw.get(k)) for k in self.fitness_keys) if v is not None), None)
        if fitness is not None:
            metrics["fitness"] = round(fitness, 6)
        metrics["epoch_time"] = round(time.time() - self.epoch_started_at, 3)
        epoch = int(trainer.current_epoch) + 1
        is_best = fitness is not None and fitness > self.best_value
        if is_best:
            assert fitness is not None
            self.best_value, self.best_epoch, self.best_metrics = fitness, epoch, metrics
        self.last_epoch, self.last_metrics = epoch, metrics
        cpu_now = time.process_time()
        cpu_time, self.cpu_mark = cpu_now - self.cpu_mark, cpu_now
        self.listener.on_epoch(
            EpochResult(
                epoch=epoch,
                epochs=self.epochs,
                metrics=metrics,
                fitness=fitness,
                is_best=is_best,
                ended_at=time.time(),
                cpu_time_s=round(cpu_time, 3),
            )
        )
        self.listener.on_log(epoch_summary(epoch, self.epochs, metrics, is_best))


def lightning_callback(reporter: _Reporter) -> Any:
    """A PyTorch Lightning callback delegating to `reporter` (Lightning is imported here, in the worker)."""
    from pytorch_lightning import Callback

    class ReportToListener(Callback):
        def on_train_start(self, trainer: Any, pl_module: Any) -> None:
            reporter.train_start(trainer)

        def on_train_epoch_start(self, trainer: Any, pl_module: Any) -> None:
            reporter.epoch_start()

        def on_train_batch_end(
            self, trainer: Any, pl_module: Any, outputs: Any, batch: Any, index: int
        ) -> None:
            reporter.batch_end(trainer, outputs, index)

        def on_validation_batch_end(self, *args: Any, **kwargs: Any) -> None:
            reporter.check_stop()  # a stop also lands during a long validation

        def on_train_epoch_end(self, trainer: Any, pl_module: Any) -> None:
            reporter.epoch_end(trainer)

    return ReportToListener()


@contextmanager
def extra_lightning_callback(callback: Any) -> Iterator[None]:
    """While active, every trainer `rfdetr.training.build_trainer` builds also runs `callback`.

    `RFDETR.train` imports build_trainer from the module at call time, so replacing the module attribute
    is enough; it is restored afterwards."""
    import rfdetr.training as training

    original = training.build_trainer

    def build_trainer(*args: Any, **kwargs: Any) -> Any:
        trainer: Any = original(*args, **kwargs)
        trainer.callbacks.append(callback)
        return trainer

    training.build_trainer = build_trainer
    try:
        yield
    finally:
        training.build_trainer = original


def _augmentation(config: TrainingOptions, listener: TrainingListener) -> dict[str, Any] | None:
    """rfdetr's `aug_config`: None = its default (flips and scale jitter, torchvision), {} = none, a preset
    of rfdetr.datasets.aug_configs when Albumentations (the rfdetr[augment] extra) is installed."""
    preset = RFDETR_AUGMENTATION[config.augmentation_level]
    if preset is None:
        return None
    if preset == "none":
        return {}
    if importlib.util.find_spec("albumentations") is None:
        listener.on_log(
            f"Augmentation '{config.augmentation_level.value}' needs Albumentations (pip install "
            "'rfdetr[augment]'); using RF-DETR's default augmentation (flips, scale jitter)",
            "warning",
        )
        return None
    from rfdetr.datasets import aug_configs

    value: dict[str, Any] = dict(getattr(aug_configs, preset))
    return value


class RFDETRTrainer(Trainer):
    framework = NAME

    @staticmethod
    def last_checkpoint(run_dir: Path) -> Path | None:
        last = output_dir(run_dir) / LAST_CHECKPOINT
        return last if last.is_file() and last.stat().st_size > 0 else None

    @staticmethod
    def best_checkpoint(run_dir: Path) -> Path | None:
        """checkpoint_best_total.pth, else (fitting ended abruptly) the best-so-far weights."""
        for name in (BEST_WEIGHTS, *BEST_SO_FAR):
            path = output_dir(run_dir) / name
            if path.is_file():
                return path
        return None

    @staticmethod
    def tidy_run(run_dir: Path, *, completed: bool) -> list[KeptFile] | None:
        out = output_dir(run_dir)
        if not out.is_dir():
            return []
        best = out / BEST_WEIGHTS
        if completed and best.is_file():
            doomed = [out / LAST_CHECKPOINT, out / FINAL_EMA, *(out / n for n in BEST_SO_FAR)]
            doomed += sorted(out.glob("checkpoint_*.ckpt"))
            for path in doomed:
                path.unlink(missing_ok=True)
            shutil.rmtree(out / "dataset_grids", ignore_errors=True)
            return [KeptFile(best, "best")]
        kept = [KeptFile(p, "best") for p in (out / n for n in (BEST_WEIGHTS, *BEST_SO_FAR)) if p.is_file()][
            :1
        ]
        last = out / LAST_CHECKPOINT
        if last.is_file():
            kept.append(KeptFile(last, "resumable"))
        return kept

    def _dataset(self, request: TrainingRequest, listener: TrainingListener) -> Path:
        from app.data.coco_convert import coco_layout_for
        from app.data.formats import DatasetFormatError

        if request.dataset_root is None or request.cache_dir is None:
            raise TrainingError("RF-DETR needs the dataset folder and a cache folder for its COCO copy")
        try:
            layout = coco_layout_for(
                request.dataset_root, request.cache_dir, should_stop=listener.should_stop
            )
        except DatasetFormatError as exc:
            raise TrainingError(f"The dataset cannot be read for RF-DETR: {exc}") from exc
        except InterruptedError:
            raise TrainingStopRequested() from None
        if layout.class_names != request.class_names:
            raise TrainingError(
                f"The dataset's classes changed ({', '.join(layout.class_names)} instead of "
                f"{', '.join(request.class_names)}); start a new training"
            )
        listener.on_log(layout.describe(FAMILY.label))
        for note in layout.notes:
            listener.on_log(note, "warning")
        return layout.root

    def _model(self, request: TrainingRequest) -> Any:
        import rfdetr

        arch = require_architecture(request.config.model_arch)
        variant = getattr(rfdetr, VARIANTS[arch.name])
        weights = None if request.resume_from is not None or request.weights is None else str(request.weights)
        device = rfdetr_train_args(request.config, device=request.device)["device"]
        try:
            return variant(pretrain_weights=weights, num_classes=len(request.class_names), device=device)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            source = f"starting weights {Path(weights).name}" if weights else arch.name
            raise TrainingError(f"Could not build {arch.name} from {source}: {str(exc)[:500]}") from exc

    def train(self, request: TrainingRequest, listener: TrainingListener) -> TrainingOutcome:
        arch = require_architecture(request.config.model_arch)
        dataset_dir = self._dataset(request, listener)
        out = output_dir(request.run_dir)
        out.mkdir(parents=True, exist_ok=True)
        kwargs = rfdetr_train_args(request.config, device=request.device)
        kwargs.update(dataset_dir=str(dataset_dir), output_dir=str(out.resolve()))
        kwargs["aug_config"] = _augmentation(request.config, listener)
        if request.resume_from is not None:
            kwargs["resume"] = str(request.resume_from)
        model = self._model(request)
        reporter = _Reporter(listener, segmentation=arch.task == "segment")
        rfdetr_logger = logging.getLogger("rf-detr")
        forward = ForwardLibraryWarnings(listener, _clean_warning)
        rfdetr_logger.addHandler(forward)
        try:
            with (
                out_of_memory_as_training_error(request),
                extra_lightning_callback(lightning_callback(reporter)),
            ):
                model.train(**kwargs)
        finally:
            rfdetr_logger.removeHandler(forward)
        best_epoch, final = reporter.best_epoch, reporter.best_metrics
        if best_epoch is None and reporter.best_value <= 0:  # never improved: rfdetr keeps the final EMA
            best_epoch, final = (reporter.last_epoch or None), reporter.last_metrics
        # best_epoch None with a score restored by a resume: the best epoch came before (the job knows it)
        return TrainingOutcome(
            best_weights=self.best_checkpoint(request.run_dir),
            last_weights=self.last_checkpoint(request.run_dir),
            best_epoch=best_epoch,
            best_fitness=reporter.best_value if best_epoch is not None else None,
            epochs_completed=reporter.last_epoch,
            final_metrics=final,
        )
