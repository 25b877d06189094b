"""What an inspection report holds (plain dataclasses the app fills) and the figures both renderers show.

The PDF (report_pdf.py) and the HTML (report_html.py) render the same `InspectionReport` in the same
order: cover, summary by severity, one section per image, the model, growth between inspections.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from app.domain.severity import SEVERITY_ORDER, worst_severity
from app.utils.clock import as_utc, utc_now

if TYPE_CHECKING:  # types only: this module and the HTML renderer stay free of numpy and OpenCV
    from app.core.inspection.growth import CrackChange, GrowthResult
    from app.core.inspection.scale_choice import ScaleEstimate

UNSCALED = "no scale"
SEVERITY_ROWS = (*SEVERITY_ORDER.keys(), UNSCALED)  # narrow, moderate, wide, then cracks without mm
SCALE_SOURCE_LABELS = {"marker": "marker", "exif": "camera (EXIF)", "manual": "entered by hand"}


@dataclass(frozen=True)
class ReportCrack:
    crack_id: int | str
    length_px: float
    max_width_px: float
    length_mm: float | None = None
    max_width_mm: float | None = None
    p95_width_mm: float | None = None
    severity: str | None = None
    confidence: float | None = None

    @classmethod
    def from_measurement(
        cls, crack_id: int | str, measurement: Mapping[str, Any], confidence: float | None = None
    ) -> ReportCrack:
        """From a `core.measure.measure_crack` result."""
        return cls(
            crack_id=crack_id,
            length_px=float(measurement["length_px"]),
            max_width_px=float(measurement["width_max_px"]),
            length_mm=measurement.get("length_mm"),
            max_width_mm=measurement.get("width_max_mm"),
            p95_width_mm=measurement.get("width_p95_mm"),
            severity=measurement.get("severity"),
            confidence=confidence,
        )


@dataclass(frozen=True)
class ReportImage:
    name: str
    annotated_png: bytes | None = None  # the photo with the cracks drawn (PNG or JPEG bytes)
    cracks: Sequence[ReportCrack] = field(default_factory=tuple)
    scale: ScaleEstimate | None = None
    scale_conflict: str | None = None  # reconcile()'s conflict_detail, shown beside the scale
    latitude: float | None = None
    longitude: float | None = None
    altitude_m: float | None = None
    captured_at: datetime | None = None
    notes: str | None = None


@dataclass(frozen=True)
class ReportModel:
    name: str
    architecture: str | None = None
    metrics: Mapping[str, float | None] = field(default_factory=dict)  # e.g. {"mask mAP50": 0.61}
    details: Mapping[str, str] = field(default_factory=dict)  # e.g. {"dataset": "...", "epochs": "40"}


@dataclass(frozen=True)
class ReportGrowth:
    title: str  # the element, e.g. "Pier 3, north face"
    old_image: str
    new_image: str
    old_inspection: str | None = None  # e.g. "2025-05-02"
    new_inspection: str | None = None
    overlay_png: bytes | None = None
    result: GrowthResult | None = None
    registration_quality: float | None = None
    failure: str | None = None  # AlignmentFailed.reason when the photos could not be aligned
    # The cracks' ids as the user knows them, by position in the mask lists given to compare_cracks.
    # Without them the table shows CrackChange's old_index / new_index as they are (a caller that keeps
    # its own ids in those fields gets its ids).
    old_crack_ids: Sequence[int | str] = field(default_factory=tuple)
    new_crack_ids: Sequence[int | str] = field(default_factory=tuple)


@dataclass(frozen=True)
class InspectionReport:
    structure: str
    inspection_date: date | datetime
    inspector: str | None = None
    notes: str | None = None
    images: Sequence[ReportImage] = field(default_factory=tuple)
    model: ReportModel | None = None
    growth: Sequence[ReportGrowth] = field(default_factory=tuple)
    title: str = "Crack inspection report"
    generated_at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True)
class SeveritySummaryRow:
    severity: str
    cracks: int
    images: int
    total_length_mm: float | None
    max_width_mm: float | None


def severity_summary(report: InspectionReport) -> list[SeveritySummaryRow]:
    """Per severity band (and cracks without a scale): counts, total length and widest crack."""
    rows = []
    for severity in SEVERITY_ROWS:
        wanted = None if severity == UNSCALED else severity
        hits = [(image, c) for image in report.images for c in image.cracks if c.severity == wanted]
        lengths = [c.length_mm for _, c in hits if c.length_mm is not None]
        widths = [c.max_width_mm for _, c in hits if c.max_width_mm is not None]
        rows.append(
            SeveritySummaryRow(
                severity=severity,
                cracks=len(hits),
                images=len({id(image) for image, _ in hits}),
                total_length_mm=round(sum(lengths), 1) if lengths else None,
                max_width_mm=round(max(widths), 2) if widths else None,
            )
        )
    return rows


def image_worst_severity(image: ReportImage) -> str | None:
    return worst_severity([c.severity for c in image.cracks])


# --------------------------------------------------------------------------------------------------
# The sections' facts and tables (each renderer lays them out its own way)
# --------------------------------------------------------------------------------------------------

SEVERITY_TABLE_HEADER = ("Severity", "Cracks", "Images", "Total length (mm)", "Widest (mm)")
OVERVIEW_TABLE_HEADER = ("Image", "Cracks", "Worst severity", "Scale", "Location")
METRIC_TABLE_HEADER = ("Metric", "Value")


def cover_facts(report: InspectionReport) -> list[tuple[str, str]]:
    return [
        ("Structure", report.structure),
        ("Inspection date", fmt_date(report.inspection_date)),
        ("Inspector", report.inspector or "-"),
        ("Images", str(len(report.images))),
        ("Cracks", str(sum(len(i.cracks) for i in report.images))),
        ("Report generated", fmt_date(report.generated_at)),
    ]


def severity_table_rows(report: InspectionReport) -> list[tuple[str, ...]]:
    return [
        (r.severity, str(r.cracks), str(r.images), fmt(r.total_length_mm, 1), fmt(r.max_width_mm, 2))
        for r in severity_summary(report)
    ]


def overview_table_rows(report: InspectionReport) -> list[tuple[str, ...]]:
    return [
        (
            image.name,
            str(len(image.cracks)),
            image_worst_severity(image) or "-",
            image.scale.source if image.scale else "none",
            "GPS" if image.latitude is not None and image.longitude is not None else "-",
        )
        for image in report.images
    ]


def image_facts(image: ReportImage) -> list[tuple[str, str]]:
    """Scale, location and capture time (the scale's warnings and the notes are shown apart)."""
    return [
        ("Scale", scale_text(image)),
        ("Location", location_text(image)),
        ("Captured", fmt_date(image.captured_at)),
    ]


def model_facts(model: ReportModel) -> list[tuple[str, str]]:
    return [("Model", model.name), ("Architecture", model.architecture or "-"), *model.details.items()]


def metric_rows(model: ReportModel) -> list[tuple[str, ...]]:
    return [(name, fmt(value, 3)) for name, value in model.metrics.items()]


def growth_facts(growth: ReportGrowth) -> list[tuple[str, str]]:
    return [
        ("Before", f"{growth.old_image} ({growth.old_inspection or '-'})"),
        ("After", f"{growth.new_image} ({growth.new_inspection or '-'})"),
    ]


# --------------------------------------------------------------------------------------------------
# Text both renderers use
# --------------------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1, unit: str = "") -> str:
    if value is None or not math.isfinite(value):
        return "-"
    text = f"{value:.{digits}f}"
    return f"{text} {unit}" if unit else text


def fmt_signed(value: float | None, digits: int = 1) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:+.{digits}f}"


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        if value.tzinfo is None:  # a camera's local time
            return value.strftime("%Y-%m-%d %H:%M")
        return as_utc(value).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def scale_text(image: ReportImage) -> str:
    scale = image.scale
    if scale is None:
        return "No scale: lengths and widths in pixels only."
    label = SCALE_SOURCE_LABELS.get(scale.source, scale.source)
    spread = f" \u00b1 {scale.uncertainty_pct:.1f} %" if scale.uncertainty_pct is not None else ""
    return f"{scale.mm_per_px:.4g} mm/px{spread}, from the {label}: {scale.detail}"


def location_text(image: ReportImage) -> str:
    if image.latitude is None or image.longitude is None:
        return "No GPS position in the photo."
    north = "N" if image.latitude >= 0 else "S"
    east = "E" if image.longitude >= 0 else "W"
    text = f"{abs(image.latitude):.6f} {north}, {abs(image.longitude):.6f} {east}"
    if image.altitude_m is not None:
        text += f", altitude {image.altitude_m:.1f} m"
    return text


CRACK_TABLE_HEADER = (
    "Crack",
    "Length (mm)",
    "Max width (mm)",
    "P95 width (mm)",
    "Severity",
    "Length (px)",
    "Max width (px)",
)


def crack_rows(image: ReportImage) -> list[tuple[str, ...]]:
    return [
        (
            str(c.crack_id),
            fmt(c.length_mm, 1),
            fmt(c.max_width_mm, 2),
            fmt(c.p95_width_mm, 2),
            c.severity or "-",
            fmt(c.length_px, 1),
            fmt(c.max_width_px, 1),
        )
        for c in image.cracks
    ]


GROWTH_TABLE_HEADER = (
    "Crack",
    "Status",
    "Length before",
    "Length after",
    "Change",
    "Width before",
    "Width after",
    "Change",
)


def growth_rows(growth: ReportGrowth) -> list[tuple[str, ...]]:
    """Per crack: before, after and change of length and max width (mm when both photos had a scale)."""
    if growth.result is None:
        return []
    in_mm = growth.result.in_mm
    return [
        _growth_row(
            change,
            in_mm,
            _crack_label(growth.old_crack_ids, change.old_index),
            _crack_label(growth.new_crack_ids, change.new_index),
        )
        for change in growth.result.changes
    ]


def _crack_label(ids: Sequence[int | str], index: int | None) -> str:
    if index is None:
        return "-"
    return str(ids[index]) if 0 <= index < len(ids) else str(index)


def _growth_row(change: CrackChange, in_mm: bool, old_label: str, new_label: str) -> tuple[str, ...]:
    label = f"{old_label} -> {new_label}"
    if in_mm:
        values = (
            change.old_length_mm,
            change.new_length_mm,
            change.length_change_mm,
            change.old_width_max_mm,
            change.new_width_max_mm,
            change.width_change_mm,
        )
        unit = " mm"
    else:
        values = (
            change.old_length_px,
            change.new_length_px,
            change.length_change_px,
            change.old_width_max_px,
            change.new_width_max_px,
            change.width_change_px,
        )
        unit = " px"
    l0, l1, dl, w0, w1, dw = values
    return (
        label,
        change.status,
        fmt(l0, 1) + unit if l0 is not None else "-",
        fmt(l1, 1) + unit if l1 is not None else "-",
        fmt_signed(dl, 1),
        fmt(w0, 2) + unit if w0 is not None else "-",
        fmt(w1, 2) + unit if w1 is not None else "-",
        fmt_signed(dw, 2),
    )


def growth_summary_text(growth: ReportGrowth) -> str:
    if growth.failure:
        return f"The photos could not be aligned: {growth.failure}"
    if growth.result is None:
        return "No comparison."
    result = growth.result
    quality = (
        growth.registration_quality
        if growth.registration_quality is not None
        else result.registration_quality
    )
    units = "mm" if result.in_mm else "pixels of the new photo (a scale is missing)"
    return (
        f"{len(result.matched)} crack(s) found in both, {len(result.new)} new, "
        f"{len(result.disappeared)} no longer found. Alignment quality {quality:.2f}. Changes in {units}."
    )
