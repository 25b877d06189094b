"""Image decoding for prediction: formats, EXIF orientation, 16-bit and greyscale, limits."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from app.domain.errors import TooLarge, Unprocessable
from app.utils.images import inspect_image, load_rgb, save_display_copy

LIMIT = 10_000_000


def encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def marked_rgb(width: int = 60, height: int = 40) -> np.ndarray:
    """Grey image with a red block in the stored top-left corner."""
    array = np.full((height, width, 3), 128, np.uint8)
    array[:10, :20] = (255, 0, 0)
    return array


@pytest.mark.parametrize(
    ("fmt", "suffix"),
    [("JPEG", ".jpg"), ("PNG", ".png"), ("TIFF", ".tif"), ("BMP", ".bmp"), ("WEBP", ".webp")],
)
def test_supported_formats_decode_to_rgb(fmt: str, suffix: str) -> None:
    data = encode(Image.fromarray(marked_rgb()), fmt)
    array, info = load_rgb(data, LIMIT)
    assert info.format == fmt and info.suffix == suffix
    assert array.shape == (40, 60, 3) and array.dtype == np.uint8
    assert array[2, 2, 0] > 200 and array[2, 2, 2] < 60  # the red corner survived
    assert inspect_image(data, LIMIT) == info


def exif_rotated_jpeg(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return encode(Image.fromarray(marked_rgb()), "JPEG", exif=exif.tobytes(), quality=95)


def test_exif_orientation_gives_the_displayed_picture() -> None:
    # Orientation 6: the viewer rotates the stored picture 90 degrees clockwise.
    array, info = load_rgb(exif_rotated_jpeg(6), LIMIT)
    assert info.orientation == 6
    assert (info.width, info.height) == (40, 60)  # displayed size: width and height swap
    assert array.shape == (60, 40, 3)
    assert array[2, -3, 0] > 200  # the stored top-left corner is now top-right
    assert array[2, 2, 0] < 200
    assert info.needs_display_copy


def test_upright_jpeg_needs_no_display_copy() -> None:
    _array, info = load_rgb(exif_rotated_jpeg(1), LIMIT)
    assert info.orientation == 1 and not info.needs_display_copy


def test_16_bit_greyscale_is_stretched_to_8_bit_rgb() -> None:
    ramp = np.tile(np.linspace(0, 4095, 64), (16, 1)).astype(np.uint16)  # a 12-bit sensor in 16 bits
    data = encode(Image.fromarray(ramp), "PNG")
    array, info = load_rgb(data, LIMIT)
    assert info.mode.startswith("I")
    assert array.dtype == np.uint8 and array.shape == (16, 64, 3)
    row = array[0, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255  # full 8-bit range, not 4095 / 257 = 15
    assert (np.diff(row) >= 0).all()
    assert (array[..., 0] == array[..., 2]).all()


def test_16_bit_tiff_and_greyscale_inputs() -> None:
    values = (np.arange(32 * 32).reshape(32, 32) * 60).astype(np.uint16)
    array, info = load_rgb(encode(Image.fromarray(values), "TIFF"), LIMIT)
    assert info.format == "TIFF" and array.shape == (32, 32, 3) and array.max() == 255
    grey = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (8, 1))
    array, info = load_rgb(encode(Image.fromarray(grey, "L"), "PNG"), LIMIT)
    assert info.mode == "L" and (array[..., 1] == grey).all()
    assert not info.needs_display_copy


def test_alpha_and_palette_images_become_rgb() -> None:
    rgba = Image.new("RGBA", (10, 10), (10, 20, 30, 0))
    array, _ = load_rgb(encode(rgba, "PNG"), LIMIT)
    assert array.shape == (10, 10, 3)
    palette = Image.new("P", (10, 10), 3)
    assert load_rgb(encode(palette, "PNG"), LIMIT)[0].shape == (10, 10, 3)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels but carries almost no data (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 10))
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = _png_header_only(50_000, 50_000)  # 2.5 gigapixels in a few bytes
    with pytest.raises(TooLarge, match="pixels"):
        inspect_image(bomb, LIMIT)
    with pytest.raises(TooLarge, match="pixels"):
        load_rgb(bomb, LIMIT)


def test_pixel_limit_applies_to_ordinary_images() -> None:
    data = encode(Image.new("RGB", (200, 100)), "PNG")
    with pytest.raises(TooLarge, match="20,000 pixels; the limit is 19,999"):
        load_rgb(data, 19_999)
    assert load_rgb(data, 20_000)[0].shape == (100, 200, 3)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\nbroken"])
def test_non_images_are_unprocessable(data: bytes) -> None:
    with pytest.raises(Unprocessable):
        inspect_image(data, LIMIT)


def test_unsupported_format_is_named() -> None:
    data = encode(Image.new("RGB", (8, 8)), "GIF")
    with pytest.raises(Unprocessable, match="GIF"):
        inspect_image(data, LIMIT)


def test_truncated_image_is_unprocessable() -> None:
    data = encode(Image.fromarray(marked_rgb(200, 200)), "PNG")
    with pytest.raises(Unprocessable):
        load_rgb(data[: len(data) // 2], LIMIT)


def test_display_copy_is_upright(tmp_path: object) -> None:
    from pathlib import Path

    array, info = load_rgb(exif_rotated_jpeg(6), LIMIT)
    path = save_display_copy(array, info, Path(str(tmp_path)) / "display")
    assert path.suffix == ".jpg"
    with Image.open(path) as saved:
        assert saved.size == (40, 60)
