#!/usr/bin/env python3
"""GPU check of training through the app: a 3-epoch yolov8n-seg run on device 0, synthetic cracks.

Starts the real server (uvicorn subprocess, fresh data directory), queues the session through the API,
watches it over /ws/training/{id}, then prints per-epoch times, the final metrics and the WebSocket
delays. Run from the repository root on a machine with an NVIDIA GPU (and the `ml` extras installed):

    .venv/bin/python scripts/gpu_training_check.py                 # ~1-2 minutes on an H100
    .venv/bin/python scripts/gpu_training_check.py --epochs 3 --image-size 640 --train-images 128
Exit code 0 when the session completed on the GPU; the JSON line at the end is for docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _bench_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_training", REPO / "bench" / "bench_training.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def _gpu_name() -> str:
    try:
        out = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        return out.stdout.strip() or "unknown GPU"
    except OSError:
        return "nvidia-smi not found"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--image-size", type=int, default=320)
    parser.add_argument("--train-images", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--device", default="0")
    args = parser.parse_args()

    bench = _bench_module()
    root = Path(tempfile.mkdtemp(prefix="gpu-training-check-"))
    started = time.time()
    data_dir, dataset_id = bench.prepare_data_dir(
        root, train=args.train_images, val=16, image_size=args.image_size
    )
    print(f"GPU: {_gpu_name()}\ndata dir: {data_dir}", flush=True)
    server = bench.LiveServer(data_dir)
    try:
        body = {
            "dataset_id": dataset_id,
            "model_arch": "yolov8n-seg",
            "pretrained": False,
            "device": args.device,
            "image_size": args.image_size,
            "epochs": args.epochs,
            "batch_size": args.batch,
            "num_workers": 4,
        }
        run = bench.run_through_app(server.base, body)
        logs = bench.httpx.get(f"{server.base}/api/v1/training/sessions/{run.session['id']}/logs").json()
    except Exception as exc:
        print(f"FAILED: {exc}\nserver log: {server.log_path}", flush=True)
        return 1
    finally:
        server.stop()
    for line in logs["lines"]:
        print(f"  log: {line['message']}")
    for epoch, seconds in enumerate(run.epoch_times, start=1):
        print(f"epoch {epoch}: {seconds:.2f} s")
    final = run.session.get("latest_metrics") or {}
    keys = (
        "mask_map50",
        "mask_map50_95",
        "box_map50",
        "box_map50_95",
        "train_loss",
        "val_loss",
    )
    print("final metrics: " + ", ".join(f"{k} {final.get(k)}" for k in keys))
    summary = {
        "gpu": _gpu_name(),
        "device": args.device,
        "status": run.session["status"],
        "epochs": args.epochs,
        "image_size": args.image_size,
        "train_images": args.train_images,
        "batch": args.batch,
        "epoch_times_s": run.epoch_times,
        "ws_delay_ms": [round(d, 1) for d in run.delays_ms],
        "final_metrics": {k: final.get(k) for k in keys},
        "total_s": round(time.time() - started, 1),
    }
    print(json.dumps(summary))
    used_gpu = any(f"device {args.device}" in line["message"] for line in logs["lines"])
    return 0 if run.session["status"] == "completed" and used_gpu else 1


if __name__ == "__main__":
    sys.exit(main())
