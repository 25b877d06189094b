"""Job kinds: `@job_handler("kind")` registers the function a worker runs for that kind.

Handler modules are imported by the API process too (for their queue and `on_lost` hook), so they must
not import heavy ML libraries at module level: import them inside the handler function.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.config import Settings
    from app.jobs.context import JobContext

JobFunction = Callable[["JobContext", dict[str, Any]], dict[str, Any] | None]
# Called in the API process when a job ended without its worker finishing it (worker died, or the server
# restarted mid-job): (settings, job snapshot, reason, interrupted). `interrupted` is True for a restart.
LostHook = Callable[["Settings", "JobSnapshot", str, bool], None]

# Modules that define handlers; each area adds its module here.
HANDLER_MODULES: list[str] = [
    "app.jobs.builtin",
    "app.jobs.dataset_jobs",
    "app.jobs.training_job",
    "app.jobs.model_jobs",
    "app.jobs.prediction_jobs",
    "app.jobs.inspection_jobs",
]


@dataclass(frozen=True)
class JobSnapshot:
    id: str
    kind: str
    queue: str
    status: str
    params: dict[str, Any]
    subject_id: str | None
    worker: str | None


@dataclass(frozen=True)
class JobKind:
    name: str
    function: JobFunction
    queue: str = "cpu"
    on_lost: LostHook | None = None


_KINDS: dict[str, JobKind] = {}


def job_handler(
    name: str, *, queue: str = "cpu", on_lost: LostHook | None = None
) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        _KINDS[name] = JobKind(name=name, function=function, queue=queue, on_lost=on_lost)
        return function

    return register


def load_handlers() -> None:
    for module in HANDLER_MODULES:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:  # a handler module that exists but fails to import is a bug
                raise


def get_kind(name: str) -> JobKind:
    load_handlers()
    try:
        return _KINDS[name]
    except KeyError:
        raise KeyError(f"Unknown job kind {name!r}; known: {sorted(_KINDS)}") from None
