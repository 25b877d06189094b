"""`crackdet worker`: one worker node of the celery runner (a supervisor of slot processes).

The node checks what it depends on (database at the current schema, Redis, the shared data directory),
starts one slot process per GPU (CUDA_VISIBLE_DEVICES=<that GPU>) and per CPU slot (app/jobs/celery_app.py),
restarts a slot that dies, and publishes the machine's GPU and host readings on Redis every monitoring
interval. On SIGTERM/SIGINT it stops its slots; a job still running is interrupted (resumable
elsewhere), exactly as when the local runner's server stops.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.config import Settings
from app.db.session import check_database, session_scope
from app.db.tables import Job
from app.domain.status import JobStatus
from app.jobs.celery_app import SLOT_ENV, SlotSpec, job_worker_name
from app.jobs.live import HOSTS_CHANNEL, SLOT_KEY_PREFIX, check_redis, redis_client
from app.jobs.storage import verify_storage
from app.jobs.worker import SETTINGS_ENV
from app.utils.clock import utc_now

log = logging.getLogger("app.jobs.node")

QUEUES = ("gpu", "cpu")
SHUTDOWN_GRACE_S = 5.0
RESTART_BACKOFF_S = (1.0, 2.0, 5.0, 10.0, 30.0)


class NodeError(RuntimeError):
    """The node cannot start; the message says what to fix."""


def node_name(settings: Settings) -> str:
    return settings.worker_name or socket.gethostname().split(".")[0] or "worker"


def parse_gpus(text: str | None, detected: int) -> list[str | None]:
    """'0,1' -> ['0', '1']; 'cpu' -> [None] (one training slot on the CPU); None -> one per detected GPU,
    or [None] without GPU. GPU ids are indices or NVML UUIDs (GPU-...)."""
    if text is None or not text.strip():
        return [str(i) for i in range(detected)] or [None]
    if text.strip().lower() == "cpu":
        return [None]
    ids = [part.strip() for part in text.split(",")]
    for gpu in ids:
        if not gpu or not (gpu.isdigit() or (gpu.startswith("GPU-") and len(gpu) <= 64)):
            raise NodeError(f"--gpus: {gpu!r} is not a GPU index (0, 1, ...) or an NVML UUID; or use 'cpu'")
    if len(set(ids)) != len(ids):
        raise NodeError("--gpus: each GPU may appear once (one slot per GPU)")
    return list(ids)


def plan_slots(host: str, gpus: list[str | None], cpu_slots: int, queues: set[str]) -> list[SlotSpec]:
    unknown = queues - set(QUEUES)
    if unknown:
        raise NodeError(f"--queues: unknown queue {sorted(unknown)[0]!r}; use gpu and/or cpu")
    specs: list[SlotSpec] = []
    if "gpu" in queues:
        for number, gpu in enumerate(gpus):
            label = f"gpu{gpu}" if gpu is not None and gpu.isdigit() else (gpu or f"train{number}")
            specs.append(SlotSpec(f"{host}:{label}", host, "gpu", gpu))
    if "cpu" in queues:
        specs.extend(SlotSpec(f"{host}:cpu{i}", host, "cpu", None) for i in range(cpu_slots))
    if not specs:
        raise NodeError("No slots: give --gpus and/or --cpu-slots for the chosen --queues")
    return specs


def schema_problem(url: str) -> str | None:
    """None when the database is reachable and migrated to the code's head revision."""
    ok, detail = check_database(url)
    if not ok:
        return f"The database does not answer ({detail}). Check CRACKDET_DATABASE_URL."
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from app.db.migrate import alembic_config
    from app.db.session import get_engine

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    with get_engine(url).connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current != head:
        return (
            f"The database schema is at {current or 'nothing'}, this worker's code expects {head}: start the "
            "API (it migrates) or run `crackdet migrate`, and run the same version on every node."
        )
    return None


def preflight(settings: Settings) -> None:
    """Everything a slot needs, checked once with messages that say what to fix."""
    problem = schema_problem(settings.resolved_database_url)
    if problem:
        raise NodeError(problem)
    try:
        check_redis(settings.redis_url)
        verify_storage(settings)
    except RuntimeError as exc:
        raise NodeError(str(exc)) from exc


# --- monitoring: this machine's readings for the API's dashboard ----------------------------------------


class HostPublisher:
    """Samples NVML and psutil (the same Sampler as the API) and publishes on `crackdet:hosts`."""

    def __init__(
        self,
        settings: Settings,
        host: str,
        slots: Callable[[], list[dict[str, Any]]],
        nvml_module: Any | None = None,
    ) -> None:
        from app.core.monitoring.nvml import NvmlAdapter
        from app.core.monitoring.sampler import Sampler

        self.settings = settings
        self.host = host
        self.slots = slots
        self.sampler = Sampler(NvmlAdapter(nvml_module), settings.data_dir, retry_s=60.0)
        self.redis = redis_client(settings.redis_url)

    def message(self) -> str:
        from app.schemas.monitoring import GpuSample

        sample = GpuSample.model_validate(self.sampler.collect(), from_attributes=True)
        body = {"host": self.host, "sample": sample.model_dump(mode="json"), "slots": self.slots()}
        return json.dumps(body)

    def publish_once(self) -> None:
        self.redis.publish(HOSTS_CHANNEL, self.message())

    def run(self, stop: threading.Event) -> None:
        failing = False
        while not stop.is_set():
            try:
                self.publish_once()
                failing = False
            except Exception as exc:
                if not failing:
                    log.warning("Could not publish this machine's readings: %s", exc)
                failing = True
            stop.wait(self.settings.monitor_interval_s)
        self.sampler.close()


# --- the supervisor ---------------------------------------------------------------------------------------


@dataclass
class _Slot:
    spec: SlotSpec
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default_factory=time.monotonic)


class WorkerNode:
    def __init__(self, settings: Settings, specs: list[SlotSpec]) -> None:
        self.settings = settings
        self.host = specs[0].host
        self.slots = [_Slot(spec) for spec in specs]
        self.stop = threading.Event()

    def slot_status(self) -> list[dict[str, Any]]:
        return [
            {
                "name": s.spec.name,
                "queue": s.spec.queue,
                "gpu": s.spec.gpu,
                "alive": s.process is not None and s.process.poll() is None,
            }
            for s in self.slots
        ]

    def _env(self, spec: SlotSpec) -> dict[str, str]:
        env = {**os.environ, SETTINGS_ENV: self.settings.model_dump_json(), SLOT_ENV: spec.to_json()}
        if spec.queue == "gpu":
            env["CUDA_VISIBLE_DEVICES"] = spec.gpu if spec.gpu is not None else ""  # "": train on the CPU
        return env

    def _start(self, slot: _Slot) -> None:
        slot.process = subprocess.Popen(
            [sys.executable, "-m", "app.jobs.celery_app"], env=self._env(slot.spec), stdin=subprocess.DEVNULL
        )
        slot.started_at = time.monotonic()
        log.info("slot %s started (process %s, queue %s)", slot.spec.name, slot.process.pid, slot.spec.queue)

    def _watch(self, slot: _Slot) -> None:
        if slot.process is None:
            if time.monotonic() >= slot.next_start:
                self._start(slot)
            return
        code = slot.process.poll()
        if code is None:
            if time.monotonic() - slot.started_at > 60:
                slot.restarts = 0  # it ran a while: the next crash restarts quickly again
            return
        delay = RESTART_BACKOFF_S[min(slot.restarts, len(RESTART_BACKOFF_S) - 1)]
        log.error("slot %s exited with code %s; restarting in %.0f s", slot.spec.name, code, delay)
        slot.process, slot.restarts, slot.next_start = None, slot.restarts + 1, time.monotonic() + delay

    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stop.set())
        publisher = HostPublisher(self.settings, self.host, self.slot_status)
        threading.Thread(target=publisher.run, args=(self.stop,), name="host-readings", daemon=True).start()
        for slot in self.slots:
            self._start(slot)
        while not self.stop.wait(0.5):
            for slot in self.slots:
                self._watch(slot)
        self.shutdown()
        return 0

    def shutdown(self) -> None:
        """Stops every slot; jobs they were running become interrupted (resumable on another node)."""
        running = [s.process for s in self.slots if s.process is not None and s.process.poll() is None]
        for process in running:
            process.terminate()  # Celery's warm shutdown: an idle slot leaves at once
        deadline = time.monotonic() + SHUTDOWN_GRACE_S
        for process in running:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()  # busy: its job process follows (PR_SET_PDEATHSIG)
                process.wait()
        interrupt_jobs_of(self.settings, [s.spec.name for s in self.slots], f"worker {self.host} was stopped")
        try:
            redis = redis_client(self.settings.redis_url)
            redis.delete(*[SLOT_KEY_PREFIX + s.spec.name for s in self.slots])
        except Exception:
            pass
        log.info("worker %s stopped", self.host)


def interrupt_jobs_of(settings: Settings, slot_names: list[str], reason: str) -> list[str]:
    """Jobs still `running` on these slots become interrupted, and their kinds' on_lost hooks run."""
    from app.jobs.runner import call_on_lost, snapshot_of

    workers = [job_worker_name(name) for name in slot_names]
    snapshots = []
    with session_scope(settings.resolved_database_url) as db:
        for job in db.query(Job).filter(Job.status == JobStatus.RUNNING, Job.worker.in_(workers)).all():
            job.status, job.finished_at, job.stop_requested = JobStatus.INTERRUPTED, utc_now(), True
            job.error = f"Interrupted: {reason}."
            snapshots.append(snapshot_of(job))
    for snapshot in snapshots:
        call_on_lost(settings, snapshot, reason, interrupted=True)
    return [s.id for s in snapshots]


def run_node(settings: Settings, specs: list[SlotSpec]) -> int:
    preflight(settings)
    slots = ", ".join(f"{s.name} ({s.queue}{f', GPU {s.gpu}' if s.gpu is not None else ''})" for s in specs)
    log.info("worker %s: %d slot(s): %s; data %s", specs[0].host, len(specs), slots, settings.data_dir)
    return WorkerNode(settings, specs).run()
