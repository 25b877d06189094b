"""An inspection's cracks with their photos' positions: GeoJSON (RFC 7946) and CSV.

One Point feature per crack at its photo's GPS position (longitude, latitude order), with the crack's
measurements in mm (the scale in use) and its severity; a photo without GPS gives features with a null
geometry (RFC 7946 allows it) and empty CSV coordinates, so no crack is left out. The shapes are built by
app/core/inspection/geo.py (pure Python); this module turns the inspection's view into its inputs.
"""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.core.inspection import geo
from app.db.session import session_scope
from app.schemas.inspection import InspectionDetail
from app.services.inspections.inspections import detail, require_inspection


def _geo_images(settings: Settings, inspection_id: str) -> list[geo.GeoImage]:
    with session_scope(settings.resolved_database_url) as db:
        inspection: InspectionDetail = detail(db, require_inspection(db, inspection_id))
    return [
        geo.GeoImage(
            image=image.image_name,
            image_id=image.id,
            latitude=image.location.latitude if image.location else None,
            longitude=image.location.longitude if image.location else None,
            altitude_m=image.location.altitude_m if image.location else None,
            mm_per_px=image.scale.mm_per_px,
            scale_source=image.scale.source,
            structure=inspection.structure_name,
            inspection=inspection.inspected_on.isoformat(),
            captured_at=image.camera.captured_at if image.camera else None,
            cracks=tuple(
                geo.GeoCrack(
                    crack_id=crack.id,
                    length_px=crack.length_px,
                    max_width_px=crack.width_max_px,
                    length_mm=crack.length_mm,
                    max_width_mm=crack.width_max_mm,
                    p95_width_mm=crack.width_p95_mm,
                    area_mm2=crack.area_mm2,
                    severity=crack.severity,
                )
                for crack in image.cracks
            ),
        )
        for image in inspection.images
    ]


def cracks_geojson(settings: Settings, inspection_id: str) -> dict[str, Any]:
    return geo.cracks_geojson(_geo_images(settings, inspection_id))


def cracks_csv(settings: Settings, inspection_id: str) -> str:
    return geo.cracks_csv(_geo_images(settings, inspection_id))
