"""Background jobs (/api/v1/jobs): the state of any job by id (imports, exports, evaluations...)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import SettingsDep
from app.db.session import session_scope
from app.db.tables import Job
from app.domain.errors import NotFound
from app.schemas.common import ErrorResponse
from app.schemas.jobs import JobOut

router = APIRouter(prefix="/jobs", tags=["jobs"])


def job_out(job: Job) -> JobOut:
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
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


@router.get(
    "/{job_id}",
    response_model=JobOut,
    summary="A job's state, progress and outcome",
    responses={404: {"model": ErrorResponse}},
)
def get_job(job_id: Annotated[str, Path(min_length=1, max_length=64)], settings: SettingsDep) -> JobOut:
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        if job is None:
            raise NotFound(f"Job {job_id} does not exist")
        return job_out(job)
