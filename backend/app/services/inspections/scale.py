"""The scale an image uses and its cracks in millimetres.

The analysis job stores every candidate it found (marker, EXIF) and the source `reconcile` picked; the
manual value is the user's. Which one is in use is decided here, on every read, so that an override takes
effect at once without re-running anything: `auto` takes the job's pick (marker before EXIF), then the
manual value; an explicit choice takes that source when it exists.

Crack lengths and widths are stored in pixels by the prediction; millimetres are pixels times the scale
in use, and the severity follows the prediction's own severity bands (as app/core/measure.py's `to_mm`
does in the worker; that module imports OpenCV, so the API process cannot import it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.schemas.inspection import CrackOut, ScaleCandidate, ScaleOut

CONFLICT_RATIO = 0.10  # two candidates further apart than this (relative) need the user's decision
SOURCE_PRIORITY = ("marker", "exif", "manual")
DEFAULT_BANDS = {"narrow_max_mm": 1.6, "moderate_max_mm": 3.2, "width": "p95"}
SEVERITY_RANK = {"narrow": 0, "moderate": 1, "wide": 2}


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


def disagree(a: float, b: float) -> bool:
    return abs(a - b) > CONFLICT_RATIO * min(a, b)  # as core/inspection/scale.reconcile


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


def _classify(width_mm: float, bands: dict[str, Any]) -> str:
    if width_mm < float(bands["narrow_max_mm"]):
        return "narrow"
    if width_mm <= float(bands["moderate_max_mm"]):
        return "moderate"
    return "wide"


def _mm(value: Any, scale: float | None, digits: int = 3) -> float | None:
    return None if scale is None or value is None else round(float(value) * scale, digits)


def cracks(results: dict[str, Any], mm_per_px: float | None) -> list[CrackOut]:
    """The prediction's selected instances measured with `mm_per_px` (None: pixels only)."""
    bands = {**DEFAULT_BANDS, **(results.get("severity_bands") or {})}
    out: list[CrackOut] = []
    for inst in results.get("instances", []):
        m = inst.get("measurements")
        if not inst.get("selected") or not m:
            continue
        width_mm = _mm(m["width_p95_px"] if bands["width"] == "p95" else m["width_max_px"], mm_per_px)
        out.append(
            CrackOut(
                id=int(inst["id"]),
                length_px=float(m["length_px"]),
                width_max_px=float(m["width_max_px"]),
                width_p95_px=float(m["width_p95_px"]),
                area_px=int(m["area_px"]),
                length_mm=_mm(m["length_px"], mm_per_px),
                width_max_mm=_mm(m["width_max_px"], mm_per_px),
                width_p95_mm=_mm(m["width_p95_px"], mm_per_px),
                area_mm2=None if mm_per_px is None else round(float(m["area_px"]) * mm_per_px**2, 4),
                severity=None if width_mm is None else _classify(width_mm, bands),
            )
        )
    return out


def worst(severities: list[str | None]) -> str | None:
    known = [s for s in severities if s]
    return max(known, key=lambda s: SEVERITY_RANK[s]) if known else None
