"""Benchmark: per-image CPU latency of one segmentation model through PyTorch, ONNX Runtime and OpenVINO.

One command. The same model (yolov8n-seg built from its YAML with one class, random weights: latency
does not depend on training; or `--weights` for a trained .pt) is exported with the app's export engine
(app/core/export/engine.py) to ONNX and OpenVINO at `--imgsz`. Each backend then runs in its own
process (ONNX Runtime's and OpenVINO's threads would slow torch in a shared one), loaded through
Ultralytics' `YOLO(path)` exactly as the app's prediction does, on synthetic crack images:
`--warmup` calls are excluded, then `--runs` timed `predict` calls (preprocess + inference +
postprocess with masks), reported as median and p95 milliseconds, with Ultralytics' own split.

Example:
    .venv/bin/python bench/bench_cpu_inference.py --markdown          # ~2-3 minutes on 2 cores
Prints a JSON line (and a Markdown table with --markdown) for docs/BENCHMARKS.md "## Models".
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

BACKENDS = {"pytorch": None, "onnxruntime": "onnx", "openvino": "openvino"}
BACKEND_MODULE = {"pytorch": "torch", "onnxruntime": "onnxruntime", "openvino": "openvino"}


def _load() -> list[float]:
    """1/5/15-minute load averages: other work on the machine inflates wall-clock latency."""
    return [round(x, 1) for x in os.getloadavg()]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        import psutil

        memory_gib = round(psutil.virtual_memory().total / 1024**3, 1)
    except ImportError:
        pass
    versions = {}
    for name in ("torch", "ultralytics", "onnxruntime", "openvino"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory_gib, "gpu": _gpu_name(),
            "python": platform.python_version(), "versions": versions}


def _gpu_name() -> str | None:
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                             text=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip().splitlines()[0] if out.returncode == 0 and out.stdout.strip() else None


# --- parent: build, export, run each backend in a child ---------------------------------------------


def build_model(work: Path, weights: Path | None) -> Path:
    """A .pt to benchmark: the given weights, or yolov8n-seg (1 class, random init) from its YAML."""
    if weights is not None:
        return weights
    from ultralytics import YOLO

    target = work / "yolov8n-seg-1class.pt"
    model = YOLO("yolov8n-seg.yaml")
    yaml_file = work / "yolov8n-seg.yaml"
    import yaml

    config = dict(model.model.yaml)
    config["nc"] = 1
    yaml_file.write_text(yaml.safe_dump(config, sort_keys=False))
    YOLO(str(yaml_file)).save(str(target))
    return target


def make_images(work: Path, imgsz: int, count: int) -> Path:
    from app.data.synthetic import SyntheticSpec, generate_dataset

    spec = SyntheticSpec(seed=3, train=count, val=0, test=0, image_size=imgsz, crack_free_fraction=0.0)
    dataset = generate_dataset(work / "images", spec)
    return dataset.data_yaml.parent / "images" / "train"


def run_child(backend: str, model_path: Path, images: Path, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", backend, "--model", str(model_path), "--images", str(images),
               "--imgsz", str(args.imgsz), "--runs", str(args.runs), "--warmup", str(args.warmup)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    if result.returncode != 0:
        return {"error": result.stderr[-2000:]}
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def parent(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        work = Path(tmp)
        from app.core.training.offline import prepare_ultralytics_env

        prepare_ultralytics_env(work)
        from app.core.export.engine import ExportOptions
        from app.core.families.ultralytics.exporter import export_weights

        weights = build_model(work, Path(args.weights).resolve() if args.weights else None)
        images = make_images(work, args.imgsz, args.images)
        report: dict[str, Any] = {"machine": machine(), "load_before": _load(), "imgsz": args.imgsz, "runs": args.runs,
                                  "warmup": args.warmup, "model": weights.name, "backends": {}}
        for backend, fmt in BACKENDS.items():
            if importlib.util.find_spec(BACKEND_MODULE[backend]) is None:
                report["backends"][backend] = {"error": f"{BACKEND_MODULE[backend]} is not installed"}
                continue
            path = weights
            if fmt is not None:
                started = time.perf_counter()
                path = export_weights(weights, work / "exports" / fmt, fmt, ExportOptions(imgsz=args.imgsz))
                export_s = time.perf_counter() - started
            figures = run_child(backend, path, images, args)
            if fmt is not None:
                figures["export_s"] = round(export_s, 1)
            report["backends"][backend] = figures
        report["load_after"] = _load()
        return report


# --- child: one backend, timed predicts ----------------------------------------------------------------


def child(args: argparse.Namespace) -> dict[str, Any]:
    from app.core.training.offline import prepare_ultralytics_env

    prepare_ultralytics_env(Path(tempfile.mkdtemp(prefix="bench-child-")))
    from ultralytics import YOLO

    model = YOLO(args.model, task="segment")
    images = sorted(str(p) for p in Path(args.images).iterdir())
    for index in range(args.warmup):
        model.predict(images[index % len(images)], imgsz=args.imgsz, device="cpu", verbose=False)
    total_ms: list[float] = []
    cpu_ms: list[float] = []
    parts: dict[str, list[float]] = {"preprocess": [], "inference": [], "postprocess": []}
    for index in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        result = model.predict(images[index % len(images)], imgsz=args.imgsz, device="cpu", verbose=False)[0]
        total_ms.append((time.perf_counter() - started) * 1000)
        cpu_ms.append((time.process_time() - cpu_started) * 1000)
        for key, values in parts.items():
            values.append(float(result.speed.get(key, 0.0)))
    threads = None
    if args.child == "pytorch":
        import torch

        threads = torch.get_num_threads()
    return {
        "median_ms": round(statistics.median(total_ms), 1),
        "p95_ms": round(_percentile(total_ms, 0.95), 1),
        "min_ms": round(min(total_ms), 1),
        "cpu_median_ms": round(statistics.median(cpu_ms), 1),
        "inference_median_ms": round(statistics.median(parts["inference"]), 1),
        "pre_post_median_ms": round(statistics.median(parts["preprocess"]) +
                                    statistics.median(parts["postprocess"]), 1),
        "torch_threads": threads,
    }


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        (f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, GPU: {m['gpu'] or 'none'}; "
         f"Python {m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v) + "."),
        (f"Model: {report['model']}, imgsz {report['imgsz']}, one image per call, {report['warmup']} warm-up "
         f"calls excluded, {report['runs']} timed calls per backend, each backend in its own process. "
         f"Load average before/after: {report['load_before']} / {report['load_after']}."),
        "",
        "| Backend | median ms | p95 ms | min ms | CPU ms (median) | inference (median) ms | pre+post ms | export s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for backend, figures in report["backends"].items():
        if "error" in figures:
            lines.append(f"| {backend} | n/a ({figures['error'][:60]}) | | | | | | |")
            continue
        lines.append(
            f"| {backend} | {figures['median_ms']} | {figures['p95_ms']} | {figures['min_ms']} | "
            f"{figures['cpu_median_ms']} | {figures['inference_median_ms']} | {figures['pre_post_median_ms']} | {figures.get('export_s', '-')} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--images", default="8", help="parent: how many synthetic images; child: their folder")
    parser.add_argument("--weights", help="a trained .pt instead of yolov8n-seg with random weights")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--child", choices=list(BACKENDS), help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    args.images = int(args.images)
    report = parent(args)
    print(json.dumps(report))
    if args.markdown:
        print(markdown(report))


if __name__ == "__main__":
    main()
