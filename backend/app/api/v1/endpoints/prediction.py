"""Prediction routes: /predict (single, batch, URL, export, formats) and /predictions (history)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from app.api.deps import RunnerDep, SettingsDep
from app.core.prediction.render import OverlayOptions
from app.core.prediction.worker import PredictionPool, get_pool
from app.schemas.common import ErrorResponse
from app.schemas.prediction import (
    BatchResponse,
    BatchStatus,
    ExportFormats,
    PredictionDeleted,
    PredictionExportRequest,
    PredictionPage,
    PredictionResult,
    PredictParams,
    UrlPredictRequest,
)
from app.services import prediction as service
from app.services import prediction_batch, prediction_export, prediction_history

router = APIRouter(prefix="/predict", tags=["prediction"])
history_router = APIRouter(prefix="/predictions", tags=["prediction"])

ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorResponse} for code in (400, 404, 409, 413, 415, 422, 503)
}


def prediction_pool(request: Request) -> PredictionPool:
    return get_pool(request.app.state, request.app.state.settings)


PoolDep = Annotated[PredictionPool, Depends(prediction_pool)]
PredictionId = Annotated[str, Path(min_length=1, max_length=64, description="Prediction id")]
BatchId = Annotated[str, Path(min_length=1, max_length=64, description="Batch id")]


@router.post("", response_model=PredictionResult, responses=ERRORS)
async def predict_image(
    settings: SettingsDep,
    pool: PoolDep,
    file: Annotated[UploadFile, File(description="JPEG, PNG, TIFF, BMP or WebP image")],
    params: Annotated[PredictParams, Form()],
) -> PredictionResult:
    """Predict one image. Every instance down to the score floor is returned; `selected` applies conf/iou."""
    return await service.predict_upload(settings, pool, file, params)


@router.post("/batch", response_model=BatchResponse, responses=ERRORS)
async def predict_batch(
    settings: SettingsDep,
    pool: PoolDep,
    runner: RunnerDep,
    files: Annotated[list[UploadFile], File(description="Images (one form field per file)")],
    params: Annotated[PredictParams, Form()],
) -> BatchResponse:
    """Up to CRACKDET_PREDICTION_SYNC_BATCH_MAX images are answered at once; more run as a job."""
    return await prediction_batch.predict_batch(settings, pool, runner, files, params)


@router.get("/batch/{batch_id}", response_model=BatchStatus, responses=ERRORS)
def get_batch(settings: SettingsDep, batch_id: BatchId) -> BatchStatus:
    return prediction_batch.batch_status(settings, batch_id)


@router.post("/url", response_model=PredictionResult, responses=ERRORS)
async def predict_url(settings: SettingsDep, pool: PoolDep, body: UrlPredictRequest) -> PredictionResult:
    """Fetch a public http(s) image (private and metadata addresses are refused) and predict it."""
    return await service.predict_url(settings, pool, body)


@router.get("/formats", response_model=ExportFormats)
def get_formats() -> ExportFormats:
    return prediction_export.export_formats()


@router.post(
    "/export",
    responses={
        **ERRORS,
        200: {"content": {"application/octet-stream": {}}, "description": "The export file"},
    },
    response_class=FileResponse,
)
async def export_predictions(settings: SettingsDep, body: PredictionExportRequest) -> FileResponse:
    export = await asyncio.to_thread(prediction_export.build_export, settings, body)
    return FileResponse(
        export.path,
        media_type=export.media_type,
        filename=export.filename,
        background=BackgroundTask(export.path.unlink, missing_ok=True),
    )


@history_router.get("", response_model=PredictionPage)
def list_predictions(
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    batch_id: Annotated[str | None, Query(max_length=32)] = None,
    model_id: Annotated[str | None, Query(max_length=32)] = None,
) -> PredictionPage:
    return prediction_history.list_predictions(
        settings, offset=offset, limit=limit, batch_id=batch_id, model_id=model_id
    )


@history_router.get("/{prediction_id}", response_model=PredictionResult, responses=ERRORS)
def get_prediction(settings: SettingsDep, prediction_id: PredictionId) -> PredictionResult:
    return prediction_history.get_prediction(settings, prediction_id)


@history_router.get(
    "/{prediction_id}/image",
    response_class=FileResponse,
    responses={**ERRORS, 200: {"content": {"image/*": {}}, "description": "The image, upright"}},
)
def get_image(settings: SettingsDep, prediction_id: PredictionId) -> FileResponse:
    """The image as the user sees it (EXIF orientation applied; TIFF and 16-bit as 8-bit PNG)."""
    image = prediction_history.display_file(settings, prediction_id)
    return FileResponse(
        image.path, media_type=image.media_type, filename=image.filename, content_disposition_type="inline"
    )


@history_router.get(
    "/{prediction_id}/annotated",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"image/png": {}, "image/jpeg": {}}, "description": "Overlay"}},
)
def get_annotated(
    settings: SettingsDep,
    prediction_id: PredictionId,
    masks: bool = True,
    boxes: bool = True,
    labels: bool = True,
    skeletons: bool = False,
    conf: Annotated[float | None, Query(ge=0.0, le=1.0, description="Re-filter (default: stored)")] = None,
    iou: Annotated[float | None, Query(ge=0.0, le=1.0, description="Re-filter (default: stored)")] = None,
    format: Literal["png", "jpeg"] = "png",
    max_side: Annotated[int | None, Query(ge=64, le=20000, description="Downscale to this side")] = None,
) -> Response:
    options = OverlayOptions(
        masks=masks, boxes=boxes, labels=labels, skeletons=skeletons, conf=conf, iou=iou, max_side=max_side
    )
    data = prediction_history.annotated_image(settings, prediction_id, options, format)
    return Response(content=data, media_type=f"image/{format}")


@history_router.delete("/{prediction_id}", response_model=PredictionDeleted, responses=ERRORS)
def delete_prediction(settings: SettingsDep, prediction_id: PredictionId) -> PredictionDeleted:
    return prediction_history.delete_prediction(settings, prediction_id)
