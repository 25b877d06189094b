"""Benchmark: upload a 4,000-image YOLO-seg zip to a real server and wait until the dataset is ready.

One command:
    .venv/bin/python bench/bench_dataset_upload.py

It makes the zip with bench/make_synthetic_zip.py (4,000 synthetic 320 px images, Roboflow layout;
reused from --zip when that file exists), starts `crackdet serve` on a free port with a temporary data
directory, uploads the zip over HTTP (multipart, streamed), polls the dataset until it is ready and
prints one JSON object: seconds for the upload, for extraction + conversion + validation (the job),
in total, and the peak memory (RSS) of the server's process tree (API process + job worker), sampled
with psutil every 50 ms. Not a test: nothing is asserted; docs/BENCHMARKS.md records the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Self

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
MAKE_ZIP = REPO / "bench" / "make_synthetic_zip.py"
SAMPLE_INTERVAL_S = 0.05
# Not /tmp: on the reference machine /tmp creates files ~15x slower than the rest of the same disk.
WORK_DIR = Path.home() / ".cache" / "crackdet-bench"
POLL_INTERVAL_S = 0.25  # dataset status polls (each one is a request the server serves)
READY_TIMEOUT_S = 900.0


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=4000)
    parser.add_argument("--image-size", type=int, default=320)
    parser.add_argument("--layout", choices=("roboflow", "ultralytics"), default="roboflow")
    parser.add_argument(
        "--zip",
        type=Path,
        default=WORK_DIR / "crack4000-roboflow.zip",
        help="zip to upload; generated first when missing",
    )
    parser.add_argument("--keep", action="store_true", help="keep the server's data directory")
    parser.add_argument(
        "--work-dir", type=Path, default=WORK_DIR, help="parent of the temporary data directory"
    )
    return parser.parse_args()


def _crackdet() -> str:
    local = Path(sys.executable).parent / "crackdet"
    return str(local) if local.is_file() else "crackdet"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _make_zip(args: argparse.Namespace) -> dict[str, Any]:
    args.zip.parent.mkdir(parents=True, exist_ok=True)
    if args.zip.is_file():
        return {"zip": str(args.zip), "reused": True}
    command = [
        sys.executable,
        str(MAKE_ZIP),
        "--images",
        str(args.images),
        "--image-size",
        str(args.image_size),
        "--layout",
        args.layout,
        "--out",
        str(args.zip),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    report: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
    return report


class TreeMemorySampler:
    """Peak RSS of a process and all its descendants, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.root = psutil.Process(pid)
        self.peak_tree = 0
        self.peak_root = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for process in processes:
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                if process.pid == self.root.pid:
                    self.peak_root = max(self.peak_root, rss)
            self.peak_tree = max(self.peak_tree, total)
            self._stop.wait(SAMPLE_INTERVAL_S)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu_seconds(pid: int) -> tuple[float, float]:
    """(API process, job workers) user + system CPU seconds; finished workers count once reaped."""
    root = psutil.Process(pid)
    times = root.cpu_times()
    workers = times.children_user + times.children_system
    for child in root.children(recursive=True):
        try:
            child_times = child.cpu_times()
        except psutil.Error:
            continue
        workers += child_times.user + child_times.system
    return times.user + times.system, workers


def _wait_workers_reaped(pid: int, timeout: float = 30.0) -> None:
    root = psutil.Process(pid)
    deadline = time.monotonic() + timeout
    while root.children(recursive=True) and time.monotonic() < deadline:
        time.sleep(0.1)


def _job_seconds(job: dict[str, Any]) -> float | None:
    """Seconds from the job row's creation to its end (queue wait and worker start included)."""
    from datetime import datetime

    if not job.get("finished_at"):
        return None
    created = datetime.fromisoformat(job["created_at"])
    return round((datetime.fromisoformat(job["finished_at"]) - created).total_seconds(), 2)


def _wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with code {server.returncode}")
        try:
            if httpx.get(f"{base}/api/v1/system/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become healthy in 60 s")


def _wait_ready(client: httpx.Client, dataset_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/v1/datasets/{dataset_id}").json()
        if body.get("status") in ("ready", "failed") or "detail" in body:
            return body
        time.sleep(POLL_INTERVAL_S)
    raise RuntimeError(f"dataset not ready after {READY_TIMEOUT_S} s")


def _run(zip_path: Path, data_dir: Path) -> dict[str, Any]:
    port = _free_port()
    # CRACKDET_DATA_DIR too: with `serve --data-dir` alone the app used ./data (get_settings() was cached
    # before the option was applied).
    env = {**os.environ, "CRACKDET_LOG_LEVEL": "warning", "CRACKDET_DATA_DIR": str(data_dir)}
    command = [_crackdet(), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)]
    log_path = data_dir.parent / f"{data_dir.name}-server.log"
    log_file = log_path.open("wb")
    server = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=data_dir)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, server)
        with TreeMemorySampler(server.pid) as memory, httpx.Client(base_url=base, timeout=600) as client:
            api_before, workers_before = _cpu_seconds(server.pid)
            started = time.perf_counter()
            with zip_path.open("rb") as handle:
                response = client.post(
                    "/api/v1/datasets/upload", files={"file": (zip_path.name, handle, "application/zip")}
                )
            uploaded = time.perf_counter()
            if response.status_code != 202:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"upload answered {response.status_code}: {response.text}\n{tail}")
            body = _wait_ready(client, response.json()["id"])
            finished = time.perf_counter()
            job = client.get(f"/api/v1/datasets/jobs/{body['job_id']}").json()
            _wait_workers_reaped(server.pid)  # a reaped worker's CPU time counts in children_*
            api_after, workers_after = _cpu_seconds(server.pid)
        return {
            "status": body.get("status"),
            "error": body.get("error"),
            "images": body.get("image_count"),
            "instances": body.get("instance_count"),
            "validation_status": body.get("validation_status"),
            "validation_s": (body.get("validation") or {}).get("duration_s"),
            "upload_s": round(uploaded - started, 2),
            "extract_validate_s": round(finished - uploaded, 2),
            "total_s": round(finished - started, 2),
            "job_run_s": _job_seconds(job),
            "cpu_s_api_process": round(api_after - api_before, 2),
            "cpu_s_job_worker": round(workers_after - workers_before, 2),
            "load_average_1m": round(os.getloadavg()[0], 1),
            "peak_rss_tree_mib": round(memory.peak_tree / 2**20, 1),
            "peak_rss_api_process_mib": round(memory.peak_root / 2**20, 1),
            "dataset_bytes": body.get("size_bytes"),
        }
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log_file.close()
        log_path.unlink(missing_ok=True)


def main() -> int:
    args = _parse_args()
    made = _make_zip(args)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="data-", dir=args.work_dir))
    try:
        result = _run(args.zip, data_dir)
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    result.update(
        zip=str(args.zip),
        data_dir_parent=str(args.work_dir),
        zip_bytes=args.zip.stat().st_size,
        zip_generation=made,
        machine={
            "cpus": os.cpu_count(),
            "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
    )
    print(json.dumps(result, indent=2))
    return 0 if result["status"] == "ready" else 1


if __name__ == "__main__":
    raise SystemExit(main())
