"""Runs an Ultralytics export in a worker process (imports ultralytics: never import this in the API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.export.engine import ExportFailed, ExportOptions, clean_message, keep_only, link_or_copy
from app.core.export.formats import FORMATS, ExportFormat, output_name

WEIGHTS_STEM = "model"


def ultralytics_args(options: ExportOptions, spec: ExportFormat) -> dict[str, Any]:
    """Only the arguments the format accepts (Ultralytics rejects others)."""
    args: dict[str, Any] = {"format": spec.name, "imgsz": options.imgsz, "batch": 1}
    # TensorRT, and FP16 TorchScript (traced in half precision), are built on the GPU.
    on_gpu = spec.needs_gpu or (options.half and spec.half == "gpu")
    args["device"] = "0" if on_gpu else "cpu"
    if spec.dynamic and options.dynamic:
        args["dynamic"] = True
    if spec.simplify:
        args["simplify"] = options.simplify
    if spec.opset and options.opset is not None:
        args["opset"] = options.opset
    if options.half:
        args["quantize"] = 16  # Ultralytics 8.4: `half=True` is deprecated for quantize=16
    return args


def export_weights(weights: Path, out_dir: Path, format_name: str, options: ExportOptions) -> Path:
    """Exports `weights` into `out_dir`; returns the exported file or folder. Raises ExportFailed."""
    spec = FORMATS[format_name]
    out_dir.mkdir(parents=True, exist_ok=True)
    local = out_dir / f"{WEIGHTS_STEM}.pt"
    link_or_copy(weights, local)
    try:
        from ultralytics import YOLO

        model = YOLO(str(local))
        produced = model.export(**ultralytics_args(options, spec))
    except Exception as exc:
        raise ExportFailed(f"{spec.title} export failed: {clean_message(exc)}") from exc
    result = Path(str(produced)) if produced else out_dir / output_name(spec, WEIGHTS_STEM)
    if not result.exists():
        raise ExportFailed(f"{spec.title} export produced no {result.name}")
    keep_only(out_dir, result)
    return result
