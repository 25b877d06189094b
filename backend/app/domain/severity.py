"""Crack severity bands, one spelling and one order: narrow < moderate < wide.

Pure Python (no numpy, no OpenCV), so the API process and worker-side code rank severities the same way;
core/measure.py classifies widths into these bands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Severity = Literal["narrow", "moderate", "wide"]
SEVERITY_ORDER: dict[str, int] = {"narrow": 0, "moderate": 1, "wide": 2}


def worst_severity(severities: Sequence[str | None]) -> str | None:
    """The most severe of the known severities (None when none is known)."""
    known = [s for s in severities if s is not None]
    return max(known, key=lambda s: SEVERITY_ORDER[s]) if known else None
