"""FastAPI dependencies shared by the routers.

There is no database-session dependency: services open (and commit) their own unit of work, so routers
never touch sessions and every write is committed before the response is sent.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.jobs.runners import get_runner
from app.services.ports import JobRunner


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_runner_dep(request: Request) -> JobRunner:
    """The runner the app started (app.state.runner), or this database's runner in this process."""
    runner: JobRunner | None = getattr(request.app.state, "runner", None)
    return runner if runner is not None else get_runner(request.app.state.settings)


# Routers take the job runner from here and hand it to services, which never import app.jobs.
RunnerDep = Annotated[JobRunner, Depends(get_runner_dep)]
