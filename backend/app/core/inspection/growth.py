"""Crack growth between two photos of the same element taken at two inspections.

1. **Register** (`register`): ORB features on both photos (grey, contrast-equalised, long side brought
   to at most 1600 px; SIFT when ORB cannot align them; AKAZE is not in OpenCV 5's main module),
   ratio-tested matches, a RANSAC (MAGSAC++) homography mapping old pixels to new ones. It refuses,
   with `AlignmentFailed(reason)`, a blank photo (too few features), an unrelated pair
   (too few matches agreeing on one homography) and a homography that would mirror, fold or stretch the
   photo beyond 3x. Quality in [0, 1]: sqrt(min(1, inliers / 100)) * sqrt(min(1, inlier ratio / 0.5))
   * (1 - RMS reprojection error / (2 * RANSAC threshold)).
2. **Match** (`compare_cracks`): each old crack mask is warped into the new photo; it matches the new
   crack that covers the largest part of it (new mask dilated by a tolerance that grows with the
   registration error), one to one, greedily, when at least 30 % is covered. Unmatched new cracks are
   new; unmatched old ones disappeared (repaired, hidden, or missed by the model).
3. **Measure** with `core.measure.measure_crack` in each photo's own pixels. Changes in px are in the new
   photo's pixels (the old value times the homography's local scale at the crack); in mm when both
   photos have a scale (each measured with its own).
4. **Overlay** (`growth_overlay`): the new photo, dimmed, with the old cracks (warped) in blue, the new
   ones in red and where they coincide in magenta.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np
import numpy.typing as npt

from app.core.measure import SeverityBands, measure_crack

BGRImage = npt.NDArray[np.uint8]
BoolMask = npt.NDArray[np.bool_]
Matrix = npt.NDArray[np.float64]

WORK_MAX_SIDE = 1600
ORB_FEATURES = 5000
SIFT_FEATURES = 4000
SIFT_RATIO_TEST = 0.75
MIN_FEATURES = 40
MIN_MATCHES = 15
MIN_INLIERS = 20
MIN_INLIER_RATIO = 0.15
RATIO_TEST = 0.8
RANSAC_THRESHOLD_PX = 3.0  # in working (downscaled) pixels
MAX_SCALE_CHANGE = 3.0
BLANK_STD = 2.0  # grey-level standard deviation below which a photo has nothing to register
MATCH_MIN_COVERAGE = 0.3
OLD_COLOUR = (255, 128, 0)  # BGR blue
NEW_COLOUR = (0, 0, 255)  # red
BOTH_COLOUR = (255, 0, 255)  # magenta

ChangeStatus = Literal["matched", "new", "disappeared"]
FeatureMethod = Literal["orb", "sift"]
FEATURE_METHODS: tuple[FeatureMethod, ...] = ("orb", "sift")


class AlignmentFailed(Exception):
    """The two photos could not be aligned; `reason` says why in words for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Registration:
    homography: Matrix  # 3 x 3, old photo pixels -> new photo pixels
    quality: float  # 0 (useless) to 1
    inliers: int
    matches: int
    reprojection_error_px: float  # RMS over the inliers, in new-photo pixels
    scale: float  # new px per old px at the old photo's centre
    rotation_deg: float  # counter-clockwise as seen on screen
    old_size: tuple[int, int]  # (width, height)
    new_size: tuple[int, int]
    method: FeatureMethod = "orb"  # the features that aligned the pair

    def as_dict(self) -> dict[str, Any]:
        return {
            "homography": [[round(float(v), 10) for v in row] for row in self.homography],
            "quality": self.quality,
            "inliers": self.inliers,
            "matches": self.matches,
            "reprojection_error_px": self.reprojection_error_px,
            "scale": self.scale,
            "rotation_deg": self.rotation_deg,
            "old_size": list(self.old_size),
            "new_size": list(self.new_size),
            "method": self.method,
        }

    def map_points(self, points: npt.ArrayLike) -> Matrix:
        """Old-photo (x, y) points in new-photo pixels."""
        array = np.asarray(points, dtype=np.float64).reshape(-1, 1, 2)
        mapped = cv2.perspectiveTransform(array, self.homography)
        return np.asarray(mapped, dtype=np.float64).reshape(-1, 2)

    def local_scale(self, x: float, y: float) -> float:
        """New px per old px near old-photo point (x, y) (sqrt of the Jacobian's determinant)."""
        p, px, py = self.map_points([[x, y], [x + 1.0, y], [x, y + 1.0]])
        return math.sqrt(abs(float(np.cross(px - p, py - p))))


@dataclass(frozen=True)
class CrackChange:
    status: ChangeStatus
    old_index: int | None  # position in the old / new mask lists
    new_index: int | None
    overlap: float | None  # share of the old crack covered by the new one (matched only)
    old_length_px: float | None  # in the old photo's pixels
    new_length_px: float | None
    old_width_max_px: float | None
    new_width_max_px: float | None
    length_change_px: float | None  # in the new photo's pixels
    width_change_px: float | None
    old_length_mm: float | None
    new_length_mm: float | None
    old_width_max_mm: float | None
    new_width_max_mm: float | None
    length_change_mm: float | None
    width_change_mm: float | None
    old_severity: str | None
    new_severity: str | None
    length_change_pct: float | None = None  # relative to the old length


@dataclass(frozen=True)
class GrowthResult:
    changes: tuple[CrackChange, ...]
    registration_quality: float
    in_mm: bool  # both photos had a scale

    @property
    def matched(self) -> list[CrackChange]:
        return [c for c in self.changes if c.status == "matched"]

    @property
    def new(self) -> list[CrackChange]:
        return [c for c in self.changes if c.status == "new"]

    @property
    def disappeared(self) -> list[CrackChange]:
        return [c for c in self.changes if c.status == "disappeared"]


# --------------------------------------------------------------------------------------------------
# Registration
# --------------------------------------------------------------------------------------------------


def register(
    old_bgr: BGRImage, new_bgr: BGRImage, *, methods: Sequence[FeatureMethod] = FEATURE_METHODS
) -> Registration:
    """The homography taking the old photo onto the new one, or AlignmentFailed with the reason.

    Tries ORB first (fast, binary descriptors), then SIFT (slower, more distinctive on faint texture);
    the reason given is the last method's.
    """
    old_grey, old_factor = _working_grey(old_bgr, "old")
    new_grey, new_factor = _working_grey(new_bgr, "new")
    old_size = (int(old_bgr.shape[1]), int(old_bgr.shape[0]))
    new_size = (int(new_bgr.shape[1]), int(new_bgr.shape[0]))
    failure = AlignmentFailed("No feature method was tried.")
    for method in methods:
        try:
            fit = _fit(method, old_grey, new_grey)
            to_full_new = np.diag([1.0 / new_factor, 1.0 / new_factor, 1.0])
            homography = to_full_new @ fit.working @ np.diag([old_factor, old_factor, 1.0])
            homography /= homography[2, 2]
            scale, rotation = _check_shape(homography, old_size)
        except AlignmentFailed as exc:
            failure = exc
            continue
        quality = (
            math.sqrt(min(1.0, fit.inliers / 100.0))
            * math.sqrt(min(1.0, fit.inliers / fit.matches / 0.5))
            * max(0.0, 1.0 - fit.rms_working / (2.0 * RANSAC_THRESHOLD_PX))
        )
        return Registration(
            homography=homography,
            quality=round(quality, 3),
            inliers=fit.inliers,
            matches=fit.matches,
            reprojection_error_px=round(fit.rms_working / new_factor, 3),
            scale=round(scale, 4),
            rotation_deg=round(rotation, 2),
            old_size=old_size,
            new_size=new_size,
            method=method,
        )
    raise failure


@dataclass(frozen=True)
class _Fit:
    working: Matrix  # homography in working (downscaled) pixels
    inliers: int
    matches: int
    rms_working: float


def _fit(method: FeatureMethod, old_grey: npt.NDArray[np.uint8], new_grey: npt.NDArray[np.uint8]) -> _Fit:
    """Features, ratio-tested matches and a MAGSAC++ homography with `method`."""
    if method == "orb":
        detector: cv2.Feature2D = cv2.ORB.create(
            nfeatures=ORB_FEATURES, scaleFactor=1.2, nlevels=8, fastThreshold=10
        )
        norm, ratio = cv2.NORM_HAMMING, RATIO_TEST
    elif method == "sift":
        detector = cv2.SIFT.create(nfeatures=SIFT_FEATURES)
        norm, ratio = cv2.NORM_L2, SIFT_RATIO_TEST
    else:
        raise ValueError(f"unknown feature method {method!r}")
    old_points, old_desc = _features(detector, old_grey, "old")
    new_points, new_desc = _features(detector, new_grey, "new")
    pairs = cv2.BFMatcher(norm).knnMatch(old_desc, new_desc, k=2)
    good = [p[0] for p in pairs if len(p) == 2 and p[0].distance < ratio * p[1].distance]
    if len(good) < MIN_MATCHES:
        raise AlignmentFailed(
            f"Only {len(good)} features match between the photos: they do not seem to show the same element."
        )
    src = np.array([old_points[m.queryIdx] for m in good], dtype=np.float64)
    dst = np.array([new_points[m.trainIdx] for m in good], dtype=np.float64)
    found, inlier_mask = cv2.findHomography(src, dst, cv2.USAC_MAGSAC, RANSAC_THRESHOLD_PX, maxIters=10000)
    inliers = int(inlier_mask.sum()) if inlier_mask is not None else 0
    if found is None or inliers < MIN_INLIERS or inliers < MIN_INLIER_RATIO * len(good):
        raise AlignmentFailed(
            f"Only {inliers} of {len(good)} feature matches agree on one alignment: the photos do not seem "
            "to show the same element from a comparable viewpoint."
        )
    working = np.asarray(found, dtype=np.float64)
    keep = inlier_mask.ravel().astype(bool)
    return _Fit(working, inliers, len(good), _rms_error(working, src[keep], dst[keep]))


def _working_grey(image: BGRImage, which: str) -> tuple[npt.NDArray[np.uint8], float]:
    """Grey, equalised, long side at most WORK_MAX_SIDE; with the factor applied (working / original)."""
    if image.ndim != 3 or image.shape[2] != 3 or image.shape[0] < 16 or image.shape[1] < 16:
        raise AlignmentFailed(f"The {which} photo is not a colour image of at least 16 x 16 px.")
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if float(grey.std()) < BLANK_STD:
        raise AlignmentFailed(f"The {which} photo is blank (a single colour): there is nothing to align.")
    factor = min(1.0, WORK_MAX_SIDE / max(grey.shape))
    if factor < 1.0:
        grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))  # evens out lighting between visits
    return np.asarray(clahe.apply(grey), dtype=np.uint8), factor


def _features(
    detector: cv2.Feature2D, grey: npt.NDArray[np.uint8], which: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[Any]]:
    keypoints, descriptors = detector.detectAndCompute(grey, None)
    if descriptors is None or len(keypoints) < MIN_FEATURES:
        raise AlignmentFailed(
            f"The {which} photo has only {len(keypoints)} distinctive features (blank, blurred or "
            "over-exposed?): it cannot be aligned."
        )
    return np.array([k.pt for k in keypoints], dtype=np.float64), np.asarray(descriptors)


def _rms_error(homography: Matrix, src: Matrix, dst: Matrix) -> float:
    projected = cv2.perspectiveTransform(src.reshape(-1, 1, 2), homography).reshape(-1, 2)
    return float(np.sqrt(np.mean(np.sum((projected - dst) ** 2, axis=1))))


def _check_shape(homography: Matrix, old_size: tuple[int, int]) -> tuple[float, float]:
    """(scale, rotation) at the old photo's centre; AlignmentFailed for a folding or extreme mapping."""
    width, height = old_size
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64).reshape(-1, 1, 2)
    mapped = cv2.perspectiveTransform(corners, homography).reshape(-1, 2)
    if not cv2.isContourConvex(mapped.astype(np.float32).reshape(-1, 1, 2)):
        raise AlignmentFailed(
            "The only alignment found would fold the photo: the viewpoints differ too much."
        )
    area_ratio = abs(cv2.contourArea(mapped.astype(np.float32))) / float(width * height)
    cx, cy = width / 2.0, height / 2.0
    centre = cv2.perspectiveTransform(
        np.array([[[cx, cy], [cx + 1, cy], [cx, cy + 1]]], dtype=np.float64), homography
    )[0]
    jacobian = np.stack([centre[1] - centre[0], centre[2] - centre[0]], axis=1)
    determinant = float(np.linalg.det(jacobian))
    if determinant <= 0:
        raise AlignmentFailed(
            "The only alignment found would mirror the photo: they do not show the same view."
        )
    scale = math.sqrt(determinant)
    if not (1 / MAX_SCALE_CHANGE**2 <= area_ratio <= MAX_SCALE_CHANGE**2) or not (
        1 / MAX_SCALE_CHANGE <= scale <= MAX_SCALE_CHANGE
    ):
        raise AlignmentFailed(
            f"The alignment found changes the scale {scale:.2f}x: more than {MAX_SCALE_CHANGE:g}x between "
            "the photos."
        )
    rotation = math.degrees(math.atan2(-float(jacobian[1, 0]), float(jacobian[0, 0])))
    return scale, rotation


# --------------------------------------------------------------------------------------------------
# Matching and change
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """A boolean mask crop placed at (x0, y0) of a photo."""

    x0: int
    y0: int
    data: BoolMask

    @property
    def area(self) -> int:
        return int(np.count_nonzero(self.data))


def compare_cracks(
    old_masks: Sequence[BoolMask],
    new_masks: Sequence[BoolMask],
    registration: Registration,
    mm_per_px_old: float | None,
    mm_per_px_new: float | None,
    *,
    bands: SeverityBands | None = None,
) -> GrowthResult:
    """Per-crack change between full-size boolean masks of the old photo and of the new one.

    Indexes in the result are positions in the given lists. An empty mask is no crack: it is skipped.
    """
    old_kept = _usable(old_masks, registration.old_size, "old")
    new_kept = _usable(new_masks, registration.new_size, "new")
    in_mm = bool(mm_per_px_old and mm_per_px_new)
    old_m = {i: measure_crack(old_masks[i], mm_per_px=mm_per_px_old, bands=bands) for i in old_kept}
    new_m = {j: measure_crack(new_masks[j], mm_per_px=mm_per_px_new, bands=bands) for j in new_kept}
    warped = [_warp_mask(old_masks[i], registration) for i in old_kept]
    tolerance = max(3, round(3.0 * registration.reprojection_error_px) + 2)
    dilated_new = [_dilate(_crop(new_masks[j]), tolerance) for j in new_kept]
    pairs = [(old_kept[a], new_kept[b], overlap) for a, b, overlap in _match(warped, dilated_new)]
    changes = [
        _matched_change(i, j, overlap, old_m[i], new_m[j], old_masks[i], registration, in_mm)
        for i, j, overlap in pairs
    ]
    matched_new = {j for _, j, _ in pairs}
    matched_old = {i for i, _, _ in pairs}
    changes += [_lone_change("new", j, new_m[j]) for j in new_kept if j not in matched_new]
    changes += [_lone_change("disappeared", i, old_m[i]) for i in old_kept if i not in matched_old]
    return GrowthResult(tuple(changes), registration.quality, in_mm)


def _usable(masks: Sequence[BoolMask], size: tuple[int, int], which: str) -> list[int]:
    """Positions of the non-empty masks; ValueError for a mask that is not the photo's size."""
    kept = []
    for index, mask in enumerate(masks):
        if mask.shape != (size[1], size[0]):
            raise ValueError(
                f"{which} mask {index} is {mask.shape[1]} x {mask.shape[0]}, the photo {size[0]} x {size[1]}"
            )
        if mask.any():
            kept.append(index)
    return kept


def _crop(mask: BoolMask) -> _Placed:
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    return _Placed(x0, y0, np.ascontiguousarray(mask[y0:y1, x0:x1]))


def _dilate(placed: _Placed, radius: int) -> _Placed:
    padded = np.pad(placed.data, radius).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    return _Placed(placed.x0 - radius, placed.y0 - radius, cv2.dilate(padded, kernel).astype(bool))


def _warp_mask(mask: BoolMask, registration: Registration) -> _Placed:
    """The old mask in new-photo pixels, warping only its bounding box (no full-size canvas per crack)."""
    source = _crop(mask)
    h, w = source.data.shape
    sx, sy = source.x0, source.y0
    corners = np.array([[sx, sy], [sx + w, sy], [sx + w, sy + h], [sx, sy + h]], dtype=np.float64)
    mapped = registration.map_points(corners)
    new_w, new_h = registration.new_size
    x0, y0 = (max(0, math.floor(v) - 1) for v in mapped.min(axis=0))
    x1 = min(new_w, math.ceil(mapped[:, 0].max()) + 2)
    y1 = min(new_h, math.ceil(mapped[:, 1].max()) + 2)
    if x1 <= x0 or y1 <= y0:  # the crack lies outside the new photo
        return _Placed(0, 0, np.zeros((0, 0), dtype=bool))
    local = (
        np.array([[1.0, 0, -x0], [0, 1.0, -y0], [0, 0, 1.0]])
        @ registration.homography
        @ np.array([[1.0, 0, sx], [0, 1.0, sy], [0, 0, 1.0]])
    )
    warped = cv2.warpPerspective(
        source.data.astype(np.uint8) * 255, local, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR
    )
    return _Placed(x0, y0, warped >= 128)


def _coverage(old: _Placed, new: _Placed) -> float:
    """Share of `old`'s pixels that `new` covers."""
    if old.area == 0:
        return 0.0
    x0, y0 = max(old.x0, new.x0), max(old.y0, new.y0)
    x1 = min(old.x0 + old.data.shape[1], new.x0 + new.data.shape[1])
    y1 = min(old.y0 + old.data.shape[0], new.y0 + new.data.shape[0])
    if x1 <= x0 or y1 <= y0:
        return 0.0
    a = old.data[y0 - old.y0 : y1 - old.y0, x0 - old.x0 : x1 - old.x0]
    b = new.data[y0 - new.y0 : y1 - new.y0, x0 - new.x0 : x1 - new.x0]
    return float(np.count_nonzero(a & b)) / old.area


def _match(warped_old: Sequence[_Placed], dilated_new: Sequence[_Placed]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (old, new, coverage), best coverage first, each at least MATCH_MIN_COVERAGE."""
    scores = [
        (_coverage(old, new), i, j) for i, old in enumerate(warped_old) for j, new in enumerate(dilated_new)
    ]
    pairs: list[tuple[int, int, float]] = []
    used_old: set[int] = set()
    used_new: set[int] = set()
    for score, i, j in sorted(scores, key=lambda s: (-s[0], s[1], s[2])):
        if score < MATCH_MIN_COVERAGE:
            break
        if i not in used_old and j not in used_new:
            pairs.append((i, j, round(score, 3)))
            used_old.add(i)
            used_new.add(j)
    return pairs


def _matched_change(
    old_index: int,
    new_index: int,
    overlap: float,
    before: dict[str, Any],
    after: dict[str, Any],
    old_mask: BoolMask,
    registration: Registration,
    in_mm: bool,
) -> CrackChange:
    ys, xs = np.nonzero(old_mask)
    scale = registration.local_scale(float(xs.mean()), float(ys.mean()))
    length_change_px = after["length_px"] - before["length_px"] * scale
    return CrackChange(
        status="matched",
        old_index=old_index,
        new_index=new_index,
        overlap=overlap,
        old_length_px=before["length_px"],
        new_length_px=after["length_px"],
        old_width_max_px=before["width_max_px"],
        new_width_max_px=after["width_max_px"],
        length_change_px=round(length_change_px, 2),
        width_change_px=round(after["width_max_px"] - before["width_max_px"] * scale, 2),
        old_length_mm=before["length_mm"],
        new_length_mm=after["length_mm"],
        old_width_max_mm=before["width_max_mm"],
        new_width_max_mm=after["width_max_mm"],
        length_change_mm=round(after["length_mm"] - before["length_mm"], 3) if in_mm else None,
        width_change_mm=round(after["width_max_mm"] - before["width_max_mm"], 3) if in_mm else None,
        old_severity=before["severity"],
        new_severity=after["severity"],
        length_change_pct=round(100.0 * length_change_px / (before["length_px"] * scale), 1),
    )


def _lone_change(status: ChangeStatus, index: int, measurement: dict[str, Any]) -> CrackChange:
    is_new = status == "new"
    side = {
        "length_px": measurement["length_px"],
        "width_max_px": measurement["width_max_px"],
        "length_mm": measurement["length_mm"],
        "width_max_mm": measurement["width_max_mm"],
        "severity": measurement["severity"],
    }
    empty = dict.fromkeys(side)
    after, before = (side, empty) if is_new else (empty, side)
    return CrackChange(
        status=status,
        old_index=None if is_new else index,
        new_index=index if is_new else None,
        overlap=None,
        old_length_px=before["length_px"],
        new_length_px=after["length_px"],
        old_width_max_px=before["width_max_px"],
        new_width_max_px=after["width_max_px"],
        length_change_px=None,
        width_change_px=None,
        old_length_mm=before["length_mm"],
        new_length_mm=after["length_mm"],
        old_width_max_mm=before["width_max_mm"],
        new_width_max_mm=after["width_max_mm"],
        length_change_mm=None,
        width_change_mm=None,
        old_severity=before["severity"],
        new_severity=after["severity"],
    )


# --------------------------------------------------------------------------------------------------
# Overlay
# --------------------------------------------------------------------------------------------------


def growth_overlay(
    old_bgr: BGRImage,
    new_bgr: BGRImage,
    old_masks: Sequence[BoolMask],
    new_masks: Sequence[BoolMask],
    registration: Registration,
) -> BGRImage:
    """The new photo (dimmed grey) with old cracks in blue, new ones in red, both in magenta.

    The outline of the old photo's footprint is drawn in white so the user sees what the two share.
    """
    del old_bgr  # the old cracks come from their masks; the old photo's pixels are not drawn
    new_w, new_h = registration.new_size
    if new_bgr.shape[:2] != (new_h, new_w):
        raise ValueError("the new photo's size does not match the registration")
    grey = cv2.cvtColor(new_bgr, cv2.COLOR_BGR2GRAY)
    canvas = np.asarray(cv2.cvtColor((grey * 0.6).astype(np.uint8), cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    old_union = np.zeros((new_h, new_w), dtype=bool)
    for mask in old_masks:
        placed = _warp_mask(mask, registration)
        h, w = placed.data.shape
        old_union[placed.y0 : placed.y0 + h, placed.x0 : placed.x0 + w] |= placed.data
    new_union = np.zeros((new_h, new_w), dtype=bool)
    for mask in new_masks:
        new_union |= mask
    canvas[old_union & ~new_union] = OLD_COLOUR
    canvas[new_union & ~old_union] = NEW_COLOUR
    canvas[old_union & new_union] = BOTH_COLOUR
    ow, oh = registration.old_size
    footprint = registration.map_points([[0, 0], [ow, 0], [ow, oh], [0, oh]])
    cv2.polylines(canvas, [np.rint(footprint).astype(np.int32).reshape(-1, 1, 2)], True, (255, 255, 255), 1)
    _legend(canvas)
    return canvas


def _legend(canvas: BGRImage) -> None:
    scale = max(0.4, min(canvas.shape[:2]) / 900.0)
    thickness = max(1, round(scale * 1.5))
    y = round(22 * scale)
    x = round(8 * scale)
    for text, colour in (("before", OLD_COLOUR), ("after", NEW_COLOUR), ("both", BOTH_COLOUR)):
        (tw, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
        cv2.putText(canvas, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness, cv2.LINE_AA)
        x += tw + round(14 * scale)
