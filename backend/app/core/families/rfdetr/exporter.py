"""Runs an RF-DETR export in a worker process (imports rfdetr: never import this in the API).

rfdetr 1.11.2's own exporter writes `<variant>.onnx` (inputs `input`, outputs `dets`, `labels` and, for
segmentation, `masks`) at the resolution the model was trained at. It is renamed to `model.onnx` so the
export folder holds exactly the artefact, as for Ultralytics exports.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from app.core.export.engine import ExportFailed, ExportOptions, clean_message

DEFAULT_OPSET = 17
EXPORT_NAME = "model.onnx"


def export_rfdetr_weights(weights: Path, out_dir: Path, format_name: str, options: ExportOptions) -> Path:
    """Exports the RF-DETR checkpoint `weights` into `out_dir`; returns the file. Raises ExportFailed."""
    if format_name != "onnx":
        raise ExportFailed(f"RF-DETR models export to ONNX only, not {format_name}")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = out_dir / "work"
    try:
        import rfdetr

        model = rfdetr.from_checkpoint(str(weights), device="cpu")
        # the exporter prints the whole traced graph even with verbose=False: keep it out of the job log
        with contextlib.redirect_stdout(io.StringIO()):
            opset = options.opset or DEFAULT_OPSET
            model.export(output_dir=str(work), format="onnx", verbose=False, opset_version=opset)
    except Exception as exc:
        raise ExportFailed(f"ONNX export failed: {clean_message(exc)}") from exc
    produced = sorted(work.glob("*.onnx"))
    if not produced:
        raise ExportFailed("ONNX export produced no .onnx file")
    target = out_dir / EXPORT_NAME
    produced[0].replace(target)
    for entry in work.iterdir():
        entry.unlink(missing_ok=True)
    work.rmdir()
    return target
