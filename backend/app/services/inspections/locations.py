"""An inspection's cracks with their photos' positions: GeoJSON (RFC 7946) and CSV.

One Point feature per crack at its photo's GPS position (longitude, latitude order), with the crack's
measurements in mm (the scale in use) and its severity; a photo without GPS gives features with a null
geometry (RFC 7946 allows it) and empty CSV coordinates, so no crack is left out. The property and column
names are those of app/core/inspection/geo.py, which the worker side uses; that module imports OpenCV
(through app/core/measure.py), so the API process builds the same shapes here.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from app.config import Settings
from app.db.session import session_scope
from app.schemas.inspection import InspectionDetail, InspectionImageOut
from app.services.inspections.inspections import detail, require_inspection

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
    "mm_per_px",
    "scale_source",
    "structure",
    "inspection",
    "captured_at",
)
COORDINATE_DECIMALS = 7  # about 1 cm
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _inspection(settings: Settings, inspection_id: str) -> InspectionDetail:
    with session_scope(settings.resolved_database_url) as db:
        return detail(db, require_inspection(db, inspection_id))


def _rows(inspection: InspectionDetail) -> list[tuple[InspectionImageOut, dict[str, Any]]]:
    out = []
    for image in inspection.images:
        base = {
            "image": image.image_name,
            "image_id": image.id,
            "altitude_m": image.location.altitude_m if image.location else None,
            "mm_per_px": image.scale.mm_per_px,
            "scale_source": image.scale.source,
            "structure": inspection.structure_name,
            "inspection": inspection.inspected_on.isoformat(),
            "captured_at": image.camera.captured_at if image.camera else None,
        }
        for crack in image.cracks:
            out.append(
                (
                    image,
                    {
                        **base,
                        "crack_id": crack.id,
                        "length_mm": crack.length_mm,
                        "max_width_mm": crack.width_max_mm,
                        "p95_width_mm": crack.width_p95_mm,
                        "area_mm2": crack.area_mm2,
                        "severity": crack.severity,
                        "length_px": crack.length_px,
                        "max_width_px": crack.width_max_px,
                    },
                )
            )
    return out


def _position(image: InspectionImageOut) -> tuple[float, float] | None:
    if image.location is None:
        return None
    return (
        round(image.location.latitude, COORDINATE_DECIMALS),
        round(image.location.longitude, COORDINATE_DECIMALS),
    )


def cracks_geojson(settings: Settings, inspection_id: str) -> dict[str, Any]:
    features = []
    for image, properties in _rows(_inspection(settings, inspection_id)):
        position = _position(image)
        geometry = None if position is None else {"type": "Point", "coordinates": [position[1], position[0]]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def _cell(value: object) -> object:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def cracks_csv(settings: Settings, inspection_id: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for image, properties in _rows(_inspection(settings, inspection_id)):
        position = _position(image)
        properties["latitude"], properties["longitude"] = position if position else (None, None)
        writer.writerow({key: _cell(properties.get(key)) for key in CSV_COLUMNS})
    return buffer.getvalue()
