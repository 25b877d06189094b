"""Scale estimates and the choice between their sources: pure Python, importable by the API process.

A source that cannot give a scale returns `ScaleUnavailable(source, reason)`, which is falsy, so
`if estimate:` reads as with None while the reason stays available for the user. `reconcile` picks one
estimate (marker > camera > manual unless the user chose a source) and flags a conflict when any two
differ by more than 10 % of the smaller (`disagree`), keeping every candidate for display. The sources
themselves are in scale.py (OpenCV for markers, the camera's EXIF).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

ScaleSource = Literal["marker", "exif", "manual"]
PRIORITY: tuple[ScaleSource, ...] = ("marker", "exif", "manual")
CONFLICT_FRACTION = 0.10
MM_PER_PX_RANGE = (1e-4, 1e4)

Corners = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class ScaleEstimate:
    source: ScaleSource
    mm_per_px: float
    uncertainty_pct: float | None  # None: unknown (a typed-in scale)
    detail: str
    warning: str | None = None
    tilt_deg: float | None = None  # marker only
    corners: Corners | None = None  # marker only: its four corners (x, y) in image pixels
    marker_id: int | None = None


@dataclass(frozen=True)
class ScaleUnavailable:
    """A source that gave no scale, and why (falsy, like None)."""

    source: ScaleSource
    reason: str

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class ScaleDecision:
    chosen: ScaleEstimate | None
    candidates: tuple[ScaleEstimate, ...]
    unavailable: tuple[ScaleUnavailable, ...]
    conflict: bool
    conflict_detail: str | None = None


# --------------------------------------------------------------------------------------------------
# Manual and the choice
# --------------------------------------------------------------------------------------------------


def manual_scale(mm_per_px: float, note: str = "entered by the user") -> ScaleEstimate:
    return ScaleEstimate("manual", checked(mm_per_px, MM_PER_PX_RANGE, "mm per px"), None, note[:200])


def reconcile(
    estimates: Iterable[ScaleEstimate | ScaleUnavailable | None], prefer: ScaleSource | None = None
) -> ScaleDecision:
    """Choose by priority marker > exif > manual (or `prefer` when it has an estimate); flag > 10 % gaps."""
    items = [e for e in estimates if e is not None]
    candidates = tuple(e for e in items if isinstance(e, ScaleEstimate))
    unavailable = tuple(e for e in items if isinstance(e, ScaleUnavailable))
    order = ([prefer] if prefer else []) + [s for s in PRIORITY if s != prefer]
    chosen = next((e for source in order for e in candidates if e.source == source), None)
    detail = _conflict(candidates)
    return ScaleDecision(chosen, candidates, unavailable, detail is not None, detail)


def disagree(a: float, b: float) -> bool:
    """Whether two scales differ by more than CONFLICT_FRACTION of the smaller one."""
    low, high = sorted((a, b))
    return high / low - 1.0 > CONFLICT_FRACTION


def _conflict(candidates: Sequence[ScaleEstimate]) -> str | None:
    """The largest disagreement between two candidates when it exceeds 10 % (of the smaller value)."""
    worst: tuple[float, ScaleEstimate, ScaleEstimate] | None = None
    for i, a in enumerate(candidates):
        for b in candidates[i + 1 :]:
            low, high = sorted((a.mm_per_px, b.mm_per_px))
            gap = high / low - 1.0
            if disagree(low, high) and (worst is None or gap > worst[0]):
                worst = (gap, a, b)
    if worst is None:
        return None
    gap, a, b = worst
    return (
        f"The {a.source} scale ({a.mm_per_px:.4g} mm/px) and the {b.source} scale ({b.mm_per_px:.4g} mm/px) "
        f"differ by {100 * gap:.0f} %: check which one is right."
    )


def checked(value: float, bounds: tuple[float, float], name: str) -> float:
    number = float(value)
    if not math.isfinite(number) or not bounds[0] <= number <= bounds[1]:
        raise ValueError(f"{name} must be between {bounds[0]:g} and {bounds[1]:g}, got {value!r}")
    return number
