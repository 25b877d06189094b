"""Inspection rows as API shapes (routers never see ORM objects)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.domain.severity import worst_severity
from app.repositories import inspections as repo
from app.schemas.inspection import (
    CameraOut,
    CrackChange,
    GrowthOut,
    GrowthResultOut,
    InspectionImageOut,
    InspectionOut,
    Location,
    ReportOut,
    StructureOut,
)
from app.services.inspections import scale
from app.utils.clock import as_utc, as_utc_or_none

API = "/api/v1/inspections"


def scale_inputs(image: repo.InspectionImage) -> scale.ScaleInputs:
    return scale.ScaleInputs(
        candidates=list(image.scale_candidates or []),
        auto_source=image.scale_auto_source,
        conflict=bool(image.scale_conflict),
        notes=list(image.scale_notes or []),
        choice=image.scale_choice or "auto",
        manual_mm_per_px=image.manual_mm_per_px,
    )


def _camera(metadata: dict[str, Any] | None) -> CameraOut | None:
    if not metadata:
        return None
    captured = metadata.get("captured_at")
    return CameraOut(
        make=metadata.get("camera_make"),
        model=metadata.get("camera_model"),
        focal_length_mm=metadata.get("focal_length_mm"),
        captured_at=None if captured is None else str(captured),
    )


def location(image: repo.InspectionImage) -> Location | None:
    if image.gps_lat is None or image.gps_lon is None:
        return None
    return Location(latitude=image.gps_lat, longitude=image.gps_lon, altitude_m=image.gps_alt_m)


def image_out(image: repo.InspectionImage, prediction: repo.Prediction) -> InspectionImageOut:
    resolved = scale.resolve(scale_inputs(image))
    cracks = scale.cracks(prediction.results or {}, resolved.mm_per_px)
    with_mm = resolved.mm_per_px is not None
    base = f"/api/v1/predictions/{prediction.id}"
    return InspectionImageOut(
        id=image.id,
        inspection_id=image.inspection_id,
        prediction_id=prediction.id,
        image_name=prediction.image_name or "image",
        image_url=f"{base}/image",
        annotated_url=f"{base}/annotated",
        width=prediction.width or 0,
        height=prediction.height or 0,
        element_label=image.element_label,
        camera=_camera(image.photo_metadata),
        location=location(image),
        distance_m=image.distance_m,
        scale=resolved,
        cracks=cracks,
        total_length_mm=round(sum(c.length_mm or 0.0 for c in cracks), 3) if with_mm else None,
        max_width_mm=max((c.width_max_mm or 0.0 for c in cracks), default=0.0) if with_mm else None,
        worst_severity=worst_severity([c.severity for c in cracks]),
        analysis_status=image.analysis_status,
        analysis_error=image.analysis_error,
        version=image.version,
        created_at=as_utc(image.created_at),
    )


def _total(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known), 3) if known else None


def inspection_out(
    inspection: repo.Inspection, structure: repo.Structure, images: list[InspectionImageOut]
) -> InspectionOut:
    return InspectionOut(
        id=inspection.id,
        structure_id=structure.id,
        structure_name=structure.name,
        inspected_on=inspection.inspected_on,
        inspector=inspection.inspector,
        notes=inspection.notes,
        marker_side_mm=inspection.marker_side_mm,
        effective_marker_side_mm=inspection.marker_side_mm or structure.marker_side_mm,
        created_at=as_utc(inspection.created_at),
        image_count=len(images),
        crack_count=sum(len(i.cracks) for i in images),
        total_length_mm=_total([i.total_length_mm for i in images]),
        worst_severity=worst_severity([i.worst_severity for i in images]),
    )


def structure_out(
    structure: repo.Structure, inspections: list[InspectionOut], image_count: int | None = None
) -> StructureOut:
    latest = inspections[0] if inspections else None
    return StructureOut(
        id=structure.id,
        name=structure.name,
        kind=structure.kind,
        notes=structure.notes,
        marker_side_mm=structure.marker_side_mm,
        marker_dictionary=structure.marker_dictionary,
        created_at=as_utc(structure.created_at),
        inspection_count=len(inspections),
        image_count=image_count if image_count is not None else sum(i.image_count for i in inspections),
        last_inspected_on=latest.inspected_on if latest else None,
        worst_severity=latest.worst_severity if latest else None,
    )


def report_out(report: repo.InspectionReport, progress: dict[str, tuple[float, str | None]]) -> ReportOut:
    done = report.status == "completed"
    job_progress, message = progress.get(report.job_id or "", (1.0 if done else 0.0, None))
    base = f"{API}/reports/{report.id}"
    return ReportOut(
        id=report.id,
        inspection_id=report.inspection_id,
        status=report.status,
        job_id=report.job_id,
        progress=1.0 if done else job_progress,
        message=message,
        error=report.error,
        size_bytes=report.size_bytes,
        pdf_url=f"{base}/file?format=pdf" if done and report.pdf_path else None,
        html_url=f"{base}/file?format=html" if done and report.html_path else None,
        created_at=as_utc(report.created_at),
        finished_at=as_utc_or_none(report.finished_at),
    )


def growth_result(result: dict[str, Any] | None) -> GrowthResultOut | None:
    if not result:
        return None
    changes = [CrackChange(**c) for c in result.get("changes", [])]
    return GrowthResultOut(
        quality=float(result["quality"]),
        in_mm=bool(result["in_mm"]),
        matched=sum(c.status == "matched" for c in changes),
        new=sum(c.status == "new" for c in changes),
        disappeared=sum(c.status == "disappeared" for c in changes),
        changes=changes,
    )


def growth_out(
    db: Session, growth: repo.GrowthComparison, progress: dict[str, tuple[float, str | None]]
) -> GrowthOut:
    done = growth.status == "completed"
    old = repo.image_only(db, growth.old_image_id)
    new = repo.image_only(db, growth.new_image_id)
    old_inspection = repo.get_inspection(db, old.inspection_id) if old else None
    return GrowthOut(
        id=growth.id,
        inspection_id=growth.inspection_id,
        old_image_id=growth.old_image_id,
        new_image_id=growth.new_image_id,
        old_inspected_on=old_inspection.inspected_on if old_inspection else None,
        element_label=new.element_label if new else None,
        status=growth.status,
        job_id=growth.job_id,
        progress=1.0 if done else progress.get(growth.job_id or "", (0.0, None))[0],
        error=growth.error,
        result=growth_result(growth.result) if done else None,
        overlay_url=f"{API}/growth/{growth.id}/overlay" if done and growth.overlay_path else None,
        created_at=as_utc(growth.created_at),
        finished_at=as_utc_or_none(growth.finished_at),
    )
