"""Inspection jobs: `inspection_analyse` (photo metadata, GPS, scale candidates), `inspection_report` (PDF
and HTML) and `inspection_growth` (registration and crack changes between two inspections).

The algorithms are app/core/inspection's (OpenCV, ReportLab), imported inside the handlers: the API
process imports this module for the kinds' queues and hooks. What the jobs read and write goes through
app/services/inspections. A source that gives no scale, a photo without EXIF or GPS, a pair that cannot
be aligned: each is recorded with its reason for the user, and nothing already stored is lost.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from app.config import Settings
from app.jobs.context import JobContext
from app.jobs.registry import JobSnapshot, job_handler
from app.services.inspections import analysis, growth, reports

SOURCE_LABELS = {"marker": "Marker", "exif": "Camera (EXIF)", "manual": "Manual"}


def _reason(exc: BaseException) -> str:
    detail = getattr(exc, "detail", None) or getattr(exc, "reason", None) or str(exc)
    return f"{detail}"[:1000] or type(exc).__name__


# -- analysis --------------------------------------------------------------------------------------


def _analysis_lost(settings: Settings, job: JobSnapshot, reason: str, _interrupted: bool) -> None:
    ids = [str(i) for i in job.params.get("image_ids", [])]
    analysis.set_status(settings, ids, "failed", f"The analysis stopped: {reason}"[:1000])


def _bgr(settings: Settings, photo: Path) -> Any:
    """The photo upright (EXIF orientation applied, as predicted) as a BGR array."""
    import numpy as np

    from app.utils.images import load_rgb

    rgb, _ = load_rgb(photo, settings.prediction_max_image_pixels)
    return np.ascontiguousarray(rgb[..., ::-1])


def _estimate_dict(estimate: Any) -> dict[str, Any]:
    return {
        "source": estimate.source,
        "mm_per_px": float(estimate.mm_per_px),
        "uncertainty_pct": None if estimate.uncertainty_pct is None else float(estimate.uncertainty_pct),
        "detail": str(estimate.detail)[:500],
        "warning": None if estimate.warning is None else str(estimate.warning)[:500],
    }


def analyse_photo(settings: Settings, item: analysis.AnalysisInput) -> dict[str, Any]:
    """Metadata, GPS and scale candidates of one photo, with a note for each thing not found."""
    from app.core.inspection.metadata import PhotoMetadata, PhotoMetadataError, read_photo_metadata
    from app.core.inspection.scale import exif_scale, marker_scale, reconcile

    notes: list[str] = []
    try:
        meta = read_photo_metadata(item.photo)
    except PhotoMetadataError as exc:
        meta = PhotoMetadata()
        notes.append(f"The photo's metadata could not be read: {exc}")
    if not meta.has_gps:
        notes.append("The photo has no GPS position: it is not on the map.")
    estimates: list[Any] = []
    if item.marker_side_mm:
        try:
            estimates.append(
                marker_scale(_bgr(settings, item.photo), item.marker_side_mm, item.marker_dictionary)
            )
        except ValueError as exc:
            notes.append(f"Marker: {exc}")
    else:
        notes.append(
            "Marker: no marker side is set on the structure or the inspection, so none was looked for."
        )
    try:
        estimates.append(exif_scale(meta, item.distance_m))
    except ValueError as exc:
        notes.append(f"Camera (EXIF): {exc}")
    decision = reconcile(estimates)
    notes += [f"{SOURCE_LABELS.get(u.source, u.source)}: {u.reason}" for u in decision.unavailable]
    return {
        "photo_metadata": meta.as_dict(),
        "gps_lat": meta.latitude,
        "gps_lon": meta.longitude,
        "gps_alt_m": meta.altitude_m,
        "scale_candidates": [_estimate_dict(e) for e in decision.candidates],
        "scale_notes": notes,
        "scale_auto_source": decision.chosen.source if decision.chosen else None,
        "scale_conflict": decision.conflict,
    }


@job_handler("inspection_analyse", queue="cpu", on_lost=_analysis_lost)
def analyse_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    settings = ctx.settings
    image_ids = [str(i) for i in params.get("image_ids", [])]
    analysis.set_status(settings, image_ids, "running")
    items = analysis.inputs(settings, image_ids)
    failures: list[dict[str, str]] = []
    for index, item in enumerate(items):
        ctx.raise_if_stopped()
        try:
            analysis.save_findings(settings, item.image_id, analyse_photo(settings, item))
        except Exception as exc:  # one unreadable photo does not stop the others
            ctx.log(f"{item.image_name}: {type(exc).__name__}: {exc}")
            analysis.set_status(settings, [item.image_id], "failed", _reason(exc))
            failures.append({"image_name": item.image_name, "error": _reason(exc)})
        ctx.progress((index + 1) / max(1, len(items)), f"{index + 1}/{len(items)} photos")
    return {"analysed": len(items) - len(failures), "failures": failures}


# -- reports ---------------------------------------------------------------------------------------


def _report_lost(settings: Settings, job: JobSnapshot, reason: str, _interrupted: bool) -> None:
    reports.finish_report(settings, str(job.params["report_id"]), pdf=None, html=None, error=reason[:1000])


def _captured(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _report_image(settings: Settings, image: Any) -> Any:
    from app.core.inspection.report_model import ReportCrack, ReportImage
    from app.core.inspection.scale import ScaleEstimate
    from app.core.prediction.render import OverlayOptions
    from app.services.prediction_history import annotated_image

    png = annotated_image(settings, image.prediction_id, OverlayOptions(max_side=2000), "png")
    scale = image.scale
    chosen = next((c for c in scale.candidates if c.source == scale.source), None)
    estimate = (
        ScaleEstimate(chosen.source, chosen.mm_per_px, chosen.uncertainty_pct, chosen.detail, chosen.warning)
        if chosen
        else None
    )
    conflict = None
    if scale.conflict:
        conflict = "Sources disagree by more than 10 %: " + ", ".join(
            f"{SOURCE_LABELS[c.source]} {c.mm_per_px:.4g} mm/px" for c in scale.candidates
        )
    location = image.location
    return ReportImage(
        name=image.image_name,
        annotated_png=png,
        cracks=tuple(
            ReportCrack(
                crack_id=c.id,
                length_px=c.length_px,
                max_width_px=c.width_max_px,
                length_mm=c.length_mm,
                max_width_mm=c.width_max_mm,
                p95_width_mm=c.width_p95_mm,
                severity=c.severity,
            )
            for c in image.cracks
        ),
        scale=estimate,
        scale_conflict=conflict,
        latitude=location.latitude if location else None,
        longitude=location.longitude if location else None,
        altitude_m=location.altitude_m if location else None,
        captured_at=_captured(image.camera.captured_at if image.camera else None),
        notes=f"Element: {image.element_label}" if image.element_label else None,
    )


def growth_from_dict(result: dict[str, Any]) -> Any:
    """A stored comparison as core/inspection/growth.py's GrowthResult (instance ids as the indexes)."""
    from app.core.inspection.growth import CrackChange, GrowthResult

    changes = []
    for c in result.get("changes", []):
        values = {k: v for k, v in c.items() if k not in ("old_id", "new_id")}
        changes.append(CrackChange(old_index=c.get("old_id"), new_index=c.get("new_id"), **values))
    return GrowthResult(tuple(changes), float(result["quality"]), bool(result["in_mm"]))


def _report_growth(settings: Settings, item: dict[str, Any]) -> Any:
    from app.core.inspection.report_model import ReportGrowth
    from app.services.inspections.files import stored_file

    overlay = None
    if item.get("overlay_file"):
        overlay = stored_file(settings, item["overlay_file"], "overlay image").read_bytes()
    result = growth_from_dict(item["result"]) if item.get("result") else None
    return ReportGrowth(
        title=item.get("element_label") or "Element",
        old_image=item["old_image_name"],
        new_image=item["new_image_name"],
        old_inspection=str(item.get("old_inspected_on") or "") or None,
        new_inspection=str(item["new_inspected_on"]),
        overlay_png=overlay,
        result=result,
        registration_quality=item["result"]["quality"] if item.get("result") else None,
    )


def build_report_model(settings: Settings, content: reports.ReportContent, ctx: JobContext) -> Any:
    from app.core.inspection.report_model import InspectionReport, ReportModel

    images = []
    for index, image in enumerate(content.images):
        ctx.raise_if_stopped()
        images.append(_report_image(settings, image))
        ctx.progress(
            0.7 * (index + 1) / max(1, len(content.images)), f"image {index + 1}/{len(content.images)}"
        )
    model = None
    if content.models:
        first = content.models[0]
        others = ", ".join(m["name"] for m in content.models[1:])
        details = {"framework": first["framework"], **({"other models": others} if others else {})}
        model = ReportModel(
            name=first["name"], architecture=first["architecture"], metrics=first["metrics"], details=details
        )
    growth_items = [_report_growth(settings, g) for g in content.growth]
    return InspectionReport(
        structure=content.structure_name,
        inspection_date=content.inspected_on,
        inspector=content.inspector,
        notes=content.notes,
        images=tuple(images),
        model=model,
        growth=tuple(growth_items),
    )


@job_handler("inspection_report", queue="cpu", on_lost=_report_lost)
def report_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    from app.core.inspection.report_html import build_report_html
    from app.core.inspection.report_pdf import build_report_pdf

    settings, report_id = ctx.settings, str(params["report_id"])
    reports.set_report_status(settings, report_id, "running")
    pdf, html = reports.report_paths(settings, report_id)
    try:
        report = build_report_model(settings, reports.report_content(settings, report_id), ctx)
        ctx.progress(0.75, "writing the PDF", force=True)
        build_report_pdf(report, pdf)
        ctx.progress(0.9, "writing the HTML", force=True)
        html.write_text(build_report_html(report), encoding="utf-8")
    except Exception as exc:
        pdf.unlink(missing_ok=True)
        html.unlink(missing_ok=True)
        reports.finish_report(settings, report_id, pdf=None, html=None, error=_reason(exc))
        raise
    reports.finish_report(settings, report_id, pdf=pdf, html=html, error=None)
    return {"report_id": report_id, "pdf_bytes": pdf.stat().st_size, "html_bytes": html.stat().st_size}


# -- growth ----------------------------------------------------------------------------------------


def _growth_lost(settings: Settings, job: JobSnapshot, reason: str, _interrupted: bool) -> None:
    growth.finish_growth(
        settings, str(job.params["growth_id"]), result=None, overlay=None, error=reason[:1000]
    )


def _masks(results: dict[str, Any]) -> tuple[list[Any], list[int]]:
    """The selected instances' full-size masks and their instance ids."""
    from app.core.prediction import rle

    masks, ids = [], []
    for inst in results.get("instances", []):
        if inst.get("selected") and inst.get("rle"):
            masks.append(rle.decode(inst["rle"]))
            ids.append(int(inst["id"]))
    return masks, ids


def _change_dict(change: Any, old_ids: list[int], new_ids: list[int]) -> dict[str, Any]:
    from dataclasses import asdict

    values = asdict(change)
    old_index, new_index = values.pop("old_index"), values.pop("new_index")
    values["old_id"] = None if old_index is None else old_ids[old_index]
    values["new_id"] = None if new_index is None else new_ids[new_index]
    return values


def compare(inputs: growth.GrowthInputs, settings: Settings) -> dict[str, Any]:
    """Registers the pair, compares the cracks and writes the overlay; AlignmentFailed propagates."""
    import cv2

    from app.core.inspection.growth import compare_cracks, growth_overlay, register
    from app.core.measure import SeverityBands

    old_bgr, new_bgr = _bgr(settings, inputs.old.photo), _bgr(settings, inputs.new.photo)
    registration = register(old_bgr, new_bgr)
    old_masks, old_ids = _masks(inputs.old.results)
    new_masks, new_ids = _masks(inputs.new.results)
    stored_bands = inputs.new.results.get("severity_bands") or {}
    bands = SeverityBands(
        **{k: stored_bands[k] for k in ("narrow_max_mm", "moderate_max_mm", "width") if k in stored_bands}
    )
    result = compare_cracks(
        old_masks, new_masks, registration, inputs.old.mm_per_px, inputs.new.mm_per_px, bands=bands
    )
    overlay = growth_overlay(old_bgr, new_bgr, old_masks, new_masks, registration)
    inputs.overlay.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(inputs.overlay), overlay):
        raise OSError(f"could not write {inputs.overlay.name}")
    return {
        "quality": float(result.registration_quality),
        "in_mm": bool(result.in_mm),
        "changes": [_change_dict(c, old_ids, new_ids) for c in result.changes],
    }


@job_handler("inspection_growth", queue="cpu", on_lost=_growth_lost)
def growth_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    from app.core.inspection.growth import AlignmentFailed

    settings, growth_id = ctx.settings, str(params["growth_id"])
    inputs = growth.growth_inputs(settings, growth_id)
    ctx.progress(0.1, "aligning the photos", force=True)
    try:
        result = compare(inputs, settings)
    except AlignmentFailed as exc:
        # Not a crash: the comparison is recorded as failed with the reason the user reads.
        reason = f"The photos could not be aligned: {exc.reason}"
        growth.finish_growth(settings, growth_id, result=None, overlay=None, error=reason)
        return {"growth_id": growth_id, "aligned": False, "reason": reason}
    except Exception as exc:
        growth.finish_growth(settings, growth_id, result=None, overlay=None, error=_reason(exc))
        raise
    growth.finish_growth(settings, growth_id, result=result, overlay=inputs.overlay, error=None)
    return {"growth_id": growth_id, "aligned": True, "quality": result["quality"]}
