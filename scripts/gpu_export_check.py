#!/usr/bin/env python3
"""GPU check of the models area: export a segmentation model to TensorRT with the app's export engine,
run inference with the engine, and print timings next to PyTorch on the same GPU.

Run from the repository root on a machine with an NVIDIA GPU, the `ml` extras and TensorRT
(`pip install -e 'backend[ml,tensorrt]'`):

    .venv/bin/python scripts/gpu_export_check.py                       # yolov8n-seg, 1 class, imgsz 640
    .venv/bin/python scripts/gpu_export_check.py --weights best.pt --half --runs 200
Without a GPU or TensorRT it says which is missing (the app's own availability check) and exits 2.
Exit code 0 when the engine was built and ran (the JSON says whether its detection counts match
PyTorch's on the same images). The JSON line at the end is for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))
sys.path.insert(0, str(REPO / "bench"))


def _availability() -> tuple[bool, str | None, int]:
    from app.core.export.formats import FORMATS, check_availability
    from app.jobs.runner import gpu_count

    gpus = gpu_count()
    availability = check_availability(FORMATS["engine"], lambda: gpus)
    return availability.available, availability.reason, gpus


def _time_predicts(
    model: Any, images: list[str], imgsz: int, runs: int, warmup: int, half: bool
) -> dict[str, Any]:
    for index in range(warmup):
        model.predict(images[index % len(images)], imgsz=imgsz, device=0, half=half, verbose=False)
    total: list[float] = []
    inference: list[float] = []
    for index in range(runs):
        started = time.perf_counter()
        result = model.predict(images[index % len(images)], imgsz=imgsz, device=0, half=half, verbose=False)[0]
        total.append((time.perf_counter() - started) * 1000)
        inference.append(float(result.speed.get("inference", 0.0)))
    ordered = sorted(total)
    return {
        "median_ms": round(statistics.median(total), 2),
        "p95_ms": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 2),
        "inference_median_ms": round(statistics.median(inference), 2),
    }


def _detections(model: Any, images: list[str], imgsz: int, half: bool) -> list[tuple[int, list[float]]]:
    out = []
    for image in images:
        boxes = model.predict(image, imgsz=imgsz, device=0, half=half, conf=0.001, verbose=False)[0].boxes
        out.append((len(boxes), [round(float(c), 3) for c in boxes.conf[:5].cpu()]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", help="a .pt (default: yolov8n-seg from its YAML, 1 class, random weights)")
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--half", action="store_true", help="FP16 engine (and FP16 PyTorch for comparison)")
    args = parser.parse_args()

    available, reason, gpus = _availability()
    if not available:
        print(f"TensorRT export is not available here: {reason}", file=sys.stderr)
        print(json.dumps({"ok": False, "gpu_count": gpus, "reason": reason}))
        return 2

    import bench_cpu_inference as bench

    with tempfile.TemporaryDirectory(prefix="gpu-export-") as tmp:
        work = Path(tmp)
        from app.core.training.offline import prepare_ultralytics_env

        prepare_ultralytics_env(work)
        from app.core.export.engine import ExportOptions
        from app.core.families.ultralytics.exporter import export_weights
        from ultralytics import YOLO

        weights = bench.build_model(work, Path(args.weights).resolve() if args.weights else None)
        image_dir = bench.make_images(work, args.imgsz, 8)
        images = sorted(str(p) for p in image_dir.iterdir())

        started = time.perf_counter()
        engine = export_weights(weights, work / "engine", "engine",
                                ExportOptions(imgsz=args.imgsz, half=args.half))
        export_s = time.perf_counter() - started
        engine_model = YOLO(str(engine), task="segment")
        torch_model = YOLO(str(weights))
        report: dict[str, Any] = {
            "machine": bench.machine(),
            "imgsz": args.imgsz, "half": args.half, "runs": args.runs, "warmup": args.warmup,
            "engine_file": engine.name, "engine_bytes": engine.stat().st_size, "export_s": round(export_s, 1),
            "tensorrt": _timed(engine_model, images, args, args.half),
            "pytorch_cuda": _timed(torch_model, images, args, args.half),
        }
        engine_detections = _detections(engine_model, images, args.imgsz, args.half)
        torch_detections = _detections(torch_model, images, args.imgsz, args.half)
        counts_match = [e[0] for e in engine_detections] == [t[0] for t in torch_detections]
        report["detection_counts_match"] = counts_match
        report["ok"] = True
    print(f"TensorRT engine built in {report['export_s']} s ({report['engine_bytes']} bytes); per image: "
          f"TensorRT {report['tensorrt']['median_ms']} ms median, PyTorch CUDA "
          f"{report['pytorch_cuda']['median_ms']} ms; detection counts match: {counts_match}")
    print(json.dumps(report))
    return 0


def _timed(model: Any, images: list[str], args: argparse.Namespace, half: bool) -> dict[str, Any]:
    return _time_predicts(model, images, args.imgsz, args.runs, args.warmup, half)


if __name__ == "__main__":
    sys.exit(main())
