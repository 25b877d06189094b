"""The worker side of a job: `python -m app.jobs.worker JOB_ID` (local runner) or `execute_job` (Celery).

It claims the job, runs its handler with a JobContext and records the outcome. A worker that dies
without recording one is noticed by its runner, which marks the job failed or interrupted.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import traceback

from sqlalchemy import select, update

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job
from app.domain.status import FINISHED_STATUSES, JobStatus
from app.jobs.context import JobContext, JobStopped
from app.jobs.registry import get_kind
from app.utils.clock import utc_now
from app.utils.logger import configure_logging
from app.utils.process import die_with_parent

SETTINGS_ENV = "CRACKDET_WORKER_SETTINGS"
WORKER_NAME_ENV = "CRACKDET_JOB_WORKER_NAME"  # set by a celery slot: "celery:<slot>"
log = logging.getLogger("app.jobs.worker")


def _heartbeat(settings: Settings, job_id: str, stop: threading.Event) -> None:
    while not stop.wait(settings.worker_heartbeat_interval_s):
        try:
            with session_scope(settings.resolved_database_url) as db:
                job = db.get(Job, job_id)
                if job is not None:
                    job.heartbeat_at = utc_now()
        except Exception:  # a missed heartbeat is not fatal
            log.warning("heartbeat failed", exc_info=True)


def _finish(settings: Settings, job_id: str, **fields: object) -> None:
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        if job is None:
            return
        for name, value in fields.items():
            setattr(job, name, value)
        job.finished_at = utc_now()


def execute_job(settings: Settings, job_id: str, worker: str) -> str:
    """Runs one job to its end and returns its final status."""
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        if job is None:
            raise LookupError(f"job {job_id} does not exist")
        if job.status in FINISHED_STATUSES:  # cancelled or declared lost before this process started
            return job.status
        seen, kind_name, params = job.status, job.kind, dict(job.params)
        now = utc_now()
        # Conditional writes: a cancel committed since the read above must win, not be overwritten.
        if job.stop_requested and seen == JobStatus.QUEUED:
            values: dict[str, object] = {"status": JobStatus.CANCELLED, "finished_at": now}
        else:
            values = {"status": JobStatus.RUNNING, "worker": worker, "started_at": now, "heartbeat_at": now}
        claim = update(Job).where(Job.id == job_id, Job.status == seen).values(**values)
        claimed = getattr(db.execute(claim), "rowcount", 0)
    if not claimed or values["status"] == JobStatus.CANCELLED:
        with session_scope(settings.resolved_database_url) as db:
            return str(db.scalar(select(Job.status).where(Job.id == job_id)))

    stop_beat = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(settings, job_id, stop_beat), daemon=True)
    beat.start()
    ctx = JobContext(settings, job_id)
    try:
        result = get_kind(kind_name).function(ctx, params)
    except JobStopped as stopped:
        _finish(settings, job_id, status=JobStatus.STOPPED, message=str(stopped))
        return JobStatus.STOPPED
    except BaseException as exc:
        log.error("job %s (%s) failed:\n%s", job_id, kind_name, traceback.format_exc())
        _finish(settings, job_id, status=JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:4000])
        return JobStatus.FAILED
    finally:
        stop_beat.set()
    _finish(settings, job_id, status=JobStatus.COMPLETED, progress=1.0, result=result)
    return JobStatus.COMPLETED


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: python -m app.jobs.worker JOB_ID", file=sys.stderr)
        return 2
    die_with_parent()
    settings = Settings.model_validate_json(os.environ[SETTINGS_ENV])
    configure_logging(settings.log_level)
    if settings.runner == "celery":  # announce this job's training events to the API over Redis
        from app.jobs.live import install_event_publisher

        install_event_publisher(settings.redis_url)
    execute_job(settings, sys.argv[1], worker=os.environ.get(WORKER_NAME_ENV) or f"local:{os.getpid()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
