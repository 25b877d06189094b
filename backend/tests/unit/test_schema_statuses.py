"""API schemas spell statuses through app/domain/status.py: every member, in the enum's order, and the
OpenAPI schema stays an inline string enum."""

from __future__ import annotations

from typing import get_args

from app.domain.status import DatasetStatus, JobStatus
from app.schemas.common import DatasetStatusValue, JobStatusValue
from app.schemas.datasets import Dataset, DatasetJob
from app.schemas.jobs import JobOut


def test_status_literals_list_every_member_in_order() -> None:
    assert get_args(JobStatusValue) == tuple(JobStatus)
    assert get_args(DatasetStatusValue) == tuple(DatasetStatus)


def test_status_fields_are_inline_string_enums_and_accept_the_stored_strings() -> None:
    for model, values in ((JobOut, JobStatus), (DatasetJob, JobStatus), (Dataset, DatasetStatus)):
        field = model.model_json_schema()["properties"]["status"]
        assert field["type"] == "string" and field["enum"] == [member.value for member in values]
    job = JobOut.model_validate(
        {"id": "j", "kind": "k", "queue": "cpu", "status": "interrupted", "progress": 0.0, "created_at": 0}
    )
    assert job.status is JobStatus.INTERRUPTED
    assert job.model_dump(mode="json")["status"] == "interrupted"
