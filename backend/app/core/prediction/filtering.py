"""Which instances a confidence and an IoU threshold keep: the rule the UI's sliders apply too.

The model runs with a low score floor and a loose NMS IoU, and every instance it finds is returned with
its score and box. `select` then keeps, per class, the instances with score >= conf and suppresses any
whose box overlaps a higher-scoring kept one with IoU > iou (greedy NMS). The front end runs the same
algorithm on the returned boxes, so moving a slider re-filters without running the model again.
numpy only: used by the worker, the API (annotated images, exports) and mirrored in TypeScript.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class _Scored(Protocol):
    class_id: int
    score: float
    box: tuple[float, float, float, float]


def box_iou(a: Sequence[float], b: Sequence[float]) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    if inter <= 0.0:
        return 0.0
    area_a = max(0.0, a[2] - a[0]) * max(0.0, a[3] - a[1])
    area_b = max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])
    union = area_a + area_b - inter
    return inter / union if union > 0 else 0.0


def select_indices(
    class_ids: Sequence[int],
    scores: Sequence[float],
    boxes: Sequence[Sequence[float]],
    conf: float,
    iou: float,
) -> set[int]:
    """Indices kept by score >= conf and class-wise greedy NMS at `iou` (ties: lower index first)."""
    candidates = sorted((i for i, score in enumerate(scores) if score >= conf), key=lambda i: (-scores[i], i))
    if not candidates:
        return set()
    order = np.asarray(candidates, dtype=np.int64)
    xyxy = np.asarray([list(boxes[i])[:4] for i in candidates], dtype=np.float64).reshape(-1, 4)
    classes = np.asarray([class_ids[i] for i in candidates], dtype=np.int64)
    areas = np.clip(xyxy[:, 2] - xyxy[:, 0], 0, None) * np.clip(xyxy[:, 3] - xyxy[:, 1], 0, None)
    suppressed = np.zeros(len(candidates), dtype=bool)
    kept: list[int] = []
    for position in range(len(candidates)):
        if suppressed[position]:
            continue
        kept.append(int(order[position]))
        rest = np.arange(position + 1, len(candidates))
        rest = rest[~suppressed[rest] & (classes[rest] == classes[position])]
        if rest.size == 0:
            continue
        box = xyxy[position]
        width = np.clip(np.minimum(box[2], xyxy[rest, 2]) - np.maximum(box[0], xyxy[rest, 0]), 0, None)
        height = np.clip(np.minimum(box[3], xyxy[rest, 3]) - np.maximum(box[1], xyxy[rest, 1]), 0, None)
        inter = width * height
        union = areas[position] + areas[rest] - inter
        overlap = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        suppressed[rest[overlap > iou]] = True
    return set(kept)


def select(instances: Sequence[_Scored], conf: float, iou: float) -> set[int]:
    return select_indices(
        [inst.class_id for inst in instances],
        [inst.score for inst in instances],
        [inst.box for inst in instances],
        conf,
        iou,
    )


def select_dicts(instances: Sequence[dict[str, object]], conf: float, iou: float) -> set[int]:
    """`select` for instances stored as JSON (result dictionaries)."""
    return select_indices(
        [int(inst["class_id"]) for inst in instances],  # type: ignore[call-overload]
        [float(inst["score"]) for inst in instances],  # type: ignore[arg-type]
        [list(inst["box"]) for inst in instances],  # type: ignore[call-overload]
        conf,
        iou,
    )
