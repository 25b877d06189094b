"""Inspection reports: a job builds the PDF and the HTML (app/jobs/inspection_jobs.py with
app/core/inspection/report.py); this module queues it, gathers what it shows, records the outcome and
serves the files (data_dir/inspections/<id>/reports/<report id>.{pdf,html})."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import Conflict, NotFound
from app.repositories import inspections as repo
from app.schemas.inspection import InspectionDeleted, InspectionImageOut, ReportOut
from app.services.inspections import views
from app.services.inspections.files import inspection_dir, relative, remove_stored, stored_file
from app.services.inspections.inspections import detail, require_inspection
from app.services.ports import JobRunner
from app.utils.clock import utc_now

REPORT_JOB_KIND = "inspection_report"
MEDIA_TYPES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8"}
ReportFormat = Literal["pdf", "html"]


def require_report(db: Session, report_id: str) -> repo.InspectionReport:
    report = repo.get_report(db, report_id)
    if report is None:
        raise NotFound(f"Report {report_id} does not exist")
    return report


def _out(db: Session, report: repo.InspectionReport) -> ReportOut:
    return views.report_out(report, repo.job_progress(db, [report.job_id]))


def request_report(settings: Settings, runner: JobRunner, inspection_id: str) -> ReportOut:
    with session_scope(settings.resolved_database_url) as db:
        require_inspection(db, inspection_id)
        report_id = repo.add(db, repo.new_report(inspection_id=inspection_id, status="queued")).id
    job_id = runner.submit(REPORT_JOB_KIND, {"report_id": report_id}, subject_id=inspection_id)
    with session_scope(settings.resolved_database_url) as db:
        report = require_report(db, report_id)
        report.job_id = job_id
        return _out(db, report)


def get_report(settings: Settings, report_id: str) -> ReportOut:
    with session_scope(settings.resolved_database_url) as db:
        return _out(db, require_report(db, report_id))


@dataclass(frozen=True)
class ReportFile:
    path: Path
    media_type: str
    filename: str


def report_file(settings: Settings, report_id: str, fmt: ReportFormat) -> ReportFile:
    with session_scope(settings.resolved_database_url) as db:
        report = require_report(db, report_id)
        if report.status != "completed":
            raise Conflict(f"Report {report_id} is {report.status}, not ready")
        stored = report.pdf_path if fmt == "pdf" else report.html_path
        inspection = require_inspection(db, report.inspection_id)
        name = f"inspection-{inspection.inspected_on.isoformat()}-{report_id[:8]}.{fmt}"
    if not stored:
        raise NotFound(f"Report {report_id} has no {fmt.upper()} file")
    return ReportFile(stored_file(settings, stored, f"{fmt.upper()} report"), MEDIA_TYPES[fmt], name)


def delete_report(settings: Settings, report_id: str) -> InspectionDeleted:
    with session_scope(settings.resolved_database_url) as db:
        report = require_report(db, report_id)
        if report.status in ("queued", "running"):
            raise Conflict("The report is still being built")
        paths = [p for p in (report.pdf_path, report.html_path) if p]
        repo.delete(db, report)
    for stored in paths:
        remove_stored(settings, stored)
    return InspectionDeleted(id=report_id)


# -- for the job -----------------------------------------------------------------------------------


@dataclass
class ReportContent:
    """Everything a report shows, as plain values (the job maps it to core/inspection/report.py's)."""

    structure_name: str
    structure_kind: str | None
    inspected_on: date
    inspector: str | None
    notes: str | None
    images: list[InspectionImageOut]
    models: list[dict[str, Any]] = field(default_factory=list)  # name, framework, arch, metrics
    growth: list[dict[str, Any]] = field(default_factory=list)  # GrowthOut dumps with overlay paths


def report_content(settings: Settings, report_id: str) -> ReportContent:
    with session_scope(settings.resolved_database_url) as db:
        report = require_report(db, report_id)
        inspection = require_inspection(db, report.inspection_id)
        shown = detail(db, inspection)
        structure = repo.get_structure(db, inspection.structure_id)
        model_ids = {p.model_id for _, p in repo.images_of(db, [inspection.id]) if p.model_id}
        models = []
        for model_id in sorted(model_ids):
            model = repo.get_model(db, model_id)
            if model is not None:
                models.append(
                    {
                        "name": model.name,
                        "framework": model.framework,
                        "architecture": model.model_arch,
                        "metrics": dict(model.metrics or {}),
                    }
                )
        growth = []
        for item in shown.growth:
            if item.status != "completed":
                continue
            row = repo.get_growth(db, item.id)
            names = {}
            for side, image_id in (("old", item.old_image_id), ("new", item.new_image_id)):
                found = repo.get_image(db, image_id)
                names[f"{side}_image_name"] = (found[1].image_name if found else None) or image_id
            growth.append(
                {
                    **item.model_dump(),
                    **names,
                    "new_inspected_on": inspection.inspected_on,
                    "overlay_file": row.overlay_path if row else None,
                }
            )
        return ReportContent(
            structure_name=structure.name if structure else "",
            structure_kind=structure.kind if structure else None,
            inspected_on=inspection.inspected_on,
            inspector=inspection.inspector,
            notes=inspection.notes,
            images=shown.images,
            models=models,
            growth=growth,
        )


def report_paths(settings: Settings, report_id: str) -> tuple[Path, Path]:
    with session_scope(settings.resolved_database_url) as db:
        inspection_id = require_report(db, report_id).inspection_id
    folder = inspection_dir(settings, inspection_id) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{report_id}.pdf", folder / f"{report_id}.html"


def set_report_status(settings: Settings, report_id: str, status: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        report = repo.get_report(db, report_id)
        if report is not None:
            report.status = status


def finish_report(
    settings: Settings, report_id: str, *, pdf: Path | None, html: Path | None, error: str | None
) -> None:
    with session_scope(settings.resolved_database_url) as db:
        report = repo.get_report(db, report_id)
        if report is None:
            return
        report.status = "failed" if error else "completed"
        report.error = error
        report.pdf_path = relative(settings, pdf) if pdf else None
        report.html_path = relative(settings, html) if html else None
        report.size_bytes = sum(p.stat().st_size for p in (pdf, html) if p is not None and p.exists())
        report.finished_at = utc_now()
