"""Runners start queued jobs. `LocalRunner`: one worker process per job on this machine.

Queues are FIFO (by creation time) and each has a number of slots: "gpu" (trainings: one per GPU, one on
a CPU-only machine, or CRACKDET_TRAINING_SLOTS) and "cpu" (imports, exports: CRACKDET_CPU_JOB_SLOTS).
The queue lives in the database, so jobs submitted by any process are picked up and survive restarts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select, update

from app.config import Settings
from app.core.hardware import gpu_count
from app.db.session import session_scope
from app.db.tables import Job
from app.domain.status import FINISHED_STATUSES, JobStatus
from app.jobs.registry import JobSnapshot, get_kind
from app.jobs.worker import SETTINGS_ENV, execute_job
from app.services.ports import JobRunner as ServiceJobRunner
from app.services.ports import QueueHealth
from app.utils.clock import utc_now
from app.utils.process import describe_exit

log = logging.getLogger("app.jobs.runner")
FINISHED = FINISHED_STATUSES
LOG_TAIL_LINES = 20


class JobRunner(ServiceJobRunner, Protocol):
    """A runner as the API process drives it: the services' port plus its life cycle."""

    async def start(self) -> None: ...
    async def shutdown(self) -> None: ...


def _snapshot(job: Job) -> JobSnapshot:
    return JobSnapshot(
        id=job.id,
        kind=job.kind,
        queue=job.queue,
        status=job.status,
        params=dict(job.params),
        subject_id=job.subject_id,
        worker=job.worker,
    )


def queue_slots(settings: Settings) -> dict[str, int]:
    gpu_slots = settings.training_slots or max(1, gpu_count())
    return {"gpu": gpu_slots, "cpu": settings.cpu_job_slots}


def job_log_path(settings: Settings, job_id: str) -> Path:
    return settings.data_dir / "logs" / "jobs" / f"{job_id}.log"


def _log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# Public names for the other runners (app/jobs/celery_app.py, celery_runner.py)
snapshot_of = _snapshot
log_tail = _log_tail


def call_on_lost(settings: Settings, job: JobSnapshot, reason: str, *, interrupted: bool) -> None:
    """Runs the kind's `on_lost` hook (never raises)."""
    try:
        hook = get_kind(job.kind).on_lost
    except KeyError:
        return
    if hook is not None:
        try:
            hook(settings, job, reason, interrupted)
        except Exception:
            log.exception("on_lost hook of job %s failed", job.id)


def submit_job(
    settings: Settings, kind: str, params: dict[str, Any], *, subject_id: str | None = None
) -> str:
    """Queues a job in the database; whichever runner serves this database starts it."""
    job_kind = get_kind(kind)
    with session_scope(settings.resolved_database_url) as db:
        job = Job(
            kind=kind, queue=job_kind.queue, params=params, subject_id=subject_id, status=JobStatus.QUEUED
        )
        db.add(job)
        db.flush()
        return job.id


def request_stop(settings: Settings, job_id: str) -> None:
    """Queued: cancelled at once. Running: the handler sees ctx.should_stop() within a second."""
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        if job is None or job.status in FINISHED:
            return
        job.stop_requested = True
        if job.status == JobStatus.QUEUED:
            job.status, job.finished_at = JobStatus.CANCELLED, utc_now()


@dataclass
class _Running:
    job_id: str
    queue: str
    process: subprocess.Popen[bytes]
    log_path: Path


class DatabaseQueueRunner:
    """What every runner shares: the queue is the jobs table, so submitting, stopping and cancelling are
    rows and flags any process can write; `wake` makes the runner's dispatch loop look at once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._wake: asyncio.Event | None = None
        self._loop_ref: asyncio.AbstractEventLoop | None = None

    def submit(self, kind: str, params: dict[str, Any], *, subject_id: str | None = None) -> str:
        job_id = submit_job(self.settings, kind, params, subject_id=subject_id)
        self.wake()
        return job_id

    def training_gpu_count(self) -> int:
        return gpu_count()

    def queue_health(self) -> QueueHealth | None:
        return None  # the queue is the database, which the health check probes itself

    def request_stop(self, job_id: str) -> None:
        """A database flag: the job's context sees it within a second, on whichever machine it runs."""
        request_stop(self.settings, job_id)
        self.wake()

    def wake(self) -> None:
        """Dispatch now rather than at the next poll (safe from any thread)."""
        if self._loop_ref is not None and self._wake is not None and not self._loop_ref.is_closed():
            self._loop_ref.call_soon_threadsafe(self._wake.set)

    def cancel(self, job_id: str) -> bool:
        """Cancels a queued job; returns False when it had already started (or been dispatched) or ended."""
        with session_scope(self.settings.resolved_database_url) as db:
            result = db.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                .values(status=JobStatus.CANCELLED, stop_requested=True, finished_at=utc_now())
            )
        return bool(getattr(result, "rowcount", 0))


class LocalRunner(DatabaseQueueRunner):
    POLL_INTERVAL_S = 0.5

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.slots = queue_slots(settings)
        self._running: dict[str, _Running] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._loop_ref = asyncio.get_running_loop()
        try:
            await asyncio.to_thread(self.recover)
        except Exception:  # keep serving: /health reports the database problem
            log.exception("could not recover jobs at start-up")
        self._task = asyncio.create_task(self._loop(), name="job-runner")

    async def shutdown(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for running in list(self._running.values()):
            running.process.terminate()
        for running in list(self._running.values()):
            try:
                await asyncio.to_thread(running.process.wait, 10)
            except subprocess.TimeoutExpired:
                running.process.kill()
        self._running.clear()
        # Whatever was still running is interrupted, exactly as after a crash.
        try:
            await asyncio.to_thread(self.recover)
        except Exception:
            log.exception("could not mark running jobs interrupted at shutdown")
        self._loop_ref = None

    @property
    def running_job_ids(self) -> list[str]:
        return list(self._running)

    # -- recovery ----------------------------------------------------------------------------------
    def recover(self) -> None:
        """After a (re)start: jobs left `running` by a previous server are interrupted."""
        with session_scope(self.settings.resolved_database_url) as db:
            stale = db.scalars(
                select(Job).where(Job.status == JobStatus.RUNNING, Job.worker.like("local:%"))
            ).all()
            stale = [job for job in stale if job.id not in self._running]
            for job in stale:
                _kill_orphan(job.worker)
                job.status, job.finished_at = JobStatus.INTERRUPTED, utc_now()
                job.error = "The server stopped while this job was running."
            snapshots = [_snapshot(job) for job in stale]
        for snapshot in snapshots:
            self._call_on_lost(snapshot, "the server stopped while the job was running", interrupted=True)

    # -- dispatch loop -----------------------------------------------------------------------------
    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self._reap)
                await asyncio.to_thread(self._dispatch)
            except Exception:
                log.exception("job runner iteration failed")
            assert self._wake is not None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.POLL_INTERVAL_S)

    def _dispatch(self) -> None:
        for queue, slots in self.slots.items():
            free = slots - sum(1 for r in self._running.values() if r.queue == queue)
            if free <= 0:
                continue
            with session_scope(self.settings.resolved_database_url) as db:
                next_ids = db.scalars(
                    select(Job.id)
                    .where(Job.status == JobStatus.QUEUED, Job.queue == queue)
                    .order_by(Job.created_at, Job.id)
                    .limit(free)
                ).all()
            for job_id in next_ids:
                self._spawn(job_id, queue)

    def _spawn(self, job_id: str, queue: str) -> None:
        path = job_log_path(self.settings, job_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, SETTINGS_ENV: self.settings.model_dump_json()}
        with path.open("ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "app.jobs.worker", job_id],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        # Claim it now so the next dispatch does not start it twice; the worker confirms.
        with session_scope(self.settings.resolved_database_url) as db:  # only if nobody cancelled it since
            db.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                .values(status=JobStatus.RUNNING, worker=f"local:{process.pid}", started_at=utc_now())
            )
        self._running[job_id] = _Running(job_id, queue, process, path)
        log.info("started job %s (queue %s) in process %s", job_id, queue, process.pid)

    def _reap(self) -> None:
        for job_id, running in list(self._running.items()):
            returncode = running.process.poll()
            if returncode is None:
                continue
            del self._running[job_id]
            self._settle(job_id, returncode, running.log_path)

    def _settle(self, job_id: str, returncode: int, log_path: Path) -> None:
        """A worker exited: if it did not record an outcome, the job failed with the reason."""
        with session_scope(self.settings.resolved_database_url) as db:
            job = db.get(Job, job_id)
            if job is None or job.status in FINISHED:
                return
            reason = describe_exit(returncode)
            tail = _log_tail(log_path)
            job.status, job.finished_at = JobStatus.FAILED, utc_now()
            job.error = f"{reason}." + (f"\nLast log lines:\n{tail}" if tail else "")
            snapshot = _snapshot(job)
        log.warning("job %s: %s", job_id, reason)
        self._call_on_lost(snapshot, reason, interrupted=False)

    def _call_on_lost(self, job: JobSnapshot, reason: str, *, interrupted: bool) -> None:
        try:
            hook = get_kind(job.kind).on_lost
        except KeyError:
            return
        if hook is not None:
            try:
                hook(self.settings, job, reason, interrupted)
            except Exception:
                log.exception("on_lost hook of job %s failed", job.id)


def _kill_orphan(worker: str | None) -> None:
    """A worker of a crashed server may still run (it normally dies with its parent): end it."""
    if not worker or not worker.startswith("local:"):
        return
    try:
        pid = int(worker.split(":", 1)[1])
        import psutil

        process = psutil.Process(pid)
        if "app.jobs.worker" in " ".join(process.cmdline()):
            process.kill()
    except (ValueError, ImportError, OSError, LookupError):
        pass
    except Exception:  # psutil.NoSuchProcess / AccessDenied
        pass


def run_job_inline(settings: Settings, job_id: str) -> str:
    """Runs a queued job in this process (tests, CLI); returns its final status."""
    return execute_job(settings, job_id, worker=f"inline:{os.getpid()}")
