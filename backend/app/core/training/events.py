"""Training event types (seed plan 8.3) and the mapping of Ultralytics names to flat metric names.

Every event is stored in `training_events` (type + JSON payload) and sent over the WebSocket as
`{"id", "type", "session_id", "timestamp", "data": payload}`.
"""

from __future__ import annotations

import math
from typing import Any, Final

# Event types
STATE: Final = "training_state"  # {status, previous, message}
PROGRESS: Final = "training_progress"  # per batch (throttled)
METRICS: Final = "training_metrics"  # per epoch
LOG: Final = "training_log"  # {level, message}
CHECKPOINT: Final = "checkpoint_saved"  # {checkpoint_id, epoch, is_best, size_bytes}
COMPLETE: Final = "training_complete"  # {best_map, best_epoch, total_epochs, checkpoint_path, model_id}
ERROR: Final = "error"  # {message, code}
EVENT_TYPES: Final = (STATE, PROGRESS, METRICS, LOG, CHECKPOINT, COMPLETE, ERROR)

# Session states: app/domain/status.py (SessionStatus).

LOSS_PARTS: Final = ("box", "seg", "cls", "dfl")
_VALIDATION_METRICS: Final = {
    "precision": "precision",
    "recall": "recall",
    "mAP50": "map50",
    "mAP50-95": "map50_95",
}
_KINDS: Final = {"B": "box", "M": "mask"}

# Column order of the CSV export and the metrics API (extra keys, e.g. YOLO26's sem loss, follow).
METRIC_KEYS: Final = (
    *(f"train_{part}_loss" for part in LOSS_PARTS),
    "train_loss",
    *(f"val_{part}_loss" for part in LOSS_PARTS),
    "val_loss",
    *(f"box_{name}" for name in _VALIDATION_METRICS.values()),
    *(f"mask_{name}" for name in _VALIDATION_METRICS.values()),
    "fitness",
    "lr",
    "epoch_time",
)
PRIMARY_METRIC: Final = "mask_map50_95"


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def flat_losses(prefix: str, losses: dict[str, Any]) -> dict[str, float]:
    """{'box': 1.2, 'seg': 2.0} -> {'train_box_loss': 1.2, 'train_seg_loss': 2.0, 'train_loss': 3.2}."""
    out: dict[str, float] = {}
    for name, value in losses.items():
        number = _finite(value)
        if number is not None:
            out[f"{prefix}_{name.removesuffix('_loss')}_loss"] = round(number, 6)
    if out:
        out[f"{prefix}_loss"] = round(sum(out.values()), 6)
    return out


def flat_validation_metrics(raw: dict[str, Any]) -> dict[str, float]:
    """Ultralytics' 'metrics/mAP50-95(M)' / 'val/seg_loss' keys -> 'mask_map50_95' / 'val_seg_loss'."""
    out: dict[str, float] = {}
    val_losses: dict[str, Any] = {}
    for key, value in raw.items():
        if key.startswith("val/"):
            val_losses[key.removeprefix("val/")] = value
            continue
        if not key.startswith("metrics/") or not key.endswith(")"):
            continue
        name, _, kind = key.removeprefix("metrics/").rstrip(")").partition("(")
        number = _finite(value)
        if name in _VALIDATION_METRICS and kind in _KINDS and number is not None:
            out[f"{_KINDS[kind]}_{_VALIDATION_METRICS[name]}"] = round(number, 6)
    out.update(flat_losses("val", val_losses))
    return out


def ordered_metric_keys(rows: list[dict[str, float]]) -> list[str]:
    """METRIC_KEYS that occur in `rows`, then any other keys in sorted order."""
    present = {key for row in rows for key in row}
    known = [key for key in METRIC_KEYS if key in present]
    return known + sorted(present - set(METRIC_KEYS))
