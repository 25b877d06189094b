"""Ultralytics metric names -> the flat names the app stores (same names as training: mask_map50_95...)."""

from __future__ import annotations

import math
import re
from typing import Any

_NAMES = {"precision": "precision", "recall": "recall", "mAP50": "map50", "mAP50-95": "map50_95"}
_KINDS = {"B": "box", "M": "mask"}
METRIC_KEYS: tuple[str, ...] = tuple(f"{kind}_{name}" for kind in ("box", "mask") for name in _NAMES.values())
PRIMARY_METRICS: tuple[str, ...] = ("mask_map50_95", "box_map50_95")


def finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def flat_metrics(raw: dict[str, Any]) -> dict[str, float]:
    """{'metrics/mAP50-95(M)': 0.4, 'fitness': 0.5} -> {'mask_map50_95': 0.4, 'fitness': 0.5}."""
    out: dict[str, float] = {}
    for key, value in raw.items():
        number = finite(value)
        if number is None:
            continue
        if key == "fitness":
            out["fitness"] = round(number, 6)
            continue
        name, _, kind = key.removeprefix("metrics/").rstrip(")").partition("(")
        if key.startswith("metrics/") and name in _NAMES and kind in _KINDS:
            out[f"{_KINDS[kind]}_{_NAMES[name]}"] = round(number, 6)
    return out


def snake(key: str) -> str:
    """'Box-P' -> 'box_p', 'mAP50-95' -> 'map50_95', 'Mask-F1' -> 'mask_f1'."""
    return re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def primary_metric(metrics: dict[str, float]) -> float | None:
    for key in PRIMARY_METRICS:
        if key in metrics:
            return metrics[key]
    return None
