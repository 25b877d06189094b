"""Prediction of many images at once: answered directly up to CRACKDET_PREDICTION_SYNC_BATCH_MAX
images, else queued as a `predict_batch` job (app/jobs/prediction_jobs.py); and a batch's status."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from fastapi import UploadFile

from app.config import Settings
from app.core.prediction.worker import PredictionPool
from app.db.base import new_id
from app.db.session import session_scope
from app.domain.errors import AppError, InvalidInput, NotFound, TooLarge
from app.domain.status import JobStatus
from app.repositories import prediction as repo
from app.schemas.prediction import BatchFailure, BatchResponse, BatchStatus, PredictionResult, PredictParams
from app.services.ports import JobRunner
from app.services.prediction import Origin, predict_stored, to_summary
from app.services.prediction_files import StoredImage, clean_name, read_upload, relative, store_image
from app.services.prediction_models import ResolvedModel, pipeline_options, resolve_model

BATCH_JOB_KIND = "predict_batch"


async def _store_uploads(
    settings: Settings, uploads: Sequence[UploadFile]
) -> tuple[list[StoredImage], list[BatchFailure]]:
    stored: list[StoredImage] = []
    failures: list[BatchFailure] = []
    for upload in uploads:
        name = clean_name(upload.filename)
        try:
            data = await read_upload(upload, settings.prediction_max_image_bytes)
            stored.append(await asyncio.to_thread(store_image, settings, data, name))
        except AppError as exc:
            failures.append(BatchFailure(image_name=name, error=exc.detail))
    return stored, failures


async def _run_sync_batch(
    settings: Settings,
    pool: PredictionPool,
    stored: list[StoredImage],
    model: ResolvedModel,
    params: PredictParams,
    batch_id: str,
) -> tuple[list[PredictionResult], list[BatchFailure]]:
    origin = Origin(batch_id=batch_id)
    outcomes = await asyncio.gather(
        *(predict_stored(settings, pool, item, model, params, origin) for item in stored),
        return_exceptions=True,
    )
    results: list[PredictionResult] = []
    failures: list[BatchFailure] = []
    for item, outcome in zip(stored, outcomes, strict=True):
        if isinstance(outcome, PredictionResult):
            results.append(outcome)
        elif isinstance(outcome, AppError):
            failures.append(BatchFailure(image_name=item.name, error=outcome.detail))
        elif isinstance(outcome, BaseException):
            raise outcome
    return results, failures


def _batch_job_params(
    settings: Settings, stored: list[StoredImage], model: ResolvedModel, params: PredictParams, batch_id: str
) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "model": model.spec.to_dict(),
        "model_name": model.name,
        "params": params.model_dump(),
        "options": pipeline_options(settings, params, model),
        "items": [
            {
                "prediction_id": item.prediction_id,
                "image_path": relative(settings, item.path),
                "image_name": item.name,
                "format": item.info.format,
                "mode": item.info.mode,
                "width": item.info.width,
                "height": item.info.height,
                "orientation": item.info.orientation,
            }
            for item in stored
        ],
    }


async def predict_batch(
    settings: Settings,
    pool: PredictionPool,
    runner: JobRunner,
    uploads: Sequence[UploadFile],
    params: PredictParams,
) -> BatchResponse:
    if not uploads:
        raise InvalidInput("Send at least one image in the `files` field")
    if len(uploads) > settings.prediction_max_batch_files:
        raise TooLarge(
            f"{len(uploads)} images in one batch; the limit is {settings.prediction_max_batch_files} "
            "(CRACKDET_PREDICTION_MAX_BATCH_FILES)"
        )
    model = await asyncio.to_thread(resolve_model, settings, params.model_id, params.backend)
    stored, failures = await _store_uploads(settings, uploads)
    batch_id = new_id()
    status_url = f"/api/v1/predict/batch/{batch_id}"
    if len(uploads) <= settings.prediction_sync_batch_max:
        results, run_failures = await _run_sync_batch(settings, pool, stored, model, params, batch_id)
        return BatchResponse(
            batch_id=batch_id,
            mode="sync",
            total=len(uploads),
            predictions=results,
            failures=failures + run_failures,
            status_url=status_url,
        )
    job_params = _batch_job_params(settings, stored, model, params, batch_id)
    job_params["failures"] = [f.model_dump() for f in failures]
    job_params["total"] = len(uploads)
    job_id = await asyncio.to_thread(runner.submit, BATCH_JOB_KIND, job_params, subject_id=batch_id)
    return BatchResponse(
        batch_id=batch_id,
        mode="job",
        job_id=job_id,
        total=len(uploads),
        failures=failures,
        status_url=status_url,
    )


def batch_status(settings: Settings, batch_id: str) -> BatchStatus:
    with session_scope(settings.resolved_database_url) as db:
        rows = repo.of_batch(db, batch_id, with_results=False)
        job = repo.latest_job_for(db, BATCH_JOB_KIND, batch_id)
        if job is None and not rows:
            raise NotFound(f"Batch {batch_id} does not exist")
        predictions = [to_summary(row) for row in rows]
        if job is None:  # answered directly
            return BatchStatus(
                batch_id=batch_id,
                status=JobStatus.COMPLETED,
                progress=1.0,
                total=len(rows),
                done=len(rows),
                failures=[],
                predictions=predictions,
            )
        params, result = dict(job.params), dict(job.result or {})
        failures: list[dict[str, str]] = list(result.get("failures", params.get("failures")) or [])
        return BatchStatus(
            batch_id=batch_id,
            status=job.status,
            progress=job.progress,
            message=job.message,
            error=job.error,
            total=int(params.get("total", len(params.get("items", [])))),
            done=len(rows),
            failures=[BatchFailure(**f) for f in failures],
            predictions=predictions,
        )
