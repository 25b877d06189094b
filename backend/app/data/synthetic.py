"""Deterministic synthetic concrete-crack data set generator (YOLO segmentation format).

Images look like a concrete surface (grey base, multi-scale noise texture, aggregate spots and air
voids, a mild illumination gradient) with thin, dark, branching cracks whose width tapers along
the path. Every crack is rendered from its own filled mask; its label is the outer contour of that
mask, so the polygon outlines the crack's region (not its centre line).

The same `SyntheticSpec` always gives byte-identical files: every image draws from its own
`numpy.random.Generator` seeded with (seed, split, index), JPEG quality is fixed, the YAML is
written without timestamps and zips use a fixed `date_time`.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
import numpy.typing as npt
import yaml

from app.data.synthetic_scene import add_distractors, asphalt_texture

SPLITS: tuple[str, ...] = ("train", "val", "test")
ROBOFLOW_SPLIT_DIRS: Mapping[str, str] = {"train": "train", "val": "valid", "test": "test"}

MAX_IMAGES_PER_SPLIT = 100_000
MIN_IMAGE_SIDE = 32
MAX_IMAGE_SIDE = 4096
MAX_CRACKS_LIMIT = 20
MAX_CRACK_WIDTH = 64
MAX_DISTRACTORS = 8
MAX_CLASSES = 100
MAX_CLASS_NAME_LENGTH = 64
MAX_SEED = 2**63 - 1

JPEG_QUALITY = 92
PNG_COMPRESSION = 6
POLYGON_EPSILON_PX = 0.5
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)

_IMAGE_STREAM = 1
_CRACK_FREE_STREAM = 2
_SCENE_STREAM = 3  # asphalt and distractors: their own stream, so the cracks do not depend on them
_MAX_CRACK_ATTEMPTS = 8
# (cell size in px, amplitude in grey levels) of the value-noise octaves of the concrete texture.
_NOISE_OCTAVES: tuple[tuple[int, float], ...] = (
    (96, 7.0),
    (48, 6.0),
    (24, 5.0),
    (12, 5.0),
    (6, 4.5),
    (3, 4.0),
)

ZipLayout = Literal["ultralytics", "roboflow"]
ImageFormat = Literal["jpg", "png"]
Mask = npt.NDArray[np.bool_]
RGBImage = npt.NDArray[np.uint8]
FloatArray = npt.NDArray[np.float32]
Polygon = npt.NDArray[np.float64]


# --------------------------------------------------------------------------------------------------
# Specification and results
# --------------------------------------------------------------------------------------------------


def _require_int(name: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _require_fraction(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0, 1], got {value!r}")


def _validate_class_names(names: tuple[str, ...]) -> None:
    if not 1 <= len(names) <= MAX_CLASSES:
        raise ValueError(f"class_names must hold 1 to {MAX_CLASSES} names")
    for name in names:
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_CLASS_NAME_LENGTH:
            raise ValueError(f"invalid class name {name!r}")
        if any(ch in name for ch in "\r\n\t"):
            raise ValueError(f"class name {name!r} contains control characters")
    if len(set(names)) != len(names):
        raise ValueError("class_names must be unique")


@dataclass(frozen=True)
class SyntheticSpec:
    """What to generate. `width`/`height` override the square `image_size` when given."""

    seed: int = 0
    train: int = 16
    val: int = 4
    test: int = 4
    image_size: int = 320
    width: int | None = None
    height: int | None = None
    crack_free_fraction: float = 0.2
    max_cracks_per_image: int = 3
    min_width: int = 2
    max_width: int = 8
    class_names: tuple[str, ...] = ("crack",)
    image_format: ImageFormat = "jpg"
    asphalt_fraction: float = 0.0
    max_distractors: int = 0
    light_cracks: bool = False  # sealed cracks: lighter than the surface

    def __post_init__(self) -> None:
        object.__setattr__(self, "class_names", tuple(self.class_names))
        _require_int("seed", self.seed, 0, MAX_SEED)
        for split in SPLITS:
            _require_int(split, getattr(self, split), 0, MAX_IMAGES_PER_SPLIT)
        _require_int("image_size", self.image_size, MIN_IMAGE_SIDE, MAX_IMAGE_SIDE)
        for name in ("width", "height"):
            if getattr(self, name) is not None:
                _require_int(name, getattr(self, name), MIN_IMAGE_SIDE, MAX_IMAGE_SIDE)
        _require_fraction("crack_free_fraction", self.crack_free_fraction)
        _require_int("max_cracks_per_image", self.max_cracks_per_image, 1, MAX_CRACKS_LIMIT)
        _require_fraction("asphalt_fraction", self.asphalt_fraction)
        _require_int("max_distractors", self.max_distractors, 0, MAX_DISTRACTORS)
        _require_int("min_width", self.min_width, 1, MAX_CRACK_WIDTH)
        _require_int("max_width", self.max_width, self.min_width, MAX_CRACK_WIDTH)
        _validate_class_names(self.class_names)
        if self.image_format not in ("jpg", "png"):
            raise ValueError(f"image_format must be 'jpg' or 'png', got {self.image_format!r}")

    @property
    def image_width(self) -> int:
        return self.width if self.width is not None else self.image_size

    @property
    def image_height(self) -> int:
        return self.height if self.height is not None else self.image_size

    def split_count(self, split: str) -> int:
        if split not in SPLITS:
            raise ValueError(f"unknown split {split!r}")
        count: int = getattr(self, split)
        return count

    def crack_free_count(self, split: str) -> int:
        """Images of `split` without cracks: the fraction rounded half up."""
        return math.floor(self.split_count(split) * self.crack_free_fraction + 0.5)

    @property
    def total_images(self) -> int:
        return sum(self.split_count(split) for split in SPLITS)


@dataclass(frozen=True)
class GeneratedDataset:
    """What `generate_dataset` wrote: per-split image, crack instance and crack-free image counts."""

    root: Path
    data_yaml: Path
    images: Mapping[str, int]
    instances: Mapping[str, int]
    crack_free_images: Mapping[str, int]

    @property
    def total_images(self) -> int:
        return sum(self.images.values())

    @property
    def total_instances(self) -> int:
        return sum(self.instances.values())


@dataclass(frozen=True)
class RenderedSample:
    """One generated image with its ground truth: per-crack masks, class ids and pixel polygons."""

    image: RGBImage
    masks: list[Mask]
    class_ids: list[int]
    polygons: list[Polygon]


# --------------------------------------------------------------------------------------------------
# Concrete texture
# --------------------------------------------------------------------------------------------------


def _value_noise(rng: np.random.Generator, width: int, height: int, cell: int) -> FloatArray:
    """Smooth noise: a random grid with one value per `cell` px, upsampled with cubic interpolation."""
    grid_h, grid_w = math.ceil(height / cell) + 1, math.ceil(width / cell) + 1
    grid = rng.standard_normal((grid_h, grid_w), dtype=np.float32)
    upsampled = cv2.resize(grid, (grid_w * cell, grid_h * cell), interpolation=cv2.INTER_CUBIC)
    return np.ascontiguousarray(upsampled[:height, :width])


def _aggregate_spots(rng: np.random.Generator, width: int, height: int) -> FloatArray:
    """Small dark air voids and lighter aggregate grains, slightly blurred."""
    layer = np.zeros((height, width), np.float32)
    count = int(width * height / 350 * rng.uniform(0.5, 1.5))
    xs = rng.uniform(0, width, count)
    ys = rng.uniform(0, height, count)
    radii = np.clip(0.6 + rng.exponential(0.9, count), 0.6, 5.0)
    is_void = rng.random(count) < 0.6
    values = np.where(is_void, -rng.uniform(15, 45, count), rng.uniform(8, 25, count))
    scale = 8  # shift=3: sub-pixel centres and radii
    for x, y, r, v in zip(xs, ys, radii, values, strict=True):
        centre = (round(x * scale), round(y * scale))
        cv2.circle(layer, centre, max(1, round(r * scale)), float(v), -1, cv2.LINE_8, 3)
    return np.asarray(cv2.GaussianBlur(layer, (0, 0), 0.7), dtype=np.float32)


def _illumination(rng: np.random.Generator, width: int, height: int) -> FloatArray:
    """A mild linear gradient plus an off-centre vignette, as a multiplicative gain around 1."""
    ys = (np.arange(height, dtype=np.float32) / height - 0.5)[:, None]
    xs = (np.arange(width, dtype=np.float32) / width - 0.5)[None, :]
    grad_x, grad_y = rng.uniform(-0.22, 0.22, 2)
    vignette = rng.uniform(0.0, 0.3)
    cx, cy = rng.uniform(-0.3, 0.3, 2)
    gain = 1.0 + grad_x * xs + grad_y * ys - vignette * ((xs - cx) ** 2 + (ys - cy) ** 2)
    return gain.astype(np.float32)


def _concrete_texture(rng: np.random.Generator, width: int, height: int) -> FloatArray:
    """Grey-level concrete surface (float, roughly 60-220)."""
    base = rng.uniform(115.0, 180.0)
    roughness = rng.uniform(0.6, 1.4)
    texture = np.full((height, width), base, np.float32)
    for cell, amplitude in _NOISE_OCTAVES:
        texture += (amplitude * roughness) * _value_noise(rng, width, height, cell)
    texture += (3.0 * roughness) * rng.standard_normal((height, width), dtype=np.float32)
    texture += _aggregate_spots(rng, width, height)
    texture *= _illumination(rng, width, height)
    return texture


# --------------------------------------------------------------------------------------------------
# Cracks
# --------------------------------------------------------------------------------------------------


def _random_walk(
    rng: np.random.Generator, start: npt.NDArray[np.float64], heading: float, n_steps: int, step: float
) -> npt.NDArray[np.float64]:
    """A meandering path of `n_steps` steps: AR(1) wiggle around a heading with rare kinks."""
    wiggle_noise = rng.normal(0.0, 0.22, n_steps)
    kinks = np.where(rng.random(n_steps) < 0.05, rng.normal(0.0, 0.6, n_steps), 0.0)
    headings = np.empty(n_steps)
    wiggle, drift = 0.0, 0.0
    for i in range(n_steps):
        wiggle = 0.8 * wiggle + wiggle_noise[i]
        drift = 0.96 * drift + kinks[i]  # kinks fade, so the crack keeps its general direction
        headings[i] = heading + drift + wiggle
    lengths = step * rng.uniform(0.7, 1.3, n_steps)
    moves = np.stack([np.cos(headings) * lengths, np.sin(headings) * lengths], axis=1)
    moves += rng.normal(0.0, 0.3, moves.shape)  # fine jaggedness
    return np.vstack([start[None, :], start[None, :] + np.cumsum(moves, axis=0)])


def _smooth_noise_1d(rng: np.random.Generator, n: int, knots: int) -> npt.NDArray[np.float64]:
    values = rng.normal(0.0, 1.0, knots)
    return np.interp(np.linspace(0.0, 1.0, n), np.linspace(0.0, 1.0, knots), values)


def _width_profile(
    rng: np.random.Generator, n: int, min_width: int, max_width: int
) -> npt.NDArray[np.float64]:
    """Crack width along the path: widest somewhere inside, tapering to `min_width` at both ends."""
    peak = rng.uniform(min_width, max_width)
    t = np.linspace(0.0, 1.0, n)
    a, b = rng.uniform(0.5, 1.5, 2)
    taper = t**a * (1.0 - t) ** b
    taper /= max(float(taper.max()), 1e-9)
    wobble = 1.0 + 0.2 * _smooth_noise_1d(rng, n, 6)
    widths: npt.NDArray[np.float64] = np.clip(
        min_width + (peak - min_width) * taper * wobble, min_width, max_width
    )
    return widths


def _draw_tapered_path(
    mask: npt.NDArray[np.uint8], path: npt.NDArray[np.float64], widths: npt.NDArray[np.float64]
) -> None:
    """Draw the path as round-capped thick segments (sub-pixel coordinates, shift=4)."""
    fixed = np.rint(path * 16).astype(np.int64)
    for i in range(len(path) - 1):
        thickness = max(1, round(float(widths[i] + widths[i + 1]) / 2))
        p0 = (int(fixed[i, 0]), int(fixed[i, 1]))
        p1 = (int(fixed[i + 1, 0]), int(fixed[i + 1, 1]))
        cv2.line(mask, p0, p1, 1, thickness, cv2.LINE_8, 4)


def _draw_branches(
    rng: np.random.Generator,
    mask: npt.NDArray[np.uint8],
    path: npt.NDArray[np.float64],
    widths: npt.NDArray[np.float64],
    min_width: int,
    step: float,
) -> None:
    """0-2 thinner side branches that start on the main path (so the crack stays one component)."""
    n = len(path)
    n_branches = int(rng.choice(3, p=[0.45, 0.35, 0.2]))
    for _ in range(n_branches):
        idx = int(rng.integers(int(0.2 * n), int(0.8 * n) + 1))
        direction = path[min(idx + 1, n - 1)] - path[max(idx - 1, 0)]
        main_heading = math.atan2(float(direction[1]), float(direction[0]))
        heading = main_heading + float(rng.choice([-1.0, 1.0])) * rng.uniform(0.5, 1.2)
        branch = _random_walk(rng, path[idx], heading, max(3, int(n * rng.uniform(0.15, 0.45))), step)
        start_width = max(float(min_width), float(widths[idx]) * rng.uniform(0.5, 0.85))
        t = np.linspace(0.0, 1.0, len(branch))
        branch_widths = min_width + (start_width - min_width) * (1.0 - t) ** rng.uniform(0.6, 1.3)
        _draw_tapered_path(mask, branch, branch_widths)


def _largest_filled_component(mask: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """Keep the largest outer contour, filled (drops pieces cut off by the border and fills holes)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(mask)
    if contours:
        largest = max(contours, key=lambda c: (cv2.contourArea(c), len(c)))
        cv2.drawContours(filled, [largest], -1, 1, cv2.FILLED)
    return filled


def _crack_mask(rng: np.random.Generator, width: int, height: int, min_width: int, max_width: int) -> Mask:
    """One crack's filled region: a tapered random walk grown both ways from a point, plus branches."""
    side = max(width, height)
    step = max(1.5, side / 120)
    min_area = 3 * min_width**2
    fallback: npt.NDArray[np.uint8] | None = None
    for _ in range(_MAX_CRACK_ATTEMPTS):
        half_steps = max(2, int(rng.uniform(0.35, 0.95) * side / 2 / step))
        centre = np.array([rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.85) * height])
        heading = rng.uniform(0.0, 2 * math.pi)
        forward = _random_walk(rng, centre, heading, half_steps, step)
        backward = _random_walk(rng, centre, heading + math.pi, half_steps, step)
        path = np.vstack([backward[::-1], forward[1:]])
        widths = _width_profile(rng, len(path), min_width, max_width)
        canvas = np.zeros((height, width), np.uint8)
        _draw_tapered_path(canvas, path, widths)
        _draw_branches(rng, canvas, path, widths, min_width, step)
        filled = _largest_filled_component(canvas)
        area = int(filled.sum())
        holes = int(np.count_nonzero(filled > canvas))
        looped = holes > 0.03 * area  # the walk closed a loop: filling it would make a dark blob
        if area >= min_area and not looped:
            return filled.astype(bool)
        if area > 0 and (fallback is None or area >= min_area):
            fallback = filled
    if fallback is None:  # unreachable in practice: every walk starts inside the image
        raise RuntimeError("could not place a crack inside the image")
    return fallback.astype(bool)


def _darken_cracks(
    rng: np.random.Generator, gray: FloatArray, masks: list[Mask], light: bool = False
) -> FloatArray:
    """Darken crack pixels (darkest at the crack's centre) with a soft shadow spilling past the edge."""
    if not masks:
        return gray
    depth = np.zeros(gray.shape, np.float32)
    for mask in masks:
        np.maximum(depth, mask * np.float32(rng.uniform(0.5, 0.78)), out=depth)
    inside = (depth > 0).astype(np.uint8)
    distance = cv2.distanceTransform(inside, cv2.DIST_L2, 3)
    height, width = gray.shape
    patchiness = 1.0 + 0.12 * _value_noise(rng, width, height, 16)  # darker and lighter stretches
    core = depth * patchiness * (0.8 + 0.2 * np.minimum(distance / 2.0, 1.0))
    halo = cv2.GaussianBlur(depth, (0, 0), 1.2) * np.float32(0.45)
    alpha = np.clip(np.maximum(core, halo), 0.0, 0.9)
    if light:  # sealed cracks: light sealant in the crack, brighter than the surface
        lightened: FloatArray = gray + (235.0 - gray) * alpha
        return lightened
    darkened: FloatArray = gray * (1.0 - alpha)
    return darkened


def _colorise(rng: np.random.Generator, gray: FloatArray) -> RGBImage:
    """Grey to RGB with a slight per-image tint (warm or cool concrete)."""
    warmth = rng.uniform(-0.015, 0.03)
    tint = (1.0 + np.array([warmth, 0.0, -warmth]) + rng.uniform(-0.01, 0.01, 3)).astype(np.float32)
    rgb = gray[:, :, None] * tint[None, None, :]
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def render_crack_image(
    rng: np.random.Generator,
    width: int,
    height: int,
    *,
    n_cracks: int = 1,
    min_width: int = 2,
    max_width: int = 8,
    scene_rng: np.random.Generator | None = None,
    asphalt: bool = False,
    distractors: int = 0,
    light_cracks: bool = False,
) -> tuple[RGBImage, list[Mask]]:
    """Render one concrete image (RGB uint8, HxWx3) with `n_cracks` cracks and their boolean masks.

    With a `scene_rng`, the surface may be asphalt and `distractors` unlabelled look-alikes (joints,
    stains, shadows, spalls) are drawn under the cracks; the cracks themselves come from `rng` alone.
    `light_cracks` draws them lighter than the surface (sealed cracks) instead of darker.
    """
    _require_int("width", width, MIN_IMAGE_SIDE, MAX_IMAGE_SIDE)
    _require_int("height", height, MIN_IMAGE_SIDE, MAX_IMAGE_SIDE)
    _require_int("n_cracks", n_cracks, 0, MAX_CRACKS_LIMIT)
    _require_int("min_width", min_width, 1, MAX_CRACK_WIDTH)
    _require_int("max_width", max_width, min_width, MAX_CRACK_WIDTH)
    gray = _concrete_texture(rng, width, height)
    if scene_rng is not None:
        if asphalt:
            gray = asphalt_texture(scene_rng, width, height)
        add_distractors(scene_rng, gray, distractors)
    masks = [_crack_mask(rng, width, height, min_width, max_width) for _ in range(n_cracks)]
    return _colorise(rng, _darken_cracks(rng, gray, masks, light_cracks)), masks


def mask_to_polygon(mask: Mask, epsilon: float = POLYGON_EPSILON_PX) -> Polygon:
    """Outline (N x 2 pixel coordinates, N >= 3) of the mask's largest outer contour."""
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        raise ValueError("mask is empty")
    largest = max(contours, key=lambda c: (cv2.contourArea(c), len(c)))
    simplified = cv2.approxPolyDP(largest, epsilon, True)
    points = simplified if len(simplified) >= 3 else largest
    if len(points) < 3:  # a blob of one or two pixels: use its bounding box
        x, y, w, h = cv2.boundingRect(largest)
        return np.array([[x, y], [x + w - 1, y], [x + w - 1, y + h - 1], [x, y + h - 1]], np.float64)
    return points.reshape(-1, 2).astype(np.float64)


# --------------------------------------------------------------------------------------------------
# Data set generation
# --------------------------------------------------------------------------------------------------


def _split_index(split: str) -> int:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    return SPLITS.index(split)


def crack_free_indices(spec: SyntheticSpec, split: str) -> frozenset[int]:
    """Which image indices of `split` carry no crack (a seeded choice, independent of other splits)."""
    rng = np.random.default_rng([spec.seed, _CRACK_FREE_STREAM, _split_index(split)])
    chosen = rng.choice(spec.split_count(split), size=spec.crack_free_count(split), replace=False)
    return frozenset(int(i) for i in chosen)


def _render_indexed(spec: SyntheticSpec, split: str, index: int, crack_free: bool) -> RenderedSample:
    rng = np.random.default_rng([spec.seed, _IMAGE_STREAM, _split_index(split), index])
    n_cracks = 0 if crack_free else int(rng.integers(1, spec.max_cracks_per_image + 1))
    scene_rng = np.random.default_rng([spec.seed, _SCENE_STREAM, _split_index(split), index])
    image, masks = render_crack_image(
        rng,
        spec.image_width,
        spec.image_height,
        n_cracks=n_cracks,
        min_width=spec.min_width,
        max_width=spec.max_width,
        scene_rng=scene_rng,
        asphalt=bool(scene_rng.random() < spec.asphalt_fraction),
        distractors=int(scene_rng.integers(0, spec.max_distractors + 1)),
        light_cracks=spec.light_cracks,
    )
    n_classes = len(spec.class_names)
    class_ids = [int(rng.integers(n_classes)) if n_classes > 1 else 0 for _ in masks]
    return RenderedSample(image, masks, class_ids, [mask_to_polygon(mask) for mask in masks])


def render_sample(spec: SyntheticSpec, split: str, index: int) -> RenderedSample:
    """Re-render image `index` of `split` exactly as `generate_dataset` writes it (ground truth for tests)."""
    _require_int("index", index, 0, max(0, spec.split_count(split) - 1))
    return _render_indexed(spec, split, index, index in crack_free_indices(spec, split))


def image_stem(split: str, index: int) -> str:
    return f"synthetic_{split}_{index:05d}"


def _encode_image(image: RGBImage, image_format: ImageFormat) -> bytes:
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    if image_format == "jpg":
        ok, buffer = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    else:
        ok, buffer = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION])
    if not ok:
        raise RuntimeError(f"could not encode image as {image_format}")
    return buffer.tobytes()


def format_label_lines(sample: RenderedSample, width: int, height: int) -> str:
    """YOLO-seg label text: `class x1 y1 x2 y2 ...` per crack, normalised to [0, 1]; '' when crack-free."""
    lines = []
    for class_id, polygon in zip(sample.class_ids, sample.polygons, strict=True):
        normalised = np.clip(polygon / np.array([width, height], np.float64), 0.0, 1.0)
        coords = " ".join(f"{value:.6f}" for value in normalised.reshape(-1))
        lines.append(f"{class_id} {coords}")
    return "".join(f"{line}\n" for line in lines)


def _data_yaml_text(spec_names: tuple[str, ...], paths: Mapping[str, str], root: str | None) -> str:
    content: dict[str, object] = {} if root is None else {"path": root}
    content.update(paths)
    content["nc"] = len(spec_names)
    content["names"] = list(spec_names)
    return yaml.safe_dump(content, sort_keys=False, allow_unicode=True)


def generate_dataset(out_dir: Path, spec: SyntheticSpec) -> GeneratedDataset:
    """Write a YOLO segmentation data set (data.yaml, images/<split>, labels/<split>) into `out_dir`.

    Refuses to write into a directory that already holds a data.yaml, images/ or labels/.
    """
    root = Path(out_dir).resolve()
    clashes = [name for name in ("data.yaml", "images", "labels") if (root / name).exists()]
    if clashes:
        raise FileExistsError(f"{root} already holds {', '.join(clashes)}")
    images: dict[str, int] = {}
    instances: dict[str, int] = {}
    crack_free: dict[str, int] = {}
    for split in SPLITS:
        image_dir, label_dir = root / "images" / split, root / "labels" / split
        image_dir.mkdir(parents=True)
        label_dir.mkdir(parents=True)
        free = crack_free_indices(spec, split)
        instances[split] = 0
        for index in range(spec.split_count(split)):
            sample = _render_indexed(spec, split, index, index in free)
            stem = image_stem(split, index)
            (image_dir / f"{stem}.{spec.image_format}").write_bytes(
                _encode_image(sample.image, spec.image_format)
            )
            label_text = format_label_lines(sample, spec.image_width, spec.image_height)
            (label_dir / f"{stem}.txt").write_text(label_text, encoding="utf-8", newline="\n")
            instances[split] += len(sample.masks)
        images[split] = spec.split_count(split)
        crack_free[split] = len(free)
    paths = {split: f"images/{split}" for split in SPLITS}
    data_yaml = root / "data.yaml"
    data_yaml.write_text(_data_yaml_text(spec.class_names, paths, str(root)), encoding="utf-8", newline="\n")
    return GeneratedDataset(root, data_yaml, images, instances, crack_free)


# --------------------------------------------------------------------------------------------------
# Zip export
# --------------------------------------------------------------------------------------------------

_ZIP_FILE_SUFFIXES = {".jpg", ".jpeg", ".png", ".txt"}
_ZIP_STORED_SUFFIXES = {".jpg", ".jpeg", ".png"}


def _read_class_names(data_yaml: Path) -> tuple[str, ...]:
    content = yaml.safe_load(data_yaml.read_text(encoding="utf-8"))
    names = content.get("names") if isinstance(content, dict) else None
    if isinstance(names, dict):
        names = [names[key] for key in sorted(names)]
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise ValueError(f"{data_yaml} has no valid 'names' list")
    return tuple(names)


def _split_files(dataset_dir: Path, kind: str, split: str) -> list[Path]:
    folder = dataset_dir / kind / split
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.is_symlink() and p.suffix.lower() in _ZIP_FILE_SUFFIXES
    )


def _archive_dir(layout: ZipLayout, kind: str, split: str) -> str:
    if layout == "roboflow":
        return f"{ROBOFLOW_SPLIT_DIRS[split]}/{kind}"
    return f"{kind}/{split}"


def _zip_entries(dataset_dir: Path, layout: ZipLayout) -> Iterator[tuple[str, Path | None]]:
    """(archive name, source file) pairs; directories have no source and end with '/'."""
    for split in SPLITS:
        for kind in ("images", "labels"):
            archive_dir = _archive_dir(layout, kind, split)
            yield f"{archive_dir}/", None
            for path in _split_files(dataset_dir, kind, split):
                yield f"{archive_dir}/{path.name}", path


def _zip_info(name: str, is_dir: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
    info.create_system = 3  # Unix, so the permission bits below are honoured on every platform
    if is_dir:
        info.external_attr = (0o40755 << 16) | 0x10
    else:
        info.external_attr = 0o644 << 16
        stored = Path(name).suffix.lower() in _ZIP_STORED_SUFFIXES
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info


def layout_yaml_paths(layout: ZipLayout) -> dict[str, str]:
    """data.yaml split entries of a zip layout (Roboflow's are relative to the yaml's folder's parent)."""
    if layout == "roboflow":
        return {split: f"../{ROBOFLOW_SPLIT_DIRS[split]}/images" for split in SPLITS}
    if layout == "ultralytics":
        return {split: f"images/{split}" for split in SPLITS}
    raise ValueError(f"unknown zip layout {layout!r}")


def write_yolo_zip(dataset_dir: Path, zip_path: Path, layout: ZipLayout = "ultralytics") -> Path:
    """Zip a data set written by `generate_dataset`, byte-for-byte reproducibly.

    "ultralytics": data.yaml, images/<split>/, labels/<split>/; no `path:` key, so the yaml's
    folder is the data set root.
    "roboflow": Roboflow's YOLO export: data.yaml (train: ../train/images, val: ../valid/images,
    test: ../test/images), {train,valid,test}/{images,labels}/.
    """
    paths = layout_yaml_paths(layout)
    dataset_dir = Path(dataset_dir)
    names = _read_class_names(dataset_dir / "data.yaml")
    zip_path = Path(zip_path)
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr(_zip_info("data.yaml", is_dir=False), _data_yaml_text(names, paths, None))
        for name, source in _zip_entries(dataset_dir, layout):
            if source is None:
                archive.writestr(_zip_info(name, is_dir=True), b"")
            else:
                archive.writestr(_zip_info(name, is_dir=False), source.read_bytes())
    return zip_path
