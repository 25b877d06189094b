"""Image decoding for prediction: JPEG, PNG, TIFF, BMP and WebP into 8-bit RGB as the user sees it.

Pillow and numpy only (the API process uses it too). What it guarantees:
- EXIF orientation is applied (`ImageOps.exif_transpose`), so pixel coordinates of results line up
  with the picture a browser or photo viewer shows;
- 16-bit, 32-bit and float greyscale are stretched to 8 bits between their 0.1 and 99.9 percentiles (a
  12-bit sensor image in a 16-bit file would otherwise look black); greyscale, palette, CMYK and alpha
  images become RGB (alpha is dropped);
- the pixel count is checked from the header before any pixel is decoded (decompression bombs: a tiny
  PNG can declare 100 000 x 100 000 pixels): CRACKDET_PREDICTION_MAX_IMAGE_PIXELS replaces Pillow's
  global MAX_IMAGE_PIXELS check, with its own message.
Every refusal is an `AppError` with a 4xx status and a message that says what is wrong.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageOps, UnidentifiedImageError

from app.domain.errors import TooLarge, Unprocessable

SUPPORTED_FORMATS: dict[str, str] = {
    "JPEG": ".jpg",
    "PNG": ".png",
    "TIFF": ".tif",
    "BMP": ".bmp",
    "WEBP": ".webp",
    "MPO": ".jpg",  # multi-picture JPEG from some phones: the first frame is an ordinary JPEG
}
BROWSER_FORMATS = {"JPEG", "PNG", "BMP", "WEBP", "MPO"}
BROWSER_MODES = {"RGB", "RGBA", "L", "LA", "P", "1"}
EXIF_ORIENTATION_TAG = 0x0112
_STRETCH_PERCENTILES = (0.1, 99.9)
_STRETCH_SAMPLE = 1_000_000
HIGH_DEPTH_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I", "F")

RGBArray = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class ImageInfo:
    """What the header says. width/height are as displayed (after EXIF orientation)."""

    format: str
    mode: str
    width: int
    height: int
    orientation: int

    @property
    def suffix(self) -> str:
        return SUPPORTED_FORMATS[self.format]

    @property
    def needs_display_copy(self) -> bool:
        """True when a browser would not show the stored file as the user sees it."""
        return (
            self.orientation not in (0, 1)
            or self.format not in BROWSER_FORMATS
            or (self.mode not in BROWSER_MODES)
        )


def supported_formats_text() -> str:
    return "JPEG, PNG, TIFF, BMP or WebP"


_OPEN_LOCK = threading.Lock()


def _open(stream: Path | BinaryIO) -> Image.Image:
    """Image.open (header only) with Pillow's own bomb check off: `_check` applies our pixel limit
    before anything is decoded. Pillow's limit is a process-wide global, hence the lock."""
    with _OPEN_LOCK:
        previous = Image.MAX_IMAGE_PIXELS
        Image.MAX_IMAGE_PIXELS = None
        try:
            return Image.open(stream)
        finally:
            Image.MAX_IMAGE_PIXELS = previous


@contextmanager
def _opened(source: Path | bytes | BinaryIO) -> Iterator[Image.Image]:
    """The opened image; unreadable input becomes a 422 that says so."""
    stream: Path | BinaryIO = io.BytesIO(source) if isinstance(source, bytes) else source
    try:
        image = _open(stream)
    except UnidentifiedImageError:
        raise Unprocessable(
            f"The file is not an image Pillow can read; upload {supported_formats_text()}."
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise Unprocessable(f"The image could not be read ({type(exc).__name__}: {exc}).") from None
    with image:
        yield image


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(EXIF_ORIENTATION_TAG, 1)
        return int(value) if isinstance(value, int) and 1 <= value <= 8 else 1
    except Exception:  # a broken EXIF block is ignored, as viewers do
        return 1


def _check(image: Image.Image, max_pixels: int) -> ImageInfo:
    fmt = (image.format or "").upper()
    if fmt not in SUPPORTED_FORMATS:
        raise Unprocessable(
            f"Unsupported image format {fmt or 'unknown'}; upload {supported_formats_text()}."
        )
    width, height = image.size
    if width < 1 or height < 1:
        raise Unprocessable("The image has no pixels.")
    if width * height > max_pixels:
        raise TooLarge(
            f"The image is {width} x {height} = {width * height:,} pixels; the limit is {max_pixels:,}. "
            "Downscale it, or raise CRACKDET_PREDICTION_MAX_IMAGE_PIXELS."
        )
    orientation = _orientation(image)
    if orientation in (5, 6, 7, 8):  # rotated by 90 degrees: displayed width and height swap
        width, height = height, width
    return ImageInfo(format=fmt, mode=image.mode, width=width, height=height, orientation=orientation)


def stored_size(path: Path) -> tuple[int, int]:
    """(width, height) from the header of any image Pillow reads, without decoding or a pixel check."""
    with _opened(path) as image:
        width, height = image.size
        return int(width), int(height)


def inspect_image(source: Path | bytes | BinaryIO, max_pixels: int) -> ImageInfo:
    """Format, mode and displayed size from the header (no pixel decoding); refuses what we can't use."""
    with _opened(source) as image:
        return _check(image, max_pixels)


def _stretch_to_uint8(values: npt.NDArray[np.float32]) -> RGBArray:
    flat = values.reshape(-1)
    sample = flat[:: max(1, flat.size // _STRETCH_SAMPLE)]  # percentiles from at most ~1M values
    finite = sample[np.isfinite(sample)]
    if finite.size == 0:
        return np.zeros(values.shape, dtype=np.uint8)
    low, high = (float(v) for v in np.percentile(finite, _STRETCH_PERCENTILES))
    if high <= low:
        high = low + 1.0
    scaled = (np.nan_to_num(values, nan=low) - low) * np.float32(255.0 / (high - low))
    return np.clip(np.rint(scaled), 0, 255).astype(np.uint8)


def _to_rgb_array(image: Image.Image) -> RGBArray:
    if image.mode in HIGH_DEPTH_MODES:
        grey = _stretch_to_uint8(np.asarray(image, dtype=np.float32))
        return np.repeat(grey[:, :, None], 3, axis=2)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image, dtype=np.uint8)


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """exif_transpose copies the whole image even when there is nothing to do: only call it when needed."""
    return image if orientation in (0, 1) else ImageOps.exif_transpose(image)


def load_rgb(source: Path | bytes | BinaryIO, max_pixels: int) -> tuple[RGBArray, ImageInfo]:
    """Decode to an 8-bit RGB array (H x W x 3) in displayed orientation, with the header info."""
    with _opened(source) as image:
        info = _check(image, max_pixels)
        try:
            image.seek(0)  # first frame of a multi-page TIFF / animated WebP
            array = _to_rgb_array(_upright(image, info.orientation))
        except (OSError, SyntaxError, ValueError) as exc:
            raise Unprocessable(f"The image could not be decoded ({type(exc).__name__}: {exc}).") from None
    if array.shape[:2] != (info.height, info.width):  # defensive: orientation and size must agree
        info = ImageInfo(info.format, info.mode, int(array.shape[1]), int(array.shape[0]), info.orientation)
    return array, info


def save_display_copy(array: RGBArray, info: ImageInfo, target_stem: Path) -> Path:
    """Write the upright 8-bit image a browser can show: JPEG (q95) for JPEG sources, else PNG."""
    image = Image.fromarray(array)
    if info.format in ("JPEG", "MPO"):
        path = target_stem.with_suffix(".jpg")
        image.save(path, format="JPEG", quality=95)
    else:
        path = target_stem.with_suffix(".png")
        image.save(path, format="PNG", compress_level=1)
    return path


def open_display(path: Path, max_pixels: int) -> Image.Image:
    """The upright RGB image of a stored file (display copy or browser-friendly original)."""
    with _opened(path) as image:
        info = _check(image, max_pixels)
        try:
            upright = _upright(image, info.orientation)
            if upright.mode in HIGH_DEPTH_MODES:
                return Image.fromarray(_to_rgb_array(upright))
            return upright.convert("RGB")
        except (OSError, SyntaxError, ValueError) as exc:
            raise Unprocessable(
                f"The stored image could not be decoded ({type(exc).__name__}: {exc})."
            ) from None
