"""Generated photos with known ground truth for the inspection tests.

- `concrete(seed, w, h)`: the synthetic generator's concrete surface (no cracks), BGR.
- `with_marker(image, homography, ...)`: an ArUco marker (with its white quiet zone) drawn through a
  homography from marker pixels, so its side in image pixels is known exactly.
- `tilted_square(theta, ...)`: where a pinhole camera sees a square turned `theta` degrees away.
- `GrowthPair`: a wall photographed twice. The second photo is rotated, scaled and shifted; in it the
  crack is longer and wider and a second crack has appeared. Masks are drawn directly in each photo's
  pixels from the same centre-line, so the true tip-to-tip lengths are known without measuring.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from app.data.synthetic import render_crack_image

BGR = npt.NDArray[np.uint8]
Mask = npt.NDArray[np.bool_]
Points = npt.NDArray[np.float64]
MARKER_QUIET_ZONE = 0.2  # white margin around the marker, as a fraction of its side


def concrete(seed: int, width: int, height: int) -> BGR:
    rgb, _ = render_crack_image(np.random.default_rng(seed), width, height, n_cracks=0)
    return np.ascontiguousarray(rgb[:, :, ::-1])


def marker_image(marker_id: int, side_px: int, dictionary: int = cv2.aruco.DICT_4X4_50) -> tuple[BGR, int]:
    """The marker with a white quiet zone, and the zone's width in px (the marker starts there)."""
    marker = cv2.aruco.generateImageMarker(cv2.aruco.getPredefinedDictionary(dictionary), marker_id, side_px)
    pad = round(MARKER_QUIET_ZONE * side_px)
    framed = cv2.copyMakeBorder(marker, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)
    return cv2.cvtColor(framed, cv2.COLOR_GRAY2BGR), pad


def with_marker(
    image: BGR,
    homography: npt.NDArray[np.float64],
    side_px: int,
    marker_id: int = 7,
    dictionary: int = cv2.aruco.DICT_4X4_50,
) -> BGR:
    """`image` with the framed marker (marker pixels mapped by `homography`) blended in."""
    framed, _ = marker_image(marker_id, side_px, dictionary)
    size = (image.shape[1], image.shape[0])
    warped = cv2.warpPerspective(framed, homography, size, flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(
        np.full(framed.shape[:2], 255, np.uint8), homography, size, flags=cv2.INTER_AREA
    )
    alpha = (cover.astype(np.float32) / 255.0)[:, :, None]
    return np.clip(image * (1.0 - alpha) + warped * alpha, 0, 255).astype(np.uint8)


def similarity(scale: float, angle_deg: float, tx: float, ty: float) -> npt.NDArray[np.float64]:
    c, s = scale * math.cos(math.radians(angle_deg)), scale * math.sin(math.radians(angle_deg))
    return np.array([[c, -s, tx], [s, c, ty], [0.0, 0.0, 1.0]])


def marker_corners_homography(side_px: int, target: Points) -> npt.NDArray[np.float64]:
    """The homography sending the framed marker's four marker corners onto `target` (4 x 2)."""
    pad = round(MARKER_QUIET_ZONE * side_px)
    source = np.float32(
        [[pad, pad], [pad + side_px, pad], [pad + side_px, pad + side_px], [pad, pad + side_px]]
    )
    return cv2.getPerspectiveTransform(source, target.astype(np.float32)).astype(np.float64)


def tilted_square(
    theta_deg: float, half_side: float, focal: float, distance: float, centre: tuple[float, float]
) -> Points:
    """Image corners of a square (side 2 * half_side) turned theta about the vertical axis, pinhole camera."""
    t = math.radians(theta_deg)
    square = np.array(
        [
            [-half_side, -half_side, 0],
            [half_side, -half_side, 0],
            [half_side, half_side, 0],
            [-half_side, half_side, 0],
        ]
    )
    rotation = np.array([[math.cos(t), 0, math.sin(t)], [0, 1, 0], [-math.sin(t), 0, math.cos(t)]])
    points = square @ rotation.T + np.array([0.0, 0.0, distance])
    return np.stack(
        [focal * points[:, 0] / points[:, 2] + centre[0], focal * points[:, 1] / points[:, 2] + centre[1]],
        axis=1,
    )


# --------------------------------------------------------------------------------------------------
# Cracks with a known centre-line
# --------------------------------------------------------------------------------------------------


def centre_line(start: tuple[float, float], heading_deg: float, length: float, bend: float) -> Points:
    """A gently bending path, sampled every 0.5 px of arc length (so its polyline length is `length`)."""
    n = max(2, round(length / 0.5) + 1)
    s = np.linspace(0.0, length, n)
    headings = math.radians(heading_deg) + bend * np.sin(s / max(length, 1.0) * math.pi) * 0.5
    steps = np.diff(s)
    dx = np.concatenate([[0.0], np.cumsum(steps * np.cos(headings[:-1]))])
    dy = np.concatenate([[0.0], np.cumsum(steps * np.sin(headings[:-1]))])
    return np.stack([start[0] + dx, start[1] + dy], axis=1)


def polyline_length(points: Points) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def draw_crack(shape: tuple[int, int], points: Points, width_px: float) -> Mask:
    """The crack's region: the centre-line drawn `width_px` thick with round ends (sub-pixel, shift 4)."""
    mask = np.zeros(shape, np.uint8)
    fixed = np.rint(points * 16).astype(np.int32).reshape(-1, 1, 2)
    cv2.polylines(mask, [fixed], False, 1, max(1, round(width_px)), cv2.LINE_8, 4)
    return mask.astype(bool)


def darken(image: BGR, masks: list[Mask], depth: float = 0.6) -> BGR:
    """Cracks as dark shadows with a soft edge."""
    region = np.zeros(image.shape[:2], np.float32)
    for mask in masks:
        region = np.maximum(region, mask.astype(np.float32))
    alpha = np.maximum(region * depth, cv2.GaussianBlur(region, (0, 0), 1.0) * depth * 0.6)
    return np.clip(image * (1.0 - alpha[:, :, None]), 0, 255).astype(np.uint8)


def transform_points(matrix: npt.NDArray[np.float64], points: Points) -> Points:
    homogeneous = np.hstack([points, np.ones((len(points), 1))]) @ matrix.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]


@dataclass
class GrowthPair:
    old_image: BGR
    new_image: BGR
    old_masks: list[Mask]
    new_masks: list[Mask]  # [the grown crack, the new crack]
    mm_per_px_old: float
    mm_per_px_new: float
    true_old_length_mm: float
    true_length_change_mm: float
    true_width_change_mm: float
    view: npt.NDArray[np.float64]  # old pixels -> new pixels


def growth_pair(
    seed: int = 5,
    size: tuple[int, int] = (900, 700),
    angle_deg: float = 4.0,
    scale: float = 1.05,
    mm_per_px_old: float = 0.5,
) -> GrowthPair:
    width, height = size
    wall = concrete(seed, width, height)
    old_line = centre_line((240.0, 260.0), 18.0, 260.0, 0.5)
    grown_line = _extend(old_line, 120.0)
    fresh_line = centre_line((200.0, 520.0), -8.0, 220.0, -0.4)
    old_width, new_width = 4.0, 6.0
    old_mask = draw_crack((height, width), old_line, old_width)
    old_image = darken(wall, [old_mask])
    # The new visit: the same wall with the grown crack and a new one, seen rotated, closer and shifted.
    centre = np.array([width / 2.0, height / 2.0])
    view = similarity(scale, angle_deg, 0.0, 0.0)
    view[:2, 2] = centre + np.array([12.0, -9.0]) - view[:2, :2] @ centre
    world_new = darken(
        wall,
        [draw_crack((height, width), grown_line, new_width), draw_crack((height, width), fresh_line, 3.0)],
    )
    new_image = cv2.warpAffine(
        world_new, view[:2], (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )
    new_image = _relight(new_image, np.random.default_rng(seed + 1))
    new_masks = [
        draw_crack((height, width), transform_points(view, grown_line), new_width * scale),
        draw_crack((height, width), transform_points(view, fresh_line), 3.0 * scale),
    ]
    mm_per_px_new = mm_per_px_old / scale
    old_tip_to_tip = polyline_length(old_line) + old_width
    new_tip_to_tip = polyline_length(grown_line) + new_width
    return GrowthPair(
        old_image=old_image,
        new_image=new_image,
        old_masks=[old_mask],
        new_masks=new_masks,
        mm_per_px_old=mm_per_px_old,
        mm_per_px_new=mm_per_px_new,
        true_old_length_mm=old_tip_to_tip * mm_per_px_old,
        true_length_change_mm=(new_tip_to_tip - old_tip_to_tip) * mm_per_px_old,
        true_width_change_mm=(new_width - old_width) * mm_per_px_old,
        view=view,
    )


def _extend(line: Points, extra: float) -> Points:
    """The same centre-line continued `extra` px along a gentle curve from its end."""
    direction = line[-1] - line[-5]
    heading = math.degrees(math.atan2(direction[1], direction[0]))
    tail = centre_line((float(line[-1, 0]), float(line[-1, 1])), heading, extra, 0.3)
    return np.vstack([line, tail[1:]])


def _relight(image: BGR, rng: np.random.Generator) -> BGR:
    """Another day's light: a little darker, a slight gradient and sensor noise."""
    width = image.shape[1]
    gradient = np.linspace(0.9, 1.0, width, dtype=np.float32)[None, :, None]
    noisy = image * gradient + rng.normal(0.0, 2.0, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)
