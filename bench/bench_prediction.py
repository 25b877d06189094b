"""Benchmark: prediction through the HTTP API versus the same model called in-process; batch throughput;
tiled inference on a 6000 x 4000 image.

One command. It trains the tiny test model (yolov8n-seg on synthetic cracks, ~15 s; or `--weights` for
your own .pt), registers it in a fresh data directory and starts the real server (`crackdet serve`) in
a subprocess. Then, in one run:

1. Latency per image (`--imgsz`, default 640, on a 640 x 480 synthetic crack JPEG): `--runs` HTTP
   requests (POST /api/v1/predict: upload, decode, worker round trip, inference, masks, measurements,
   database row, JSON reply) interleaved with the same number of in-process calls of the same model
   on the same image (`YOLO(weights).predict` on the decoded image: the floor any server can reach),
   after `--warmup` calls of each. Interleaving keeps the two under the same machine load (this host is
   shared). Reported: median / p90 ms and the ratio of medians (target <= 1.10).
2. Batch throughput: a sync batch (4 images, answered directly) and a job batch (`--batch` images; the
   job worker loads the model once), images per second from submit to completion.
3. Tiled inference of a 6000 x 4000 synthetic drone-like JPEG (tile 640, overlap 0.2: 96 tiles) over
   HTTP, with the prediction worker's peak memory (RSS).

Example:
    .venv/bin/python bench/bench_prediction.py --markdown        # ~3-5 minutes on 2 cores
Prints one JSON line (and a Markdown table with --markdown) for docs/BENCHMARKS.md "## Prediction".
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Self

REPO = Path(__file__).resolve().parents[1]
BACKEND = REPO / "backend"
sys.path.insert(0, str(BACKEND))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def machine() -> dict[str, Any]:
    import psutil

    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "gpu": "none",
        "python": platform.python_version(),
    }


# --------------------------------------------------------------------------------------------------
# Set-up
# --------------------------------------------------------------------------------------------------


def train_tiny(work: Path) -> Path:
    out = subprocess.run(
        [sys.executable, "-m", "tests.helpers.train_tiny", str(work / "tiny")],
        cwd=BACKEND, capture_output=True, text=True, timeout=900, check=True,
    )
    return Path(out.stdout.strip().splitlines()[-1])


def register_model(data_dir: Path, weights: Path) -> str:
    from app.config import Settings
    from app.db.migrate import upgrade
    from app.db.session import session_scope
    from app.db.tables import Model

    settings = Settings(data_dir=data_dir)
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    target = settings.models_dir / "bench" / "best.pt"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(weights, target)
    with session_scope(settings.resolved_database_url) as db:
        model = Model(name="bench", source="imported", framework="ultralytics", task="segment",
                      class_names=["crack"], image_size=None, path="models/bench/best.pt")
        db.add(model)
        db.flush()
        return model.id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(data_dir: Path, port: int, sync_batch_max: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CRACKDET_DATA_DIR": str(data_dir), "CRACKDET_LOG_LEVEL": "warning",
           "CRACKDET_PREDICTION_SYNC_BATCH_MAX": str(sync_batch_max)}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=BACKEND, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/system/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start")


def synthetic_jpeg(width: int, height: int, seed: int) -> bytes:
    import numpy as np
    from app.data.synthetic import render_crack_image
    from PIL import Image

    rng = np.random.default_rng(seed)
    if max(width, height) <= 4096:
        image, _ = render_crack_image(rng, width, height, n_cracks=3, min_width=2, max_width=10)
    else:  # the generator stops at 4096 px a side: a 2 x 2 mosaic of renders
        half_w, half_h = width // 2, height // 2
        rows = [
            np.concatenate([render_crack_image(rng, half_w, half_h, n_cracks=4, max_width=14)[0]
                            for _ in range(2)], axis=1)
            for _ in range(2)
        ]
        image = np.concatenate(rows, axis=0)
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------------------------------


def post_predict(client: Any, url: str, image: bytes, fields: dict[str, str]) -> dict[str, Any]:
    response = client.post(f"{url}/api/v1/predict", files={"file": ("bench.jpg", image, "image/jpeg")},
                           data=fields, timeout=900)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def latency(client: Any, url: str, model_id: str, weights: Path, image: bytes, args: argparse.Namespace) -> dict:
    import numpy as np
    from app.core.training.offline import prepare_ultralytics_env
    from PIL import Image

    prepare_ultralytics_env(Path(tempfile.mkdtemp(prefix="bench-ul-")))
    from ultralytics import YOLO

    model = YOLO(str(weights), task="segment")
    fields = {"model_id": model_id, "imgsz": str(args.imgsz), "conf": "0.25", "backend": "pytorch"}

    def in_process() -> float:
        started = time.perf_counter()
        array = np.asarray(Image.open(io.BytesIO(image)).convert("RGB"))
        model.predict(np.ascontiguousarray(array[:, :, ::-1]), imgsz=args.imgsz, conf=0.05, iou=0.7,
                      verbose=False)
        return (time.perf_counter() - started) * 1000

    overheads: list[float] = []

    def over_http() -> float:
        started = time.perf_counter()
        body = post_predict(client, url, image, fields)
        elapsed = (time.perf_counter() - started) * 1000
        overheads.append(elapsed - float(body["timings_ms"]["total"]))
        return elapsed

    for _ in range(args.warmup):
        over_http()
        in_process()
    overheads.clear()
    http_ms, local_ms = [], []
    for _ in range(args.runs):
        http_ms.append(over_http())
        local_ms.append(in_process())
    last = post_predict(client, url, image, fields)
    ratio = statistics.median(http_ms) / statistics.median(local_ms)
    return {
        "imgsz": args.imgsz,
        "runs": args.runs,
        "http_median_ms": round(statistics.median(http_ms), 1),
        "http_p90_ms": round(percentile(http_ms, 0.9), 1),
        "inprocess_median_ms": round(statistics.median(local_ms), 1),
        "inprocess_p90_ms": round(percentile(local_ms, 0.9), 1),
        "ratio_http_to_inprocess": round(ratio, 3),
        "api_overhead_median_ms": round(statistics.median(overheads), 1),
        "worker_timings_ms": last["timings_ms"],
        "instances": len(last["instances"]),
    }


def wait_batch(client: Any, url: str, status_url: str, timeout_s: float = 1800) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status: dict[str, Any] = client.get(f"{url}{status_url}").json()
        if status["status"] not in ("queued", "running"):
            return status
        time.sleep(0.2)
    raise SystemExit("batch did not finish")


def batches(client: Any, url: str, model_id: str, args: argparse.Namespace) -> dict:
    images = [synthetic_jpeg(640, 480, seed) for seed in range(args.batch)]
    fields = {"model_id": model_id, "imgsz": str(args.imgsz), "backend": "pytorch"}
    out: dict[str, Any] = {}
    for label, count in (("sync", 4), ("job", args.batch)):
        files = [("files", (f"{label}{i}.jpg", images[i], "image/jpeg")) for i in range(count)]
        started = time.perf_counter()
        response = client.post(f"{url}/api/v1/predict/batch", files=files, data=fields, timeout=1800)
        response.raise_for_status()
        body = response.json()
        ids = [p["id"] for p in body["predictions"]]
        if body["mode"] == "job":
            status = wait_batch(client, url, body["status_url"])
            assert status["status"] == "completed", status
            ids = [p["id"] for p in status["predictions"]]
        elapsed = time.perf_counter() - started
        # the first image of a job also pays for importing Ultralytics and loading the model
        per_image = [client.get(f"{url}/api/v1/predictions/{i}").json()["timings_ms"]["total"] for i in ids]
        out[label] = {"images": count, "mode": body["mode"], "seconds": round(elapsed, 2),
                      "images_per_s": round(count / elapsed, 2),
                      "per_image_worker_median_ms": round(statistics.median(per_image), 1),
                      "first_image_worker_ms": round(per_image[0], 1)}
    return out


class PeakRss:
    """Samples the RSS of the server's prediction worker processes while a request runs."""

    def __init__(self, server_pid: int) -> None:
        import psutil

        self.server = psutil.Process(server_pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.05):
            for child in self.server.children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    if "app.core.prediction.worker" in " ".join(child.cmdline()):
                        self.peak = max(self.peak, child.memory_info().rss)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def tiled(client: Any, url: str, model_id: str, server_pid: int) -> dict:
    image = synthetic_jpeg(6000, 4000, seed=42)
    fields = {"model_id": model_id, "tiling": "true", "tile_size": "640", "overlap": "0.2", "backend": "pytorch",
              "mm_per_px": "0.25"}
    with PeakRss(server_pid) as rss:
        started = time.perf_counter()
        body = post_predict(client, url, image, fields)
        elapsed = time.perf_counter() - started
    return {
        "image": "6000x4000 JPEG", "bytes": len(image), "tiles": body["tiles"], "seconds": round(elapsed, 2),
        "worker_timings_ms": body["timings_ms"], "instances": len(body["instances"]),
        "worker_peak_rss_mib": round(rss.peak / 1024**2),
        "stand_in_model": stand_in_tiled(image),
    }


STAND_IN_THRESHOLD = 70  # darker than the concrete's air voids: mostly crack pixels


def stand_in_tiled(image: bytes) -> dict:
    """Our tiling + merging + measuring on the same 6000 x 4000 image, in-process, with a stand-in model
    whose answer is known (every dark blob of a tile is a crack: tests/helpers/fake_predictors.py), so
    the merge and measurement cost is timed on many real crack pieces crossing tile seams."""
    import numpy as np
    from app.core.prediction.pipeline import PipelineOptions, run_pipeline
    from PIL import Image
    from tests.helpers.fake_predictors import DarkPixelPredictor

    array = np.asarray(Image.open(io.BytesIO(image)).convert("RGB"))
    options = PipelineOptions(tiling=True, tile_size=640, overlap=0.2, mm_per_px=0.25)
    started = time.perf_counter()
    result = run_pipeline(DarkPixelPredictor(threshold=STAND_IN_THRESHOLD), array, options)
    elapsed = time.perf_counter() - started
    merged = [i for i in result["instances"] if i["parts"] > 1]
    return {
        "seconds": round(elapsed, 2), "tiles": result["tiles"], "instances": len(result["instances"]),
        "instances_merged_across_tiles": len(merged), "largest_parts": max((i["parts"] for i in merged), default=0),
        "timings_ms": result["timings_ms"],
    }


def markdown(result: dict[str, Any]) -> str:
    lat, bat, til, mach = result["latency"], result["batches"], result["tiled"], result["machine"]
    timings = til["worker_timings_ms"]
    stand = til["stand_in_model"]
    lines = [
        (f"Machine: {mach['cpu']}, {mach['cores']} cores, {mach['memory_gib']} GiB, no GPU; "
         f"model: {result['model']}; PyTorch backend."),
        "",
        "| Measure | Result |",
        "| --- | --- |",
        f"| HTTP POST /predict, {lat['imgsz']} px, median / p90 | {lat['http_median_ms']} / {lat['http_p90_ms']} ms |",
        (f"| Same model in-process (`YOLO.predict`), median / p90 | {lat['inprocess_median_ms']} / "
         f"{lat['inprocess_p90_ms']} ms |"),
        f"| Ratio HTTP / in-process (target <= 1.10) | {lat['ratio_http_to_inprocess']} |",
        f"| API overhead outside the worker (HTTP minus worker time), median | {lat['api_overhead_median_ms']} ms |",
        f"| Sync batch ({bat['sync']['images']} images) | {bat['sync']['images_per_s']} images/s |",
        (f"| Job batch ({bat['job']['images']} images, incl. job start and model load) | "
         f"{bat['job']['images_per_s']} images/s (median {bat['job']['per_image_worker_median_ms']} ms per image in "
         f"the job; the first {bat['job']['first_image_worker_ms']} ms with model load) |"),
        (f"| Tiled 6000 x 4000 ({til['tiles']} tiles of 640, overlap 0.2) over HTTP | {til['seconds']} s "
         f"(inference {timings['inference'] / 1000:.1f} s, merge + measure {timings['postprocess'] / 1000:.1f} s) |"),
        f"| Prediction worker peak RSS during the tiled image | {til['worker_peak_rss_mib']} MiB |",
        (f"| Same image, stand-in model (dark blobs), in-process: merge + measure | "
         f"{stand['timings_ms']['postprocess'] / 1000:.1f} s for {stand['instances']} instances "
         f"({stand['instances_merged_across_tiles']} merged across tiles, up to {stand['largest_parts']} parts) |"),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--weights", type=Path, help="a YOLO segmentation .pt (default: train the tiny one)")
    parser.add_argument("--imgsz", type=int, default=640)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--skip-tiled", action="store_true")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    import httpx

    work = Path(tempfile.mkdtemp(prefix="bench-prediction-"))
    server = None
    try:
        weights = args.weights or train_tiny(work)
        data_dir = work / "data"
        model_id = register_model(data_dir, weights)
        port = free_port()
        server = start_server(data_dir, port, sync_batch_max=4)
        url = f"http://127.0.0.1:{port}"
        image = synthetic_jpeg(640, 480, seed=1)
        with httpx.Client() as client:
            result: dict[str, Any] = {
                "machine": machine(),
                "model": "yolov8n-seg (tiny synthetic-crack model)" if not args.weights else str(args.weights),
                "latency": latency(client, url, model_id, weights, image, args),
                "batches": batches(client, url, model_id, args),
            }
            if not args.skip_tiled:
                result["tiled"] = tiled(client, url, model_id, server.pid)
        print(json.dumps(result))
        if args.markdown and "tiled" in result:
            print(markdown(result))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
