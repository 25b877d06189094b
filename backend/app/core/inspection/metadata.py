"""What a photo says about itself: size, camera, focal length, sensor, GPS, DJI flight data, capture time.

Read with Pillow from EXIF (IFD0, the Exif IFD and the GPS IFD) and from the XMP packet DJI drones write
(`drone-dji:RelativeAltitude`, `GimbalPitchDegree`, ...). Every field is None when the photo does not
carry it or carries a value out of range: a phone picture without GPS or a PNG without EXIF reads as
all None, never as an error. Only a file that is not an image raises `PhotoMetadataError`.

Orientation: `width` / `height` are the displayed size (EXIF orientation applied, as the app shows and
predicts on it); `sensor_width_mm` / `sensor_height_mm` follow the sensor's own (stored) axes. The scale
code compares long side with long side, so the two never need to agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from app.utils.clock import as_utc

# EXIF tag numbers (Exif 2.32)
_IFD_EXIF = 0x8769
_IFD_GPS = 0x8825
_MAKE, _MODEL, _ORIENTATION, _DATETIME = 0x010F, 0x0110, 0x0112, 0x0132
_FOCAL_LENGTH, _FOCAL_35MM = 0x920A, 0xA405
_FOCAL_PLANE_X, _FOCAL_PLANE_Y, _FOCAL_PLANE_UNIT = 0xA20E, 0xA20F, 0xA210
_PIXEL_X, _PIXEL_Y = 0xA002, 0xA003
_DATETIME_ORIGINAL, _OFFSET_ORIGINAL = 0x9003, 0x9011
_GPS_LAT_REF, _GPS_LAT, _GPS_LON_REF, _GPS_LON, _GPS_ALT_REF, _GPS_ALT = 1, 2, 3, 4, 5, 6
# FocalPlaneResolutionUnit: 2 inch, 3 cm, 4 mm, 5 micrometre (1 is "no unit": unusable)
_UNIT_MM = {2: 25.4, 3: 10.0, 4: 1.0, 5: 0.001}
_ROTATED_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height

MAX_TEXT = 64  # make / model strings are cut here
XMP_SCAN_BYTES = 2 * 1024 * 1024  # the XMP packet of a JPEG sits in its first segments
_SENSOR_MM_RANGE = (1.0, 60.0)  # from a phone's 1/4" sensor up to medium format
_FOCAL_MM_RANGE = (0.5, 2000.0)
_ALTITUDE_M_RANGE = (-20000.0, 20000.0)
_XMP_PACKET = re.compile(rb"<x:xmpmeta.*?</x:xmpmeta>", re.DOTALL)


class PhotoMetadataError(ValueError):
    """The file is not an image Pillow can open."""


@dataclass(frozen=True)
class PhotoMetadata:
    width: int | None = None
    height: int | None = None
    orientation: int | None = None
    camera_make: str | None = None
    camera_model: str | None = None
    focal_length_mm: float | None = None
    focal_length_35mm: float | None = None
    sensor_width_mm: float | None = None  # from the EXIF focal-plane resolution
    sensor_height_mm: float | None = None
    latitude: float | None = None  # WGS 84 degrees, north positive
    longitude: float | None = None  # east positive
    altitude_m: float | None = None  # GPS altitude (above sea level)
    relative_altitude_m: float | None = None  # DJI: height above the take-off point
    gimbal_pitch_deg: float | None = None  # DJI: -90 is straight down
    captured_at: datetime | None = None  # aware (UTC) when the photo gives its offset, else naive local

    @property
    def has_gps(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready fields (capture time as ISO 8601)."""
        data = asdict(self)
        data["captured_at"] = self.captured_at.isoformat() if self.captured_at else None
        return data


def read_photo_metadata(path: Path) -> PhotoMetadata:
    """The metadata of the image at `path` (reads headers only, never decodes the pixels)."""
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            xmp = _xmp_text(image.info, path)
            size = image.size
    except Image.DecompressionBombError:
        raise PhotoMetadataError(f"{Path(path).name} has too many pixels to open safely") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise PhotoMetadataError(
            f"{Path(path).name} is not a readable image ({type(exc).__name__})"
        ) from None
    exif_ifd = _safe_ifd(exif, _IFD_EXIF)
    gps_ifd = _safe_ifd(exif, _IFD_GPS)
    orientation = _int(exif.get(_ORIENTATION))
    width, height = size
    if orientation in _ROTATED_ORIENTATIONS:
        width, height = height, width
    dji = _dji_fields(xmp)
    latitude, longitude = _gps_position(gps_ifd)
    if latitude is None or longitude is None:
        latitude, longitude = _checked_position(dji.get("GpsLatitude"), dji.get("GpsLongitude"))
    sensor_w, sensor_h = _sensor_size(exif_ifd, size)
    return PhotoMetadata(
        width=int(width),
        height=int(height),
        orientation=orientation,
        camera_make=_text(exif.get(_MAKE)),
        camera_model=_text(exif.get(_MODEL)),
        focal_length_mm=_in_range(_float(exif_ifd.get(_FOCAL_LENGTH)), _FOCAL_MM_RANGE),
        focal_length_35mm=_in_range(_float(exif_ifd.get(_FOCAL_35MM)), _FOCAL_MM_RANGE),
        sensor_width_mm=sensor_w,
        sensor_height_mm=sensor_h,
        latitude=latitude,
        longitude=longitude,
        altitude_m=_gps_altitude(gps_ifd),
        relative_altitude_m=_in_range(dji.get("RelativeAltitude"), _ALTITUDE_M_RANGE),
        gimbal_pitch_deg=_in_range(dji.get("GimbalPitchDegree"), (-180.0, 180.0)),
        captured_at=_capture_time(exif_ifd.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME), exif_ifd),
    )


# --------------------------------------------------------------------------------------------------
# Value parsing: EXIF values are rationals, tuples, bytes or strings, and sometimes garbage
# --------------------------------------------------------------------------------------------------


def _safe_ifd(exif: Image.Exif, tag: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(tag))
    except (KeyError, ValueError, TypeError, OSError, SyntaxError):  # a corrupt sub-IFD: ignore it
        return {}


def _float(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return number if math.isfinite(number) else None


def _int(value: object) -> int | None:
    number = _float(value)
    return int(number) if number is not None else None


def _in_range(value: float | None, bounds: tuple[float, float]) -> float | None:
    if value is None or not bounds[0] <= value <= bounds[1]:
        return None
    return value


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    cleaned = "".join(ch for ch in value if ch.isprintable()).strip()
    return cleaned[:MAX_TEXT] or None


def _dms(value: object) -> float | None:
    """Degrees from an EXIF (degrees, minutes, seconds) triple of rationals."""
    if not isinstance(value, tuple | list) or len(value) != 3:
        return None
    parts = [_float(v) for v in value]
    if any(p is None or p < 0 for p in parts):
        return None
    degrees, minutes, seconds = (float(p) for p in parts)  # type: ignore[arg-type]
    return degrees + minutes / 60.0 + seconds / 3600.0


def _checked_position(latitude: float | None, longitude: float | None) -> tuple[float | None, float | None]:
    if latitude is None or longitude is None:
        return None, None
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None, None
    if latitude == 0.0 and longitude == 0.0:  # "no fix" written as zeros by some cameras
        return None, None
    return latitude, longitude


def _gps_position(gps: dict[int, Any]) -> tuple[float | None, float | None]:
    latitude, longitude = _dms(gps.get(_GPS_LAT)), _dms(gps.get(_GPS_LON))
    if latitude is None or longitude is None:
        return None, None
    if str(_text(gps.get(_GPS_LAT_REF)) or "N").upper().startswith("S"):
        latitude = -latitude
    if str(_text(gps.get(_GPS_LON_REF)) or "E").upper().startswith("W"):
        longitude = -longitude
    return _checked_position(latitude, longitude)


def _gps_altitude(gps: dict[int, Any]) -> float | None:
    altitude = _float(gps.get(_GPS_ALT))
    if altitude is None:
        return None
    reference = gps.get(_GPS_ALT_REF)
    if isinstance(reference, bytes):
        reference = reference[:1] == b"\x01"
    if reference in (1, True):  # 1: below sea level
        altitude = -altitude
    return _in_range(altitude, _ALTITUDE_M_RANGE)


def _sensor_size(exif_ifd: dict[int, Any], stored_size: tuple[int, int]) -> tuple[float | None, float | None]:
    """Sensor size in mm from the focal-plane resolution (pixels per unit of the full-size image)."""
    unit_mm = _UNIT_MM.get(_int(exif_ifd.get(_FOCAL_PLANE_UNIT)) or 2)  # the EXIF default is inch
    x_res, y_res = _float(exif_ifd.get(_FOCAL_PLANE_X)), _float(exif_ifd.get(_FOCAL_PLANE_Y))
    if unit_mm is None or not x_res or not y_res or x_res <= 0 or y_res <= 0:
        return None, None
    pixels_x = _float(exif_ifd.get(_PIXEL_X)) or float(stored_size[0])
    pixels_y = _float(exif_ifd.get(_PIXEL_Y)) or float(stored_size[1])
    width = _in_range(pixels_x / x_res * unit_mm, _SENSOR_MM_RANGE)
    height = _in_range(pixels_y / y_res * unit_mm, _SENSOR_MM_RANGE)
    if width is None or height is None:
        return None, None
    return round(width, 4), round(height, 4)


def _capture_time(value: object, exif_ifd: dict[int, Any]) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        moment = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = _text(exif_ifd.get(_OFFSET_ORIGINAL))
    match = re.fullmatch(r"([+-])(\d{2}):(\d{2})", offset or "")
    if not match:
        return moment
    sign = -1 if match.group(1) == "-" else 1
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    if delta > timedelta(hours=14):
        return moment
    return as_utc(moment.replace(tzinfo=timezone(sign * delta)))


# --------------------------------------------------------------------------------------------------
# DJI XMP
# --------------------------------------------------------------------------------------------------


def _xmp_text(info: Mapping[Any, Any], path: Path) -> str:
    """The XMP packet: from Pillow's info when it has it, else found in the file's first bytes."""
    packet = info.get("xmp") or info.get("XML:com.adobe.xmp")
    if isinstance(packet, str):
        return packet[:XMP_SCAN_BYTES]
    if isinstance(packet, bytes):
        return packet[:XMP_SCAN_BYTES].decode("utf-8", "replace")
    with open(path, "rb") as handle:
        head = handle.read(XMP_SCAN_BYTES)
    match = _XMP_PACKET.search(head)
    return match.group(0).decode("utf-8", "replace") if match else ""


_DJI_FIELDS = ("RelativeAltitude", "GimbalPitchDegree", "GpsLatitude", "GpsLongitude", "GpsLongtitude")


def _dji_fields(xmp: str) -> dict[str, float]:
    """DJI's numeric XMP fields, as attributes (`drone-dji:X="+1.0"`) or elements (`<drone-dji:X>`)."""
    found: dict[str, float] = {}
    if not xmp:
        return found
    for name in _DJI_FIELDS:
        pattern = rf"drone-dji:{name}\s*=\s*\"([^\"]{{1,32}})\"|<drone-dji:{name}>([^<]{{1,32}})</"
        match = re.search(pattern, xmp)
        if match:
            number = _float((match.group(1) or match.group(2)).strip())
            if number is not None:
                found[name] = number
    if "GpsLongitude" not in found and "GpsLongtitude" in found:  # a misspelling of older firmware
        found["GpsLongitude"] = found["GpsLongtitude"]
    return found
