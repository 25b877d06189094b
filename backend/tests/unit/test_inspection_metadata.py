"""Photo metadata read back from generated JPEGs whose EXIF / XMP was written with Pillow."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from app.core.inspection.metadata import PhotoMetadata, PhotoMetadataError, read_photo_metadata
from app.core.inspection.scale import ScaleEstimate, exif_scale
from tests.helpers.inspection_exif import DJI_XMP_ATTRIBUTES, DJI_XMP_ELEMENTS, write_photo, write_plain


def test_exif_camera_gps_and_time_come_back(tmp_path: Path) -> None:
    path = write_photo(
        tmp_path / "dji.jpg",
        make="DJI",
        model="FC6310",
        focal_mm=8.8,
        focal_35mm=24,
        gps=(52.52, 13.405, 120.5),
        taken="2026:05:14 10:31:07",
        offset="+02:00",
    )
    meta = read_photo_metadata(path)
    assert (meta.width, meta.height) == (320, 240)
    assert (meta.camera_make, meta.camera_model) == ("DJI", "FC6310")
    assert meta.focal_length_mm == pytest.approx(8.8)
    assert meta.focal_length_35mm == 24
    assert meta.latitude == pytest.approx(52.52, abs=1e-6)
    assert meta.longitude == pytest.approx(13.405, abs=1e-6)
    assert meta.altitude_m == pytest.approx(120.5)
    assert meta.has_gps
    assert meta.captured_at == datetime(2026, 5, 14, 8, 31, 7, tzinfo=UTC)
    assert meta.as_dict()["captured_at"] == "2026-05-14T08:31:07+00:00"


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(-33.8568, 151.2153), (40.6892, -74.0445), (-22.9519, -43.2105)]
)
def test_southern_and_western_hemispheres_are_negative(
    tmp_path: Path, latitude: float, longitude: float
) -> None:
    meta = read_photo_metadata(write_photo(tmp_path / "p.jpg", gps=(latitude, longitude, -3.0)))
    assert meta.latitude == pytest.approx(latitude, abs=1e-6)
    assert meta.longitude == pytest.approx(longitude, abs=1e-6)
    assert meta.altitude_m == pytest.approx(-3.0)  # altitude reference 1: below sea level


@pytest.mark.parametrize("name", ["plain.png", "plain.jpg"])
def test_photo_without_exif_reads_as_all_none(tmp_path: Path, name: str) -> None:
    meta = read_photo_metadata(write_plain(tmp_path / name))
    assert (meta.width, meta.height) == (200, 150)
    empty = {k: v for k, v in meta.as_dict().items() if k not in ("width", "height")}
    assert set(empty.values()) == {None}
    assert not meta.has_gps


def test_capture_time_without_offset_stays_local(tmp_path: Path) -> None:
    meta = read_photo_metadata(write_photo(tmp_path / "p.jpg", taken="2025:11:30 16:02:59"))
    assert meta.captured_at == datetime(2025, 11, 30, 16, 2, 59)
    assert meta.captured_at.tzinfo is None


def test_dji_xmp_attributes_are_parsed(tmp_path: Path) -> None:
    xmp = DJI_XMP_ATTRIBUTES.format(altitude="+50.20", pitch="-89.90")
    meta = read_photo_metadata(write_photo(tmp_path / "dji.jpg", make="DJI", model="FC6310", xmp=xmp))
    assert meta.relative_altitude_m == pytest.approx(50.2)
    assert meta.gimbal_pitch_deg == pytest.approx(-89.9)


def test_dji_xmp_elements_give_position_when_exif_has_none(tmp_path: Path) -> None:
    # Older firmware spells GpsLongtitude: it is read too.
    xmp = DJI_XMP_ELEMENTS.format(altitude="32.5", pitch="-45.0", latitude="48.8584", longitude="2.2945")
    meta = read_photo_metadata(write_photo(tmp_path / "dji.jpg", xmp=xmp))
    assert meta.relative_altitude_m == pytest.approx(32.5)
    assert meta.gimbal_pitch_deg == pytest.approx(-45.0)
    assert (meta.latitude, meta.longitude) == (pytest.approx(48.8584), pytest.approx(2.2945))


def test_dji_photo_scale_from_its_own_metadata(tmp_path: Path) -> None:
    """A Phantom 4 Pro photo (downscaled to 547 px) at 100 m straight down: GSD 100 m * 13.2 / (8.8 * 547)."""
    xmp = DJI_XMP_ATTRIBUTES.format(altitude="+100.00", pitch="-90.00")
    path = write_photo(
        tmp_path / "dji.jpg", size=(547, 365), make="DJI", model="FC6310", focal_mm=8.8, xmp=xmp
    )
    estimate = exif_scale(read_photo_metadata(path))
    assert isinstance(estimate, ScaleEstimate)
    assert estimate.mm_per_px == pytest.approx(100_000 * 13.2 / (8.8 * 547), rel=0.01)


def test_focal_plane_resolution_gives_the_sensor_size(tmp_path: Path) -> None:
    # An APS-C camera: 23.5 x 15.6 mm for 6000 x 4000 px, given in pixels per cm; the file was downscaled.
    plane = (6000 / 2.35, 4000 / 1.56, 3, (6000, 4000))
    meta = read_photo_metadata(write_photo(tmp_path / "aps.jpg", focal_mm=23.0, focal_plane=plane))
    assert meta.sensor_width_mm == pytest.approx(23.5, rel=1e-3)
    assert meta.sensor_height_mm == pytest.approx(15.6, rel=1e-3)
    estimate = exif_scale(meta, distance_m=2.0)
    assert isinstance(estimate, ScaleEstimate) and "focal plane" in estimate.detail
    assert estimate.mm_per_px == pytest.approx(2000.0 * 23.5 / (23.0 * 320), rel=0.01)


def test_rotated_photo_reports_its_displayed_size(tmp_path: Path) -> None:
    meta = read_photo_metadata(write_photo(tmp_path / "r.jpg", size=(320, 240), orientation=6))
    assert (meta.width, meta.height, meta.orientation) == (240, 320, 6)


@pytest.mark.parametrize("gps", [(95.0, 10.0, None), (0.0, 0.0, None)])
def test_impossible_or_empty_positions_are_dropped(tmp_path: Path, gps: tuple[float, float, None]) -> None:
    assert read_photo_metadata(write_photo(tmp_path / "p.jpg", gps=gps)).latitude is None


def test_not_an_image_raises_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_bytes(b"this is not a photo")
    with pytest.raises(PhotoMetadataError, match=r"notes\.jpg is not a readable image"):
        read_photo_metadata(path)


def test_decompression_bomb_is_refused_with_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_plain(tmp_path / "huge.png", size=(400, 300))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # 120 000 px is then over twice the limit
    with pytest.raises(PhotoMetadataError, match="too many pixels"):
        read_photo_metadata(path)


def test_metadata_dataclass_defaults_are_empty() -> None:
    assert PhotoMetadata().as_dict()["latitude"] is None
