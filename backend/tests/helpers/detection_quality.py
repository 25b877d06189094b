"""Predicts generated crack images with the app's prediction pipeline and scores them against the truth.

Run as a subprocess (`python -m tests.helpers.detection_quality WEIGHTS OUT_DIR [IMGSZ [SPEC_JSON]]`;
WEIGHTS is a .pt file or "starter"; SPEC_JSON overrides fields of DETECT_SPEC) so torch and ultralytics
never load into the pytest process. Prints one JSON line:
{"images": n, "cracks": n, "predicted": n, "matched": n, "recall_at_50": x, "mean_iou": x,
"length_errors": [relative errors of matched cracks], "images_with_cracks": n, "images_detected": n,
"false_positive_images": n}.

The truth: `render_sample` re-renders each image with its per-crack masks. A prediction matches the
crack it overlaps most (mask IoU, greedy by score); for cracks that touch no other, its centre-line
length, measured by the app (core/measure.py) on the predicted mask, is compared with the same
measurement of the true mask.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from app.core.training.offline import prepare_ultralytics_env
from app.data.synthetic import SyntheticSpec, render_sample

# Unseen by the starter model (its generator seed differs) and by the app-trained models of the tests.
DETECT_SPEC = SyntheticSpec(
    seed=8_675_309, train=0, val=0, test=24, image_size=320, asphalt_fraction=0.3, max_distractors=2
)
DEFAULT_CONF = 0.25  # the app's default confidence on the Prediction page
MATCH_IOU = 0.5


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 0.0


def isolated(truth: list[np.ndarray], gap_px: int = 3) -> list[bool]:
    """Which true cracks touch no other (within `gap_px`): where two cracks cross or touch, the image
    shows one connected crack and its "true length" per instance is not something a model can see."""
    import cv2

    kernel = np.ones((2 * gap_px + 1, 2 * gap_px + 1), np.uint8)
    grown = [cv2.dilate(mask.astype(np.uint8), kernel).astype(bool) for mask in truth]
    return [
        not any(np.logical_and(grown[i], truth[j]).any() for j in range(len(truth)) if j != i)
        for i in range(len(truth))
    ]


def score_image(truth: list[np.ndarray], instances: list[dict[str, Any]]) -> dict[str, Any]:
    """Greedy matching of selected predictions (by score) to true cracks; lengths compared for matched
    cracks that touch no other true crack."""
    from app.core.measure import measure_crack
    from app.core.prediction import rle

    alone = isolated(truth)

    predicted = sorted((i for i in instances if i["selected"]), key=lambda i: -i["score"])
    free = set(range(len(truth)))
    ious: list[float] = []
    length_errors: list[float] = []
    for instance in predicted:
        mask = rle.decode(instance["rle"])
        best, best_iou = None, 0.0
        for index in free:
            iou = _iou(mask, truth[index])
            if iou > best_iou:
                best, best_iou = index, iou
        if best is None or best_iou < MATCH_IOU:
            continue
        free.discard(best)
        ious.append(best_iou)
        if not alone[best]:
            continue
        true_length = measure_crack(truth[best])["length_px"]
        length_errors.append(abs(instance["measurements"]["length_px"] - true_length) / true_length)
    return {"predicted": len(predicted), "ious": ious, "length_errors": length_errors}


def main(weights_arg: str, out_dir: Path, imgsz: int, spec: SyntheticSpec = DETECT_SPEC) -> dict[str, Any]:
    prepare_ultralytics_env(out_dir)
    from app.core.families.ultralytics.predictor import UltralyticsPredictor
    from app.core.families.ultralytics.starter.weights import materialize
    from app.core.prediction.pipeline import PipelineOptions, run_pipeline

    weights = materialize(out_dir / "starter") if weights_arg == "starter" else Path(weights_arg)
    predictor = UltralyticsPredictor(weights, backend="pytorch", task="segment", class_names=["crack"])
    options = PipelineOptions(conf=DEFAULT_CONF, imgsz=imgsz)
    totals: dict[str, Any] = {
        "images": 0,
        "cracks": 0,
        "predicted": 0,
        "ious": [],
        "length_errors": [],
        "images_with_cracks": 0,
        "images_detected": 0,
        "false_positive_images": 0,
    }
    for index in range(spec.test):
        sample = render_sample(spec, "test", index)
        result = run_pipeline(predictor, sample.image, options)
        scored = score_image(sample.masks, result["instances"])
        totals["images"] += 1
        totals["cracks"] += len(sample.masks)
        totals["predicted"] += scored["predicted"]
        totals["ious"] += scored["ious"]
        totals["length_errors"] += scored["length_errors"]
        if sample.masks:
            totals["images_with_cracks"] += 1
            totals["images_detected"] += int(scored["predicted"] > 0)
        else:
            totals["false_positive_images"] += int(scored["predicted"] > 0)
    ious = totals.pop("ious")
    totals["matched"] = len(ious)
    totals["recall_at_50"] = round(len(ious) / max(totals["cracks"], 1), 4)
    totals["mean_iou"] = round(float(np.mean(ious)), 4) if ious else 0.0
    totals["length_errors"] = [round(e, 4) for e in totals["length_errors"]]
    return totals


if __name__ == "__main__":
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 320
    overrides = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]), size, replace(DETECT_SPEC, **overrides))))
