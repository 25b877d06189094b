"""A stored dataset in Roboflow's COCO layout, as a cached derived copy (the dataset is only read).

The model families that train on COCO (core/families: the family decides it needs this copy and where
it is cached) read this layout:

    <root>/train/_annotations.coco.json   images beside it
    <root>/valid/_annotations.coco.json
    <root>/test/_annotations.coco.json    (when the dataset has a test split)

Every stored dataset has the YOLO-seg layout (app/data/formats.py). A split imported from a COCO export
(Roboflow's included) still has its original `coco/<split>/_annotations.coco.json`: that file is used
as it is. Other splits are converted from their YOLO-seg labels: one polygon annotation per label line,
category ids 0..n-1 in data.yaml order (flat, no parent category, so the trainer's label indices equal ours).

Images are hard-linked (copied when the file system refuses), so the copy costs little disk. A
fingerprint of every source file (name, size, modification time) and of this converter's version is
stored beside the copy: an unchanged dataset reuses it, a changed one is rebuilt in a temporary folder
that replaces the old copy only when complete. Runs that start together on the same dataset (several
training slots) take turns through a lock file beside the copy, so one builds and the others reuse.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.data.extract import COCO_JSON_NAME
from app.data.formats import (
    DatasetFormatError,
    labels_dir_for,
    list_images,
    read_data_yaml,
)

CONVERTER_VERSION = 1
FINGERPRINT_FILE = "fingerprint.json"
COCO_SPLIT_NAMES = {"train": "train", "val": "valid", "test": "test"}  # ours -> the COCO layout's folder
MIN_POLYGON_VALUES = 6
BOX_LINE_VALUES = 4  # a detection label line: cx cy w h

StopFn = Callable[[], bool]


@dataclass(frozen=True)
class SplitSource:
    """The files one split is built from."""

    split: str  # train | val | test
    images: dict[str, Path]  # file name in the copy -> source image
    coco_json: Path | None  # the original COCO export of this split, usable as it is


@dataclass
class CocoLayout:
    """The derived copy: where it is, what it holds and how it was made."""

    root: Path
    class_names: list[str]
    images: dict[str, int]  # COCO split folder -> image count
    annotations: dict[str, int]
    sources: dict[str, str]  # COCO split folder -> "coco export" | "converted"
    reused: bool
    skipped_lines: int = 0
    notes: list[str] = field(default_factory=list)

    def describe(self, trainer: str) -> str:
        """One log line: what the copy holds, for the model family `trainer` that reads it."""
        parts = [
            f"{folder}: {self.images[folder]} images, {self.annotations[folder]} annotations "
            f"({self.sources[folder]})"
            for folder in self.images
        ]
        state = "reused the cached copy" if self.reused else "built"
        return f"COCO layout for {trainer} {state} at {self.root.name}: " + "; ".join(parts)


# --------------------------------------------------------------------------------------------------
# Reading the source
# --------------------------------------------------------------------------------------------------


def _split_sources(dataset_root: Path) -> tuple[list[str], list[SplitSource]]:
    spec = read_data_yaml(dataset_root / "data.yaml", dataset_root)
    for required in ("train", "val"):
        if not spec.split_dirs.get(required):
            raise DatasetFormatError(f"the dataset needs a {required} split to train on it")
    sources = []
    for split in COCO_SPLIT_NAMES:
        folders = spec.split_dirs.get(split) or []
        images: dict[str, Path] = {}
        for index, folder in enumerate(folders):
            for image in list_images(folder):
                name = image.name if image.name not in images else f"{index}_{image.name}"
                images[name] = image
        if not folders or (split == "test" and not images):
            continue  # an empty test split is left out (training needs none)
        exported = dataset_root / "coco" / split / COCO_JSON_NAME
        usable = len(folders) == 1 and exported.is_file() and _export_matches(exported, images)
        sources.append(SplitSource(split, images, exported if usable else None))
    return spec.names, sources


def _export_matches(coco_json: Path, images: dict[str, Path]) -> bool:
    """The original export can be used as it is: every image it lists is a plain file name we have."""
    try:
        content = json.loads(coco_json.read_bytes())
    except (OSError, ValueError):
        return False
    listed = content.get("images") if isinstance(content, dict) else None
    if not isinstance(listed, list) or not listed:
        return False
    names = [item.get("file_name") if isinstance(item, dict) else None for item in listed]
    return all(
        isinstance(name, str) and "/" not in name and "\\" not in name and name in images for name in names
    )


def _stat_token(path: Path) -> list[Any]:
    try:
        info = path.stat()
    except OSError:
        return [path.name, None]
    return [path.name, info.st_size, info.st_mtime_ns]


def fingerprint(class_names: list[str], sources: list[SplitSource]) -> str:
    """Changes whenever an image, a label, an export file, the classes or this converter change."""
    digest = hashlib.sha256()
    digest.update(json.dumps({"version": CONVERTER_VERSION, "names": class_names}).encode())
    for source in sources:
        digest.update(f"\n[{source.split}]".encode())
        if source.coco_json is not None:
            digest.update(json.dumps(["coco", *_stat_token(source.coco_json)]).encode())
        for name, image in sorted(source.images.items()):
            label = labels_dir_for(image.parent) / f"{image.stem}.txt"
            digest.update(json.dumps([name, *_stat_token(image), *_stat_token(label)]).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------------
# Converting YOLO-seg labels
# --------------------------------------------------------------------------------------------------


def _image_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except Exception as exc:
        raise DatasetFormatError(f"cannot read the size of image {path.name}: {exc}") from None


def _polygon_area(points: list[float]) -> float:
    xs, ys = points[0::2], points[1::2]
    total = 0.0
    for i in range(len(xs)):
        j = (i + 1) % len(xs)
        total += xs[i] * ys[j] - xs[j] * ys[i]
    return abs(total) / 2.0


def label_line_polygon(
    line: str, width: int, height: int, num_classes: int
) -> tuple[int, list[float]] | None:
    """`class x1 y1 x2 y2 ...` (or a box `class cx cy w h`), normalised -> (class, pixel polygon).

    None for a line that cannot be used (unknown class, too few or non-numeric values)."""
    tokens = line.split()
    if len(tokens) < 1 + BOX_LINE_VALUES:
        return None
    try:
        class_id = int(tokens[0])
        values = [float(token) for token in tokens[1:]]
    except ValueError:
        return None
    if not 0 <= class_id < num_classes:
        return None
    if len(values) == BOX_LINE_VALUES:
        cx, cy, w, h = values
        values = [
            cx - w / 2,
            cy - h / 2,
            cx + w / 2,
            cy - h / 2,
            cx + w / 2,
            cy + h / 2,
            cx - w / 2,
            cy + h / 2,
        ]
    if len(values) < MIN_POLYGON_VALUES or len(values) % 2:
        return None
    polygon = []
    for index, value in enumerate(values):
        limit = width if index % 2 == 0 else height
        polygon.append(round(min(max(value, 0.0), 1.0) * limit, 2))
    return class_id, polygon


def _annotation(annotation_id: int, image_id: int, class_id: int, polygon: list[float]) -> dict[str, Any]:
    xs, ys = polygon[0::2], polygon[1::2]
    x0, y0 = min(xs), min(ys)
    return {
        "id": annotation_id,
        "image_id": image_id,
        "category_id": class_id,
        "segmentation": [polygon],
        "bbox": [x0, y0, round(max(xs) - x0, 2), round(max(ys) - y0, 2)],
        "area": round(_polygon_area(polygon), 2),
        "iscrowd": 0,
    }


def yolo_split_to_coco(
    images: dict[str, Path], class_names: list[str], should_stop: StopFn | None = None
) -> tuple[dict[str, Any], int]:
    """The COCO document of one split from its YOLO-seg labels, and how many label lines were unusable."""
    coco_images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    skipped = 0
    for image_id, (name, image) in enumerate(sorted(images.items()), start=1):
        if should_stop is not None and should_stop():
            raise InterruptedError("stopped while converting the dataset")
        width, height = _image_size(image)
        coco_images.append({"id": image_id, "file_name": name, "width": width, "height": height})
        label = labels_dir_for(image.parent) / f"{image.stem}.txt"
        lines = label.read_text(encoding="utf-8", errors="replace").splitlines() if label.is_file() else []
        for line in lines:
            if not line.strip():
                continue
            parsed = label_line_polygon(line, width, height, len(class_names))
            if parsed is None:
                skipped += 1
                continue
            annotations.append(_annotation(len(annotations) + 1, image_id, *parsed))
    categories = [
        {"id": index, "name": name, "supercategory": "none"} for index, name in enumerate(class_names)
    ]
    document = {
        "info": {"description": "converted from YOLO-seg labels by crackdet"},
        "images": coco_images,
        "annotations": annotations,
        "categories": categories,
    }
    return document, skipped


# --------------------------------------------------------------------------------------------------
# Building and reusing the cached copy
# --------------------------------------------------------------------------------------------------


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _read_fingerprint(root: Path) -> dict[str, Any] | None:
    try:
        content = json.loads((root / FINGERPRINT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return content if isinstance(content, dict) else None


def _counts(root: Path, folder: str) -> tuple[int, int]:
    content = json.loads((root / folder / COCO_JSON_NAME).read_bytes())
    return len(content.get("images", [])), len(content.get("annotations", []))


def _build(
    target: Path, class_names: list[str], sources: list[SplitSource], should_stop: StopFn | None
) -> tuple[dict[str, str], int]:
    made: dict[str, str] = {}
    skipped = 0
    for source in sources:
        folder = target / COCO_SPLIT_NAMES[source.split]
        folder.mkdir(parents=True)
        for name, image in source.images.items():
            _link_or_copy(image, folder / name)
        if source.coco_json is not None:
            shutil.copyfile(source.coco_json, folder / COCO_JSON_NAME)
            made[folder.name] = "coco export"
            continue
        document, bad = yolo_split_to_coco(source.images, class_names, should_stop)
        skipped += bad
        (folder / COCO_JSON_NAME).write_text(json.dumps(document), encoding="utf-8")
        made[folder.name] = "converted"
    return made, skipped


@contextmanager
def _exclusive(cache_dir: Path) -> Iterator[None]:
    """One builder per copy at a time (a lock file beside it); leftovers of a killed build are removed."""
    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    with cache_dir.with_name(f".{cache_dir.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            for leftover in cache_dir.parent.glob(f".{cache_dir.name}.building-*"):
                shutil.rmtree(leftover, ignore_errors=True)
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def coco_layout_for(dataset_root: Path, cache_dir: Path, *, should_stop: StopFn | None = None) -> CocoLayout:
    """The dataset at `dataset_root` in the COCO layout at `cache_dir` (built, or reused when the
    dataset has not changed since). Raises DatasetFormatError when the dataset cannot be read."""
    dataset_root, cache_dir = dataset_root.resolve(), cache_dir.resolve()
    if cache_dir == dataset_root or cache_dir.is_relative_to(dataset_root):
        raise ValueError("the COCO copy must live outside the dataset folder")
    with _exclusive(cache_dir):
        return _layout(dataset_root, cache_dir, should_stop)


def _layout(dataset_root: Path, cache_dir: Path, should_stop: StopFn | None) -> CocoLayout:
    class_names, sources = _split_sources(dataset_root)
    key = fingerprint(class_names, sources)
    stored = _read_fingerprint(cache_dir)
    reused = stored is not None and stored.get("fingerprint") == key
    if not reused:
        building = cache_dir.with_name(f".{cache_dir.name}.building-{uuid.uuid4().hex[:8]}")
        try:
            made, skipped = _build(building, class_names, sources, should_stop)
            record = {
                "fingerprint": key,
                "sources": made,
                "skipped_lines": skipped,
                "class_names": class_names,
            }
            (building / FINGERPRINT_FILE).write_text(json.dumps(record), encoding="utf-8")
            shutil.rmtree(cache_dir, ignore_errors=True)
            building.rename(cache_dir)
        finally:
            shutil.rmtree(building, ignore_errors=True)
        stored = record
    assert stored is not None
    folders = [COCO_SPLIT_NAMES[s.split] for s in sources]
    counts = {folder: _counts(cache_dir, folder) for folder in folders}
    skipped_lines = int(stored.get("skipped_lines", 0))
    notes = [f"{skipped_lines} label lines could not be read and were left out"] if skipped_lines else []
    return CocoLayout(
        root=cache_dir,
        class_names=class_names,
        images={folder: counts[folder][0] for folder in folders},
        annotations={folder: counts[folder][1] for folder in folders},
        sources={folder: str(stored.get("sources", {}).get(folder, "converted")) for folder in folders},
        reused=reused,
        skipped_lines=skipped_lines,
        notes=notes,
    )
