"""From an upright RGB image and a Predictor to the stored result: detections (tiled or not), merged
instances with polygons, RLE masks and crack measurements, and the per-image summary.

Runs in worker processes (it imports cv2 and scikit-image through measure.py).

Result contract (stored in `predictions.results` and returned by the API): every instance with a score
at or above `score_floor` (the lower of the request's conf and CRACKDET_PREDICTION_SCORE_FLOOR) is
returned, after the model's NMS at `candidate_iou` (the higher of the request's iou and
CRACKDET_PREDICTION_CANDIDATE_IOU). Each carries `selected`: whether the request's conf and iou keep it
(filtering.select). The summary counts only selected instances; the UI re-filters with other
thresholds by running the same selection on the returned scores and boxes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np

from app.core.measure import SeverityBands, measure_crack, summarize
from app.core.prediction import filtering, rle
from app.core.prediction.base import CrackInstance, CropMask, Detection, InferenceOptions, Predictor, RGBImage
from app.core.prediction.tiling import MergedDetection, predict_tiled

POLYGON_TOLERANCE_PX = 0.7
MIN_POLYGON_POINTS = 3


@dataclass(frozen=True)
class PipelineOptions:
    conf: float = 0.25
    iou: float = 0.45
    imgsz: int | None = None
    tiling: bool = False
    tile_size: int = 640
    overlap: float = 0.2
    mm_per_px: float | None = None
    score_floor: float = 0.05
    candidate_iou: float = 0.7
    max_det: int = 300
    bands: SeverityBands = field(default_factory=SeverityBands)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PipelineOptions:
        bands = data.get("bands") or {}
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "bands"}
        return cls(**fields, bands=SeverityBands(**bands))

    @property
    def floor(self) -> float:
        return min(self.conf, self.score_floor)

    @property
    def nms_iou(self) -> float:
        return max(self.iou, self.candidate_iou)


def mask_polygons(mask: CropMask) -> list[list[float]]:
    """Outer outlines of the mask's parts (flat x, y lists through boundary pixel centres)."""
    contours, _ = cv2.findContours(mask.data.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    polygons: list[list[float]] = []
    for contour in contours:
        points = cv2.approxPolyDP(contour, POLYGON_TOLERANCE_PX, True).reshape(-1, 2)
        if len(points) < MIN_POLYGON_POINTS:
            points = contour.reshape(-1, 2)
        shifted = points.astype(np.float64) + np.array([mask.x0 + 0.5, mask.y0 + 0.5])
        polygons.append([round(float(v), 2) for v in shifted.reshape(-1)])
    return polygons


def _box_polygon(box: tuple[float, float, float, float]) -> list[float]:
    x1, y1, x2, y2 = (round(float(v), 2) for v in box)
    return [x1, y1, x2, y1, x2, y2, x1, y2]


def build_instance(
    index: int, merged: MergedDetection, predictor: Predictor, size: tuple[int, int], options: PipelineOptions
) -> CrackInstance:
    detection = merged.detection
    width, height = size
    instance = CrackInstance(
        id=index,
        class_id=detection.class_id,
        class_name=predictor.class_name(detection.class_id),
        score=detection.score,
        box=detection.box,
        parts=merged.parts,
    )
    mask = detection.mask.trimmed() if detection.mask is not None else None
    if mask is None:  # a detection model, or an empty mask: the box is all there is
        instance.polygons = [_box_polygon(detection.box)]
        return instance
    instance.polygons = mask_polygons(mask)
    instance.rle = rle.encode_crop(mask.data, mask.x0, mask.y0, width, height)
    instance.area_px = mask.area
    measured = measure_crack(mask.data, (mask.x0, mask.y0), mm_per_px=options.mm_per_px, bands=options.bands)
    instance.skeleton = measured.pop("skeleton")
    instance.measurements = measured
    return instance


def summary_of(instances: list[CrackInstance], mm_per_px: float | None) -> dict[str, Any]:
    chosen = [inst for inst in instances if inst.selected]
    summary = summarize([inst.measurements for inst in chosen if inst.measurements], mm_per_px)
    summary["count"] = len(chosen)
    return summary


def run_pipeline(
    predictor: Predictor,
    image: RGBImage,
    options: PipelineOptions,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Predict, merge, measure and summarise one image; returns the JSON-ready result."""
    height, width = image.shape[:2]
    started = time.perf_counter()
    inference = InferenceOptions(
        conf=options.floor, iou=options.nms_iou, imgsz=options.imgsz or None, max_det=options.max_det
    )
    tiles = 0
    if options.tiling and max(width, height) > options.tile_size:
        tile_options = replace(inference, imgsz=options.imgsz or options.tile_size)
        merged, tiles = predict_tiled(
            predictor, image, options.tile_size, options.overlap, tile_options, progress
        )
    else:
        detections: list[Detection] = predictor.predict([image], inference)[0]
        merged = [MergedDetection(d, 1) for d in sorted(detections, key=lambda d: -d.score)]
    inferred = time.perf_counter()
    instances = [build_instance(i, m, predictor, (width, height), options) for i, m in enumerate(merged)]
    kept = filtering.select(instances, options.conf, options.iou)
    for index, instance in enumerate(instances):
        instance.selected = index in kept
    finished = time.perf_counter()
    return {
        "width": width,
        "height": height,
        "backend": predictor.backend,
        "imgsz": predictor.last_imgsz,
        "tiles": tiles,
        "score_floor": options.floor,
        "candidate_iou": options.nms_iou,
        "class_names": list(predictor.class_names),
        "instances": [inst.to_dict() for inst in instances],
        "summary": summary_of(instances, options.mm_per_px),
        "timings_ms": {
            "inference": round((inferred - started) * 1000, 1),
            "postprocess": round((finished - inferred) * 1000, 1),
        },
    }
