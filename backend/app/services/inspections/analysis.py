"""What the `inspection_analyse` job reads and writes (the job itself, with OpenCV, is in app/jobs).

Per image: the stored original photo (EXIF kept), the marker side (the inspection's, else the
structure's) and the distance the user entered. The job's findings (metadata, GPS, scale candidates,
the reasons a source gave nothing) replace the previous ones; the user's choice and manual value stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import Settings
from app.db.session import session_scope
from app.repositories import inspections as repo
from app.services.inspections.files import stored_file

DEFAULT_MARKER = "DICT_4X4_50"


@dataclass(frozen=True)
class AnalysisInput:
    image_id: str
    image_name: str
    photo: Path  # the original upload, with its EXIF
    marker_side_mm: float | None
    marker_dictionary: str  # the structure's marker family
    distance_m: float | None


def inputs(settings: Settings, image_ids: list[str]) -> list[AnalysisInput]:
    """The images still present (one removed meanwhile is skipped)."""
    out = []
    with session_scope(settings.resolved_database_url) as db:
        for image_id in image_ids:
            row = repo.get_image(db, image_id)
            if row is None:
                continue
            image, prediction = row
            inspection = repo.get_inspection(db, image.inspection_id)
            structure = repo.get_structure(db, inspection.structure_id) if inspection else None
            side = (inspection.marker_side_mm if inspection else None) or (
                structure.marker_side_mm if structure else None
            )
            out.append(
                AnalysisInput(
                    image_id=image.id,
                    image_name=prediction.image_name or "image",
                    photo=stored_file(settings, prediction.image_path, "photo"),
                    marker_side_mm=side,
                    marker_dictionary=(structure.marker_dictionary if structure else None) or DEFAULT_MARKER,
                    distance_m=image.distance_m,
                )
            )
    return out


def set_status(settings: Settings, image_ids: list[str], status: str, error: str | None = None) -> None:
    with session_scope(settings.resolved_database_url) as db:
        for image_id in image_ids:
            if repo.image_only(db, image_id) is not None:
                repo.update_image(db, image_id, {"analysis_status": status, "analysis_error": error})


def save_findings(settings: Settings, image_id: str, findings: dict[str, Any]) -> None:
    """`findings`: photo_metadata, gps_lat/lon/alt_m, scale_candidates, scale_notes, scale_auto_source,
    scale_conflict."""
    allowed = {
        "photo_metadata",
        "gps_lat",
        "gps_lon",
        "gps_alt_m",
        "scale_candidates",
        "scale_notes",
        "scale_auto_source",
        "scale_conflict",
    }
    values = {k: v for k, v in findings.items() if k in allowed}
    with session_scope(settings.resolved_database_url) as db:
        if repo.image_only(db, image_id) is not None:
            repo.update_image(
                db, image_id, {**values, "analysis_status": "completed", "analysis_error": None}
            )
