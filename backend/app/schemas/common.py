"""Schemas shared by several API areas."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from app.domain.status import DatasetStatus, JobStatus

T = TypeVar("T")

# Status fields of API schemas: a Literal of the StrEnum's members, so the states are spelled once (in
# app/domain/status.py) and the OpenAPI schema is an inline string enum, as clients have always seen it.
# tests/unit/test_schema_statuses.py checks each lists every member, in order.
JobStatusValue = Literal[
    JobStatus.QUEUED,
    JobStatus.RUNNING,
    JobStatus.COMPLETED,
    JobStatus.FAILED,
    JobStatus.STOPPED,
    JobStatus.CANCELLED,
    JobStatus.INTERRUPTED,
]
DatasetStatusValue = Literal[
    DatasetStatus.QUEUED,
    DatasetStatus.DOWNLOADING,
    DatasetStatus.EXTRACTING,
    DatasetStatus.PROCESSING,
    DatasetStatus.VALIDATING,
    DatasetStatus.READY,
    DatasetStatus.FAILED,
]

# Largest id of an Integer column (PostgreSQL `integer` is 32-bit): bounds query/path ids compared to one.
MAX_INT32 = 2**31 - 1


class ErrorResponse(BaseModel):
    detail: str = Field(description="What went wrong and what to do about it")
    errors: list[dict[str, object]] | None = Field(default=None, description="Per-field problems")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int
