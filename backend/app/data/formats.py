"""Dataset formats: read YOLO `data.yaml` files and bring YOLO or COCO trees into the one stored layout.

Stored layout (what the trainer uses directly), below the dataset folder:

    data.yaml              train: images/train, val: images/val, test: images/test, nc, names
    images/<split>/        train | val | test
    labels/<split>/        YOLO-seg labels: `class x1 y1 x2 y2 ...`, normalised to [0, 1]
    coco/<split>/_annotations.coco.json    COCO uploads only: the original annotation files

The stored data.yaml has relative paths and no `path:` key, so the folder can move; Ultralytics
resolves them against the yaml's folder.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.data.extract import COCO_JSON_NAME, IMAGE_SUFFIXES, DatasetFormat
from app.utils.paths import is_inside

SPLITS: tuple[str, ...] = ("train", "val", "test")
SPLIT_ALIASES: Mapping[str, str] = {
    "train": "train",
    "training": "train",
    "val": "val",
    "valid": "val",
    "validation": "val",
    "test": "test",
}
MAX_YAML_BYTES = 1024 * 1024
MAX_COCO_JSON_BYTES = 1024 * 1024 * 1024
MAX_CLASSES = 1000
MAX_CLASS_NAME_LENGTH = 100
COORD_DECIMALS = 6
# COCO polygons a little outside the image (rounding) are clipped; further out they are kept (and reported).
COCO_CLIP_TOLERANCE_PX = 1.0

StopFn = Callable[[], bool]


class DatasetFormatError(Exception):
    """The dataset's files cannot be read as the detected format; the message says why."""


@dataclass(frozen=True)
class Note:
    """Something the conversion noticed; it becomes a warning of the validation report."""

    code: str
    message: str
    split: str | None = None
    count: int = 1
    examples: tuple[str, ...] = ()


@dataclass
class DataYaml:
    names: list[str]
    split_dirs: dict[str, list[Path]]  # canonical split -> image folders (existing)
    missing: dict[str, list[str]]  # canonical split -> declared paths that do not exist
    nc: int | None = None


@dataclass
class NormalisedDataset:
    format: DatasetFormat
    class_names: list[str]
    splits: list[str]
    notes: list[Note] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# data.yaml
# --------------------------------------------------------------------------------------------------


def parse_class_names(value: Any, nc: Any = None) -> list[str]:
    """`names` as a list or {id: name} mapping (ids 0..n-1); falls back to class<i> from `nc`."""
    if isinstance(value, Mapping):
        try:
            keyed = {int(key): name for key, name in value.items()}
        except (TypeError, ValueError):
            raise DatasetFormatError("data.yaml `names` keys must be class ids (0, 1, ...)") from None
        if sorted(keyed) != list(range(len(keyed))):
            raise DatasetFormatError("data.yaml `names` ids must be 0..n-1 without gaps")
        value = [keyed[index] for index in range(len(keyed))]
    if value is None and isinstance(nc, int) and not isinstance(nc, bool) and 0 < nc <= MAX_CLASSES:
        return [f"class{index}" for index in range(nc)]
    if not isinstance(value, list) or not value:
        raise DatasetFormatError("data.yaml has no class `names`")
    if len(value) > MAX_CLASSES:
        raise DatasetFormatError(f"data.yaml lists {len(value)} classes; at most {MAX_CLASSES} are supported")
    names = [str(name).strip() for name in value]
    if any(not name or len(name) > MAX_CLASS_NAME_LENGTH for name in names):
        raise DatasetFormatError("data.yaml has an empty or overlong class name")
    return names


def _load_yaml(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_YAML_BYTES:
        raise DatasetFormatError(f"{path.name} is larger than {MAX_YAML_BYTES} bytes")
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DatasetFormatError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(content, dict):
        raise DatasetFormatError(f"{path.name} must be a mapping (train:, val:, names:)")
    return content


def _yaml_base(yaml_path: Path, content: Mapping[str, Any]) -> Path:
    """The folder split paths are relative to: `path:` when relative, else the yaml's folder.

    An absolute `path:` is ignored: datasets move between machines and folders (the demo dataset
    writes one), and it must never point outside the dataset.
    """
    base = yaml_path.parent
    declared = content.get("path")
    if isinstance(declared, str) and declared and not Path(declared).is_absolute():
        base = base / declared
    return base


def resolve_split_dir(base: Path, value: str, root: Path) -> Path | None:
    """Ultralytics' rule: `base/value`, else Roboflow's `../train/images` style without the `../`."""
    candidates = [base / value]
    if value.startswith("../"):
        candidates.append(base / value[3:])
    for candidate in candidates:
        if not is_inside(candidate, root):
            continue
        resolved = candidate.resolve()
        if resolved.is_dir():
            return resolved
    return None


def read_data_yaml(yaml_path: Path, root: Path | None = None) -> DataYaml:
    """Class names and the existing image folder(s) of each split; never leaves `root`."""
    root = (root or yaml_path.parent).resolve()
    content = _load_yaml(yaml_path)
    names = parse_class_names(content.get("names"), content.get("nc"))
    base = _yaml_base(yaml_path, content)
    split_dirs: dict[str, list[Path]] = {}
    missing: dict[str, list[str]] = {}
    for key, value in content.items():
        split = SPLIT_ALIASES.get(str(key).lower())
        if split is None or value in (None, ""):
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if not isinstance(item, str):
                raise DatasetFormatError(f"data.yaml `{key}` must be a folder path or a list of them")
            if item.lower().endswith(".txt"):
                raise DatasetFormatError(f"data.yaml `{key}: {item}`: image list files are not supported")
            folder = resolve_split_dir(base, item, root)
            if folder is None:
                missing.setdefault(split, []).append(item)
            elif folder not in split_dirs.get(split, []):
                split_dirs.setdefault(split, []).append(folder)
    nc = content.get("nc")
    return DataYaml(names, split_dirs, missing, nc if isinstance(nc, int) else None)


def labels_dir_for(images_dir: Path) -> Path:
    """Ultralytics: the labels folder mirrors the images folder with its last `images` part renamed."""
    parts = list(images_dir.parts)
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] == "images":
            parts[index] = "labels"
            return Path(*parts)
    return images_dir  # labels beside the images


def list_images(folder: Path) -> list[Path]:
    """Image files directly in `folder`, sorted by name."""
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        found = [
            Path(entry.path)
            for entry in entries
            if entry.is_file(follow_symlinks=False) and Path(entry.name).suffix.lower() in IMAGE_SUFFIXES
        ]
    return sorted(found, key=lambda p: p.name)


def list_labels(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        found = [
            Path(entry.path)
            for entry in entries
            if entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(".txt")
        ]
    return sorted(found, key=lambda p: p.name)


def write_data_yaml(root: Path, class_names: list[str], splits: Iterable[str]) -> Path:
    content: dict[str, Any] = {split: f"images/{split}" for split in SPLITS if split in set(splits)}
    content["nc"] = len(class_names)
    content["names"] = list(class_names)
    path = root / "data.yaml"
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------
# Moving files into the stored layout
# --------------------------------------------------------------------------------------------------


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError:
        shutil.move(str(source), str(target))


class _Mover:
    """Moves files into target folders; a name already taken is skipped and noted."""

    def __init__(self, should_stop: StopFn | None) -> None:
        self.should_stop = should_stop
        self.moved = 0
        self.clashes: dict[str, list[str]] = {}

    def move(self, source: Path, target: Path, split: str) -> bool:
        if self.should_stop is not None and self.moved % 256 == 0 and self.should_stop():
            raise InterruptedError("stopped")
        if target.exists():
            self.clashes.setdefault(split, []).append(target.name)
            return False
        _move(source, target)
        self.moved += 1
        return True

    def notes(self) -> list[Note]:
        return [
            Note(
                "duplicate_file_name",
                f"{len(names)} files of split '{split}' had a name already used in "
                "that split and were skipped",
                split,
                len(names),
                tuple(names[:10]),
            )
            for split, names in self.clashes.items()
        ]


def _prepare_target(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(f"{target} is not empty")
    for split in SPLITS:
        (target / "images" / split).mkdir(parents=True, exist_ok=True)
        (target / "labels" / split).mkdir(parents=True, exist_ok=True)


def _drop_empty_split_dirs(target: Path, keep: Iterable[str]) -> None:
    keep_set = set(keep)
    for split in SPLITS:
        if split in keep_set:
            continue
        for kind in ("images", "labels"):
            folder = target / kind / split
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


# --------------------------------------------------------------------------------------------------
# YOLO
# --------------------------------------------------------------------------------------------------


def normalise_yolo(
    source_root: Path, yaml_relative: str, target: Path, *, should_stop: StopFn | None = None
) -> NormalisedDataset:
    """Moves a YOLO-seg tree (Ultralytics or Roboflow export) into the stored layout at `target`."""
    source_root = source_root.resolve()
    spec = read_data_yaml(source_root / yaml_relative, source_root)
    if not spec.split_dirs:
        declared = ", ".join(f"{split}: {paths}" for split, paths in spec.missing.items()) or "none"
        raise DatasetFormatError(f"data.yaml names no existing image folder (declared: {declared})")
    _prepare_target(target)
    mover = _Mover(should_stop)
    notes: list[Note] = []
    for split, folders in spec.split_dirs.items():
        for folder in folders:
            for image in list_images(folder):
                mover.move(image, target / "images" / split / image.name, split)
            for label in list_labels(labels_dir_for(folder)):
                mover.move(label, target / "labels" / split / label.name, split)
    for split, paths in spec.missing.items():
        if split not in spec.split_dirs:
            notes.append(
                Note(
                    "missing_split_folder",
                    f"data.yaml declares {split}: {paths[0]}, which the archive does not contain",
                    split,
                )
            )
    splits = [split for split in SPLITS if split in spec.split_dirs]
    _drop_empty_split_dirs(target, splits)
    write_data_yaml(target, spec.names, splits)
    return NormalisedDataset("yolo-seg", spec.names, splits, notes + mover.notes())


# --------------------------------------------------------------------------------------------------
# COCO
# --------------------------------------------------------------------------------------------------


@dataclass
class _CocoFile:
    split: str
    path: Path
    content: dict[str, Any]


def _load_coco(path: Path) -> dict[str, Any]:
    if path.stat().st_size > MAX_COCO_JSON_BYTES:
        raise DatasetFormatError(f"{path.name} is larger than {MAX_COCO_JSON_BYTES} bytes")
    try:
        content = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DatasetFormatError(f"{path.parent.name}/{path.name} is not valid JSON: {exc}") from None
    if not isinstance(content, dict) or not all(
        isinstance(content.get(key), list) for key in ("images", "annotations", "categories")
    ):
        raise DatasetFormatError(
            f"{path.parent.name}/{path.name} is not COCO: it needs `images`, `annotations` and "
            "`categories` lists"
        )
    return content


def _coco_categories(files: list[_CocoFile]) -> tuple[dict[int, int], list[str]]:
    """Maps COCO category ids to class indices 0..n-1 (sorted by id).

    Roboflow writes a parent category (id 0, the project name) that other categories name as their
    supercategory and that no annotation uses: it is left out.
    """
    names: dict[int, str] = {}
    supers: set[str] = set()
    used: set[int] = set()
    for coco in files:
        for category in coco.content["categories"]:
            if not isinstance(category, dict) or not isinstance(category.get("id"), int):
                raise DatasetFormatError(f"{coco.split}: a COCO category has no integer id")
            cid, name = category["id"], str(category.get("name", "")).strip()
            if cid in names and names[cid] != name:
                raise DatasetFormatError(
                    f"COCO category {cid} is {names[cid]!r} in one split, {name!r} in another"
                )
            names[cid] = name or f"class{cid}"
            if isinstance(category.get("supercategory"), str):
                supers.add(category["supercategory"])
        used.update(
            a["category_id"]
            for a in coco.content["annotations"]
            if isinstance(a, dict) and isinstance(a.get("category_id"), int)
        )
    kept = [cid for cid in sorted(names) if cid in used or names[cid] not in supers]
    if not kept:
        raise DatasetFormatError("the COCO files define no categories")
    if len(kept) > MAX_CLASSES:
        raise DatasetFormatError(f"the COCO files define {len(kept)} categories; at most {MAX_CLASSES}")
    return {cid: index for index, cid in enumerate(kept)}, [names[cid] for cid in kept]


def _image_size(path: Path) -> tuple[int, int] | None:
    from PIL import Image

    try:
        with Image.open(path) as image:
            return image.size
    except Exception:
        return None


def _normalise_polygon(flat: list[Any], width: int, height: int) -> list[float] | None:
    if len(flat) < 6 or len(flat) % 2 or not all(isinstance(v, int | float) for v in flat):
        return None
    out: list[float] = []
    for index, value in enumerate(flat):
        limit = width if index % 2 == 0 else height
        if -COCO_CLIP_TOLERANCE_PX <= value <= limit + COCO_CLIP_TOLERANCE_PX:
            value = min(max(value, 0.0), float(limit))
        out.append(value / limit)
    return out


def _annotation_polygons(
    annotation: dict[str, Any], width: int, height: int
) -> tuple[list[list[float]], str]:
    """(normalised polygons, kind) where kind is polygon | bbox | rle | invalid."""
    segmentation = annotation.get("segmentation")
    if isinstance(segmentation, dict):
        return [], "rle"
    if isinstance(segmentation, list) and segmentation:
        parts = segmentation if isinstance(segmentation[0], list) else [segmentation]
        polygons = [p for p in (_normalise_polygon(part, width, height) for part in parts) if p is not None]
        return polygons, "polygon" if polygons else "invalid"
    bbox = annotation.get("bbox")
    if isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox):
        x, y, w, h = bbox
        polygon = _normalise_polygon([x, y, x + w, y, x + w, y + h, x, y + h], width, height)
        if polygon is not None:
            return [polygon], "bbox"
    return [], "invalid"


def _label_line(class_index: int, polygon: list[float]) -> str:
    return f"{class_index} " + " ".join(f"{value:.{COORD_DECIMALS}f}" for value in polygon)


class _CocoSplitWriter:
    def __init__(self, target: Path, class_map: dict[int, int], mover: _Mover) -> None:
        self.target = target
        self.class_map = class_map
        self.mover = mover
        self.skipped: dict[tuple[str, str], list[str]] = {}

    def _skip(self, kind: str, split: str, name: str) -> None:
        self.skipped.setdefault((kind, split), []).append(name)

    def write(self, coco: _CocoFile, root: Path) -> None:
        split, folder = coco.split, coco.path.parent
        by_image: dict[Any, list[dict[str, Any]]] = {}
        for annotation in coco.content["annotations"]:
            if isinstance(annotation, dict):
                by_image.setdefault(annotation.get("image_id"), []).append(annotation)
        for image in coco.content["images"]:
            if isinstance(image, dict):
                self._write_image(split, folder, root, image, by_image.get(image.get("id"), []))
        for leftover in list_images(folder):  # images the json does not list: kept, without labels
            self.mover.move(leftover, self.target / "images" / split / leftover.name, split)
        coco_dir = self.target / "coco" / split
        coco_dir.mkdir(parents=True, exist_ok=True)
        _move(coco.path, coco_dir / COCO_JSON_NAME)

    def _write_image(
        self, split: str, folder: Path, root: Path, image: dict[str, Any], annotations: list[dict[str, Any]]
    ) -> None:
        file_name = str(image.get("file_name", ""))
        name = Path(file_name.replace("\\", "/")).name
        if not name or Path(name).suffix.lower() not in IMAGE_SUFFIXES:
            self._skip("coco_bad_file_name", split, file_name or "(empty)")
            return
        source = (folder / name).resolve()
        width, height = image.get("width"), image.get("height")
        if source.is_file() and is_inside(source, root):
            if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
                width, height = _image_size(source) or (0, 0)
            self.mover.move(source, self.target / "images" / split / name, split)
        lines = self._label_lines(split, name, annotations, width, height)
        label = self.target / "labels" / split / f"{Path(name).stem}.txt"
        label.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")

    def _label_lines(
        self, split: str, name: str, annotations: list[dict[str, Any]], width: Any, height: Any
    ) -> list[str]:
        if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
            if annotations:
                self._skip("coco_unknown_image_size", split, name)
            return []
        lines: list[str] = []
        for annotation in annotations:
            category = annotation.get("category_id")
            class_index = self.class_map.get(category) if isinstance(category, int) else None
            if class_index is None:
                self._skip("coco_unknown_category", split, name)
                continue
            polygons, kind = _annotation_polygons(annotation, width, height)
            if kind in ("rle", "invalid", "bbox"):
                self._skip(f"coco_{kind}_annotation", split, name)
            lines.extend(_label_line(class_index, polygon) for polygon in polygons)
        return lines

    def notes(self) -> list[Note]:
        texts = {
            "coco_bad_file_name": "images with an unusable file_name were skipped",
            "coco_unknown_image_size": "images without width/height lost their annotations",
            "coco_unknown_category": "annotations with an unknown category_id were skipped",
            "coco_rle_annotation": "RLE (mask) annotations are not supported and were skipped",
            "coco_invalid_annotation": "annotations without a usable polygon or box were skipped",
            "coco_bbox_annotation": "annotations with only a bounding box became box-shaped polygons",
        }
        return [
            Note(kind, f"{len(names)} {texts[kind]}", split, len(names), tuple(names[:10]))
            for (kind, split), names in self.skipped.items()
        ]


def normalise_coco(
    source_root: Path, coco_files: list[str], target: Path, *, should_stop: StopFn | None = None
) -> NormalisedDataset:
    """Converts COCO segmentation (`<split>/_annotations.coco.json`, images beside) into the stored
    layout, with YOLO-seg labels; the original json files are kept under coco/<split>/."""
    source_root = source_root.resolve()
    files: list[_CocoFile] = []
    for relative in coco_files:
        folder = relative.split("/", 1)[0]
        split = SPLIT_ALIASES.get(folder.lower())
        if split is None:
            raise DatasetFormatError(f"COCO folder {folder!r} is not a split name (train, valid, val, test)")
        if any(existing.split == split for existing in files):
            raise DatasetFormatError(f"two COCO folders map to the {split} split")
        files.append(_CocoFile(split, source_root / relative, _load_coco(source_root / relative)))
    class_map, class_names = _coco_categories(files)
    _prepare_target(target)
    mover = _Mover(should_stop)
    writer = _CocoSplitWriter(target, class_map, mover)
    for coco in files:
        writer.write(coco, source_root)
    splits = [split for split in SPLITS if any(coco.split == split for coco in files)]
    _drop_empty_split_dirs(target, splits)
    write_data_yaml(target, class_names, splits)
    return NormalisedDataset("coco", class_names, splits, writer.notes() + mover.notes())
