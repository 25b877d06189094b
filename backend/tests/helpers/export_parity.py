"""Exports a model to ONNX (and OpenVINO when installed) and compares its detections with PyTorch's.

Run as a subprocess (`python -m tests.helpers.export_parity WEIGHTS IMAGES_DIR OUT_DIR IMGSZ`) so torch,
ultralytics, onnxruntime and openvino never load into the pytest process. Prints one JSON line:
{"formats": {fmt: {"images": n, "torch_detections": n, "matched": n, "unmatched": n,
"max_conf_diff": x, "min_box_iou": x, "min_mask_iou": x, "class_mismatches": n, "shapes_equal": bool,
"max_relative_diff": x}}, "skipped": {fmt: why}}. Raw outputs (boxes, scores, mask coefficients and
prototypes) are compared on one random input; detections on the dataset's images.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from app.core.training.offline import prepare_ultralytics_env

# Parity is judged on confident detections of a model that finds cracks (the starter model): the
# app's default confidence, and a margin above it so that a score moving by the formats' rounding
# never decides whether a detection counts. (On a barely-trained model, whose mask logits sit within
# ~0.003 of the threshold, which pixels flip depends on the CPU's kernels: AVX2 and AVX-512 disagreed.)
CONF = 0.25
TOP_K = 20
COMPARE_ABOVE = 0.35  # torch detections above this must be found in the export (a margin against the cut)


def _detections(result: Any) -> dict[str, np.ndarray]:
    boxes = result.boxes
    masks = result.masks.data.cpu().numpy() > 0.5 if result.masks is not None else None
    return {
        "xyxy": boxes.xyxy.cpu().numpy(),
        "conf": boxes.conf.cpu().numpy(),
        "cls": boxes.cls.cpu().numpy().astype(int),
        "masks": masks if masks is not None else np.zeros((0, 1, 1), dtype=bool),
    }


def _box_iou(a: np.ndarray, b: np.ndarray) -> float:
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def _mask_iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def compare(reference: list[dict[str, np.ndarray]], other: list[dict[str, np.ndarray]]) -> dict[str, Any]:
    stats: dict[str, Any] = {
        "images": len(reference),
        "torch_detections": 0,
        "matched": 0,
        "unmatched": 0,
        "class_mismatches": 0,
        "max_conf_diff": 0.0,
        "min_box_iou": 1.0,
        "min_mask_iou": 1.0,
    }
    for ref, out in zip(reference, other, strict=True):
        for i in np.flatnonzero(ref["conf"] >= COMPARE_ABOVE)[:TOP_K]:
            stats["torch_detections"] += 1
            ious = [_box_iou(ref["xyxy"][i], box) for box in out["xyxy"]]
            if not ious or max(ious) < 0.5:
                stats["unmatched"] += 1
                continue
            j = int(np.argmax(ious))
            stats["matched"] += 1
            stats["min_box_iou"] = min(stats["min_box_iou"], ious[j])
            stats["max_conf_diff"] = max(stats["max_conf_diff"], float(abs(ref["conf"][i] - out["conf"][j])))
            stats["class_mismatches"] += int(ref["cls"][i] != out["cls"][j])
            if len(ref["masks"]) > i and len(out["masks"]) > j:
                mask_iou = _mask_iou(ref["masks"][i], out["masks"][j])
                stats["min_mask_iou"] = min(stats["min_mask_iou"], mask_iou)
    return stats


def _torch_raw(weights: Path, batch: np.ndarray) -> list[np.ndarray]:
    import torch
    from ultralytics import YOLO

    net: Any = YOLO(str(weights)).model
    net = net.float().eval()
    with torch.no_grad():
        out = net(torch.from_numpy(batch))
    # Ultralytics 8.4 eval output: ((detections+mask coefficients, prototypes), raw head outputs)
    first = out[0]
    if isinstance(first, list | tuple):
        return [t.numpy() for t in first]
    protos = out[1][-1] if isinstance(out[1], list | tuple) else out[1]["proto"]
    return [first.numpy(), protos.numpy()]


def _export_raw(fmt: str, exported: Path, batch: np.ndarray) -> list[np.ndarray]:
    if fmt == "onnx":
        import onnxruntime

        session = onnxruntime.InferenceSession(str(exported), providers=["CPUExecutionProvider"])
        return [np.asarray(o) for o in session.run(None, {session.get_inputs()[0].name: batch})]
    import openvino

    compiled = openvino.Core().compile_model(str(next(exported.glob("*.xml"))), "CPU")
    result = compiled(batch)
    return [np.asarray(result[compiled.output(i)]) for i in range(len(compiled.outputs))]


def raw_difference(reference: list[np.ndarray], other: list[np.ndarray]) -> dict[str, Any]:
    """Largest absolute difference of each raw output, relative to that output's largest magnitude."""
    diffs = []
    for ref, out in zip(reference, other, strict=True):
        if ref.shape != out.shape:
            return {"shapes_equal": False, "shapes": [list(ref.shape), list(out.shape)]}
        diffs.append(float(np.max(np.abs(ref - out)) / (np.max(np.abs(ref)) + 1e-9)))
    return {"shapes_equal": True, "max_relative_diff": max(diffs)}


def _predict(model: Any, images: list[Path], imgsz: int) -> list[dict[str, np.ndarray]]:
    results = []
    for image in images:
        result = model.predict(str(image), imgsz=imgsz, conf=CONF, max_det=100, device="cpu", verbose=False)
        results.append(_detections(result[0]))
    return results


def main(weights_arg: str, images_dir: Path, out_dir: Path, imgsz: int) -> dict[str, Any]:
    """WEIGHTS: a .pt file, or "starter" for the shipped starter crack model."""
    prepare_ultralytics_env(out_dir)
    from ultralytics import YOLO

    from app.core.families.ultralytics.starter.weights import materialize

    weights = materialize(out_dir / "starter") if weights_arg == "starter" else Path(weights_arg)

    from app.core.export.engine import ExportOptions
    from app.core.families.ultralytics.exporter import export_weights

    images = sorted(p for p in images_dir.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    reference = _predict(YOLO(str(weights)), images, imgsz)
    batch = np.random.default_rng(0).random((1, 3, imgsz, imgsz), dtype=np.float32)
    raw_reference = _torch_raw(weights, batch)
    report: dict[str, Any] = {"formats": {}, "skipped": {}}
    for fmt, module in (("onnx", "onnxruntime"), ("openvino", "openvino")):
        if importlib.util.find_spec(module) is None:
            report["skipped"][fmt] = f"{module} is not installed"
            continue
        exported = export_weights(weights, out_dir / fmt, fmt, ExportOptions(imgsz=imgsz))
        model = YOLO(str(exported), task="segment")
        report["formats"][fmt] = {
            **compare(reference, _predict(model, images, imgsz)),
            **raw_difference(raw_reference, _export_raw(fmt, exported, batch)),
        }
    return report


if __name__ == "__main__":
    outcome = main(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]))
    print(json.dumps(outcome))
