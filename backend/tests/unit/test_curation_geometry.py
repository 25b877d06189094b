"""Geometry of dataset curation (issue 17): mask outlines in pure numpy, YOLO-seg lines of instances, and
the disagreement of two models' masks that orders the review queue."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.prediction import rle
from app.data.mask_outline import fill_polygons, mask_outlines
from app.services.annotations_codec import label_lines
from app.services.annotations_intake import disagreement


def test_a_rectangle_is_its_four_corners() -> None:
    mask = np.zeros((10, 12), dtype=bool)
    mask[2:5, 3:8] = True
    assert mask_outlines(mask) == [[(3, 2), (8, 2), (8, 5), (3, 5)]]


def test_parts_touching_at_a_corner_are_separate_and_holes_are_dropped() -> None:
    mask = np.zeros((12, 12), dtype=bool)
    mask[1:8, 1:8] = True
    mask[3:5, 3:5] = False  # a hole
    mask[8, 8] = mask[9, 9] = True  # diagonal neighbours of the square and of each other
    outlines = mask_outlines(mask)
    assert outlines[0] == [(1, 1), (8, 1), (8, 8), (1, 8)]
    assert sorted(outlines[1:]) == [[(8, 8), (9, 8), (9, 9), (8, 9)], [(9, 9), (10, 9), (10, 10), (9, 10)]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_outlines_cover_exactly_the_mask_pixels(seed: int) -> None:
    rng = np.random.default_rng(seed)
    mask = np.zeros((80, 120), dtype=bool)
    for _ in range(12):  # crack-like strokes: thin, long, crossing
        x, y = int(rng.integers(0, 110)), int(rng.integers(0, 70))
        if rng.random() < 0.5:
            mask[y : y + 2, x : x + int(rng.integers(5, 60))] = True
        else:
            mask[y : y + int(rng.integers(5, 40)), x : x + 2] = True
    from scipy.ndimage import binary_fill_holes

    filled = fill_polygons(mask_outlines(mask), 120, 80)
    # The painted pixels exactly, plus the holes strokes enclose (background is 8-connected: parts that
    # touch only at a corner enclose nothing).
    assert (filled == binary_fill_holes(mask, structure=np.ones((3, 3)))).all()
    assert filled.sum() >= mask.sum() > 0


def test_label_lines_are_normalised_and_a_mask_gives_one_line_per_part() -> None:
    mask = np.zeros((50, 100), dtype=bool)
    mask[10:20, 0:100] = True
    mask[30:40, 40:50] = True
    instances = [
        {"class_id": 1, "polygon": [[0, 0], [100, 0], [100.4, 50]], "rle": None},
        {"class_id": 0, "polygon": None, "rle": rle.encode(mask)},
    ]
    lines = label_lines(instances, 100, 50)
    assert lines[0] == "1 0.000000 0.000000 1.000000 0.000000 1.000000 1.000000"  # clamped into the image
    assert lines[1] == "0 0.000000 0.200000 1.000000 0.200000 1.000000 0.400000 0.000000 0.400000"
    assert lines[2] == "0 0.400000 0.600000 0.500000 0.600000 0.500000 0.800000 0.400000 0.800000"


def _square(model: str, x: int) -> dict[str, object]:
    polygon = [[x, 0], [x + 10, 0], [x + 10, 10], [x, 10]]
    return {
        "class_id": 0,
        "polygon": polygon,
        "rle": None,
        "source": "predicted",
        "score": 0.5,
        "model_id": model,
    }


def test_disagreement_is_one_minus_the_iou_of_two_models_masks() -> None:
    assert disagreement([_square("a", 0), _square("b", 5)], 40, 20) == pytest.approx(1 - 50 / 150, abs=1e-3)
    assert disagreement([_square("a", 0), _square("b", 0)], 40, 20) == 0.0
    assert disagreement([_square("a", 0), _square("b", 20)], 40, 20) == 1.0
    assert disagreement([_square("a", 0), _square("a", 20)], 40, 20) is None  # one model only
