"""Training configuration (seed plan 5.1): ranges, defaults and validation, for every model family.

Pure Python: the API validates requests with it; each family's `args` module turns it into its library's
training arguments in the worker. One configuration serves every family: fields a family has no use for
are ignored by it (`ModelFamily.fields`), fields a request leaves out take the family's own defaults
(`ModelFamily.defaults`), and a family may narrow a field's limits (`ModelFamily.field_limits`). The
image size must be a multiple of the architecture's `image_multiple`.
Dropped from the seed: dataset_yaml/num_classes (taken from the dataset), output_dir/project_name
(the server owns the run directory), model_type/model_size (one `model_arch` from the catalogue),
save_best (best.pt is always kept) and min_delta (Ultralytics' early stopping has no such knob).
"""

from __future__ import annotations

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEVICE_PATTERN = re.compile(r"^(auto|cpu|\d{1,2}(,\d{1,2}){0,15})$")
MIN_IMAGE_SIZE = 32
MAX_IMAGE_SIZE = 2048
IMAGE_STRIDE = 32


class OptimizerType(StrEnum):
    AUTO = "auto"
    SGD = "SGD"
    ADAM = "Adam"
    ADAMW = "AdamW"
    RMSPROP = "RMSProp"


class AugmentationLevel(StrEnum):
    NONE = "none"
    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"


# Ultralytics hyperparameters per level. medium = Ultralytics' defaults. Cracks have no preferred
# orientation, so heavy adds vertical flips and rotation.
AUGMENTATION_PRESETS: dict[AugmentationLevel, dict[str, float]] = {
    AugmentationLevel.NONE: {
        "hsv_h": 0.0,
        "hsv_s": 0.0,
        "hsv_v": 0.0,
        "degrees": 0.0,
        "translate": 0.0,
        "scale": 0.0,
        "shear": 0.0,
        "perspective": 0.0,
        "flipud": 0.0,
        "fliplr": 0.0,
        "mosaic": 0.0,
        "mixup": 0.0,
        "copy_paste": 0.0,
        "erasing": 0.0,
    },
    AugmentationLevel.LIGHT: {
        "hsv_h": 0.01,
        "hsv_s": 0.3,
        "hsv_v": 0.2,
        "degrees": 0.0,
        "translate": 0.05,
        "scale": 0.2,
        "shear": 0.0,
        "perspective": 0.0,
        "flipud": 0.0,
        "fliplr": 0.5,
        "mosaic": 0.5,
        "mixup": 0.0,
        "copy_paste": 0.0,
        "erasing": 0.0,
    },
    AugmentationLevel.MEDIUM: {
        "hsv_h": 0.015,
        "hsv_s": 0.7,
        "hsv_v": 0.4,
        "degrees": 0.0,
        "translate": 0.1,
        "scale": 0.5,
        "shear": 0.0,
        "perspective": 0.0,
        "flipud": 0.0,
        "fliplr": 0.5,
        "mosaic": 1.0,
        "mixup": 0.0,
        "copy_paste": 0.0,
        "erasing": 0.4,
    },
    AugmentationLevel.HEAVY: {
        "hsv_h": 0.02,
        "hsv_s": 0.8,
        "hsv_v": 0.5,
        "degrees": 15.0,
        "translate": 0.2,
        "scale": 0.7,
        "shear": 2.0,
        "perspective": 0.0005,
        "flipud": 0.5,
        "fliplr": 0.5,
        "mosaic": 1.0,
        "mixup": 0.15,
        "copy_paste": 0.3,
        "erasing": 0.4,
    },
}


class TrainingOptions(BaseModel):
    """Everything a training run needs, with the limits every family shares. Trainers read it; requests
    are validated with its subclass `app.core.families.config.TrainingConfig`, which also checks them
    against the model families (known architecture, the family's defaults and limits)."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    # Model
    model_arch: str = Field(
        default="yolov8n-seg", max_length=64, description="Architecture from /training/architectures"
    )
    pretrained: bool = Field(
        default=True,
        description="Start from pretrained weights (`weights`, else the official ones); false = from scratch",
    )
    weights: str | None = Field(
        default=None,
        max_length=500,
        description="Starting weights: a model id from the registry, or a .pt path relative to the "
        "data directory (under models/ or uploads/)",
    )

    # Data
    image_size: int = Field(
        default=640,
        ge=MIN_IMAGE_SIZE,
        le=MAX_IMAGE_SIZE,
        description="Square training size in pixels, a multiple of the architecture's `image_multiple` "
        "(see each architecture of /training/architectures)",
    )

    # Hyperparameters
    epochs: int = Field(default=100, ge=1, le=1000)
    batch_size: int = Field(default=16, ge=1, le=128)
    learning_rate: float = Field(default=0.01, ge=0.0001, le=0.1, description="Initial learning rate (lr0)")
    lr_factor: float = Field(default=0.01, ge=0.0001, le=1.0, description="Final LR = lr0 * lr_factor")
    momentum: float = Field(default=0.937, ge=0.0, le=1.0)
    weight_decay: float = Field(default=0.0005, ge=0.0, le=0.1)
    optimizer: OptimizerType = OptimizerType.SGD

    # Learning-rate schedule
    cosine_lr: bool = True
    warmup_epochs: float = Field(default=3.0, ge=0.0, le=50.0)
    warmup_momentum: float = Field(default=0.8, ge=0.0, le=1.0)

    # Early stopping
    patience: int = Field(default=50, ge=0, le=1000, description="Epochs without improvement; 0 = never")

    # Augmentation
    augmentation_level: AugmentationLevel = AugmentationLevel.MEDIUM
    mosaic: float | None = Field(default=None, ge=0.0, le=1.0, description="Overrides the level's value")
    mixup: float | None = Field(default=None, ge=0.0, le=1.0, description="Overrides the level's value")
    copy_paste: float | None = Field(default=None, ge=0.0, le=1.0, description="Overrides the level's value")
    close_mosaic: int = Field(default=10, ge=0, le=1000, description="Disable mosaic for the last N epochs")

    # System
    device: str = Field(
        default="auto", max_length=50, description="'auto', 'cpu', a GPU index ('0') or several ('0,1')"
    )
    num_workers: int = Field(default=8, ge=0, le=32, description="Data-loader worker processes")
    seed: int = Field(default=42, ge=0, le=2**31 - 1)

    # Checkpoints
    save_period: int = Field(
        default=10,
        ge=0,
        le=1000,
        description="Keep an epoch checkpoint every N epochs (0 = best and last only)",
    )
    keep_last_checkpoints: int = Field(
        default=3, ge=0, le=100, description="Retention: keep the best and the last N epoch checkpoints"
    )

    # Loss gains and NMS
    box_gain: float = Field(default=7.5, ge=0.01, le=50.0)
    cls_gain: float = Field(default=0.5, ge=0.01, le=50.0)
    dfl_gain: float = Field(default=1.5, ge=0.01, le=50.0)
    iou_threshold: float = Field(default=0.7, ge=0.1, le=0.95)

    @field_validator("device")
    @classmethod
    def _device_syntax(cls, value: str) -> str:
        value = value.strip().lower().replace(" ", "")
        if not DEVICE_PATTERN.match(value):
            raise ValueError("must be 'auto', 'cpu', a GPU index like '0' or a list like '0,1'")
        if "," in value and len(set(value.split(","))) != len(value.split(",")):
            raise ValueError("lists each GPU only once")
        return value

    @field_validator("weights")
    @classmethod
    def _weights_syntax(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if "\x00" in value or value.startswith(("/", "\\")) or ".." in value.replace("\\", "/").split("/"):
            raise ValueError("must be a model id or a path inside the data directory")
        return value

    def augmentation(self) -> dict[str, float]:
        """The level's preset with explicit mosaic/mixup/copy_paste overrides applied."""
        values = dict(AUGMENTATION_PRESETS[self.augmentation_level])
        for key in ("mosaic", "mixup", "copy_paste"):
            override = getattr(self, key)
            if override is not None:
                values[key] = override
        return values


def nearest_sizes(value: int, multiple: int) -> list[int]:
    """The valid sizes around `value` within the allowed range, e.g. (100, 12) -> [96, 108]."""
    below = value // multiple * multiple
    candidates = [below, below + multiple]
    valid = [size for size in candidates if MIN_IMAGE_SIZE <= size <= MAX_IMAGE_SIZE]
    if not valid:
        smallest = -(-MIN_IMAGE_SIZE // multiple) * multiple
        valid = [smallest if value < MIN_IMAGE_SIZE else MAX_IMAGE_SIZE // multiple * multiple]
    return valid


def gpu_indices(device: str) -> list[int]:
    """GPU indices a (validated) device string names; [] for cpu/auto."""
    if device in ("cpu", "auto"):
        return []
    return [int(part) for part in device.split(",")]


def resolve_device(device: str, gpu_count: int) -> str:
    """'auto' -> '0' with a GPU, else 'cpu'. Raises ValueError naming the missing GPU."""
    if device == "auto":
        return "0" if gpu_count > 0 else "cpu"
    indices = gpu_indices(device)
    if indices and gpu_count == 0:
        raise ValueError(f"device {device!r} asks for a GPU but none is visible on this machine; use 'cpu'")
    missing = [i for i in indices if i >= gpu_count]
    if missing:
        raise ValueError(
            f"device {device!r}: GPU {missing[0]} does not exist (this machine has {gpu_count}: "
            f"{', '.join(str(i) for i in range(gpu_count))})"
        )
    return device
