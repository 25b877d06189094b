"""Tiled inference for large images, with instance masks merged across tile borders.

Why not SAHI or supervision's InferenceSlicer: both slice well, but they merge *boxes* (NMS / NMM on box
IoU) and carry full-image masks per detection. A crack crossing a seam is two long thin pieces whose
boxes barely overlap (box IoU ~0), so box merging leaves it as two cracks; and N full-resolution masks
of a 6000 x 4000 image cost 24 MB each. Slicing is a few lines, so this module does both steps itself:

1. `tile_grid`: overlapping tiles of `tile_size` with stride `tile_size * (1 - overlap)`; the last tile
   of a row or column is aligned to the image edge, so every pixel is covered and no tile is partial.
2. Each tile goes through the `Predictor` (in chunks of its batch size); detections are shifted to image
   coordinates and keep crop-local boolean masks (never a full-image mask per detection).
3. `merge_across_tiles`: two detections of the same class from *different* tiles are the same object
   when their masks overlap or touch inside the two tiles' shared area (the overlap band, or a 1 px
   strip along the seam when tiles do not overlap): at least `MIN_SHARED_FRACTION` of the smaller part's
   pixels there must lie on or next to the other mask. Matches are joined transitively (union-find),
   so a crack crossing several tiles or a tile corner becomes one instance: its mask is the union of
   the parts (painted into one crop of the group's box), its box the union of boxes, its score the
   highest part score. Detections of the same tile are never merged with each other (the model's NMS
   already separated them).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from app.core.prediction.base import CropMask, Detection, InferenceOptions, Predictor, RGBImage

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive)
MIN_SHARED_FRACTION = 0.1
ProgressCallback = Callable[[int, int], None]


@dataclass
class TiledDetection:
    detection: Detection
    tile: int


@dataclass
class MergedDetection:
    detection: Detection
    parts: int


def _axis_positions(length: int, tile: int, stride: int) -> list[int]:
    if length <= tile:
        return [0]
    positions = list(range(0, length - tile, stride))
    positions.append(length - tile)
    return sorted(set(positions))


def tile_grid(width: int, height: int, tile_size: int, overlap: float) -> list[Rect]:
    """Tiles covering the image, row by row."""
    if tile_size < 1:
        raise ValueError("tile_size must be positive")
    if not 0.0 <= overlap < 1.0:
        raise ValueError("overlap must be in [0, 1)")
    stride = max(1, math.floor(tile_size * (1.0 - overlap)))
    xs = _axis_positions(width, tile_size, stride)
    ys = _axis_positions(height, tile_size, stride)
    return [(x, y, min(x + tile_size, width), min(y + tile_size, height)) for y in ys for x in xs]


def _shift(detection: Detection, dx: int, dy: int) -> Detection:
    x1, y1, x2, y2 = detection.box
    mask = detection.mask.shifted(dx, dy) if detection.mask is not None else None
    return Detection(detection.class_id, detection.score, (x1 + dx, y1 + dy, x2 + dx, y2 + dy), mask)


def predict_tiles(
    predictor: Predictor,
    image: RGBImage,
    tiles: Sequence[Rect],
    options: InferenceOptions,
    progress: ProgressCallback | None = None,
) -> list[TiledDetection]:
    """Runs the predictor on every tile; detections come back in image coordinates."""
    found: list[TiledDetection] = []
    chunk = max(1, predictor.batch_size)
    for start in range(0, len(tiles), chunk):
        rects = tiles[start : start + chunk]
        crops = [np.ascontiguousarray(image[y0:y1, x0:x1]) for x0, y0, x1, y1 in rects]
        for offset, detections in enumerate(predictor.predict(crops, options)):
            x0, y0 = rects[offset][0], rects[offset][1]
            found.extend(TiledDetection(_shift(d, x0, y0), start + offset) for d in detections)
        if progress is not None:
            progress(min(start + chunk, len(tiles)), len(tiles))
    return found


# --------------------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------------------


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _intersect(a: Rect, b: Rect) -> Rect | None:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


def _grow(rect: Rect, by: int) -> Rect:
    return (rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by)


def _mask_rect(mask: CropMask) -> Rect:
    return (mask.x0, mask.y0, mask.x1, mask.y1)


def _window(mask: CropMask, rect: Rect) -> np.ndarray:
    """The mask's pixels inside `rect` (zeros where the mask does not reach), shaped like rect."""
    out = np.zeros((rect[3] - rect[1], rect[2] - rect[0]), dtype=bool)
    part = _intersect(_mask_rect(mask), rect)
    if part is not None:
        out[part[1] - rect[1] : part[3] - rect[1], part[0] - rect[0] : part[2] - rect[0]] = mask.data[
            part[1] - mask.y0 : part[3] - mask.y0, part[0] - mask.x0 : part[2] - mask.x0
        ]
    return out


def _dilate(mask: np.ndarray) -> np.ndarray:
    """3 x 3 binary dilation (numpy only)."""
    padded = np.pad(mask, 1)
    out = np.zeros_like(mask)
    height, width = mask.shape
    for dy in range(3):
        for dx in range(3):
            out |= padded[dy : dy + height, dx : dx + width]
    return out


def _same_object(a: CropMask, b: CropMask, shared: Rect) -> bool:
    """Do two masks overlap or touch inside the shared area of their tiles?"""
    near = _intersect(_grow(_mask_rect(a), 1), _grow(_mask_rect(b), 1))
    region = _intersect(near, shared) if near is not None else None
    if region is None:
        return False
    window_a, window_b = _window(a, region), _window(b, region)
    count_a, count_b = int(window_a.sum()), int(window_b.sum())
    if count_a == 0 or count_b == 0:
        return False
    touching = int(np.count_nonzero(_dilate(window_a) & window_b))
    return touching >= max(1, MIN_SHARED_FRACTION * min(count_a, count_b))


def _union_mask(parts: Sequence[Detection]) -> CropMask | None:
    masks = [d.mask for d in parts if d.mask is not None]
    if not masks:
        return None
    x0, y0 = min(m.x0 for m in masks), min(m.y0 for m in masks)
    x1, y1 = max(m.x1 for m in masks), max(m.y1 for m in masks)
    canvas = np.zeros((y1 - y0, x1 - x0), dtype=bool)
    for m in masks:
        canvas[m.y0 - y0 : m.y1 - y0, m.x0 - x0 : m.x1 - x0] |= m.data
    return CropMask(x0, y0, canvas).trimmed()


def _merge_group(parts: Sequence[Detection]) -> Detection:
    boxes = np.array([d.box for d in parts], dtype=np.float64)
    box = (
        float(boxes[:, 0].min()),
        float(boxes[:, 1].min()),
        float(boxes[:, 2].max()),
        float(boxes[:, 3].max()),
    )
    best = max(parts, key=lambda d: d.score)
    return Detection(best.class_id, best.score, box, _union_mask(parts))


def _candidate_pairs(found: Sequence[TiledDetection], tiles: Sequence[Rect]) -> list[tuple[int, int, Rect]]:
    """(i, j, shared area) for detections of neighbouring tiles whose masks reach the shared area."""
    by_tile: dict[int, list[int]] = {}
    for index, item in enumerate(found):
        if item.detection.mask is not None:
            by_tile.setdefault(item.tile, []).append(index)
    pairs: list[tuple[int, int, Rect]] = []
    tile_ids = sorted(by_tile)
    for pos, ta in enumerate(tile_ids):
        for tb in tile_ids[pos + 1 :]:
            shared = _intersect(_grow(tiles[ta], 1), _grow(tiles[tb], 1))
            if shared is None:
                continue
            near_a = [i for i in by_tile[ta] if _reaches(found[i], shared)]
            near_b = [j for j in by_tile[tb] if _reaches(found[j], shared)]
            pairs.extend(
                (i, j, shared)
                for i in near_a
                for j in near_b
                if found[i].detection.class_id == found[j].detection.class_id
            )
    return pairs


def _reaches(item: TiledDetection, rect: Rect) -> bool:
    mask = item.detection.mask
    return mask is not None and _intersect(_mask_rect(mask), rect) is not None


def merge_across_tiles(found: Sequence[TiledDetection], tiles: Sequence[Rect]) -> list[MergedDetection]:
    """One detection per object: parts from different tiles that overlap or touch are joined."""
    groups = _UnionFind(len(found))
    for i, j, shared in _candidate_pairs(found, tiles):
        a, b = found[i].detection.mask, found[j].detection.mask
        if (
            a is not None
            and b is not None
            and groups.find(i) != groups.find(j)
            and _same_object(a, b, shared)
        ):
            groups.union(i, j)
    members: dict[int, list[Detection]] = {}
    for index, item in enumerate(found):
        members.setdefault(groups.find(index), []).append(item.detection)
    merged = [
        MergedDetection(parts[0] if len(parts) == 1 else _merge_group(parts), len(parts))
        for parts in members.values()
    ]
    merged.sort(key=lambda m: -m.detection.score)
    return merged


def predict_tiled(
    predictor: Predictor,
    image: RGBImage,
    tile_size: int,
    overlap: float,
    options: InferenceOptions,
    progress: ProgressCallback | None = None,
) -> tuple[list[MergedDetection], int]:
    """Tiled prediction of a whole image: (merged detections, number of tiles)."""
    height, width = image.shape[:2]
    tiles = tile_grid(width, height, tile_size, overlap)
    found = predict_tiles(predictor, image, tiles, options, progress)
    return merge_across_tiles(found, tiles), len(tiles)
