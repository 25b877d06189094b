"""Benchmark: training through the app versus bare Ultralytics, and epoch end -> WebSocket delay.

One command, fresh data directory, real server (`uvicorn app.main:create_app`, a subprocess):
  1. overhead: the same configuration (yolov8n-seg from scratch, synthetic cracks, CPU) trained by
     bare `YOLO(...).train(...)` in a subprocess and through the app (POST /api/v1/training/sessions,
     a worker process, events in the database, a WebSocket client watching), interleaved `--repeats`
     times. Compared per epoch (epoch 1 is warm-up and excluded): Ultralytics' own epoch time
     (trainer.epoch_time: train + validation + save) and the CPU time the training process used
     (all threads; robust to other load on the machine), plus the whole training wall time and the
     API server's CPU use while each ran.
  2. latency: for every `training_metrics` message, the delay from the epoch end the worker recorded
     (`data.ended_at`) to the WebSocket client receiving it. A last run of `--latency-epochs` tiny
     epochs adds samples.

Example:
    .venv/bin/python bench/bench_training.py --markdown        # ~10 minutes on 2 shared cores
Prints a JSON line with the figures (and Markdown tables with --markdown).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

API = "/api/v1/training"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


# --- data directory and server ----------------------------------------------------------------------


def prepare_data_dir(
    root: Path, *, train: int, val: int, image_size: int, seed: int = 11
) -> tuple[Path, str]:
    """Migrated database + a registered synthetic dataset. Returns (data_dir, dataset_id)."""
    from app.config import Settings
    from app.data.synthetic import SyntheticSpec, generate_dataset
    from app.db.migrate import upgrade
    from app.db.session import session_scope
    from app.db.tables import Dataset

    settings = Settings(data_dir=root / "data")
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    spec = SyntheticSpec(seed=seed, train=train, val=val, test=0, image_size=image_size)
    with session_scope(settings.resolved_database_url) as db:
        row = Dataset(
            name="bench cracks", source="demo", format="yolo-seg", status="ready", class_names=["crack"]
        )
        db.add(row)
        db.flush()
        row.path = dataset_id = row.id
    generate_dataset(settings.datasets_dir / dataset_id, spec)
    return settings.data_dir, dataset_id


class LiveServer:
    """The real app in a uvicorn subprocess on a free port (one training slot)."""

    def __init__(self, data_dir: Path, *, slots: int = 1) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ,
            CRACKDET_DATA_DIR=str(data_dir),
            CRACKDET_TRAINING_SLOTS=str(slots),
            CRACKDET_LOG_LEVEL="warning",
        )
        self.log_path = data_dir.parent / "server.log"
        self._log = self.log_path.open("wb")
        command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
                   "--port", str(self.port), "--log-level", "warning"]  # fmt: skip
        self.process = subprocess.Popen(
            command, cwd=REPO / "backend", env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/api/v1/system/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start; see {self.log_path}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


# --- a run through the app ----------------------------------------------------------------------------


@dataclass
class AppRun:
    session: dict[str, Any]
    epoch_times: list[float]
    train_wall_s: float
    cpu_times: list[float] = field(default_factory=list)
    delays_ms: list[float] = field(default_factory=list)
    server_cpu_per_s: float = 0.0


def _watch(url: str, out: list[tuple[float, dict[str, Any]]]) -> None:
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    with connect(url, max_size=2**24, open_timeout=30) as ws:
        while True:
            try:
                text = ws.recv()
            except ConnectionClosed:
                return
            out.append((time.time(), json.loads(text)))


def run_through_app(
    base: str, body: dict[str, Any], *, timeout: float = 3600, server_pid: int | None = None
) -> AppRun:
    """POST a session and watch it over /ws/training/{id} until the server closes the socket."""
    cpu_before, started = _cpu_seconds(server_pid), time.monotonic()
    created = httpx.post(f"{base}{API}/sessions", json=body, timeout=30)
    if created.status_code >= 400:
        raise RuntimeError(f"POST {API}/sessions answered {created.status_code}: {created.text[:1000]}")
    session_id = created.json()["id"]
    received: list[tuple[float, dict[str, Any]]] = []
    ws_url = base.replace("http://", "ws://") + f"/ws/training/{session_id}"
    watcher = threading.Thread(target=_watch, args=(ws_url, received), daemon=True)
    watcher.start()
    watcher.join(timeout)
    server_cpu_per_s = (_cpu_seconds(server_pid) - cpu_before) / (time.monotonic() - started)
    session = httpx.get(f"{base}{API}/sessions/{session_id}", timeout=30).json()
    if session["status"] != "completed":
        raise RuntimeError(f"session ended {session['status']}: {session.get('error')}")
    epochs = [
        data for _, data in ((t, m["data"]) for t, m in received if m.get("type") == "training_metrics")
    ]
    delays = [
        (t - m["data"]["ended_at"]) * 1000.0 for t, m in received if m.get("type") == "training_metrics"
    ]
    start = epochs[0]["ended_at"] - epochs[0]["epoch_time"]
    return AppRun(
        session=session,
        epoch_times=[e["epoch_time"] for e in epochs],
        train_wall_s=epochs[-1]["ended_at"] - start,
        cpu_times=[e.get("cpu_time") or 0.0 for e in epochs],
        delays_ms=delays,
        server_cpu_per_s=server_cpu_per_s,
    )


# --- bare Ultralytics (a subprocess: `--bare`) ----------------------------------------------------------


def bare_main(request: dict[str, Any]) -> None:
    from app.core.training.offline import prepare_ultralytics_env

    prepare_ultralytics_env(Path(request["data_dir"]))
    from app.core.families.config import TrainingConfig
    from app.core.families.ultralytics.args import ultralytics_train_args
    from ultralytics import YOLO

    config = TrainingConfig.model_validate(request["config"])
    kwargs = ultralytics_train_args(config, device="cpu", train_images=request["train_images"])
    kwargs.update(data=request["data_yaml"], project=request["project"], name="train", pretrained=False)
    times: list[float] = []
    ends: list[float] = []
    cpu: list[float] = []
    cpu_mark = [time.process_time()]

    def on_train_start(trainer: Any) -> None:
        cpu_mark[0] = time.process_time()

    def on_fit_epoch_end(trainer: Any) -> None:
        if len(times) < trainer.epochs and trainer.epoch_time is not None and len(ends) <= trainer.epoch:
            now = time.process_time()
            times.append(float(trainer.epoch_time))
            ends.append(time.time())
            cpu.append(now - cpu_mark[0])
            cpu_mark[0] = now

    model = YOLO(f"{config.model_arch}.yaml", task="segment")
    model.add_callback("on_train_start", on_train_start)
    model.add_callback("on_fit_epoch_end", on_fit_epoch_end)
    model.train(**kwargs)
    wall = ends[-1] - (ends[0] - times[0])
    print(json.dumps({"epoch_times": times, "cpu_times": cpu, "train_wall_s": wall}), flush=True)


def run_bare(
    data_dir: Path, dataset_dir: Path, config: dict[str, Any], train_images: int, index: int, server_pid: int
) -> dict[str, Any]:
    request = {
        "data_dir": str(data_dir),
        "config": config,
        "train_images": train_images,
        "data_yaml": str(dataset_dir / "data.yaml"),
        "project": str(data_dir / "bare" / str(index)),
    }
    cpu_before, started = _cpu_seconds(server_pid), time.monotonic()
    result = subprocess.run(
        [sys.executable, __file__, "--bare", json.dumps(request)],
        cwd=REPO / "backend", capture_output=True, text=True, timeout=3600, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    parsed: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    parsed["server_cpu_per_s"] = (_cpu_seconds(server_pid) - cpu_before) / (time.monotonic() - started)
    return parsed


# --- report -----------------------------------------------------------------------------------------------


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _summary(values: list[float]) -> dict[str, float]:
    return {"min": round(min(values), 3), "median": round(statistics.median(values), 3)}


def _overhead(app: float, bare: float) -> float:
    return round(100.0 * (app / bare - 1.0), 2)


def _compare(bare: list[float], app: list[float]) -> dict[str, Any]:
    b, a = _summary(bare), _summary(app)
    return {
        "bare": b,
        "app": a,
        "overhead_percent_min": _overhead(a["min"], b["min"]),
        "overhead_percent_median": _overhead(a["median"], b["median"]),
    }


def _machine() -> str:
    memory = psutil.virtual_memory().total / 1024**3
    return f"{os.cpu_count()} cores, {memory:.0f} GiB, {platform.machine()}, device cpu"


def report(
    args: argparse.Namespace, bare_runs: list[dict[str, Any]], app_runs: list[AppRun], latency: AppRun
) -> dict[str, Any]:
    bare_total = statistics.median(run["train_wall_s"] for run in bare_runs)
    app_total = statistics.median(run.train_wall_s for run in app_runs)
    delays = [d for run in [*app_runs, latency] for d in run.delays_ms]
    return {
        "machine": _machine(),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "config": f"yolov8n-seg scratch, {args.train_images} images at {args.image_size} px, "
        f"batch {args.batch}, {args.epochs} epochs, {args.repeats} runs each, interleaved",
        "epoch_wall_s": _compare(
            [t for r in bare_runs for t in r["epoch_times"][1:]],
            [t for r in app_runs for t in r.epoch_times[1:]],
        ),
        "epoch_cpu_s": _compare(
            [t for r in bare_runs for t in r["cpu_times"][1:]], [t for r in app_runs for t in r.cpu_times[1:]]
        ),
        "training_wall_s_median": {
            "bare": round(bare_total, 2),
            "app": round(app_total, 2),
            "overhead_percent": _overhead(app_total, bare_total),
        },
        "server_cpu_s_per_s": {
            "during_bare": round(statistics.median(r["server_cpu_per_s"] for r in bare_runs), 4),
            "during_app": round(statistics.median(r.server_cpu_per_s for r in app_runs), 4),
        },
        "ws_delay_ms": {
            "samples": len(delays),
            "p50": round(_percentile(delays, 50), 1),
            "p95": round(_percentile(delays, 95), 1),
            "max": round(max(delays), 1),
        },
        "raw_epoch_times": {
            "bare": [r["epoch_times"] for r in bare_runs],
            "app": [r.epoch_times for r in app_runs],
        },
    }


def markdown(result: dict[str, Any]) -> str:
    w, c, t = result["epoch_wall_s"], result["epoch_cpu_s"], result["training_wall_s_median"]
    d, s = result["ws_delay_ms"], result["server_cpu_s_per_s"]

    def row(name: str, m: dict[str, Any], stat: str) -> str:
        return f"| {name} | {m['bare'][stat]} | {m['app'][stat]} | {m[f'overhead_percent_{stat}']:+.2f} % |"

    return "\n".join(
        [
            "| per epoch (epochs 2..N) | bare Ultralytics | through the app | difference |",
            "|---|---|---|---|",
            row("wall time, min (s)", w, "min"),
            row("wall time, median (s)", w, "median"),
            row("CPU time of the training process, min (s)", c, "min"),
            row("CPU time of the training process, median (s)", c, "median"),
            f"| whole training, wall, median (s) | {t['bare']} | {t['app']} | "
            f"{t['overhead_percent']:+.2f} % |",
            f"| API server CPU while it runs (s/s) | {s['during_bare']} | {s['during_app']} | |",
            "",
            "| epoch end -> WebSocket client | p50 | p95 | max | samples |",
            "|---|---|---|---|---|",
            f"| delay (ms) | {d['p50']} | {d['p95']} | {d['max']} | {d['samples']} |",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--bare", help=argparse.SUPPRESS)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--image-size", type=int, default=160)
    parser.add_argument("--train-images", type=int, default=32)
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--latency-epochs", type=int, default=30)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    if args.bare:
        bare_main(json.loads(args.bare))
        return

    root = Path(tempfile.mkdtemp(prefix="bench-training-"))
    data_dir, dataset_id = prepare_data_dir(root, train=args.train_images, val=8, image_size=args.image_size)
    dataset_dir = data_dir / "datasets" / dataset_id
    config = {
        "model_arch": "yolov8n-seg", "pretrained": False, "image_size": args.image_size,
        "epochs": args.epochs, "batch_size": args.batch, "num_workers": 0, "device": "cpu", "seed": 0,
    }  # fmt: skip
    server = LiveServer(data_dir)
    pid = server.process.pid
    bare_runs: list[dict[str, Any]] = []
    app_runs: list[AppRun] = []
    try:
        for index in range(args.repeats):  # interleaved, so background load hits both alike
            bare_runs.append(run_bare(data_dir, dataset_dir, config, args.train_images, index, pid))
            app_runs.append(
                run_through_app(server.base, {"dataset_id": dataset_id, **config}, server_pid=pid)
            )
        tiny = {**config, "image_size": 64, "epochs": args.latency_epochs, "batch_size": 16}
        latency = run_through_app(server.base, {"dataset_id": dataset_id, **tiny})
    finally:
        server.stop()
    result = report(args, bare_runs, app_runs, latency)
    print(json.dumps(result))
    if args.markdown:
        print("\n" + markdown(result))


if __name__ == "__main__":
    main()
