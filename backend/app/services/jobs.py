"""Background jobs as the API shows them: the state, progress and outcome of any job by id."""

from __future__ import annotations

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import NotFound
from app.repositories import jobs as repo
from app.repositories.jobs import JobRow
from app.schemas.jobs import JobOut
from app.utils.clock import as_utc, as_utc_or_none


def job_out(job: JobRow) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        queue=job.queue,
        status=job.status,
        progress=job.progress,
        message=job.message,
        error=job.error,
        result=job.result,
        subject_id=job.subject_id,
        created_at=as_utc(job.created_at),
        started_at=as_utc_or_none(job.started_at),
        finished_at=as_utc_or_none(job.finished_at),
    )


def get_job(settings: Settings, job_id: str) -> JobOut:
    with session_scope(settings.resolved_database_url) as db:
        job = repo.get(db, job_id)
        if job is None:
            raise NotFound(f"Job {job_id} does not exist")
        return job_out(job)
