"""API shapes of background jobs (/api/v1/jobs): any kind, read-only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from app.schemas.common import JobStatusValue


class JobOut(BaseModel):
    id: str
    kind: str = Field(description="e.g. model_import, model_export, model_evaluate, dataset_import, training")
    queue: str
    status: JobStatusValue
    progress: float = Field(description="0..1")
    message: str | None = Field(default=None, description="Last progress message")
    error: str | None = Field(default=None, description="Why it failed (no stack trace)")
    result: dict[str, Any] | None = Field(default=None, description="What a completed job produced")
    subject_id: str | None = Field(default=None, description="The dataset/model/session it acts on")
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
