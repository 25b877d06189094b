"""Validates a model on one split of a dataset (worker process only: imports ultralytics).

Ultralytics validates `val:` of a data.yaml, so a temporary data.yaml points `val:` (and `train:`, which
it requires) at the chosen split's image folders, with absolute paths.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.core.models.metrics import finite, flat_metrics, snake

ProgressFn = Callable[[float], None]


@dataclass(frozen=True)
class EvaluationRequest:
    weights: Path
    dataset_root: Path
    split_dirs: list[Path]
    class_names: list[str]
    imgsz: int
    conf: float
    iou: float
    work_dir: Path  # temporary: the data.yaml and Ultralytics' run folder


@dataclass
class EvaluationResult:
    metrics: dict[str, float]
    per_class: list[dict[str, Any]] = field(default_factory=list)
    speed_ms: dict[str, float] = field(default_factory=dict)


def write_split_yaml(request: EvaluationRequest) -> Path:
    dirs = [str(p.resolve()) for p in request.split_dirs]
    entry: str | list[str] = dirs[0] if len(dirs) == 1 else dirs
    content = {
        "path": str(request.dataset_root.resolve()),
        "train": entry,
        "val": entry,
        "nc": len(request.class_names),
        "names": list(request.class_names),
    }
    request.work_dir.mkdir(parents=True, exist_ok=True)
    target = request.work_dir / "data.yaml"
    target.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def _per_class(results: Any) -> list[dict[str, Any]]:
    try:
        rows = results.summary()
    except Exception:  # per-class figures are a bonus: never fail the evaluation for them
        return []
    out: list[dict[str, Any]] = []
    for row in rows:
        item: dict[str, Any] = {}
        for key, value in row.items():
            if key == "Class":
                item["class_name"] = str(value)
            else:
                number = finite(value)
                if number is not None:
                    item[snake(key)] = round(number, 6) if not float(number).is_integer() else int(number)
        out.append(item)
    return out


def evaluate(request: EvaluationRequest, progress: ProgressFn | None = None) -> EvaluationResult:
    data_yaml = write_split_yaml(request)
    from ultralytics import YOLO

    model = YOLO(str(request.weights))
    if progress is not None:

        def on_batch_end(validator: Any) -> None:
            total = len(validator.dataloader) if getattr(validator, "dataloader", None) else 0
            if total and validator.batch_i is not None:
                progress((validator.batch_i + 1) / total)

        model.add_callback("on_val_batch_end", on_batch_end)
    results = model.val(
        data=str(data_yaml),
        split="val",
        imgsz=request.imgsz,
        conf=request.conf,
        iou=request.iou,
        batch=4,
        workers=0,
        device="cpu",
        plots=False,
        save_json=False,
        verbose=False,
        project=str(request.work_dir),
        name="val",
        exist_ok=True,
    )
    speed = {
        snake(k): round(float(v), 3)
        for k, v in (getattr(results, "speed", None) or {}).items()
        if finite(v) is not None
    }
    return EvaluationResult(flat_metrics(results.results_dict), _per_class(results), speed)
