"""Generated JPEGs carrying EXIF (camera, focal length, GPS, time) and DJI-style XMP, written with Pillow."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image, TiffImagePlugin

from tests.helpers.inspection_images import concrete

DJI_XMP_ATTRIBUTES = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="DJI Meta Data" xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/" '
    'drone-dji:AbsoluteAltitude="+152.31" drone-dji:RelativeAltitude="{altitude}" '
    'drone-dji:GimbalPitchDegree="{pitch}" drone-dji:FlightYawDegree="+12.40"/></rdf:RDF></x:xmpmeta>'
)
DJI_XMP_ELEMENTS = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:drone-dji="http://www.dji.com/drone-dji/1.0/">'
    "<drone-dji:RelativeAltitude>{altitude}</drone-dji:RelativeAltitude>"
    "<drone-dji:GimbalPitchDegree>{pitch}</drone-dji:GimbalPitchDegree>"
    "<drone-dji:GpsLatitude>{latitude}</drone-dji:GpsLatitude>"
    "<drone-dji:GpsLongtitude>{longitude}</drone-dji:GpsLongtitude>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>"
)


def dms(degrees: float) -> tuple[TiffImagePlugin.IFDRational, ...]:
    """Decimal degrees as EXIF's (degrees, minutes, seconds) rationals."""
    value = abs(degrees)
    whole = int(value)
    minutes = int((value - whole) * 60)
    seconds = Fraction((value - whole - minutes / 60) * 3600).limit_denominator(10000)
    return (
        TiffImagePlugin.IFDRational(whole, 1),
        TiffImagePlugin.IFDRational(minutes, 1),
        TiffImagePlugin.IFDRational(seconds.numerator, seconds.denominator),
    )


def write_photo(
    path: Path,
    *,
    size: tuple[int, int] = (320, 240),
    make: str | None = None,
    model: str | None = None,
    focal_mm: float | None = None,
    focal_35mm: int | None = None,
    focal_plane: tuple[float, float, int, tuple[int, int]] | None = None,  # x res, y res, unit, full size
    gps: tuple[float, float, float | None] | None = None,  # latitude, longitude, altitude (m)
    taken: str | None = None,  # "YYYY:MM:DD HH:MM:SS"
    offset: str | None = None,  # "+02:00"
    orientation: int | None = None,
    xmp: str | None = None,
    seed: int = 1,
) -> Path:
    image = Image.fromarray(concrete(seed, size[0], size[1])[:, :, ::-1])
    exif = Image.Exif()
    if make:
        exif[0x010F] = make
    if model:
        exif[0x0110] = model
    if orientation:
        exif[0x0112] = orientation
    sub = exif.get_ifd(0x8769)
    if focal_mm is not None:
        sub[0x920A] = TiffImagePlugin.IFDRational(Fraction(focal_mm).limit_denominator(1000))
    if focal_35mm is not None:
        sub[0xA405] = focal_35mm
    if focal_plane is not None:
        x_res, y_res, unit, (full_w, full_h) = focal_plane
        sub.update({0xA20E: x_res, 0xA20F: y_res, 0xA210: unit, 0xA002: full_w, 0xA003: full_h})
    if taken:
        sub[0x9003] = taken
    if offset:
        sub[0x9011] = offset
    if gps is not None:
        latitude, longitude, altitude = gps
        fields: dict[int, object] = {
            1: "N" if latitude >= 0 else "S",
            2: dms(latitude),
            3: "E" if longitude >= 0 else "W",
            4: dms(longitude),
        }
        if altitude is not None:
            fields[5] = b"\x00" if altitude >= 0 else b"\x01"
            fields[6] = TiffImagePlugin.IFDRational(Fraction(abs(altitude)).limit_denominator(100))
        exif.get_ifd(0x8825).update(fields)
    extra = {"xmp": xmp.encode()} if xmp else {}
    image.save(path, format="JPEG", quality=90, exif=exif, **extra)
    return path


def write_plain(path: Path, size: tuple[int, int] = (200, 150)) -> Path:
    """A photo with no metadata at all (PNG, or JPEG when the suffix says so)."""
    Image.fromarray(np.full((size[1], size[0], 3), 128, np.uint8)).save(path)
    return path
