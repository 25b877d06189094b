"""Which runner serves a database in this process: the local one or the Celery one (CRACKDET_RUNNER).

Apart from runner.py and celery_runner.py so that the Celery runner (which builds on the local runner's
queue) and the choice between the two import each other in one direction only.
"""

from __future__ import annotations

from app.config import Settings
from app.jobs.runner import JobRunner, LocalRunner

_RUNNERS: dict[str, JobRunner] = {}


def get_runner(settings: Settings) -> JobRunner:
    """The runner serving this database in this process (created on first use): CRACKDET_RUNNER=local
    (worker processes here) or celery (worker slots on any machine, app/jobs/celery_runner.py)."""
    key = settings.resolved_database_url
    if key not in _RUNNERS:
        if settings.runner == "celery":
            from app.jobs.celery_runner import CeleryRunner  # imports celery: only when chosen

            _RUNNERS[key] = CeleryRunner(settings)
        else:
            _RUNNERS[key] = LocalRunner(settings)
    return _RUNNERS[key]


def forget_runner(settings: Settings) -> None:
    _RUNNERS.pop(settings.resolved_database_url, None)
