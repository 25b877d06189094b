"""Quality gate: a model trained by the app finds generated cracks and measures them correctly.

The model of a short training run through the app (conftest.py `tuned`) predicts unseen generated
images of the look it was trained on, through the app's own prediction pipeline at the default
confidence; the test knows every crack's true mask. Thresholds come from measured runs with a margin
(docs/BENCHMARKS.md "Quality gates"). Heavy work runs in a subprocess (tests/helpers/detection_quality.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.quality.conftest import TUNE_SPEC

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]
BACKEND = Path(__file__).resolve().parents[2]
# The trained look, other images: another seed, 24 test images.
UNSEEN = {
    "seed": 4242,
    "test": 24,
    "image_size": TUNE_SPEC.image_size,
    "min_width": TUNE_SPEC.min_width,
    "max_width": TUNE_SPEC.max_width,
    "asphalt_fraction": TUNE_SPEC.asphalt_fraction,
    "max_distractors": TUNE_SPEC.max_distractors,
    "light_cracks": TUNE_SPEC.light_cracks,
}
# Measured (docs/BENCHMARKS.md "Quality gates"): 18 of 19 images with cracks found, recall at IoU 0.5
# 0.51, mean mask IoU 0.74; lengths of isolated matched cracks: 11 of 14 within 15 %, median error 0.06.
MIN_IMAGES_DETECTED = 0.8
MIN_RECALL_AT_50 = 0.4
MIN_MEAN_IOU = 0.65
MAX_LENGTH_ERROR = 0.15  # the bar: matched cracks measure within 15 % of the true length
MIN_LENGTHS_WITHIN = 0.6  # share of matched cracks that meet it
MAX_MEDIAN_LENGTH_ERROR = 0.1


@pytest.fixture(scope="module")
def scores(tuned: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    assert tuned["session"]["status"] == "completed", tuned["session"].get("error")
    out_dir = tmp_path_factory.mktemp("detection")
    command = [
        sys.executable,
        "-m",
        "tests.helpers.detection_quality",
        str(tuned["best"]),
        str(out_dir),
        str(TUNE_SPEC.image_size),
        json.dumps(UNSEEN),
    ]
    result = subprocess.run(command, cwd=BACKEND, capture_output=True, text=True, timeout=800)
    assert result.returncode == 0, result.stderr[-4000:]
    data: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    print(json.dumps(data))  # the measured figures, for the docs
    return data


def test_a_model_trained_by_the_app_finds_the_cracks_of_unseen_images(scores: dict[str, Any]) -> None:
    assert scores["images_with_cracks"] >= 15
    assert scores["images_detected"] / scores["images_with_cracks"] >= MIN_IMAGES_DETECTED, scores
    assert scores["recall_at_50"] >= MIN_RECALL_AT_50, scores
    assert scores["mean_iou"] >= MIN_MEAN_IOU, scores


def test_matched_cracks_are_measured_within_15_percent_of_their_true_length(scores: dict[str, Any]) -> None:
    errors = scores["length_errors"]
    assert len(errors) >= 10, scores
    within = sum(error <= MAX_LENGTH_ERROR for error in errors) / len(errors)
    assert within >= MIN_LENGTHS_WITHIN, errors
    assert sorted(errors)[len(errors) // 2] <= MAX_MEDIAN_LENGTH_ERROR, errors
