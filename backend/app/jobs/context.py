"""What a running job sees: its settings, progress reporting, stop requests and a log."""

from __future__ import annotations

import logging
import time

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job
from app.utils.clock import utc_now


class JobStopped(Exception):
    """Raised inside a handler when the user asked the job to stop."""


class JobContext:
    STOP_CHECK_INTERVAL_S = 0.5
    PROGRESS_INTERVAL_S = 0.5

    def __init__(self, settings: Settings, job_id: str) -> None:
        self.settings = settings
        self.job_id = job_id
        self.logger = logging.getLogger(f"app.jobs.{job_id[:8]}")
        self._stop_checked_at = 0.0
        self._stop = False
        self._progress_at = 0.0

    @property
    def _url(self) -> str:
        return self.settings.resolved_database_url

    def progress(self, fraction: float, message: str | None = None, *, force: bool = False) -> None:
        """Persists progress (0..1); throttled unless forced or complete."""
        now = time.monotonic()
        if not force and fraction < 1.0 and now - self._progress_at < self.PROGRESS_INTERVAL_S:
            return
        self._progress_at = now
        with session_scope(self._url) as db:
            job = db.get(Job, self.job_id)
            if job is not None:
                job.progress = max(0.0, min(1.0, fraction))
                job.heartbeat_at = utc_now()
                if message is not None:
                    job.message = message[:2000]

    def should_stop(self) -> bool:
        """True once the user asked to stop; reads the database at most every STOP_CHECK_INTERVAL_S."""
        if self._stop:
            return True
        now = time.monotonic()
        if now - self._stop_checked_at >= self.STOP_CHECK_INTERVAL_S:
            self._stop_checked_at = now
            with session_scope(self._url) as db:
                job = db.get(Job, self.job_id)
                self._stop = job is None or job.stop_requested
        return self._stop

    def raise_if_stopped(self) -> None:
        if self.should_stop():
            raise JobStopped("Stopped at the user's request")

    def log(self, line: str) -> None:
        self.logger.info(line)
