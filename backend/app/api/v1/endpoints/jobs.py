"""Background jobs (/api/v1/jobs): the state of any job by id (imports, exports, evaluations...)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import SettingsDep
from app.schemas.common import ErrorResponse
from app.schemas.jobs import JobOut
from app.services import jobs as service

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get(
    "/{job_id}",
    response_model=JobOut,
    summary="A job's state, progress and outcome",
    responses={404: {"model": ErrorResponse}},
)
def get_job(job_id: Annotated[str, Path(min_length=1, max_length=64)], settings: SettingsDep) -> JobOut:
    return service.get_job(settings, job_id)
