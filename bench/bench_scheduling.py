"""Benchmark: scheduling with the local runner versus the celery runner (two worker nodes over Redis).

One command; a real server (`uvicorn app.main:create_app`, a subprocess) on PostgreSQL for both runners,
so that only the runner differs:
  1. latency: POST /api/v1/training/sessions (yolov8n-seg from scratch, 64 px synthetic cracks, 1 epoch,
     CPU) with a WebSocket client watching; from the POST to the session's `running` state event (the job
     started), to the first `training_progress` and to the first `training_metrics` event received (the
     first epoch). `--repeats` runs one after the other, each runner.
  2. throughput: `--jobs` short jobs (the built-in `sleep_gpu` kind, 0.1 s of work each) queued at once
     with two slots (local: CRACKDET_TRAINING_SLOTS=2; celery: two `crackdet worker` nodes with one GPU slot
     each, here fake GPU ids as the machine has none); from queueing to the last one completed.

Needs the machine's PostgreSQL (--postgres-url, a throw-away schema) and Redis (--redis-url, a database
number of its own that is flushed). Example:
    .venv/bin/python bench/bench_scheduling.py --markdown        # ~5 minutes on 2 shared cores
Prints a JSON line with the figures (and Markdown tables with --markdown).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
BACKEND = REPO / "backend"
sys.path.insert(0, str(BACKEND))

API = "/api/v1/training"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/6"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            make_url(base_url)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        from app.db.session import dispose_engines

        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def prepare(root: Path, database_url: str) -> tuple[Any, str]:
    """Migrated database + a registered tiny synthetic dataset. Returns (settings, dataset_id)."""
    from app.config import Settings
    from app.data.synthetic import SyntheticSpec, generate_dataset
    from app.db.migrate import upgrade
    from app.db.session import session_scope
    from app.db.tables import Dataset

    settings = Settings(data_dir=root / "data", database_url=database_url)
    settings.ensure_dirs()
    upgrade(database_url)
    spec = SyntheticSpec(seed=11, train=8, val=4, test=0, image_size=64)
    with session_scope(database_url) as db:
        row = Dataset(
            name="bench",
            source="demo",
            format="yolo-seg",
            status="ready",
            class_names=["crack"],
        )
        db.add(row)
        db.flush()
        row.path = dataset_id = row.id
    generate_dataset(settings.datasets_dir / dataset_id, spec)
    return settings, dataset_id


class Stack:
    """The API server (and, for celery, two worker nodes) as subprocesses."""

    def __init__(self, runner: str, data_dir: Path, database_url: str, redis_url: str) -> None:
        self.runner = runner
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            CRACKDET_DATA_DIR=str(data_dir),
            CRACKDET_DATABASE_URL=database_url,
            CRACKDET_RUNNER=runner,
            CRACKDET_REDIS_URL=redis_url,
            CRACKDET_TRAINING_SLOTS="2",
            CRACKDET_LOG_LEVEL="warning",
            CRACKDET_OFFLINE="1",
            YOLO_OFFLINE="1",
        )
        self.logs = data_dir.parent / "logs"
        self.logs.mkdir(exist_ok=True)
        self.processes: list[subprocess.Popen[bytes]] = []
        command = [sys.executable, "-m", "uvicorn", "app.main:create_app", "--factory", "--host", "127.0.0.1",
                   "--port", str(self.port), "--log-level", "warning"]  # fmt: skip
        self._spawn(command, "server")
        self._wait(lambda h: h.get("status") == "healthy", "the server")
        if runner == "celery":
            for name, gpu in (("bench-a", "0"), ("bench-b", "1")):
                self._spawn([sys.executable, "-m", "app.cli", "worker", "--name", name, "--gpus", gpu,
                             "--cpu-slots", "0"], name)  # fmt: skip
            self._wait(
                lambda h: (h.get("redis") or {}).get("live_slots") == 2,
                "two worker slots",
            )

    def _spawn(self, command: list[str], name: str) -> None:
        log = (self.logs / f"{self.runner}-{name}.log").open("wb")
        self.processes.append(
            subprocess.Popen(
                command,
                cwd=BACKEND,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    def _wait(self, ready: Any, what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"{self.base}/api/v1/system/health", timeout=5).json()
                if ready(health):
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{what} did not come up; see {self.logs}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# --- 1. latency ----------------------------------------------------------------------------------------


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


def _epoch_seconds(timestamp: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(timestamp).timestamp()


def one_training(base: str, dataset_id: str) -> dict[str, float]:
    body = {"dataset_id": dataset_id, "pretrained": False, "image_size": 64, "epochs": 1, "batch_size": 4,
            "num_workers": 0, "device": "cpu", "augmentation_level": "light"}  # fmt: skip
    posted = time.time()
    created = httpx.post(f"{base}{API}/sessions", json=body, timeout=30)
    created.raise_for_status()
    session_id = created.json()["id"]
    received: list[tuple[float, dict[str, Any]]] = []
    watcher = threading.Thread(
        target=_watch,
        args=(f"{base.replace('http', 'ws')}/ws/training/{session_id}", received),
        daemon=True,
    )
    watcher.start()
    watcher.join(600)
    session = httpx.get(f"{base}{API}/sessions/{session_id}", timeout=30).json()
    if session["status"] != "completed":
        raise RuntimeError(f"session ended {session['status']}: {session.get('error')}")
    running = next(
        m for _, m in received if m.get("type") == "training_state" and m["data"]["status"] == "running"
    )
    progress = next(t for t, m in received if m.get("type") == "training_progress")
    metrics = next(t for t, m in received if m.get("type") == "training_metrics")
    return {
        "to_running_s": _epoch_seconds(running["timestamp"]) - posted,
        "to_first_progress_s": progress - posted,
        "to_first_epoch_s": metrics - posted,
    }


# --- 2. throughput ---------------------------------------------------------------------------------------


def throughput(settings: Any, jobs: int) -> dict[str, float]:
    from sqlalchemy import func, select

    from app.db.session import session_scope
    from app.db.tables import Job
    from app.jobs.runner import submit_job

    started = time.monotonic()
    ids = [submit_job(settings, "sleep_gpu", {"steps": 1, "step_seconds": 0.1}) for _ in range(jobs)]
    deadline = started + 900
    while time.monotonic() < deadline:
        with session_scope(settings.resolved_database_url) as db:
            done = db.scalar(
                select(func.count()).where(Job.id.in_(ids), Job.status.in_(("completed", "failed")))
            )
        if done == jobs:
            break
        time.sleep(0.05)
    total = time.monotonic() - started
    with session_scope(settings.resolved_database_url) as db:
        rows = db.scalars(select(Job).where(Job.id.in_(ids))).all()
        statuses = {row.status for row in rows}
        workers = {row.worker for row in rows}
    if statuses != {"completed"}:
        raise RuntimeError(f"jobs ended {statuses}")
    return {
        "jobs": jobs,
        "total_s": total,
        "jobs_per_minute": 60.0 * jobs / total,
        "slot_seconds_per_job": 2 * total / jobs,  # two slots
        "distinct_workers": len(workers),
    }


# --- main ---------------------------------------------------------------------------------------------------


def run_runner(runner: str, args: argparse.Namespace, root: Path) -> dict[str, Any]:
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    with postgres_schema(args.postgres_url) as database_url:
        settings, dataset_id = prepare(root / runner, database_url)
        stack = Stack(runner, settings.data_dir, database_url, args.redis_url)
        try:
            one_training(stack.base, dataset_id)  # warm-up: first import of torch/ultralytics from disk
            latency = [one_training(stack.base, dataset_id) for _ in range(args.repeats)]
            load = throughput(settings, args.jobs)
        finally:
            stack.stop()
            redis.Redis.from_url(args.redis_url).flushdb()
    medians = {key: round(statistics.median(run[key] for run in latency), 3) for key in latency[0]}
    return {"latency_runs": latency, "latency_median": medians, "throughput": load}


def markdown(result: dict[str, Any]) -> str:
    rows = [
        ("Submit -> job running (state event)", "to_running_s"),
        ("Submit -> first progress event received", "to_first_progress_s"),
        ("Submit -> first epoch event received", "to_first_epoch_s"),
    ]
    local, celery = result["local"], result["celery"]
    lines = [
        "| Median of runs | Local runner | Celery runner (2 nodes) |",
        "| --- | --- | --- |",
    ]
    for label, key in rows:
        lines.append(
            f"| {label} | {local['latency_median'][key]:.2f} s | {celery['latency_median'][key]:.2f} s |"
        )
    lines += [
        "",
        "| Throughput | Local runner | Celery runner (2 nodes) |",
        "| --- | --- | --- |",
    ]
    for label, key, fmt in (
        ("Jobs", "jobs", "{:.0f}"),
        ("Queued -> all completed", "total_s", "{:.1f} s"),
        ("Jobs per minute", "jobs_per_minute", "{:.1f}"),
        ("Slot time per job (2 slots)", "slot_seconds_per_job", "{:.2f} s"),
    ):
        lines.append(
            f"| {label} | {fmt.format(local['throughput'][key])} | {fmt.format(celery['throughput'][key])} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("CRACKDET_TEST_POSTGRES_URL", DEFAULT_POSTGRES),
    )
    parser.add_argument(
        "--redis-url",
        default=DEFAULT_REDIS,
        help="a Redis database of its own (flushed)",
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument(
        "--runners",
        default="local,celery",
        help="order in which the runners are measured",
    )
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scheduling-") as tmp:
        result: dict[str, Any] = {
            "machine": {
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "load_average_1m_at_start": os.getloadavg()[0],
            }
        }
        for runner in args.runners.split(","):
            result[runner] = run_runner(runner, args, Path(tmp))
        result["machine"]["load_average_1m_at_end"] = os.getloadavg()[0]
    print(json.dumps(result))
    if args.markdown:
        print(markdown(result))


if __name__ == "__main__":
    main()
