"""Runs an Ultralytics export in a worker process (imports ultralytics: never import this in the API).

The weights are linked into the export's own folder, exported there, and everything but the exported
file or folder is removed, so `models/<model_id>/exports/<export_id>/` holds exactly the artefact.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.core.export.formats import FORMATS, ExportFormat, output_name

WEIGHTS_STEM = "model"


class ExportFailed(Exception):
    """The export could not be produced; the message says why (no stack trace)."""


@dataclass(frozen=True)
class ExportOptions:
    imgsz: int
    half: bool = False
    dynamic: bool = False
    simplify: bool = True
    opset: int | None = None

    def ultralytics_args(self, spec: ExportFormat) -> dict[str, Any]:
        """Only the arguments the format accepts (Ultralytics rejects others)."""
        args: dict[str, Any] = {"format": spec.name, "imgsz": self.imgsz, "batch": 1}
        # TensorRT, and FP16 TorchScript (traced in half precision), are built on the GPU.
        on_gpu = spec.needs_gpu or (self.half and spec.half == "gpu")
        args["device"] = "0" if on_gpu else "cpu"
        if spec.dynamic and self.dynamic:
            args["dynamic"] = True
        if spec.simplify:
            args["simplify"] = self.simplify
        if spec.opset and self.opset is not None:
            args["opset"] = self.opset
        if self.half:
            args["quantize"] = 16  # Ultralytics 8.4: `half=True` is deprecated for quantize=16
        return args


_NOISE = re.compile(r"ERROR\s*|[\u2600-\u27bf\U0001f300-\U0001faff\ufe0f]")


def clean_message(exc: BaseException) -> str:
    """Ultralytics' messages without emoji and 'ERROR' prefixes, on one line, bounded."""
    text = _NOISE.sub("", str(exc)).strip() or type(exc).__name__
    return " ".join(text.split())[:1000]


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _keep_only(folder: Path, keep: Path) -> None:
    for entry in folder.iterdir():
        if entry.resolve() == keep.resolve():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()


def path_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def export_weights(weights: Path, out_dir: Path, format_name: str, options: ExportOptions) -> Path:
    """Exports `weights` into `out_dir`; returns the exported file or folder. Raises ExportFailed."""
    spec = FORMATS[format_name]
    out_dir.mkdir(parents=True, exist_ok=True)
    local = out_dir / f"{WEIGHTS_STEM}.pt"
    link_or_copy(weights, local)
    try:
        from ultralytics import YOLO

        model = YOLO(str(local))
        produced = model.export(**options.ultralytics_args(spec))
    except Exception as exc:
        raise ExportFailed(f"{spec.title} export failed: {clean_message(exc)}") from exc
    result = Path(str(produced)) if produced else out_dir / output_name(spec, WEIGHTS_STEM)
    if not result.exists():
        raise ExportFailed(f"{spec.title} export produced no {result.name}")
    _keep_only(out_dir, result)
    return result
