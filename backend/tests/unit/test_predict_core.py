"""Prediction building blocks: RLE codec (against pycocotools), client-side filtering rule, model cache,
mask resampling from Ultralytics' letterboxed output, and predict_file with EXIF-rotated input.

Where a model is needed, a fake predictor at the Predictor interface stands in (tests/helpers/
fake_predictors.py): these tests are about OUR code around the model.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pycocotools import mask as coco_mask

from app.config import Settings
from app.core.families.registry import registered
from app.core.prediction import cache as cache_module
from app.core.prediction import filtering, rle
from app.core.prediction.base import Detection
from app.core.prediction.cache import ModelCache, ModelSpec
from app.core.prediction.worker_process import predict_file
from tests.fakes.toy_family import toy_family

FAKE = "tests.helpers.fake_predictors:DarkPixelPredictor"


@pytest.fixture
def fake_family(tmp_path: Path) -> Iterator[None]:
    """A model family "fake" whose predictor is the dark-pixel fake (no architectures)."""
    family = replace(toy_family(tmp_path), name="fake", predictor=FAKE, architectures=lambda: ())
    with registered(family):
        yield


# -- RLE ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_rle_matches_pycocotools(seed: int) -> None:
    rng = np.random.default_rng(seed)
    height, width = (int(v) for v in rng.integers(1, 60, 2))
    mask = rng.random((height, width)) < rng.random()
    ours = rle.encode(mask)
    theirs = coco_mask.encode(np.asfortranarray(mask.astype(np.uint8)))
    assert ours["counts"] == theirs["counts"].decode("ascii")
    assert ours["size"] == [height, width]
    assert (rle.decode(ours) == mask).all()
    assert (coco_mask.decode({"size": ours["size"], "counts": ours["counts"].encode()}) == mask).all()
    assert rle.area(ours) == int(mask.sum())


def test_rle_of_a_crop_never_needs_the_full_mask() -> None:
    crop = np.zeros((30, 40), bool)
    crop[5:25, 3] = True
    crop[10, :] = True
    full = np.zeros((4000, 6000), bool)
    full[1000:1030, 2000:2040] = crop
    assert rle.encode_crop(crop, 2000, 1000, 6000, 4000) == rle.encode(full)
    assert rle.encode_crop(np.zeros((3, 3), bool), 0, 0, 5, 5) == rle.encode(np.zeros((5, 5), bool))


# -- filtering ---------------------------------------------------------------------------------------


def det(class_id: int, score: float, box: tuple[float, float, float, float]) -> Detection:
    return Detection(class_id, score, box)


def test_selection_is_score_then_classwise_greedy_nms() -> None:
    items = [
        det(0, 0.9, (0, 0, 10, 10)),
        det(0, 0.8, (1, 1, 11, 11)),  # IoU 0.68 with the first
        det(1, 0.7, (1, 1, 11, 11)),  # another class: never suppressed by class 0
        det(0, 0.3, (50, 50, 60, 60)),
        det(0, 0.04, (80, 80, 90, 90)),
    ]
    assert filtering.select(items, conf=0.25, iou=0.5) == {0, 2, 3}
    assert filtering.select(items, conf=0.25, iou=0.7) == {0, 1, 2, 3}
    assert filtering.select(items, conf=0.5, iou=0.5) == {0, 2}
    assert filtering.select(items, conf=0.0, iou=1.0) == {0, 1, 2, 3, 4}
    as_dicts = [{"class_id": d.class_id, "score": d.score, "box": list(d.box)} for d in items]
    assert filtering.select_dicts(as_dicts, 0.25, 0.5) == {0, 2, 3}


def naive_greedy_nms(items: list[Detection], conf: float, iou: float) -> set[int]:
    order = sorted((i for i, d in enumerate(items) if d.score >= conf), key=lambda i: (-items[i].score, i))
    kept: list[int] = []
    for i in order:
        if all(
            items[k].class_id != items[i].class_id or filtering.box_iou(items[k].box, items[i].box) <= iou
            for k in kept
        ):
            kept.append(i)
    return set(kept)


@pytest.mark.parametrize("seed", range(5))
def test_vectorised_selection_matches_plain_greedy_nms(seed: int) -> None:
    rng = np.random.default_rng(seed)
    items = []
    for _ in range(300):
        x, y = rng.uniform(0, 500, 2)
        w, h = rng.uniform(5, 120, 2)
        items.append(det(int(rng.integers(2)), float(rng.uniform(0, 1)), (x, y, x + w, y + h)))
    for conf, iou in ((0.05, 0.45), (0.3, 0.2), (0.0, 0.9)):
        assert filtering.select(items, conf, iou) == naive_greedy_nms(items, conf, iou)


# -- model cache ----------------------------------------------------------------------------------------


def _spec(tmp_path: Path, name: str) -> ModelSpec:
    weights = tmp_path / f"{name}.pt"
    if not weights.exists():
        weights.write_bytes(b"weights")
    return ModelSpec(
        model_id=name,
        framework="fake",
        task="segment",
        weights=str(weights),
        backend="pytorch",
        predictor=FAKE,
    )


def test_model_cache_is_a_bounded_lru_keyed_by_file_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_family: None
) -> None:
    closed: list[str] = []
    original_close = cache_module.ModelCache._close
    monkeypatch.setattr(
        cache_module.ModelCache,
        "_close",
        staticmethod(lambda p: (closed.append(p.backend), original_close(p))),
    )
    cache = ModelCache(capacity=2)
    a, b, c = _spec(tmp_path, "a"), _spec(tmp_path, "b"), _spec(tmp_path, "c")
    first = cache.get(a)
    assert cache.get(a) is first and cache.loads == 1  # loaded once, kept
    cache.get(b)
    cache.get(a)  # a is now the most recently used
    cache.get(c)  # evicts b
    assert [k[0] for k in cache.loaded()] == ["a", "c"] and cache.loads == 3 and len(closed) == 1
    stat = os.stat(a.weights)
    os.utime(a.weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))  # the file was replaced
    assert cache.get(a) is not first and cache.loads == 4
    assert len(cache.loaded()) == 2


# -- Ultralytics mask resampling ------------------------------------------------------------------------


def test_letterboxed_mask_maps_back_onto_the_original_pixels() -> None:
    pytest.importorskip("cv2")
    from app.core.families.ultralytics.predictor import crop_mask_from_letterboxed

    # A 300 x 200 image letterboxed into 96 x 64 (gain 0.32, no padding) and into 96 x 96 (padding 16).
    truth = np.zeros((200, 300), bool)
    truth[80:120, 50:250] = True
    for lb_h, pad in ((64, 0), (96, 16)):
        letterboxed = np.zeros((lb_h, 96), np.uint8)
        gain = 96 / 300
        letterboxed[
            round(80 * gain) + pad : round(120 * gain) + pad, round(50 * gain) : round(250 * gain)
        ] = 1
        crop = crop_mask_from_letterboxed(letterboxed, (40.0, 70.0, 260.0, 130.0), (200, 300))
        assert crop is not None and (crop.x0, crop.y0) == (40, 70)
        full = crop.to_full(300, 200)
        iou = (full & truth).sum() / (full | truth).sum()
        assert iou > 0.9, (lb_h, iou)


# -- predict_file: EXIF orientation end to end (fake model) -----------------------------------------------


def test_results_are_in_the_displayed_orientation(tmp_path: Path, fake_family: None) -> None:
    stored = np.full((100, 300, 3), 220, np.uint8)  # stored landscape, with a horizontal dark crack
    stored[48:54, 20:280] = 30
    exif = Image.Exif()
    exif[0x0112] = 6  # viewers rotate it 90 degrees clockwise: the user sees a portrait, crack vertical
    image_path = tmp_path / "photo.jpg"
    buffer = io.BytesIO()
    Image.fromarray(stored).save(buffer, format="JPEG", quality=98, exif=exif.tobytes())
    image_path.write_bytes(buffer.getvalue())
    settings = Settings(data_dir=tmp_path / "data")
    request = {
        "image_path": str(image_path),
        "display_stem": str(tmp_path / "display"),
        "model": _spec(tmp_path, "m").to_dict(),
        "options": {"conf": 0.25, "iou": 0.45},
    }
    reply = predict_file(settings, ModelCache(1), request)
    result = reply["result"]
    assert (result["width"], result["height"], result["orientation"]) == (100, 300, 6)
    assert len(result["instances"]) == 1
    crack = result["instances"][0]
    x1, y1, x2, y2 = crack["box"]
    assert x2 - x1 < 12 and y2 - y1 > 250  # vertical in the displayed picture
    assert crack["measurements"]["orientation_deg"] == pytest.approx(90, abs=2)
    assert rle.decode(crack["rle"]).shape == (300, 100)
    assert reply["display_path"] and Path(reply["display_path"]).is_file()
    with Image.open(reply["display_path"]) as display:
        assert display.size == (100, 300)
