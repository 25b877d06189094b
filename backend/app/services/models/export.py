"""Model export: the formats this machine can produce for each family, and export jobs with their files."""

from __future__ import annotations

import shutil
import uuid
import zipfile
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.core.export.formats import FORMATS, ExportFormat, check_availability
from app.core.families.registry import families, find_family
from app.core.hardware import gpu_count
from app.db.session import session_scope
from app.domain.errors import Conflict, NotFound, Unprocessable
from app.domain.status import JobStatus
from app.repositories import models as repo
from app.repositories.models import ExportRow, ModelRow
from app.schemas.models import (
    ExportFormatInfo,
    ExportFormatList,
    ExportFormatOptions,
    ExportOut,
    ExportRequest,
)
from app.services.models.common import (
    DownloadFile,
    data_path,
    export_dir,
    require_model,
    slug,
    submit_tracked,
    weights_path,
)
from app.services.models.views import export_out, exports_out
from app.services.ports import JobRunner


def export_formats(settings: Settings) -> ExportFormatList:
    gpus = gpu_count()
    infos = []
    for spec in FORMATS.values():
        availability = check_availability(spec, lambda: gpus)
        by_framework = {family.name: family.format_options(spec) for family in families()}
        # families with options of their own for this format (the others take the format's `options`)
        own = {family.name for family in families() if family.export_formats.get(spec.name) is not None}
        infos.append(
            ExportFormatInfo(
                name=spec.name,
                title=spec.title,
                description=spec.description,
                available=availability.available,
                reason=availability.reason,
                half_reason=availability.half_reason,
                options=ExportFormatOptions(
                    dynamic=spec.dynamic,
                    simplify=spec.simplify,
                    opset=spec.opset,
                    half=availability.available and availability.half_available,
                ),
                is_directory=spec.is_directory,
                runs_in_app=spec.runs_in_app,
                extra=spec.extra,
                notes=list(spec.notes),
                frameworks=[name for name, options in by_framework.items() if options is not None],
                framework_options={
                    name: ExportFormatOptions(
                        dynamic=options.dynamic,
                        simplify=options.simplify,
                        opset=options.opset,
                        half=options.half and availability.available and availability.half_available,
                    )
                    for name, options in by_framework.items()
                    if options is not None and name in own
                },
            )
        )
    return ExportFormatList(formats=infos, gpu_count=gpus)


def check_export_request(spec: ExportFormat, body: ExportRequest, model: ModelRow) -> None:
    """409 when this machine (or the model's framework) cannot produce it; 422 when the options do not
    apply to the format."""
    framework = find_family(model.framework)
    options = framework.format_options(spec) if framework else None
    if framework is None or options is None:
        allowed = ", ".join(FORMATS[f].title for f in framework.export_formats) if framework else "nothing"
        raise Conflict(
            f"Model '{model.name}' is a {framework.label if framework else model.framework} model: it "
            f"exports to {allowed}, not {spec.title}"
        )
    availability = check_availability(spec, gpu_count)
    if not availability.available:
        raise Conflict(availability.reason or f"{spec.title} export is not available here")
    unsupported = [
        option
        for option, wanted, supported in (
            ("dynamic", body.dynamic, options.dynamic),
            ("opset", body.opset is not None, options.opset),
            ("half", body.half, options.half),
            ("imgsz", body.imgsz is not None and body.imgsz != model.image_size, not options.fixed_size),
        )
        if wanted and not supported
    ]
    if unsupported:
        who = f"{framework.label} {spec.title}" if framework.export_formats.get(spec.name) else spec.title
        fixed = f" (it exports at its training size, {model.image_size})" if "imgsz" in unsupported else ""
        raise Unprocessable(f"{who} export does not take the option(s): {', '.join(unsupported)}{fixed}")
    if body.half and not availability.half_available:
        error = Unprocessable if spec.half == "no" else Conflict
        raise error(availability.half_reason or f"FP16 (half) {spec.title} export is not possible here")


def start_export(settings: Settings, runner: JobRunner, model_id: str, body: ExportRequest) -> ExportOut:
    spec = FORMATS[body.format]
    with session_scope(settings.resolved_database_url) as db:
        model = require_model(db, model_id)
        check_export_request(spec, body, model)
        if not weights_path(settings, model).is_file():
            raise Conflict(f"The weights file of model '{model.name}' is missing on disk")
        family = find_family(model.framework)
        accepted = family.format_options(spec) if family else None
        assert accepted is not None
        options: dict[str, Any] = {"imgsz": body.imgsz or model.image_size or 640, "half": body.half}
        if accepted.dynamic:
            options["dynamic"] = body.dynamic
        if accepted.simplify:
            options["simplify"] = body.simplify
        if accepted.opset:
            options["opset"] = body.opset
        row = repo.new_export(
            db, model_id=model.id, format=spec.name, options=options, status=JobStatus.QUEUED
        )
        export_id = row.id
    return submit_tracked(
        settings,
        runner,
        repo.EXPORT_JOB_KIND,
        {"export_id": export_id},
        model_id,
        export_id,
        repo.get_export_row,
        export_out,
    )


def list_exports(settings: Settings, model_id: str) -> list[ExportOut]:
    with session_scope(settings.resolved_database_url) as db:
        require_model(db, model_id)
        return exports_out(db, model_id)


def require_export(db: Session, model_id: str, export_id: str) -> ExportRow:
    require_model(db, model_id)
    row = repo.get_export(db, model_id, export_id)
    if row is None:
        raise NotFound(f"Export {export_id} of model {model_id} does not exist")
    return row


def get_export(settings: Settings, model_id: str, export_id: str) -> ExportOut:
    with session_scope(settings.resolved_database_url) as db:
        row = require_export(db, model_id, export_id)
        return export_out(row, repo.get_job(db, row.job_id) if row.job_id else None)


def export_download(settings: Settings, model_id: str, export_id: str) -> DownloadFile:
    with session_scope(settings.resolved_database_url) as db:
        row = require_export(db, model_id, export_id)
        model = require_model(db, model_id)
        if row.status != JobStatus.COMPLETED or not row.path:
            raise Conflict(f"Export {export_id} is {row.status}: nothing to download yet")
        path, base = data_path(settings, row.path), f"{slug(model.name)}-{row.format}"
    if path.is_file():
        return DownloadFile(path, f"{base}{path.suffix}", "application/octet-stream")
    if path.is_dir():
        return DownloadFile(zip_folder(settings, path), f"{base}.zip", "application/zip", remove_after=True)
    raise NotFound(f"The files of export {export_id} are missing on disk")


def zip_folder(settings: Settings, folder: Path) -> Path:
    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    target = settings.tmp_dir / f"export-{uuid.uuid4().hex}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            archive.write(file, Path(folder.name) / file.relative_to(folder))
    return target


def delete_export(settings: Settings, runner: JobRunner, model_id: str, export_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        row = require_export(db, model_id, export_id)
        if row.status == JobStatus.RUNNING:
            raise Conflict(f"Export {export_id} is running: wait for it to finish")
        if row.status == JobStatus.QUEUED and row.job_id:
            runner.cancel(row.job_id)
        repo.delete_row(db, row)
    shutil.rmtree(export_dir(settings, model_id, export_id), ignore_errors=True)
