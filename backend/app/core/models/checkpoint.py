"""Checks an uploaded .pt before the app trusts it (worker process only: imports torch and ultralytics).

1. It must be a PyTorch zip checkpoint (`torch.save` format), else "not a model file".
2. Its pickle may only name classes of Ultralytics' network modules, torch.nn modules and plain data
   types: a checkpoint is a pickle, and loading one runs whatever callables it names, so a file that
   names anything else (os.system, subprocess, builtins.eval...) is refused before it is loaded.
3. Ultralytics loads it; its task must be segment or detect; class names and image size are read.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.core.models.metrics import flat_metrics

SUPPORTED_TASKS = ("segment", "detect")
DEFAULT_IMAGE_SIZE = 640
_ALLOWED_PREFIXES = (
    "ultralytics.nn.",
    "torch.nn.modules.",
    "torch.nn.parameter.",
    "collections.",
    "numpy.core.multiarray.",
    "numpy._core.multiarray.",
    "numpy.dtypes.",
)
_ALLOWED_EXACT = frozenset(
    {
        "ultralytics.utils.IterableSimpleNamespace",
        "types.SimpleNamespace",
        "argparse.Namespace",
        "builtins.set",
        "builtins.frozenset",
        "builtins.slice",
        "pathlib.PosixPath",
        "pathlib.WindowsPath",
        "pathlib.Path",
        "datetime.datetime",
        "numpy.dtype",
        "numpy.ndarray",
        "torch.Size",
        "torch.device",
        "torch.dtype",
    }
)
_ALLOWED_PATTERNS = (
    re.compile(r"numpy\.(u?int\d+|float\d+|bool_?|complex\d+)"),
    re.compile(r"torch\.(u?int\d+|float\d+|bfloat16|half|bool|complex\d+)"),
)


class InvalidModelFile(Exception):
    """The file is not a usable model; the message says why."""


@dataclass
class CheckpointInfo:
    task: str
    class_names: list[str]
    image_size: int
    model_arch: str | None
    parameters: int
    metrics: dict[str, float] = field(default_factory=dict)
    framework: str = "ultralytics"


def global_allowed(name: str) -> bool:
    if name in _ALLOWED_EXACT or name.startswith(_ALLOWED_PREFIXES):
        return True
    return any(pattern.fullmatch(name) for pattern in _ALLOWED_PATTERNS)


def scan_checkpoint(path: Path) -> None:
    """Raises InvalidModelFile unless `path` is a torch zip checkpoint naming only allowed globals."""
    if not zipfile.is_zipfile(path):
        raise InvalidModelFile(
            "The file is not a PyTorch model: expected a .pt checkpoint saved by torch.save (a zip archive)."
        )
    import torch

    try:
        unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(str(path))
    except Exception:
        raise InvalidModelFile(
            "The file is not a PyTorch model: it is a zip archive, but not one written by torch.save."
        ) from None
    refused = sorted(name for name in unsafe if not global_allowed(name))
    if refused:
        shown = ", ".join(refused[:5]) + (" ..." if len(refused) > 5 else "")
        raise InvalidModelFile(
            "The checkpoint refers to code outside Ultralytics and PyTorch modules "
            f"({shown}); it was not loaded, for safety."
        )


def _image_size(train_args: Any) -> int:
    value = train_args.get("imgsz") if isinstance(train_args, dict) else None
    if isinstance(value, list | tuple) and value:
        value = max(value)
    try:
        size = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return DEFAULT_IMAGE_SIZE
    return size if 32 <= size <= 4096 else DEFAULT_IMAGE_SIZE


def _arch(net: Any) -> str | None:
    yaml = getattr(net, "yaml", None)
    if not isinstance(yaml, dict):
        return None
    yaml_file = yaml.get("yaml_file")
    if not isinstance(yaml_file, str) or not yaml_file:
        return None
    stem = Path(yaml_file).stem
    scale = yaml.get("scale")
    # Ultralytics drops the scale letter from the file name it keeps (yolov8n-seg.yaml -> yolov8-seg.yaml).
    if isinstance(scale, str) and len(scale) == 1 and not re.search(r"\d[a-z](-|$)", stem):
        stem = re.sub(r"^(yolo(?:v)?\d+)", rf"\g<1>{scale}", stem)
    return stem[:50]


def _class_names(names: Any) -> list[str]:
    if isinstance(names, dict):
        return [str(names[key]) for key in sorted(names)]
    if isinstance(names, list | tuple):
        return [str(name) for name in names]
    return []


def inspect_checkpoint(path: Path) -> CheckpointInfo:
    """Scans, then loads with Ultralytics. Raises InvalidModelFile with a message for the user."""
    scan_checkpoint(path)
    from ultralytics import YOLO

    try:
        model = YOLO(str(path))
    except Exception as exc:
        raise InvalidModelFile(
            f"The file is a PyTorch checkpoint but Ultralytics cannot load it as a model "
            f"({type(exc).__name__}: {str(exc)[:300]})."
        ) from None
    task = str(model.task)
    net: Any = model.model
    arch = _arch(net)
    if task not in SUPPORTED_TASKS:
        raise InvalidModelFile(
            f"This is a {task} model{f' ({arch})' if arch else ''}: only segment and detect models can be "
            "imported (crack segmentation needs masks or boxes)."
        )
    names = _class_names(model.names)
    if not names:
        raise InvalidModelFile("The model has no class names.")
    ckpt = model.ckpt if isinstance(model.ckpt, dict) else {}
    return CheckpointInfo(
        task=task,
        class_names=names,
        image_size=_image_size(ckpt.get("train_args")),
        model_arch=arch,
        parameters=int(sum(p.numel() for p in net.parameters())),
        metrics=flat_metrics(ckpt.get("train_metrics") or {}),
    )
