"""The Celery side of the celery runner: the app, its one task, and what a worker slot runs.

Design (per-slot queues): the job queue stays in the database, as with the local runner. Each worker
slot (one per GPU, plus CPU slots) is its own Celery worker process (`-P solo`, concurrency 1, prefetch
disabled) consuming only its own queue `crackdet.slot.<slot>`, and keeps a heartbeat key in Redis. The
API's CeleryRunner claims the next queued job for a free slot in the database and sends the task to
that slot's queue, so one job per slot holds by construction and FIFO order, cancel and queue positions
work exactly as on one machine.

The task runs the job in a child process (`python -m app.jobs.worker JOB_ID`, which calls
`execute_job`), as the local runner does: Ultralytics' dataloaders may start processes (the solo pool
is not daemonic, and neither is the child), a crash or an out-of-memory kill fails the job with its
reason instead of killing the slot, and GPU memory is returned between jobs.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from celery import Celery

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job
from app.domain.status import JobStatus
from app.jobs.live import SLOT_KEY_PREFIX, SLOTS_CHANNEL, install_event_publisher, redis_client
from app.jobs.registry import get_kind
from app.jobs.storage import StorageError, verify_job_inputs
from app.jobs.worker import SETTINGS_ENV, WORKER_NAME_ENV
from app.utils.clock import utc_now
from app.utils.logger import configure_logging
from app.utils.process import die_with_parent

log = logging.getLogger("app.jobs.celery")

TASK_NAME = "crackdet.run_job"
QUEUE_PREFIX = "crackdet.slot."
WORKER_PREFIX = "celery:"
SLOT_ENV = "CRACKDET_SLOT"  # JSON SlotSpec of the slot process (set by `crackdet worker`)


def slot_queue(slot: str) -> str:
    return QUEUE_PREFIX + slot


def job_worker_name(slot: str) -> str:
    """What `jobs.worker` holds while a slot runs the job."""
    return WORKER_PREFIX + slot


def create_celery(settings: Settings) -> Celery:
    app = Celery("crackdet", broker=settings.redis_url, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        # Acknowledged on receipt: a lost worker's job is never redelivered by Celery; the API marks it
        # interrupted (heartbeat timeout) and the user resumes it on another slot.
        task_acks_late=False,
        worker_prefetch_multiplier=1,
        worker_disable_prefetch=True,  # a busy slot never holds a second message
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"socket_timeout": 10, "socket_connect_timeout": 10},
    )

    @app.task(name=TASK_NAME)
    def run_job(job_id: str) -> str:
        runtime = SlotRuntime.current()
        if runtime is None:
            raise RuntimeError("crackdet.run_job runs only in a slot started by `crackdet worker`")
        return runtime.run(job_id)

    return app


# --- the slot process -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotSpec:
    name: str  # unique in the cluster, e.g. "gpu-box:gpu0"
    host: str  # the worker node's name
    queue: str  # "gpu" | "cpu": which jobs it runs
    gpu: str | None  # the GPU it owns (CUDA_VISIBLE_DEVICES), None for CPU slots

    def to_json(self) -> str:
        return json.dumps({"name": self.name, "host": self.host, "queue": self.queue, "gpu": self.gpu})

    @classmethod
    def from_json(cls, text: str) -> SlotSpec:
        data = json.loads(text)
        return cls(str(data["name"]), str(data["host"]), str(data["queue"]), data.get("gpu"))


@dataclass
class SlotRuntime:
    """State of this slot process: its spec, the job it runs, and the heartbeat thread."""

    settings: Settings
    spec: SlotSpec
    job_id: str | None = None
    started_at: float = field(default_factory=time.time)
    _stop: threading.Event = field(default_factory=threading.Event)
    _redis: Any = None

    _current: ClassVar[SlotRuntime | None] = None  # the runtime of this process

    @classmethod
    def current(cls) -> SlotRuntime | None:
        return cls._current

    def start(self) -> None:
        SlotRuntime._current = self
        self._redis = redis_client(self.settings.redis_url)
        install_event_publisher(self.settings.redis_url)
        self.beat()
        threading.Thread(target=self._beat_loop, name="slot-heartbeat", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        try:
            self._redis.delete(SLOT_KEY_PREFIX + self.spec.name)
            self._announce("stopped")
        except Exception:
            pass

    def status(self) -> dict[str, Any]:
        return {
            "name": self.spec.name,
            "host": self.spec.host,
            "queue": self.spec.queue,
            "gpu": self.spec.gpu,
            "job_id": self.job_id,
            "pid": os.getpid(),
            "started_at": self.started_at,
        }

    def beat(self) -> None:
        ttl_ms = int(self.settings.worker_heartbeat_timeout_s * 1000)
        self._redis.set(SLOT_KEY_PREFIX + self.spec.name, json.dumps(self.status()), px=ttl_ms)

    def _beat_loop(self) -> None:
        failing = False
        while not self._stop.wait(self.settings.worker_heartbeat_interval_s):
            try:
                self.beat()
                if failing:
                    log.info("slot %s: Redis heartbeat works again", self.spec.name)
                failing = False
            except Exception as exc:
                if not failing:
                    log.warning("slot %s: heartbeat to Redis failed (%s); retrying", self.spec.name, exc)
                failing = True

    def _announce(self, what: str) -> None:
        self._redis.publish(SLOTS_CHANNEL, json.dumps({"slot": self.spec.name, "event": what}))

    # -- one job ------------------------------------------------------------------------------------
    def run(self, job_id: str) -> str:
        worker = job_worker_name(self.spec.name)
        if not _still_ours(self.settings, job_id, worker):
            log.info("job %s is no longer dispatched to %s: skipped", job_id, self.spec.name)
            return "skipped"
        self.job_id = job_id
        try:
            self.beat()
            try:
                verify_job_inputs(self.settings, job_id)
                return self._run_child(job_id, worker)
            except StorageError as exc:
                fail_job(self.settings, job_id, f"Worker {self.spec.name}: {exc}")
                return JobStatus.FAILED
            except Exception as exc:  # e.g. the database went away: say so rather than wait for the timeout
                log.exception("slot %s: job %s could not run", self.spec.name, job_id)
                fail_job(self.settings, job_id, f"Worker {self.spec.name} could not run the job: {exc}")
                return JobStatus.FAILED
        finally:
            self.job_id = None
            try:
                self.beat()
                self._announce("free")
            except Exception:
                log.warning("slot %s: could not announce it is free", self.spec.name, exc_info=True)

    def _run_child(self, job_id: str, worker: str) -> str:
        from app.jobs.runner import job_log_path

        path = job_log_path(self.settings, job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, SETTINGS_ENV: self.settings.model_dump_json(), WORKER_NAME_ENV: worker}
        with path.open("ab") as log_file:
            log_file.write(f"--- {self.spec.name} on {socket.gethostname()}\n".encode())
            log_file.flush()
            process = subprocess.Popen(
                [sys.executable, "-m", "app.jobs.worker", job_id],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        log.info("slot %s: job %s in process %s", self.spec.name, job_id, process.pid)
        returncode = process.wait()
        settle_exit(self.settings, job_id, returncode, path)
        return "exited" if returncode == 0 else f"exit {returncode}"


def _still_ours(settings: Settings, job_id: str, worker: str) -> bool:
    """The API claimed the job for this slot and nothing has finished it since (cancel, lost, ...)."""
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        return job is not None and job.status == JobStatus.RUNNING and job.worker == worker


def fail_job(settings: Settings, job_id: str, reason: str) -> None:
    """The job cannot start here: failed with the reason, and its kind cleans up (e.g. the session)."""
    from app.jobs.runner import call_on_lost, snapshot_of

    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        if job is None or job.status != JobStatus.RUNNING:
            return
        job.status, job.finished_at, job.error = JobStatus.FAILED, utc_now(), reason[:4000]
        snapshot = snapshot_of(job)
    log.error("job %s: %s", job_id, reason)
    call_on_lost(settings, snapshot, reason, interrupted=False)


def settle_exit(settings: Settings, job_id: str, returncode: int, log_path: Any) -> None:
    """The job's process ended: if it recorded no outcome, the job failed with the reason and log tail."""
    from app.jobs.runner import FINISHED, log_tail
    from app.utils.process import describe_exit

    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        if job is None or job.status in FINISHED:
            return
    tail = log_tail(log_path)
    reason = describe_exit(returncode)
    fail_job(settings, job_id, f"{reason}." + (f"\nLast log lines:\n{tail}" if tail else ""))


def run_slot(settings: Settings, spec: SlotSpec) -> None:
    """The body of one slot process: a Celery worker on the slot's own queue, solo pool."""
    from celery.signals import worker_shutting_down

    get_kind("sleep")  # load every handler module now, not in the first job
    runtime = SlotRuntime(settings, spec)
    app = create_celery(settings)
    worker_shutting_down.connect(lambda **_: runtime.stop(), weak=False)
    runtime.start()
    try:
        runtime._announce("started")
        app.worker_main(
            [
                "worker",
                "--pool=solo",
                "--concurrency=1",
                f"--queues={slot_queue(spec.name)}",
                f"--hostname={spec.name.replace(':', '.')}@{spec.host}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--loglevel={settings.log_level.upper()}",
            ]
        )
    finally:
        runtime.stop()


def main() -> int:
    """`python -m app.jobs.celery_app`: one slot process, started by `crackdet worker` (worker_node.py)."""
    die_with_parent()
    settings = Settings.model_validate_json(os.environ[SETTINGS_ENV])
    configure_logging(settings.log_level)
    run_slot(settings, SlotSpec.from_json(os.environ[SLOT_ENV]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
