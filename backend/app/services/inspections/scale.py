"""The scale an image uses and its cracks in millimetres.

The analysis job stores every candidate it found (marker, EXIF) and the source `reconcile` picked; the
manual value is the user's. Which one is in use is decided here, on every read, so that an override takes
effect at once without re-running anything: `auto` takes the job's pick (marker before EXIF), then the
manual value; an explicit choice takes that source when it exists.

Crack lengths and widths are stored in pixels by the prediction; millimetres are pixels times the scale
in use, and the severity follows the prediction's own severity bands: app/domain/severity.py's `to_mm`,
the conversion the worker's measurements use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.inspection.scale_choice import disagree
from app.domain.severity import SeverityBands, to_mm
from app.schemas.inspection import CrackOut, ScaleCandidate, ScaleOut

SOURCE_PRIORITY = ("marker", "exif", "manual")


@dataclass(frozen=True)
class ScaleInputs:
    candidates: list[dict[str, Any]]  # stored by the analysis job (marker / exif)
    auto_source: str | None
    conflict: bool
    notes: list[str]
    choice: str
    manual_mm_per_px: float | None


def all_candidates(inputs: ScaleInputs) -> list[ScaleCandidate]:
    found = [ScaleCandidate(**c) for c in inputs.candidates if c.get("source") in ("marker", "exif")]
    if inputs.manual_mm_per_px is not None:
        found.append(
            ScaleCandidate(
                source="manual",
                mm_per_px=inputs.manual_mm_per_px,
                uncertainty_pct=None,
                detail="Entered by hand",
            )
        )
    return found


def resolve(inputs: ScaleInputs) -> ScaleOut:
    candidates = all_candidates(inputs)
    by_source: dict[str, ScaleCandidate] = {c.source: c for c in candidates}
    if inputs.choice == "auto":
        order = [inputs.auto_source, *SOURCE_PRIORITY] if inputs.auto_source else list(SOURCE_PRIORITY)
        chosen = next((by_source[s] for s in order if s in by_source), None)
    else:
        chosen = by_source.get(inputs.choice)
    values = [c.mm_per_px for c in candidates]
    # The job's conflict covers marker vs EXIF; a manual value far from an automatic one is one too,
    # until the user picks a source explicitly.
    conflict = inputs.choice == "auto" and (
        inputs.conflict or any(disagree(a, b) for i, a in enumerate(values) for b in values[i + 1 :])
    )
    return ScaleOut(
        mm_per_px=chosen.mm_per_px if chosen else None,
        source=chosen.source if chosen else None,
        uncertainty_pct=chosen.uncertainty_pct if chosen else None,
        choice=inputs.choice,
        auto_source=inputs.auto_source,
        conflict=conflict,
        candidates=candidates,
        notes=list(inputs.notes),
        manual_mm_per_px=inputs.manual_mm_per_px,
    )


def _bands(stored: dict[str, Any] | None) -> SeverityBands:
    """The prediction's severity bands (the defaults for what it did not store)."""
    default = SeverityBands()
    stored = stored or {}
    return SeverityBands(
        narrow_max_mm=float(stored.get("narrow_max_mm", default.narrow_max_mm)),
        moderate_max_mm=float(stored.get("moderate_max_mm", default.moderate_max_mm)),
        width="max" if stored.get("width") == "max" else "p95",
    )


def cracks(results: dict[str, Any], mm_per_px: float | None) -> list[CrackOut]:
    """The prediction's selected instances measured with `mm_per_px` (None: pixels only)."""
    bands = _bands(results.get("severity_bands"))
    out: list[CrackOut] = []
    for inst in results.get("instances", []):
        m = inst.get("measurements")
        if not inst.get("selected") or not m:
            continue
        mm = to_mm(m, mm_per_px, bands)
        out.append(
            CrackOut(
                id=int(inst["id"]),
                length_px=float(m["length_px"]),
                width_max_px=float(m["width_max_px"]),
                width_p95_px=float(m["width_p95_px"]),
                area_px=int(m["area_px"]),
                length_mm=mm["length_mm"],
                width_max_mm=mm["width_max_mm"],
                width_p95_mm=mm["width_p95_mm"],
                area_mm2=mm["area_mm2"],
                severity=mm["severity"],
            )
        )
    return out
