"""Crack severity bands, one spelling and one order: narrow < moderate < wide.

Pure Python (no numpy, no OpenCV), so the API process and worker-side code rank severities and turn
pixel measurements into millimetres the same way: core/measure.py measures cracks in the worker, the
inspection services re-scale the stored pixel measurements with the scale in use.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["narrow", "moderate", "wide"]
SEVERITY_ORDER: dict[str, int] = {"narrow": 0, "moderate": 1, "wide": 2}


def worst_severity(severities: Sequence[str | None]) -> str | None:
    """The most severe of the known severities (None when none is known)."""
    known = [s for s in severities if s is not None]
    return max(known, key=lambda s: SEVERITY_ORDER[s]) if known else None


@dataclass(frozen=True)
class SeverityBands:
    """Width bounds in mm: below `narrow_max_mm` narrow, up to `moderate_max_mm` moderate, above wide."""

    narrow_max_mm: float = 1.6
    moderate_max_mm: float = 3.2
    width: Literal["p95", "max"] = "p95"

    def classify(self, width_mm: float) -> Severity:
        if width_mm < self.narrow_max_mm:
            return "narrow"
        if width_mm <= self.moderate_max_mm:
            return "moderate"
        return "wide"


def to_mm(measurement: Mapping[str, Any], mm_per_px: float | None, bands: SeverityBands) -> dict[str, Any]:
    """The mm fields of a pixel measurement (all None without a scale; a width absent stays None)."""
    if mm_per_px is None or mm_per_px <= 0:
        return {
            "area_mm2": None,
            "length_mm": None,
            "width_max_mm": None,
            "width_mean_mm": None,
            "width_p95_mm": None,
            "severity": None,
        }
    scale = float(mm_per_px)

    def scaled(key: str) -> float | None:
        value = measurement.get(key)
        return None if value is None else round(float(value) * scale, 3)

    mm = {
        "area_mm2": round(float(measurement["area_px"]) * scale * scale, 4),
        "length_mm": scaled("length_px"),
        "width_max_mm": scaled("width_max_px"),
        "width_mean_mm": scaled("width_mean_px"),
        "width_p95_mm": scaled("width_p95_px"),
    }
    judged = mm["width_p95_mm"] if bands.width == "p95" else mm["width_max_mm"]
    return {**mm, "severity": None if judged is None else bands.classify(judged)}
