"""TrainingOptions -> the hyperparameter arguments of RF-DETR's `model.train(...)` (pure Python)."""

from __future__ import annotations

from typing import Any

from app.core.training.config import AugmentationLevel, TrainingOptions

RFDETR_CHECKPOINT_INTERVAL = 1_000_000  # no epoch .ckpt copies (~0.5 GB each); last.ckpt is kept apart


# RF-DETR augmentation presets (rfdetr.datasets.aug_configs) per level; None = rfdetr's default (AUG_CONFIG).
RFDETR_AUGMENTATION: dict[AugmentationLevel, str | None] = {
    AugmentationLevel.NONE: "none",
    AugmentationLevel.LIGHT: "AUG_CONSERVATIVE",
    AugmentationLevel.MEDIUM: None,
    AugmentationLevel.HEAVY: "AUG_AGGRESSIVE",
}


def rfdetr_device(device: str) -> str:
    """Our resolved device ('cpu', '0') as rfdetr's `device=` ('cpu', 'cuda:0')."""
    return "cpu" if device == "cpu" else f"cuda:{int(device.split(',')[0])}"


def rfdetr_train_args(config: TrainingOptions, *, device: str) -> dict[str, Any]:
    """The hyperparameter part of RF-DETR's `model.train(...)` (dataset, output and resume are added
    by the trainer). The augmentation preset is named here and resolved by the worker."""
    return {
        "epochs": config.epochs,
        "batch_size": config.batch_size,
        "resolution": config.image_size,
        "lr": config.learning_rate,
        "lr_encoder": round(config.learning_rate * 1.5, 10),  # rfdetr's default ratio (1.5e-4 / 1e-4)
        "weight_decay": config.weight_decay,
        "warmup_epochs": config.warmup_epochs,
        "lr_scheduler": "cosine" if config.cosine_lr else "step",
        "early_stopping": config.patience > 0,
        "early_stopping_patience": max(config.patience, 1),
        "device": rfdetr_device(device),
        "num_workers": config.num_workers,
        "seed": config.seed,
        # multi-scale training resizes batches around the resolution: only with real augmentation
        "multi_scale": config.augmentation_level in (AugmentationLevel.MEDIUM, AugmentationLevel.HEAVY),
        "checkpoint_interval": RFDETR_CHECKPOINT_INTERVAL,
        "tensorboard": False,
        "progress_bar": None,
        "run_test": False,
    }
