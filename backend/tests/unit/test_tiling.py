"""Tiled inference: tile grid and merging masks across tile borders.

The predictor is a fake at the Predictor interface (tests/helpers/fake_predictors.py: every dark
8-connected blob of the tile it sees is a crack). That is deliberate: these tests check OUR slicing,
merging and measuring code on exactly known geometry, which a tiny trained model could not give.
"""

from __future__ import annotations

import itertools
import math

import cv2
import numpy as np
import pytest

from app.core.prediction import rle
from app.core.prediction.pipeline import PipelineOptions, run_pipeline
from app.core.prediction.tiling import tile_grid
from tests.helpers.fake_predictors import DarkPixelPredictor


def concrete(width: int, height: int) -> np.ndarray:
    return np.full((height, width, 3), 200, dtype=np.uint8)


def draw_crack(image: np.ndarray, points: list[tuple[int, int]], thickness: int = 6) -> np.ndarray:
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.polylines(mask, [np.array(points, np.int32)], False, 1, thickness)
    image[mask.astype(bool)] = 40
    return mask.astype(bool)


def test_tile_grid_covers_the_image_with_overlap() -> None:
    tiles = tile_grid(1000, 600, 256, 0.25)
    covered = np.zeros((600, 1000), bool)
    for x0, y0, x1, y1 in tiles:
        assert x1 - x0 == 256 and y1 - y0 == 256  # no partial tiles: the last one is aligned to the edge
        covered[y0:y1, x0:x1] = True
    assert covered.all()
    xs = sorted({t[0] for t in tiles})
    assert xs[0] == 0 and xs[-1] == 1000 - 256
    assert all(b - a <= 192 for a, b in itertools.pairwise(xs))  # stride = 256 * 0.75
    assert tile_grid(200, 100, 256, 0.2) == [(0, 0, 200, 100)]


def test_drone_sized_grid() -> None:
    tiles = tile_grid(6000, 4000, 640, 0.2)
    assert len(tiles) == 12 * 8


@pytest.mark.parametrize("overlap", [0.0, 0.2, 0.4])
def test_crack_crossing_tile_borders_is_one_crack(overlap: float) -> None:
    image = concrete(1000, 600)
    points = [(30, 60), (300, 250), (520, 300), (760, 520), (970, 560)]
    truth = draw_crack(image, points)
    predictor = DarkPixelPredictor()
    options = PipelineOptions(conf=0.25, tiling=True, tile_size=256, overlap=overlap)
    result = run_pipeline(predictor, image, options)
    assert result["tiles"] > 4
    assert len(predictor.images_seen) == result["tiles"]
    assert all(size == (256, 256) for size in predictor.images_seen)
    assert len(result["instances"]) == 1, [i["box"] for i in result["instances"]]
    crack = result["instances"][0]
    assert crack["parts"] >= 4  # seen in several tiles, merged into one
    mask = rle.decode(crack["rle"])
    assert (mask == truth).all()  # the union of the tile pieces is exactly the crack
    expected_length = sum(math.dist(a, b) for a, b in itertools.pairwise(points))
    assert crack["measurements"]["length_px"] == pytest.approx(expected_length, rel=0.03)


def test_separate_cracks_near_a_seam_stay_separate() -> None:
    image = concrete(600, 300)
    draw_crack(image, [(20, 100), (580, 100)], thickness=4)
    draw_crack(image, [(20, 140), (580, 140)], thickness=4)
    result = run_pipeline(
        DarkPixelPredictor(), image, PipelineOptions(tiling=True, tile_size=256, overlap=0.2)
    )
    assert len(result["instances"]) == 2
    assert result["summary"]["count"] == 2


def test_tiled_and_untiled_agree_on_geometry() -> None:
    image = concrete(900, 500)
    draw_crack(image, [(50, 50), (450, 260), (850, 450)], thickness=8)
    whole = run_pipeline(DarkPixelPredictor(), image, PipelineOptions())
    tiled = run_pipeline(
        DarkPixelPredictor(), image, PipelineOptions(tiling=True, tile_size=300, overlap=0.25)
    )
    a, b = whole["instances"][0], tiled["instances"][0]
    assert len(whole["instances"]) == len(tiled["instances"]) == 1
    assert a["rle"] == b["rle"]
    assert a["measurements"] == b["measurements"]
    assert whole["tiles"] == 0 and tiled["tiles"] > 1


def test_pipeline_result_is_consistent() -> None:
    image = concrete(400, 300)
    draw_crack(image, [(20, 150), (380, 150)], thickness=6)
    draw_crack(image, [(200, 20), (210, 60)], thickness=3)
    result = run_pipeline(DarkPixelPredictor(), image, PipelineOptions(conf=0.25, iou=0.45, mm_per_px=0.5))
    assert (result["width"], result["height"]) == (400, 300)
    for inst in result["instances"]:
        mask = rle.decode(inst["rle"])
        assert mask.shape == (300, 400)
        assert int(mask.sum()) == inst["area_px"] == inst["measurements"]["area_px"]
        x, y, w, h = inst["measurements"]["bbox"]
        ys, xs = np.nonzero(mask)
        assert (x, y, x + w, y + h) == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
        assert inst["polygons"] and all(len(p) % 2 == 0 and len(p) >= 6 for p in inst["polygons"])
        assert inst["measurements"]["severity"] in {"narrow", "moderate", "wide"}
    scores = [inst["score"] for inst in result["instances"]]
    assert scores == sorted(scores, reverse=True)
    assert result["summary"]["count"] == sum(inst["selected"] for inst in result["instances"]) == 2
