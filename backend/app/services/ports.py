"""What services need from the layers above them, as typed Protocols.

Services never import `app.jobs`: the runner that queues long work is handed to them (routers take it
from the `RunnerDep` FastAPI dependency, job handlers and the CLI pass theirs), so the dependency points
one way only: jobs -> services.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class QueueHealth:
    """The job queue's message broker (Celery: Redis) as the health check reports it."""

    ok: bool
    live_slots: int = 0  # worker slots with a live heartbeat
    detail: str | None = None  # why it is not ok (URLs with their secrets redacted)


class JobRunner(Protocol):
    """Queues jobs and stops them; implemented by the local runner and the Celery runner."""

    def submit(self, kind: str, params: dict[str, Any], *, subject_id: str | None = None) -> str: ...

    def request_stop(self, job_id: str) -> None: ...

    def cancel(self, job_id: str) -> bool: ...

    def training_gpu_count(self) -> int:
        """GPUs one training job may use where this runner runs its jobs (0: CPU only)."""
        ...

    def queue_health(self) -> QueueHealth | None:
        """The broker jobs travel through and its live worker slots; None when there is none (local)."""
        ...
