"""Job kinds of the models area: check an imported .pt, evaluate on a dataset split, export to a format
(each model family's exporter: core/families/<family>/exporter.py).

Imported by the API process too (for queues and on_lost hooks): the ML libraries are imported inside
the handlers only, after `prepare_ultralytics_env`.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path
from typing import Any, cast

from sqlalchemy import update

from app.config import Settings
from app.db.base import new_id
from app.db.session import session_scope
from app.db.tables import Model, ModelEvaluation, ModelExport
from app.domain.status import FINISHED_STATUSES, JobStatus
from app.jobs.context import JobContext, JobStopped
from app.jobs.registry import JobSnapshot, job_handler
from app.repositories import models as repo
from app.services.models.common import data_path, export_dir, model_dir, relative_to_data, slug, weights_path
from app.services.models.evaluation import resolve_eval_split
from app.utils.clock import utc_now


def _prepare_ultralytics(settings: Settings) -> None:
    from app.core.training.offline import prepare_ultralytics_env

    prepare_ultralytics_env(settings.data_dir)


# --------------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------------


def _upload_path(settings: Settings, params: dict[str, Any]) -> Path:
    path = data_path(settings, str(params["upload"]))
    if not path.is_relative_to(settings.uploads_dir.resolve()):
        raise ValueError("The upload path is outside the uploads folder")
    return path


def _remove_upload(settings: Settings, params: dict[str, Any]) -> None:
    with contextlib.suppress(ValueError, KeyError, OSError):
        _upload_path(settings, params).unlink(missing_ok=True)


def _stored_file_name(file_name: str) -> str:
    stem = slug(Path(file_name).stem)
    return f"{stem}.pt"


def _import_lost(settings: Settings, job: JobSnapshot, reason: str, interrupted: bool) -> None:
    _remove_upload(settings, job.params)


@job_handler(repo.IMPORT_JOB_KIND, queue="cpu", on_lost=_import_lost)
def import_model(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Checks the uploaded file in this worker; registers it, or removes it with the reason."""
    settings = ctx.settings
    upload = _upload_path(settings, params)
    try:
        ctx.progress(0.1, "Checking the file", force=True)
        _prepare_ultralytics(settings)
        from app.core.models.checkpoint import inspect_checkpoint

        info = inspect_checkpoint(upload)
        ctx.raise_if_stopped()
        ctx.progress(
            0.8,
            f"A {info.task} model ({info.model_arch or 'unknown architecture'}), "
            f"{len(info.class_names)} classes: registering",
            force=True,
        )
        model_id = new_id()
        target = model_dir(settings, model_id) / _stored_file_name(str(params.get("file_name", "")))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(upload), target)
    except BaseException:
        _remove_upload(settings, params)
        raise
    try:
        with session_scope(settings.resolved_database_url) as db:
            db.add(
                Model(
                    id=model_id,
                    name=str(params.get("name") or target.stem)[:200],
                    source="imported",
                    framework=info.framework,
                    model_arch=info.model_arch,
                    task=info.task,
                    class_names=info.class_names,
                    image_size=info.image_size,
                    path=relative_to_data(settings, target),
                    size_bytes=target.stat().st_size,
                    metrics=info.metrics,
                    tags=[],
                )
            )
    except BaseException:
        shutil.rmtree(target.parent, ignore_errors=True)
        raise
    return {
        "model_id": model_id,
        "task": info.task,
        "model_arch": info.model_arch,
        "class_names": info.class_names,
        "image_size": info.image_size,
        "parameters": info.parameters,
    }


# --------------------------------------------------------------------------------------------------
# Shared by evaluation and export: the row's state follows its job
# --------------------------------------------------------------------------------------------------


def _set_row(
    settings: Settings, table: type[ModelExport] | type[ModelEvaluation], row_id: str, **values: Any
) -> None:
    if values.get("status") in FINISHED_STATUSES:
        values["finished_at"] = utc_now()
    with session_scope(settings.resolved_database_url) as db:
        db.execute(update(table).where(table.id == row_id).values(**values))


def _lost_hook(table: type[ModelExport] | type[ModelEvaluation], key: str) -> Any:
    def hook(settings: Settings, job: JobSnapshot, reason: str, interrupted: bool) -> None:
        row_id = job.params.get(key)
        if isinstance(row_id, str):
            status = JobStatus.INTERRUPTED if interrupted else JobStatus.FAILED
            _set_row(settings, table, row_id, status=status, error=f"The job ended early: {reason}")

    return hook


def _run_tracked(
    ctx: JobContext, table: type[ModelExport] | type[ModelEvaluation], row_id: str, work: Any
) -> dict[str, Any]:
    """Runs `work()` with the row marked running, then completed/failed/stopped with the reason."""
    settings = ctx.settings
    _set_row(settings, table, row_id, status=JobStatus.RUNNING, job_id=ctx.job_id)
    try:
        result: dict[str, Any] = work()
    except JobStopped:
        _set_row(settings, table, row_id, status=JobStatus.STOPPED, error="Stopped at the user's request")
        raise
    except BaseException as exc:
        _set_row(settings, table, row_id, status=JobStatus.FAILED, error=_user_message(exc))
        raise
    return result


def _user_message(exc: BaseException) -> str:
    from app.core.export.engine import clean_message

    return clean_message(exc)


def _load(
    settings: Settings, table: type[ModelExport] | type[ModelEvaluation], row_id: str
) -> tuple[Any, Model]:
    with session_scope(settings.resolved_database_url) as db:
        row = cast(ModelExport | ModelEvaluation | None, db.get(table, row_id))
        model = db.get(Model, row.model_id) if row is not None else None
        if row is None or model is None:
            raise LookupError(f"{table.__name__} {row_id} or its model no longer exists")
        db.expunge(row)
        db.expunge(model)
        return row, model


# --------------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------------


@job_handler(repo.EVALUATE_JOB_KIND, queue="cpu", on_lost=_lost_hook(ModelEvaluation, "evaluation_id"))
def evaluate_model(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    evaluation_id = str(params["evaluation_id"])
    return _run_tracked(ctx, ModelEvaluation, evaluation_id, lambda: _evaluate(ctx, evaluation_id))


def _evaluate(ctx: JobContext, evaluation_id: str) -> dict[str, Any]:
    settings = ctx.settings
    row, model = _load(settings, ModelEvaluation, evaluation_id)
    if row.dataset_id is None:
        raise LookupError("The dataset of this evaluation was deleted")
    with session_scope(settings.resolved_database_url) as db:
        target = resolve_eval_split(settings, db, row.dataset_id, row.split)
    ctx.progress(0.05, f"Evaluating on {target.dataset_name} ({row.split})", force=True)
    _prepare_ultralytics(settings)
    from app.core.models.evaluation import EvaluationRequest, evaluate

    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="eval-", dir=settings.tmp_dir) as work_dir:
        request = EvaluationRequest(
            weights=weights_path(settings, model),
            dataset_root=target.root,
            split_dirs=target.split_dirs,
            class_names=target.class_names,
            imgsz=int(row.params.get("imgsz") or model.image_size or 640),
            conf=float(row.params.get("conf", 0.001)),
            iou=float(row.params.get("iou", 0.7)),
            work_dir=Path(work_dir),
        )

        def progress(fraction: float) -> None:
            ctx.raise_if_stopped()
            ctx.progress(0.05 + 0.9 * fraction, f"Validating: {fraction:.0%} of the images")

        outcome = evaluate(request, progress)
    _set_row(
        settings,
        ModelEvaluation,
        evaluation_id,
        status=JobStatus.COMPLETED,
        metrics=outcome.metrics,
        per_class=outcome.per_class,
        error=None,
    )
    return {"evaluation_id": evaluation_id, "metrics": outcome.metrics, "speed_ms": outcome.speed_ms}


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


@job_handler(repo.EXPORT_JOB_KIND, queue="cpu", on_lost=_lost_hook(ModelExport, "export_id"))
def export_model(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    export_id = str(params["export_id"])
    return _run_tracked(ctx, ModelExport, export_id, lambda: _export(ctx, export_id))


def _export(ctx: JobContext, export_id: str) -> dict[str, Any]:
    settings = ctx.settings
    row, model = _load(settings, ModelExport, export_id)
    from app.core.export.formats import FORMATS

    spec = FORMATS[row.format]
    options = dict(row.options or {})
    ctx.progress(0.05, f"Exporting to {spec.title}", force=True)
    _prepare_ultralytics(settings)
    from app.core.export.engine import ExportOptions, path_size
    from app.core.families.registry import get_family

    exporter = get_family(model.framework).export_function()
    out_dir = export_dir(settings, model.id, export_id)
    ctx.raise_if_stopped()
    try:
        produced = exporter(
            weights_path(settings, model),
            out_dir,
            spec.name,
            ExportOptions(
                imgsz=int(options.get("imgsz") or model.image_size or 640),
                half=bool(options.get("half")),
                dynamic=bool(options.get("dynamic")),
                simplify=bool(options.get("simplify", True)),
                opset=options.get("opset"),
            ),
        )
    except BaseException:
        shutil.rmtree(out_dir, ignore_errors=True)
        raise
    size = path_size(produced)
    relative = relative_to_data(settings, produced)
    _set_row(
        settings,
        ModelExport,
        export_id,
        status=JobStatus.COMPLETED,
        path=relative,
        size_bytes=size,
        error=None,
    )
    ctx.progress(1.0, f"Exported to {spec.title}: {produced.name} ({size} bytes)", force=True)
    return {"export_id": export_id, "format": spec.name, "path": relative, "size_bytes": size}
