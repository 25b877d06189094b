"""Crack growth between two inspections: one image of an element from an earlier inspection against one
of the same element (same structure, same element label) from a later one. A job registers the photos
and compares the cracks (app/core/inspection/growth.py); its result and overlay image are kept under
data_dir/inspections/<later inspection>/growth/. A pair that cannot be aligned fails with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.repositories import inspections as repo
from app.schemas.inspection import GrowthOut, GrowthRequest, InspectionDeleted
from app.services.inspections import scale, views
from app.services.inspections.files import inspection_dir, relative, remove_stored, stored_file
from app.services.ports import JobRunner
from app.utils.clock import utc_now

GROWTH_JOB_KIND = "inspection_growth"


def require_growth(db: Session, growth_id: str) -> repo.GrowthComparison:
    growth = repo.get_growth(db, growth_id)
    if growth is None:
        raise NotFound(f"Growth comparison {growth_id} does not exist")
    return growth


def _image_and_inspection(
    db: Session, image_id: str, which: str
) -> tuple[repo.InspectionImage, repo.Inspection]:
    image = repo.image_only(db, image_id)
    if image is None:
        raise NotFound(f"The {which} image {image_id} does not exist")
    inspection = repo.get_inspection(db, image.inspection_id)
    if inspection is None:
        raise NotFound(f"The inspection of the {which} image does not exist")
    return image, inspection


def _check_pair(
    old: tuple[repo.InspectionImage, repo.Inspection], new: tuple[repo.InspectionImage, repo.Inspection]
) -> None:
    (old_image, old_insp), (new_image, new_insp) = old, new
    if old_image.id == new_image.id or old_insp.id == new_insp.id:
        raise InvalidInput("Compare images from two different inspections")
    if old_insp.structure_id != new_insp.structure_id:
        raise Conflict("The two images belong to different structures")
    if old_insp.inspected_on > new_insp.inspected_on:
        raise InvalidInput(
            f"The old image's inspection ({old_insp.inspected_on}) is later than the new one's "
            f"({new_insp.inspected_on}): swap them"
        )
    if not old_image.element_label or old_image.element_label != new_image.element_label:
        raise Conflict(
            "Both images need the same element label to be compared (now "
            f"{old_image.element_label or 'none'!r} and {new_image.element_label or 'none'!r}): set it on "
            "each image"
        )


def request_growth(settings: Settings, runner: JobRunner, body: GrowthRequest) -> GrowthOut:
    with session_scope(settings.resolved_database_url) as db:
        old = _image_and_inspection(db, body.old_image_id, "old")
        new = _image_and_inspection(db, body.new_image_id, "new")
        _check_pair(old, new)
        growth = repo.add(
            db,
            repo.new_growth(
                inspection_id=new[1].id, old_image_id=old[0].id, new_image_id=new[0].id, status="queued"
            ),
        )
        growth_id = growth.id
    job_id = runner.submit(GROWTH_JOB_KIND, {"growth_id": growth_id}, subject_id=growth_id)
    with session_scope(settings.resolved_database_url) as db:
        growth = require_growth(db, growth_id)
        growth.job_id = job_id
        return views.growth_out(db, growth, repo.job_progress(db, [job_id]))


def get_growth(settings: Settings, growth_id: str) -> GrowthOut:
    with session_scope(settings.resolved_database_url) as db:
        growth = require_growth(db, growth_id)
        return views.growth_out(db, growth, repo.job_progress(db, [growth.job_id]))


def overlay_file(settings: Settings, growth_id: str) -> Path:
    with session_scope(settings.resolved_database_url) as db:
        growth = require_growth(db, growth_id)
        stored, state, error = growth.overlay_path, growth.status, growth.error
    if state == "failed":
        raise Conflict(f"The comparison failed, so it has no overlay: {error}")
    if not stored:
        raise NotFound(f"Growth comparison {growth_id} has no overlay image (it is {state})")
    return stored_file(settings, stored, "overlay image")


def delete_growth(settings: Settings, growth_id: str) -> InspectionDeleted:
    with session_scope(settings.resolved_database_url) as db:
        growth = require_growth(db, growth_id)
        if growth.status in ("queued", "running"):
            raise Conflict("The comparison is still running")
        stored = growth.overlay_path
        repo.delete(db, growth)
    remove_stored(settings, stored)
    return InspectionDeleted(id=growth_id)


# -- for the job -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrowthSide:
    photo: Path
    results: dict[str, Any]  # the prediction's results: instances with RLE masks and measurements
    mm_per_px: float | None  # the scale in use for this image


@dataclass(frozen=True)
class GrowthInputs:
    old: GrowthSide
    new: GrowthSide
    overlay: Path  # where the job writes the overlay PNG


def _side(settings: Settings, db: Session, image_id: str) -> GrowthSide:
    row = repo.get_image(db, image_id)
    if row is None:
        raise NotFound("An image of the comparison was removed")
    image, prediction = row
    resolved = scale.resolve(views.scale_inputs(image))
    return GrowthSide(
        photo=stored_file(settings, prediction.image_path, "photo"),
        results=dict(prediction.results or {}),
        mm_per_px=resolved.mm_per_px,
    )


def growth_inputs(settings: Settings, growth_id: str) -> GrowthInputs:
    with session_scope(settings.resolved_database_url) as db:
        growth = require_growth(db, growth_id)
        growth.status = "running"
        folder = inspection_dir(settings, growth.inspection_id) / "growth"
        return GrowthInputs(
            old=_side(settings, db, growth.old_image_id),
            new=_side(settings, db, growth.new_image_id),
            overlay=folder / f"{growth.id}.png",
        )


def finish_growth(
    settings: Settings,
    growth_id: str,
    *,
    result: dict[str, Any] | None,
    overlay: Path | None,
    error: str | None,
) -> None:
    with session_scope(settings.resolved_database_url) as db:
        growth = repo.get_growth(db, growth_id)
        if growth is None:
            return
        growth.status = "failed" if error else "completed"
        growth.error = error
        growth.result = result
        growth.quality = None if result is None else float(result["quality"])
        growth.overlay_path = relative(settings, overlay) if overlay else None
        growth.finished_at = utc_now()
