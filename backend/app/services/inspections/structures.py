"""Structures: create, list, read (with their inspections over time), change, delete; map points."""

from __future__ import annotations

import shutil

from sqlalchemy.orm import Session

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import NotFound
from app.repositories import inspections as repo
from app.schemas.inspection import (
    InspectionDeleted,
    InspectionOut,
    MapPoint,
    MapSettings,
    StructureCreate,
    StructureDetail,
    StructureMap,
    StructureOut,
    StructureUpdate,
)
from app.services.inspections import views
from app.services.inspections.files import inspection_dir


def require_structure(db: Session, structure_id: str) -> repo.Structure:
    structure = repo.get_structure(db, structure_id)
    if structure is None:
        raise NotFound(f"Structure {structure_id} does not exist")
    return structure


def inspections_with_images(
    db: Session, structure: repo.Structure
) -> list[tuple[InspectionOut, list[tuple[repo.InspectionImage, repo.Prediction]]]]:
    """The structure's inspections, newest first, each with its images' rows."""
    inspections = repo.inspections_of(db, structure.id)
    rows = repo.images_of(db, [i.id for i in inspections])
    out = []
    for inspection in inspections:
        mine = [r for r in rows if r[0].inspection_id == inspection.id]
        images = [views.image_out(image, prediction) for image, prediction in mine]
        out.append((views.inspection_out(inspection, structure, images), mine))
    return out


def _structure_detail(db: Session, structure: repo.Structure) -> StructureDetail:
    inspections = [i for i, _ in inspections_with_images(db, structure)]
    base = views.structure_out(structure, inspections)
    return StructureDetail(**base.model_dump(), inspections=inspections)


def create_structure(settings: Settings, body: StructureCreate) -> StructureDetail:
    with session_scope(settings.resolved_database_url) as db:
        structure = repo.add(db, repo.new_structure(**body.model_dump()))
        return _structure_detail(db, structure)


def list_structures(settings: Settings) -> list[StructureOut]:
    with session_scope(settings.resolved_database_url) as db:
        out = []
        for structure in repo.list_structures(db):
            inspections = [i for i, _ in inspections_with_images(db, structure)]
            out.append(views.structure_out(structure, inspections))
        return out


def get_structure(settings: Settings, structure_id: str) -> StructureDetail:
    with session_scope(settings.resolved_database_url) as db:
        return _structure_detail(db, require_structure(db, structure_id))


def update_structure(settings: Settings, structure_id: str, body: StructureUpdate) -> StructureDetail:
    with session_scope(settings.resolved_database_url) as db:
        structure = require_structure(db, structure_id)
        changes = body.model_dump(include=body.model_fields_set)
        if "name" in changes and changes["name"] is None:
            del changes["name"]  # a name is required: null leaves it as it is
        for field, value in changes.items():
            setattr(structure, field, value)
        db.flush()
        return _structure_detail(db, structure)


def delete_structure(settings: Settings, structure_id: str) -> InspectionDeleted:
    """Deletes the structure, its inspections, reports and growth results (the predictions stay)."""
    with session_scope(settings.resolved_database_url) as db:
        structure = require_structure(db, structure_id)
        inspection_ids = [i.id for i in repo.inspections_of(db, structure_id)]
        repo.delete(db, structure)
    for inspection_id in inspection_ids:
        shutil.rmtree(inspection_dir(settings, inspection_id), ignore_errors=True)
    return InspectionDeleted(id=structure_id)


def structure_map(settings: Settings, structure_id: str) -> StructureMap:
    """Every located image of the structure with its worst severity (for the map)."""
    with session_scope(settings.resolved_database_url) as db:
        structure = require_structure(db, structure_id)
        points: list[MapPoint] = []
        without = 0
        for inspection, rows in inspections_with_images(db, structure):
            for image, prediction in rows:
                shown = views.image_out(image, prediction)
                if shown.location is None:
                    without += 1
                    continue
                points.append(
                    MapPoint(
                        image_id=image.id,
                        inspection_id=inspection.id,
                        inspected_on=inspection.inspected_on,
                        image_name=shown.image_name,
                        latitude=shown.location.latitude,
                        longitude=shown.location.longitude,
                        crack_count=len(shown.cracks),
                        worst_severity=shown.worst_severity,
                    )
                )
        return StructureMap(structure_id=structure_id, points=points, without_location=without)


def map_settings(settings: Settings) -> MapSettings:
    return MapSettings(
        tile_url=settings.map_tile_url or None, attribution=settings.map_tile_attribution or None
    )
