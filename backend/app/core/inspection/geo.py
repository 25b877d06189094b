"""Cracks on a map: GeoJSON (RFC 7946) and CSV with latitude and longitude.

A crack's position is its photo's GPS position (a photo covers a few metres at most; the crack's own
offset within it is not known without the camera's heading and footprint). Coordinates are WGS 84 in
RFC 7946's order, [longitude, latitude]. Photos without GPS still export: their features carry a null
geometry (valid GeoJSON, skipped by map libraries) and their CSV rows empty coordinates, so nothing is
lost from the tables.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.domain.severity import worst_severity

COORDINATE_DECIMALS = 7  # about 1 cm
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "image",
    "crack_id",
    "latitude",
    "longitude",
    "altitude_m",
    "length_mm",
    "max_width_mm",
    "p95_width_mm",
    "area_mm2",
    "severity",
    "length_px",
    "max_width_px",
    "confidence",
    "mm_per_px",
    "scale_source",
    "structure",
    "inspection",
    "captured_at",
)


@dataclass(frozen=True)
class GeoCrack:
    crack_id: int | str
    length_px: float | None = None
    max_width_px: float | None = None
    length_mm: float | None = None
    max_width_mm: float | None = None
    p95_width_mm: float | None = None
    area_mm2: float | None = None
    severity: str | None = None
    confidence: float | None = None

    @classmethod
    def from_measurement(
        cls, crack_id: int | str, measurement: Mapping[str, Any], confidence: float | None = None
    ) -> GeoCrack:
        """From a `core.measure.measure_crack` result (its keys, None where absent)."""
        return cls(
            crack_id=crack_id,
            length_px=measurement.get("length_px"),
            max_width_px=measurement.get("width_max_px"),
            length_mm=measurement.get("length_mm"),
            max_width_mm=measurement.get("width_max_mm"),
            p95_width_mm=measurement.get("width_p95_mm"),
            area_mm2=measurement.get("area_mm2"),
            severity=measurement.get("severity"),
            confidence=confidence,
        )


@dataclass(frozen=True)
class GeoImage:
    image: str  # the name shown to the user
    latitude: float | None = None
    longitude: float | None = None
    altitude_m: float | None = None
    cracks: Sequence[GeoCrack] = field(default_factory=tuple)
    image_id: int | str | None = None
    mm_per_px: float | None = None
    scale_source: str | None = None
    structure: str | None = None
    inspection: str | None = None
    captured_at: datetime | str | None = None  # a datetime, or the ISO text stored from EXIF

    @property
    def located(self) -> bool:
        return _position(self) is not None


def cracks_geojson(images: Iterable[GeoImage], *, include_unlocated: bool = True) -> dict[str, Any]:
    """A FeatureCollection with one Point feature per crack, at its photo's position."""
    features = []
    for image in images:
        geometry = _point(image)
        if geometry is None and not include_unlocated:
            continue
        for crack in image.cracks:
            properties = {**_image_properties(image), **_crack_properties(crack)}
            # a fresh geometry per feature: a consumer editing one feature must not move its siblings
            features.append({"type": "Feature", "geometry": _point(image), "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def images_geojson(images: Iterable[GeoImage]) -> dict[str, Any]:
    """One Point per located photo with its crack count, total length and worst severity (for the map)."""
    features = []
    for image in images:
        geometry = _point(image)
        if geometry is None:
            continue
        lengths = [c.length_mm for c in image.cracks if c.length_mm is not None]
        properties = {
            **_image_properties(image),
            "crack_count": len(image.cracks),
            "total_length_mm": round(sum(lengths), 3) if lengths else None,
            "worst_severity": worst_severity([c.severity for c in image.cracks]),
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def cracks_csv(images: Iterable[GeoImage]) -> str:
    """One row per crack with its photo's latitude and longitude (empty when the photo has no GPS)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for image in images:
        for crack in image.cracks:
            row = {**_image_properties(image), **_crack_properties(crack)}
            position = _position(image)
            row["latitude"], row["longitude"] = position if position else (None, None)
            writer.writerow({key: _csv_cell(row.get(key)) for key in CSV_COLUMNS})
    return buffer.getvalue()


def _position(image: GeoImage) -> tuple[float, float] | None:
    lat, lon = image.latitude, image.longitude
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return round(float(lat), COORDINATE_DECIMALS), round(float(lon), COORDINATE_DECIMALS)


def _point(image: GeoImage) -> dict[str, Any] | None:
    position = _position(image)
    if position is None:
        return None
    latitude, longitude = position
    return {"type": "Point", "coordinates": [longitude, latitude]}


def _number(value: float | None, digits: int = 4) -> float | None:
    if value is None:
        return None
    number = float(value)
    return round(number, digits) if math.isfinite(number) else None


def _image_properties(image: GeoImage) -> dict[str, Any]:
    return {
        "image": image.image,
        "image_id": image.image_id,
        "altitude_m": _number(image.altitude_m, 2),
        "mm_per_px": _number(image.mm_per_px, 6),
        "scale_source": image.scale_source,
        "structure": image.structure,
        "inspection": image.inspection,
        "captured_at": _timestamp(image.captured_at),
    }


def _timestamp(value: datetime | str | None) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, datetime) else value


def _crack_properties(crack: GeoCrack) -> dict[str, Any]:
    return {
        "crack_id": crack.crack_id,
        "length_mm": _number(crack.length_mm, 3),
        "max_width_mm": _number(crack.max_width_mm, 3),
        "p95_width_mm": _number(crack.p95_width_mm, 3),
        "area_mm2": _number(crack.area_mm2, 3),
        "severity": crack.severity,
        "length_px": _number(crack.length_px, 2),
        "max_width_px": _number(crack.max_width_px, 2),
        "confidence": _number(crack.confidence, 4),
    }


def _csv_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
