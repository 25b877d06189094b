"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db.session import session_scope
from app.jobs.runner import get_runner
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


def get_db(settings: SettingsDep) -> Iterator[Session]:
    with session_scope(settings.resolved_database_url) as session:
        yield session


# scope="function": commit when the endpoint returns, BEFORE the response is sent. With the default
# ("request") FastAPI commits after sending, so a client acting on the response (a login followed at once by
# a request with the new session cookie) could race the commit and read the old state.
DbDep = Annotated[Session, Depends(get_db, scope="function")]
