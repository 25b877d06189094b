"""Scene variety for the synthetic crack generator: asphalt surfaces and look-alike distractors.

Real inspection photos hold dark, line-like or blotchy things that are not cracks: saw-cut or sealed
joints, stains, cast shadows and spalls. A model that only ever saw cracks on clean concrete learns
"dark = crack"; these distractors (never labelled) make it learn the crack's shape instead.

Every function works on a float grey image (roughly 0-255) and draws from the generator it is given,
so a sample stays a pure function of its seed.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

# (cell size in px, amplitude in grey levels) of asphalt's coarser, darker texture.
_ASPHALT_OCTAVES: tuple[tuple[int, float], ...] = ((64, 6.0), (24, 5.0), (8, 6.0), (3, 7.0))
DISTRACTOR_KINDS: tuple[str, ...] = ("joint", "stain", "shadow", "spall")


def _noise(rng: np.random.Generator, width: int, height: int, cell: int) -> FloatArray:
    grid_h, grid_w = math.ceil(height / cell) + 1, math.ceil(width / cell) + 1
    grid = rng.standard_normal((grid_h, grid_w), dtype=np.float32)
    upsampled = cv2.resize(grid, (grid_w * cell, grid_h * cell), interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(upsampled[:height, :width])


def asphalt_texture(rng: np.random.Generator, width: int, height: int) -> FloatArray:
    """Dark bitumen with light and dark aggregate stones (float grey, roughly 40-160)."""
    texture = np.full((height, width), rng.uniform(70.0, 115.0), np.float32)
    for cell, amplitude in _ASPHALT_OCTAVES:
        texture += amplitude * _noise(rng, width, height, cell)
    stones = np.zeros((height, width), np.float32)
    count = int(width * height / 90 * rng.uniform(0.6, 1.3))
    xs, ys = rng.uniform(0, width, count), rng.uniform(0, height, count)
    radii = np.clip(0.8 + rng.exponential(1.1, count), 0.8, 4.5)
    values = np.where(rng.random(count) < 0.55, rng.uniform(18, 55, count), -rng.uniform(10, 30, count))
    for x, y, r, v in zip(xs, ys, radii, values, strict=True):
        axes = (max(1, round(r * 8)), max(1, round(r * 8 * rng.uniform(0.5, 1.0))))
        angle = float(rng.uniform(0, 180))
        cv2.ellipse(stones, (round(x * 8), round(y * 8)), axes, angle, 0, 360, float(v), -1, cv2.LINE_8, 3)
    texture += cv2.GaussianBlur(stones, (0, 0), 0.6)
    texture += 4.0 * rng.standard_normal((height, width), dtype=np.float32)
    return texture


def _soft_blob(rng: np.random.Generator, width: int, height: int, radius: float) -> FloatArray:
    """A blotchy region in [0, 1]: a noisy ellipse with a soft edge."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = rng.uniform(0.1, 0.9) * width, rng.uniform(0.1, 0.9) * height
    aspect, angle = rng.uniform(0.5, 1.0), rng.uniform(0, math.pi)
    dx, dy = xx - cx, yy - cy
    u = (dx * math.cos(angle) + dy * math.sin(angle)) / radius
    v = (-dx * math.sin(angle) + dy * math.cos(angle)) / (radius * aspect)
    edge = np.sqrt(u**2 + v**2) + 0.35 * _noise(rng, width, height, max(4, int(radius / 3)))
    return np.clip((1.15 - edge) / 0.3, 0.0, 1.0).astype(np.float32)


def _joint(rng: np.random.Generator, gray: FloatArray) -> None:
    """A straight saw-cut or sealed joint across the image: uniform width, dark groove, light lips."""
    height, width = gray.shape
    side = max(width, height)
    angle = float(rng.choice([0.0, math.pi / 2])) + rng.normal(0.0, 0.03)
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    dx, dy = math.cos(angle) * side * 1.5, math.sin(angle) * side * 1.5
    p0, p1 = (round((cx - dx) * 16), round((cy - dy) * 16)), (round((cx + dx) * 16), round((cy + dy) * 16))
    thickness = int(rng.integers(max(2, side // 80), max(4, side // 30) + 1))
    groove = np.zeros(gray.shape, np.float32)
    cv2.line(groove, p0, p1, 1.0, thickness, cv2.LINE_AA, 4)
    lips = np.zeros(gray.shape, np.float32)
    cv2.line(lips, p0, p1, 1.0, thickness + 4, cv2.LINE_AA, 4)
    sealed = rng.random() < 0.5  # sealant: a flat dark band; saw cut: a deep narrow groove
    depth = rng.uniform(0.35, 0.55) if sealed else rng.uniform(0.45, 0.7)
    gray *= 1.0 - depth * cv2.GaussianBlur(groove, (0, 0), 0.6)
    gray += rng.uniform(4.0, 12.0) * np.clip(lips - groove, 0.0, 1.0)


def _stain(rng: np.random.Generator, gray: FloatArray) -> None:
    """Oil, water or rust: a large soft blotch, darker (or, rarely, lighter) than the surface."""
    height, width = gray.shape
    blob = _soft_blob(rng, width, height, rng.uniform(0.08, 0.3) * max(width, height))
    strength = rng.uniform(0.12, 0.38) * (1.0 if rng.random() < 0.85 else -0.5)
    gray *= 1.0 - strength * cv2.GaussianBlur(blob, (0, 0), 2.0)


def _shadow(rng: np.random.Generator, gray: FloatArray) -> None:
    """A cast shadow: a straight-edged region with a soft penumbra (a pole, a railing, a building)."""
    height, width = gray.shape
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    offset = rng.uniform(-0.3, 0.3) * max(width, height)
    signed = (xx - width / 2) * math.cos(angle) + (yy - height / 2) * math.sin(angle) - offset
    if rng.random() < 0.5:  # a band (a pole's shadow) rather than a half-plane
        signed = rng.uniform(0.04, 0.15) * max(width, height) - np.abs(signed)
    penumbra = rng.uniform(1.5, 8.0)
    region = 1.0 / (1.0 + np.exp(np.clip(-signed / penumbra, -60.0, 60.0)))
    gray *= 1.0 - rng.uniform(0.2, 0.45) * region.astype(np.float32)


def _spall(rng: np.random.Generator, gray: FloatArray) -> None:
    """A spall or pothole: a rough-edged patch, darker and rougher inside, with a dark rim."""
    height, width = gray.shape
    blob = _soft_blob(rng, width, height, rng.uniform(0.05, 0.14) * max(width, height))
    hard = (blob > 0.5).astype(np.float32)
    rough = 10.0 * _noise(rng, width, height, 3) + 6.0 * rng.standard_normal(gray.shape, dtype=np.float32)
    rim = np.clip(cv2.GaussianBlur(hard, (0, 0), 1.5) - hard, 0.0, 1.0) * 2.0
    gray *= 1.0 - rng.uniform(0.15, 0.35) * hard - rng.uniform(0.1, 0.25) * rim
    gray += hard * rough


_DRAWERS = {"joint": _joint, "stain": _stain, "shadow": _shadow, "spall": _spall}


def add_distractors(rng: np.random.Generator, gray: FloatArray, count: int) -> list[str]:
    """Draw `count` distractors of random kinds onto `gray` in place; returns the kinds drawn."""
    kinds = [str(rng.choice(DISTRACTOR_KINDS)) for _ in range(count)]
    for kind in kinds:
        _DRAWERS[kind](rng, gray)
    return kinds
