"""TrainingOptions -> the hyperparameter arguments of Ultralytics' `model.train(...)` (pure Python)."""

from __future__ import annotations

from typing import Any

from app.core.training.config import TrainingOptions

DEFAULT_NOMINAL_BATCH = 64


def nominal_batch_size(batch_size: int, train_images: int) -> int:
    """Ultralytics accumulates gradients up to `nbs` images per optimizer step. With tiny data sets that
    means one step every few epochs: use nbs=batch when an epoch would make fewer than 4 steps."""
    if train_images <= 0:
        return DEFAULT_NOMINAL_BATCH
    batches_per_epoch = max(1, -(-train_images // batch_size))
    accumulate = max(round(DEFAULT_NOMINAL_BATCH / batch_size), 1)
    return batch_size if batches_per_epoch < 4 * accumulate else DEFAULT_NOMINAL_BATCH


def ultralytics_train_args(config: TrainingOptions, *, device: str, train_images: int) -> dict[str, Any]:
    """The hyperparameter part of `model.train(...)` (data, project, name and weights are added later)."""
    args: dict[str, Any] = {
        "epochs": config.epochs,
        "batch": config.batch_size,
        "imgsz": config.image_size,
        "lr0": config.learning_rate,
        "lrf": config.lr_factor,
        "momentum": config.momentum,
        "weight_decay": config.weight_decay,
        "optimizer": config.optimizer.value,
        "cos_lr": config.cosine_lr,
        "warmup_epochs": config.warmup_epochs,
        "warmup_momentum": config.warmup_momentum,
        "patience": config.patience if config.patience > 0 else 10**6,
        "close_mosaic": config.close_mosaic,
        "device": device,
        "workers": config.num_workers,
        "seed": config.seed,
        "box": config.box_gain,
        "cls": config.cls_gain,
        "dfl": config.dfl_gain,
        "iou": config.iou_threshold,
        "nbs": nominal_batch_size(config.batch_size, train_images),
        "save": True,
        "save_period": -1,  # epoch checkpoints are copied by our own callback (see checkpoints)
        "plots": False,  # the web UI draws the curves; plots cost ~5 s per run
        "val": True,
        "verbose": False,
        "exist_ok": True,
        "amp": device != "cpu",
    }
    args.update(config.augmentation())
    return args
