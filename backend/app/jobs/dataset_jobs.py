"""Background jobs of the datasets area: zip-upload imports, Roboflow imports, CLAHE enhancement.

Each handler runs a pipeline of app.services.dataset_imports (or dataset_enhancement, to which it hands
the OpenCV work) in the worker process. A stop request or
the dataset's deletion ends the job as `stopped` (files cleaned up); a failure ends it `failed` with
the pipeline's message. `on_lost` (API process: the worker died or the server restarted) cleans up
the same way. Light imports only at module level: the API process imports this module too.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from app.config import Settings
from app.jobs.context import JobContext, JobStopped
from app.jobs.registry import JobSnapshot, job_handler
from app.services import dataset_enhancement, dataset_imports
from app.services.dataset_imports import StopFn
from app.services.dataset_storage import ENHANCE_JOB, ROBOFLOW_JOB, UPLOAD_JOB


def _dataset_id(params: dict[str, Any]) -> str:
    dataset_id = params.get("dataset_id")
    if not isinstance(dataset_id, str) or not dataset_id:
        raise ValueError("job params need a dataset_id")
    return dataset_id


def _reporter(ctx: JobContext) -> Callable[[float, str | None], None]:
    """Job progress; a new stage message is written at once (plain progress is throttled)."""
    last: list[str | None] = [None]

    def report(fraction: float, message: str | None) -> None:
        ctx.progress(fraction, message, force=message != last[0])
        last[0] = message

    return report


def _run(pipeline: Any, ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    try:
        result: dict[str, Any] = pipeline(
            ctx.settings, _dataset_id(params), report=_reporter(ctx), should_stop=ctx.should_stop
        )
    except dataset_imports.ImportCancelled:
        raise JobStopped("Stopped: the dataset was deleted or the import was cancelled") from None
    return result


@job_handler(UPLOAD_JOB, queue="cpu", on_lost=lambda s, job, reason, _i: _lost(s, job, reason, "upload"))
def run_dataset_upload(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    return _run(dataset_imports.import_upload, ctx, params)


@job_handler(ROBOFLOW_JOB, queue="cpu", on_lost=lambda s, job, reason, _i: _lost(s, job, reason, "roboflow"))
def run_dataset_roboflow(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    return _run(dataset_imports.import_roboflow, ctx, params)


@job_handler(ENHANCE_JOB, queue="cpu", on_lost=lambda s, job, reason, _i: _lost(s, job, reason, "derived"))
def run_dataset_enhance(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    return _run(partial(dataset_enhancement.enhance, build_copy=clahe_copy), ctx, params)


def clahe_copy(
    source: Path,
    target: Path,
    clip_limit: float,
    tile_grid_size: int,
    progress: Callable[[float], None],
    should_stop: StopFn,
) -> None:
    """The enhancement's pixel work (OpenCV, imported here in the worker process only)."""
    from app.data.preprocess import ClaheParams, enhance_dataset

    params = ClaheParams(clip_limit, tile_grid_size)
    enhance_dataset(source, target, params, progress=progress, should_stop=should_stop)


def _lost(settings: Settings, job: JobSnapshot, reason: str, source: str) -> None:
    dataset_imports.handle_lost_job(settings, job.subject_id or job.params.get("dataset_id"), source, reason)
