"""The model families the app trains, predicts with and exports: one entry per framework.

Light on purpose (the API imports it): trainer classes are named as "module:Class" and imported only in
worker processes. Adding a model family means: its Trainer module, its Predictor module, its entries in
the architecture catalogue, and one `Framework` here.
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.core.training.architectures import Architecture, get_architecture

if TYPE_CHECKING:
    from app.core.training.base import Trainer


@dataclass(frozen=True)
class Framework:
    name: str  # stored in training_sessions.framework and models.framework
    label: str
    trainer: str  # "module:Class" implementing Trainer (imported in the worker only)
    weights_suffixes: tuple[str, ...]  # files usable as starting weights
    model_file: str  # name of a registered model's weights file
    export_formats: tuple[str, ...]  # formats of app/core/export/formats.py it can be exported to
    resume_file: str  # what a stopped run resumes from (for messages)


ULTRALYTICS = Framework(
    name="ultralytics",
    label="Ultralytics YOLO",
    trainer="app.core.training.ultralytics_trainer:UltralyticsTrainer",
    weights_suffixes=(".pt",),
    model_file="best.pt",
    export_formats=("onnx", "torchscript", "openvino", "engine", "ncnn", "mnn"),
    resume_file="last.pt",
)
RFDETR = Framework(
    name="rfdetr",
    label="RF-DETR",
    trainer="app.core.training.rfdetr_trainer:RFDETRTrainer",
    weights_suffixes=(".pth", ".pt"),
    model_file="best.pth",
    export_formats=("onnx",),
    resume_file="last.ckpt",
)
FRAMEWORKS: dict[str, Framework] = {f.name: f for f in (ULTRALYTICS, RFDETR)}


def get_framework(name: str) -> Framework:
    try:
        return FRAMEWORKS[name]
    except KeyError:
        raise ValueError(f"unknown framework {name!r}; known: {', '.join(FRAMEWORKS)}") from None


def framework_of(arch_name: str) -> Framework:
    """The framework that trains `arch_name` (an architecture of the catalogue)."""
    arch = require_architecture(arch_name)
    return get_framework(arch.framework)


def require_architecture(arch_name: str) -> Architecture:
    arch = get_architecture(arch_name)
    if arch is None:
        raise ValueError(f"unknown architecture {arch_name!r}")
    return arch


def trainer_class(framework: str) -> type[Trainer]:
    """The Trainer class of `framework` (its module imports heavy libraries lazily, inside `train`)."""
    module_name, class_name = get_framework(framework).trainer.split(":")
    cls: type[Trainer] = getattr(importlib.import_module(module_name), class_name)
    return cls


def rfdetr_weights_dir() -> Path:
    """RF-DETR's weights cache, resolved as rfdetr 1.11.2 does: $RF_HOME, else $ROBOFLOW_HOME, else
    ~/.roboflow/models. Official weights put there are used without a download."""
    for variable in ("RF_HOME", "ROBOFLOW_HOME"):
        value = os.environ.get(variable, "").strip()
        if value:
            return Path(value).expanduser()
    return Path.home() / ".roboflow" / "models"
