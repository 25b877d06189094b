"""Statuses as enums: one spelling of each state, for tables, services, jobs and API schemas alike.

They are `StrEnum`s, so they compare equal to the strings stored in the database and sent as JSON.
"""

from __future__ import annotations

from enum import StrEnum


class JobStatus(StrEnum):
    """A job's, a training session's, an export's or an evaluation's state."""

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    STOPPED = "stopped"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        return self in FINISHED_STATUSES

    @property
    def active(self) -> bool:
        return self in ACTIVE_STATUSES


# A training session's states are a job's states.
SessionStatus = JobStatus

ACTIVE_STATUSES = frozenset({JobStatus.QUEUED, JobStatus.RUNNING})
FINISHED_STATUSES = frozenset(
    {JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELLED, JobStatus.INTERRUPTED}
)
# States a training session can be resumed from.
RESUMABLE_STATUSES = frozenset({JobStatus.STOPPED, JobStatus.INTERRUPTED, JobStatus.FAILED})


class DatasetStatus(StrEnum):
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    EXTRACTING = "extracting"
    PROCESSING = "processing"
    VALIDATING = "validating"
    READY = "ready"
    FAILED = "failed"
