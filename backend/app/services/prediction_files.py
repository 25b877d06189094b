"""Where prediction images live and how they arrive: data_dir/predictions/<id>/original.<ext>.

Uploads are read with a size limit, checked (format, pixel limit) and written under a new id; stored
paths are relative to the data directory and confined to it when read back.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from fastapi import UploadFile

from app.config import Settings
from app.db.base import new_id
from app.domain.errors import NotFound, TooLarge, Unprocessable
from app.utils.images import ImageInfo, inspect_image
from app.utils.paths import PathEscape, confine, relative_posix

PREDICTIONS_DIR = "predictions"
ORIGINAL_STEM = "original"
DISPLAY_STEM = "display"
READ_CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".bmp": "image/bmp",
    ".webp": "image/webp",
}


def predictions_dir(settings: Settings) -> Path:
    return settings.data_dir / PREDICTIONS_DIR


def prediction_dir(settings: Settings, prediction_id: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", prediction_id):
        raise NotFound(f"Prediction {prediction_id} does not exist")
    return predictions_dir(settings) / prediction_id


def data_path(settings: Settings, relative: str) -> Path:
    """A stored relative path as an absolute one; refuses anything outside the data directory."""
    try:
        return confine(relative, settings.data_dir)
    except PathEscape:
        raise Unprocessable("A stored path points outside the data directory") from None


def relative(settings: Settings, path: Path) -> str:
    """How a file below the data directory is stored: relative, forward slashes."""
    return relative_posix(path, settings.data_dir)


def clean_name(raw: str | None) -> str:
    name = Path(raw or "").name
    cleaned = _SAFE_NAME.sub("_", name).strip(" .")
    return cleaned[:200] or "image"


@dataclass(frozen=True)
class StoredImage:
    prediction_id: str
    path: Path
    name: str
    info: ImageInfo


async def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(READ_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(
                f"'{clean_name(upload.filename)}' is larger than the limit of {max_bytes:,} bytes "
                "(CRACKDET_PREDICTION_MAX_IMAGE_BYTES)"
            )
        chunks.append(chunk)
    if size == 0:
        raise Unprocessable(f"'{clean_name(upload.filename)}' is empty")
    return b"".join(chunks)


def store_image(settings: Settings, data: bytes, name: str) -> StoredImage:
    """Check the header (format, pixel limit) and write the original under predictions/<new id>/."""
    info = inspect_image(data, settings.prediction_max_image_pixels)
    prediction_id = new_id()
    folder = prediction_dir(settings, prediction_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ORIGINAL_STEM}{info.suffix}"
    path.write_bytes(data)
    return StoredImage(prediction_id, path, clean_name(name), info)


def discard(settings: Settings, prediction_id: str) -> None:
    shutil.rmtree(prediction_dir(settings, prediction_id), ignore_errors=True)
