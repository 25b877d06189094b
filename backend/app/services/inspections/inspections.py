"""Inspections and their images: create, read, change, delete; add predictions or upload photos; the
per-image scale override (with a version check) and the analysis job that reads metadata and scale."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Sequence
from typing import Any

from fastapi import UploadFile
from sqlalchemy.orm import Session

from app.config import Settings
from app.core.prediction.worker import PredictionPool
from app.db.session import session_scope
from app.domain.errors import AppError, Conflict, InvalidInput, NotFound, TooLarge
from app.repositories import inspections as repo
from app.schemas.inspection import (
    MAX_IMAGES_PER_REQUEST,
    AddedImages,
    AddPredictions,
    ImageUpdate,
    InspectionCreate,
    InspectionDeleted,
    InspectionDetail,
    InspectionImageOut,
    InspectionOut,
    InspectionUpdate,
    UploadParams,
)
from app.schemas.prediction import PredictParams
from app.services import prediction as prediction_service
from app.services import prediction_files
from app.services.inspections import views
from app.services.inspections.files import inspection_dir, remove_stored
from app.services.inspections.structures import require_structure
from app.services.ports import JobRunner

ANALYSE_JOB_KIND = "inspection_analyse"


def require_inspection(db: Session, inspection_id: str) -> repo.Inspection:
    inspection = repo.get_inspection(db, inspection_id)
    if inspection is None:
        raise NotFound(f"Inspection {inspection_id} does not exist")
    return inspection


def require_image(db: Session, image_id: str) -> tuple[repo.InspectionImage, repo.Prediction]:
    row = repo.get_image(db, image_id)
    if row is None:
        raise NotFound(f"Inspection image {image_id} does not exist")
    return row


def _images(db: Session, inspection_id: str) -> list[InspectionImageOut]:
    return [views.image_out(image, prediction) for image, prediction in repo.images_of(db, [inspection_id])]


def detail(db: Session, inspection: repo.Inspection) -> InspectionDetail:
    structure = require_structure(db, inspection.structure_id)
    images = _images(db, inspection.id)
    reports = repo.reports_of(db, inspection.id)
    growth = repo.growth_of(db, inspection.id)
    progress = repo.job_progress(db, [r.job_id for r in reports] + [g.job_id for g in growth])
    base = views.inspection_out(inspection, structure, images)
    return InspectionDetail(
        **base.model_dump(),
        images=images,
        reports=[views.report_out(r, progress) for r in reports],
        growth=[views.growth_out(db, g, progress) for g in growth],
    )


def create_inspection(settings: Settings, structure_id: str, body: InspectionCreate) -> InspectionOut:
    with session_scope(settings.resolved_database_url) as db:
        structure = require_structure(db, structure_id)
        inspection = repo.add(db, repo.new_inspection(structure_id=structure.id, **body.model_dump()))
        return views.inspection_out(inspection, structure, [])


def get_inspection(settings: Settings, inspection_id: str) -> InspectionDetail:
    with session_scope(settings.resolved_database_url) as db:
        return detail(db, require_inspection(db, inspection_id))


def update_inspection(settings: Settings, inspection_id: str, body: InspectionUpdate) -> InspectionDetail:
    with session_scope(settings.resolved_database_url) as db:
        inspection = require_inspection(db, inspection_id)
        changes = body.model_dump(include=body.model_fields_set)
        if changes.get("inspected_on", "") is None:
            del changes["inspected_on"]  # a date is required: null leaves it as it is
        for field, value in changes.items():
            setattr(inspection, field, value)
        db.flush()
        return detail(db, inspection)


def delete_inspection(settings: Settings, inspection_id: str) -> InspectionDeleted:
    """Deletes the inspection with its reports and growth results; the predictions stay in the history."""
    with session_scope(settings.resolved_database_url) as db:
        repo.delete(db, require_inspection(db, inspection_id))
    shutil.rmtree(inspection_dir(settings, inspection_id), ignore_errors=True)
    return InspectionDeleted(id=inspection_id)


# -- images ----------------------------------------------------------------------------------------


def submit_analysis(settings: Settings, runner: JobRunner, inspection_id: str, image_ids: list[str]) -> str:
    """Queues the analysis of these images (metadata, GPS, scale candidates) and marks them queued."""
    job_id = runner.submit(ANALYSE_JOB_KIND, {"image_ids": image_ids}, subject_id=inspection_id)
    with session_scope(settings.resolved_database_url) as db:
        for image_id in image_ids:
            repo.update_image(
                db, image_id, {"analysis_status": "queued", "analysis_job_id": job_id, "analysis_error": None}
            )
    return job_id


def _add_rows(
    settings: Settings,
    inspection_id: str,
    prediction_ids: Sequence[str],
    label: str | None,
    distance: float | None,
) -> list[str]:
    with session_scope(settings.resolved_database_url) as db:
        require_inspection(db, inspection_id)
        found = repo.predictions_by_ids(db, prediction_ids)
        missing = [p for p in prediction_ids if p not in found]
        if missing:
            raise NotFound(f"Prediction {missing[0]} does not exist")
        present = repo.prediction_ids_in(db, inspection_id)
        repeated = [p for p in prediction_ids if p in present]
        if repeated or len(set(prediction_ids)) != len(prediction_ids):
            raise Conflict(
                f"Prediction {(repeated or list(prediction_ids))[0]} is already in this inspection"
            )
        rows = [
            repo.add(
                db,
                repo.new_image(
                    inspection_id=inspection_id,
                    prediction_id=pid,
                    element_label=label,
                    distance_m=distance,
                    scale_candidates=[],
                    scale_notes=[],
                ),
            )
            for pid in prediction_ids
        ]
        return [row.id for row in rows]


def _added(
    settings: Settings, image_ids: list[str], job_id: str | None, failures: list[dict[str, str]]
) -> AddedImages:
    with session_scope(settings.resolved_database_url) as db:
        images = [views.image_out(*require_image(db, image_id)) for image_id in image_ids]
    return AddedImages(images=images, job_id=job_id, failures=failures)


def add_predictions(
    settings: Settings, runner: JobRunner, inspection_id: str, body: AddPredictions
) -> AddedImages:
    image_ids = _add_rows(settings, inspection_id, body.prediction_ids, body.element_label, body.distance_m)
    job_id = submit_analysis(settings, runner, inspection_id, image_ids)
    return _added(settings, image_ids, job_id, [])


async def upload_images(
    settings: Settings,
    pool: PredictionPool,
    runner: JobRunner,
    inspection_id: str,
    uploads: Sequence[UploadFile],
    params: UploadParams,
) -> AddedImages:
    """Predicts each photo (the prediction service stores it with its EXIF), then adds and analyses them.

    A photo that fails is reported in `failures`; the others are kept."""
    if not uploads:
        raise InvalidInput("Send at least one photo in the `files` field")
    if len(uploads) > MAX_IMAGES_PER_REQUEST:
        raise TooLarge(f"{len(uploads)} photos in one request; send at most {MAX_IMAGES_PER_REQUEST}")
    await asyncio.to_thread(get_inspection_exists, settings, inspection_id)
    predict_params = PredictParams(
        **params.model_dump(exclude={"inspection_id", "element_label", "distance_m"})
    )
    prediction_ids: list[str] = []
    failures: list[dict[str, str]] = []
    for upload in uploads:
        try:
            result = await prediction_service.predict_upload(settings, pool, upload, predict_params)
            prediction_ids.append(result.id)
        except AppError as exc:
            failures.append({"image_name": prediction_files.clean_name(upload.filename), "error": exc.detail})
    if not prediction_ids:
        return AddedImages(images=[], job_id=None, failures=failures)
    image_ids = await asyncio.to_thread(
        _add_rows, settings, inspection_id, prediction_ids, params.element_label, params.distance_m
    )
    job_id = await asyncio.to_thread(submit_analysis, settings, runner, inspection_id, image_ids)
    return await asyncio.to_thread(_added, settings, image_ids, job_id, failures)


def get_inspection_exists(settings: Settings, inspection_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        require_inspection(db, inspection_id)


def get_image(settings: Settings, image_id: str) -> InspectionImageOut:
    with session_scope(settings.resolved_database_url) as db:
        return views.image_out(*require_image(db, image_id))


def update_image(
    settings: Settings, runner: JobRunner, image_id: str, body: ImageUpdate
) -> InspectionImageOut:
    """Applies the change if `body.version` is still current (else 409); a new distance re-analyses."""
    changes: dict[str, Any] = body.model_dump(include=body.model_fields_set - {"version"})
    with session_scope(settings.resolved_database_url) as db:
        image, _ = require_image(db, image_id)
        if image.version != body.version:
            raise Conflict(_stale(image.version, body.version))
        if (
            changes.get("scale_choice") == "manual"
            and changes.get("manual_mm_per_px", image.manual_mm_per_px) is None
        ):
            raise InvalidInput("Choosing the manual scale needs manual_mm_per_px")
        reanalyse = "distance_m" in changes and changes["distance_m"] != image.distance_m
        inspection_id = image.inspection_id
        if changes and not repo.update_image_if_version(db, image_id, body.version, changes):
            raise Conflict(_stale(None, body.version))
    if reanalyse:
        submit_analysis(settings, runner, inspection_id, [image_id])
    return get_image(settings, image_id)


def _stale(current: int | None, sent: int) -> str:
    now = f" (now {current})" if current is not None else ""
    return (
        f"This image was changed since you read it: version {sent} is stale{now}. "
        "Reload it and apply your change again."
    )


def reanalyse_image(settings: Settings, runner: JobRunner, image_id: str) -> InspectionImageOut:
    with session_scope(settings.resolved_database_url) as db:
        image, _ = require_image(db, image_id)
        inspection_id = image.inspection_id
    submit_analysis(settings, runner, inspection_id, [image_id])
    return get_image(settings, image_id)


def remove_image(settings: Settings, image_id: str) -> InspectionDeleted:
    """Takes the image out of its inspection; the prediction stays in the history."""
    with session_scope(settings.resolved_database_url) as db:
        image, _ = require_image(db, image_id)
        overlays = [g.overlay_path for g in repo.growth_of_image(db, image_id)]
        repo.delete(db, image)  # its comparisons go with it (cascade): so do their overlay files
    for stored in overlays:
        remove_stored(settings, stored)
    return InspectionDeleted(id=image_id)
