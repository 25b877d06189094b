"""Browsing a ready dataset's images: ids, pages with their labels, the files and cached thumbnails.

An image id encodes (split, file name) and is checked against the dataset's own folders, so no
request names a path; thumbnails are refused above a pixel limit (decompression bombs).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from app.config import Settings
from app.data.extract import IMAGE_SUFFIXES
from app.data.formats import SPLITS, DatasetFormatError, DataYaml, labels_dir_for, list_images, read_data_yaml
from app.data.validation import LabelFacts, read_label_file
from app.db.session import session_scope
from app.domain.errors import Conflict, NotFound, TooLarge, Unprocessable
from app.schemas.datasets import DatasetImage, DatasetImagePage, ImageAnnotation
from app.services.datasets import ready_root, row_or_404

MAX_PAGE_LIMIT = 100
THUMBNAIL_DIR = ".thumbs"
THUMBNAIL_QUALITY = 85
IMAGE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{4,1400}$")
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
}
OVERLAY_COLOURS = ((255, 48, 48), (48, 160, 255), (255, 200, 0), (0, 220, 120), (200, 80, 255), (255, 120, 0))


def encode_image_id(split: str, file_name: str) -> str:
    return base64.urlsafe_b64encode(f"{split}/{file_name}".encode()).decode("ascii").rstrip("=")


def decode_image_id(image_id: str) -> tuple[str, str]:
    """(split, file name); anything that is not an id this API made is a 404 (never a path)."""
    invalid = NotFound(f"No image with id {image_id[:80]!r}.")
    if not IMAGE_ID_PATTERN.fullmatch(image_id):
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(image_id + "=" * (-len(image_id) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    split, _, name = raw.partition("/")
    if (
        split not in SPLITS
        or not name
        or name.startswith(".")
        or any(ch in name for ch in "/\\\x00")
        or Path(name).suffix.lower() not in IMAGE_SUFFIXES
    ):
        raise invalid
    return split, name


@dataclass(frozen=True)
class _LocatedImage:
    split: str
    path: Path
    label: Path


def _read_spec(root: Path) -> DataYaml:
    try:
        return read_data_yaml(root / "data.yaml", root)
    except DatasetFormatError as exc:
        raise Conflict(f"The dataset's data.yaml cannot be read: {exc}") from None


def _locate(settings: Settings, dataset_id: str, image_id: str) -> tuple[Path, _LocatedImage, list[str]]:
    split, name = decode_image_id(image_id)
    with session_scope(settings.resolved_database_url) as db:
        root = ready_root(settings, row_or_404(db, dataset_id))
    spec = _read_spec(root)
    for folder in spec.split_dirs.get(split, []):
        candidate = folder / name
        if candidate.is_file() and candidate.resolve().parent == folder.resolve():
            label = labels_dir_for(folder) / f"{Path(name).stem}.txt"
            return root, _LocatedImage(split, candidate, label), spec.names
    raise NotFound(f"No image with id {image_id[:80]!r} in this dataset.")


def _labels(label: Path, class_count: int) -> LabelFacts:
    return read_label_file(label, class_count) if label.is_file() else LabelFacts()


def _image_item(dataset_id: str, image: _LocatedImage, names: list[str]) -> DatasetImage:
    from PIL import Image

    try:
        with Image.open(image.path) as opened:
            width, height = opened.size
    except Exception:
        width = height = 0
    facts = _labels(image.label, len(names))
    image_id = encode_image_id(image.split, image.path.name)
    base = f"/api/v1/datasets/{dataset_id}/images/{image_id}"
    return DatasetImage(
        id=image_id,
        split=image.split,
        file_name=image.path.name,
        width=width,
        height=height,
        size_bytes=image.path.stat().st_size,
        annotations=[
            ImageAnnotation(
                class_id=shape.class_id,
                class_name=names[shape.class_id] if shape.class_id < len(names) else None,
                points=[(round(x, 6), round(y, 6)) for x, y in shape.points],
                points_px=[(round(x * width, 2), round(y * height, 2)) for x, y in shape.points],
            )
            for shape in facts.shapes
        ],
        label_problems=[
            f"{image.label.name}:{line} {code}" for code, lines in facts.problems.items() for line in lines
        ][:20],
        thumbnail_url=f"{base}/thumbnail",
        file_url=f"{base}/file",
    )


def list_dataset_images(
    settings: Settings, dataset_id: str, split: str | None, offset: int, limit: int
) -> DatasetImagePage:
    limit = max(1, min(limit, MAX_PAGE_LIMIT))
    with session_scope(settings.resolved_database_url) as db:
        root = ready_root(settings, row_or_404(db, dataset_id))
    spec = _read_spec(root)
    listing: list[_LocatedImage] = []
    for name in SPLITS if split is None else (split,):
        for folder in spec.split_dirs.get(name, []):
            labels = labels_dir_for(folder)
            listing.extend(
                _LocatedImage(name, path, labels / f"{path.stem}.txt") for path in list_images(folder)
            )
    page = listing[offset : offset + limit]
    return DatasetImagePage(
        items=[_image_item(dataset_id, image, spec.names) for image in page],
        total=len(listing),
        offset=offset,
        limit=limit,
        split=split,
    )


def image_file(settings: Settings, dataset_id: str, image_id: str) -> tuple[Path, str]:
    _root, image, _names = _locate(settings, dataset_id, image_id)
    return image.path, MEDIA_TYPES.get(image.path.suffix.lower(), "application/octet-stream")


def _render_thumbnail(image: _LocatedImage, target: Path, size: int, overlay: bool, class_count: int) -> None:
    from PIL import Image, ImageDraw

    with Image.open(image.path) as opened:
        opened.draft("RGB", (size, size))
        picture = opened.convert("RGB")
    picture.thumbnail((size, size))
    if overlay:
        facts = _labels(image.label, class_count)
        width, height = picture.size
        layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for shape in facts.shapes:
            colour = OVERLAY_COLOURS[shape.class_id % len(OVERLAY_COLOURS)]
            points = [(x * width, y * height) for x, y in shape.points]
            draw.polygon(points, fill=(*colour, 110), outline=(*colour, 255))
        picture = Image.alpha_composite(picture.convert("RGBA"), layer).convert("RGB")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    picture.save(partial, "JPEG", quality=THUMBNAIL_QUALITY)
    os.replace(partial, target)


def thumbnail(settings: Settings, dataset_id: str, image_id: str, size: int, overlay: bool) -> Path:
    """A JPEG thumbnail (masks drawn over it with overlay), cached under <dataset>/.thumbs/."""
    root, image, names = _locate(settings, dataset_id, image_id)
    variant = f"{size}{'-overlay' if overlay else ''}"
    target = root / THUMBNAIL_DIR / variant / image.split / f"{image.path.name}.jpg"
    newest_source = max(
        image.path.stat().st_mtime, image.label.stat().st_mtime if image.label.is_file() else 0
    )
    with contextlib.suppress(FileNotFoundError):
        if target.stat().st_mtime >= newest_source:
            return target
    _check_pixels(image.path, settings.dataset_max_image_pixels)
    from PIL import Image

    try:
        _render_thumbnail(image, target, size, overlay, len(names))
    except Image.DecompressionBombError as exc:  # Pillow's own limit, when ours is set above it
        raise TooLarge(f"The image has too many pixels to decode safely: {exc}") from None
    except OSError as exc:
        raise Unprocessable(f"The image cannot be decoded: {exc}") from None
    return target


def _check_pixels(path: Path, max_pixels: int) -> None:
    """Refuses to decode an image with more pixels than the limit (decompression bombs) with a 413."""
    from app.utils.images import stored_size

    width, height = stored_size(path)
    if width * height > max_pixels:
        raise TooLarge(
            f"The image is {width} x {height} = {width * height:,} pixels; thumbnails are made for images up "
            f"to {max_pixels:,} pixels (CRACKDET_DATASET_MAX_IMAGE_PIXELS). Download the original instead."
        )
