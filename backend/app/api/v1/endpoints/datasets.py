"""Datasets API (/api/v1/datasets) and the stored Roboflow key (/api/v1/settings/roboflow-key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse

from app.api.deps import RunnerDep, SettingsDep
from app.api.errors import error_responses
from app.schemas.datasets import (
    Dataset,
    DatasetDeleted,
    DatasetDetail,
    DatasetImagePage,
    DatasetJob,
    DatasetList,
    DatasetStats,
    EnhanceRequest,
    RoboflowImportRequest,
    RoboflowKeyRequest,
    RoboflowKeyStatus,
    SplitName,
    ValidationReport,
)
from app.services import dataset_enhancement, dataset_images, dataset_intake
from app.services import datasets as service

datasets_router = APIRouter(prefix="/datasets", tags=["datasets"])
settings_router = APIRouter(prefix="/settings", tags=["settings"])
router = APIRouter()

DatasetId = Annotated[str, Path(min_length=1, max_length=64, description="Dataset id")]
ImageId = Annotated[str, Path(min_length=1, max_length=1400, description="Image id from the images list")]


UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The dataset zip (YOLO-seg or COCO segmentation)",
                        },
                        "name": {
                            "type": "string",
                            "maxLength": 200,
                            "description": "Dataset name (default: the zip's file name)",
                        },
                    },
                }
            }
        },
    }
}


@datasets_router.get(
    "",
    response_model=DatasetList,
    summary="List datasets",
    description="All datasets, newest first, with status, counts, size and validation status; "
    "plus the storage used and the quota.",
)
def list_datasets(settings: SettingsDep) -> DatasetList:
    return service.list_datasets(settings)


@datasets_router.post(
    "",
    response_model=Dataset,
    status_code=202,
    summary="Import a dataset version from Roboflow",
    description="Queues a background import (status queued -> downloading -> extracting -> validating -> "
    "ready | failed). Answers 202 when an import starts and 200 with the existing dataset when "
    "this workspace/project/version/format was imported before (never duplicated; a failed "
    "import is started again). The API key comes from `api_key` or the stored key and is never "
    "returned or logged. A failed import keeps its row (status failed, `error`) and no files.",
    responses={
        200: {"model": Dataset, "description": "Already imported (or importing)"},
        **error_responses(400, 422, 507),
    },
)
def import_from_roboflow(
    body: RoboflowImportRequest, settings: SettingsDep, runner: RunnerDep, response: Response
) -> Dataset:
    dataset, started = dataset_intake.start_roboflow_import(settings, runner, body)
    response.status_code = 202 if started else 200
    return dataset


@datasets_router.post(
    "/upload",
    response_model=Dataset,
    status_code=202,
    summary="Upload a dataset zip",
    description="multipart/form-data with `file` (the zip) and optional `name`. The body is streamed to "
    "disk with the size limit (CRACKDET_MAX_UPLOAD_BYTES) enforced while it arrives. The zip's "
    "central directory is checked at once: 415 not a zip, 400 unsafe entries (zip-slip, "
    "absolute paths, symlinks, encrypted), 413 too large or a zip bomb (entry count, total size, "
    "compression ratio), 422 unknown layout (the message lists what was found), 507 over the "
    "storage quota. Then extraction and validation run as a job: poll GET /datasets/{id}. A "
    "refused or failed upload leaves no files and no dataset; GET /datasets/jobs/{job_id} keeps "
    "the reason of a failure.",
    openapi_extra=UPLOAD_BODY,
    responses=error_responses(400, 413, 415, 422, 507),
)
async def upload_dataset(request: Request, settings: SettingsDep, runner: RunnerDep) -> Dataset:
    length_header = request.headers.get("content-length")
    length = int(length_header) if length_header and length_header.isdigit() else None
    limits = await run_in_threadpool(dataset_intake.upload_limits, settings)
    received = await dataset_intake.receive_zip(
        settings, request.stream(), request.headers.get("content-type"), length, limits
    )
    return await run_in_threadpool(dataset_intake.accept_upload, settings, runner, received)


@datasets_router.get(
    "/jobs/{job_id}",
    response_model=DatasetJob,
    summary="An import or enhancement job",
    description="Status, progress and error of a dataset job (`job_id` of a dataset). "
    "Use it to show why an upload failed: a failed upload leaves no dataset.",
    responses=error_responses(404),
)
def get_dataset_job(job_id: Annotated[str, Path(max_length=64)], settings: SettingsDep) -> DatasetJob:
    return service.get_job(settings, job_id)


@datasets_router.get(
    "/{dataset_id}",
    response_model=DatasetDetail,
    summary="A dataset with its validation report",
    responses=error_responses(404),
)
def get_dataset(dataset_id: DatasetId, settings: SettingsDep) -> DatasetDetail:
    return service.get_dataset(settings, dataset_id)


@datasets_router.delete(
    "/{dataset_id}",
    response_model=DatasetDeleted,
    summary="Delete a dataset (files and row)",
    description="409 when training sessions use it, unless force=true: the sessions are then kept with "
    "their dataset link cleared. A dataset used by a queued or running training is never deleted "
    "(409). Deleting a dataset that is still importing stops its job.",
    responses=error_responses(404, 409),
)
def delete_dataset(
    dataset_id: DatasetId,
    settings: SettingsDep,
    runner: RunnerDep,
    force: Annotated[bool, Query(description="Also delete when finished training sessions use it")] = False,
) -> DatasetDeleted:
    return service.delete_dataset(settings, runner, dataset_id, force=force)


@datasets_router.get(
    "/{dataset_id}/validate",
    response_model=ValidationReport,
    summary="The stored validation report",
    responses=error_responses(404, 409),
)
def get_validation(dataset_id: DatasetId, settings: SettingsDep) -> ValidationReport:
    return service.get_validation(settings, dataset_id)


@datasets_router.post(
    "/{dataset_id}/validate",
    response_model=ValidationReport,
    summary="Validate the dataset again",
    description="Checks every image and label (corrupt images, labels without images, images without labels, "
    "coordinates outside [0, 1], polygons with < 3 points, class ids out of range, duplicates, "
    "empty splits) and stores the report and statistics. 409 while it is importing.",
    responses=error_responses(404, 409),
)
def validate_dataset(dataset_id: DatasetId, settings: SettingsDep) -> ValidationReport:
    return service.validate(settings, dataset_id)


@datasets_router.get(
    "/{dataset_id}/stats",
    response_model=DatasetStats,
    summary="Split and class statistics",
    responses=error_responses(404, 409),
)
def get_stats(dataset_id: DatasetId, settings: SettingsDep) -> DatasetStats:
    return service.stats(settings, dataset_id)


@datasets_router.get(
    "/{dataset_id}/images",
    response_model=DatasetImagePage,
    summary="Images with their annotations, paged",
    description="Images of one split (or all, train then val then test) with their polygons in normalised "
    "and pixel coordinates. `limit` is capped at 100.",
    responses=error_responses(404, 409),
)
def list_images(
    dataset_id: DatasetId,
    settings: SettingsDep,
    split: Annotated[SplitName | None, Query(description="train | val | test; all when absent")] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=dataset_images.MAX_PAGE_LIMIT)] = 24,
) -> DatasetImagePage:
    return dataset_images.list_dataset_images(settings, dataset_id, split, offset, limit)


@datasets_router.get(
    "/{dataset_id}/images/{image_id}/thumbnail",
    response_class=FileResponse,
    summary="Image thumbnail (JPEG)",
    description="A JPEG no larger than `size` px; with overlay=true the crack masks are drawn over it. "
    "Cached on disk. 413 for an image with more pixels than CRACKDET_DATASET_MAX_IMAGE_PIXELS.",
    responses={
        200: {"content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(404, 409, 413, 422),
    },
)
def get_thumbnail(
    dataset_id: DatasetId,
    image_id: ImageId,
    settings: SettingsDep,
    size: Annotated[int, Query(ge=32, le=1024, description="Longest side in px")] = 256,
    overlay: Annotated[bool, Query(description="Draw the annotation polygons")] = False,
) -> FileResponse:
    path = dataset_images.thumbnail(settings, dataset_id, image_id, size, overlay)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=3600"})


@datasets_router.get(
    "/{dataset_id}/images/{image_id}/file",
    response_class=FileResponse,
    summary="The original image file",
    responses={
        200: {"content": {"image/*": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(404, 409),
    },
)
def get_image_file(dataset_id: DatasetId, image_id: ImageId, settings: SettingsDep) -> FileResponse:
    path, media_type = dataset_images.image_file(settings, dataset_id, image_id)
    return FileResponse(path, media_type=media_type)


@datasets_router.post(
    "/{dataset_id}/enhance",
    response_model=Dataset,
    status_code=202,
    summary="Create a contrast-enhanced (CLAHE) copy",
    description="Queues a job that writes a new dataset (source derived, parent_id = this one) whose images "
    "are CLAHE-enhanced; labels are unchanged and the original is never modified. 200 with the "
    "existing copy when these parameters were used before.",
    responses={
        200: {"model": Dataset, "description": "Already enhanced with these parameters"},
        **error_responses(404, 409, 507),
    },
)
def enhance_dataset(
    dataset_id: DatasetId, body: EnhanceRequest, settings: SettingsDep, runner: RunnerDep, response: Response
) -> Dataset:
    dataset, started = dataset_enhancement.start_enhancement(settings, runner, dataset_id, body)
    response.status_code = 202 if started else 200
    return dataset


@settings_router.get(
    "/roboflow-key",
    response_model=RoboflowKeyStatus,
    summary="Whether a Roboflow API key is stored (the key itself is never returned)",
)
def get_roboflow_key(settings: SettingsDep) -> RoboflowKeyStatus:
    return dataset_intake.roboflow_key_status(settings)


@settings_router.put(
    "/roboflow-key",
    response_model=RoboflowKeyStatus,
    summary="Store the Roboflow API key",
    description="Write-only: no endpoint returns it and it is never logged.",
)
def put_roboflow_key(body: RoboflowKeyRequest, settings: SettingsDep) -> RoboflowKeyStatus:
    return dataset_intake.set_roboflow_key(settings, body.api_key.get_secret_value())


@settings_router.delete(
    "/roboflow-key", response_model=RoboflowKeyStatus, summary="Forget the stored Roboflow key"
)
def delete_roboflow_key(settings: SettingsDep) -> RoboflowKeyStatus:
    return dataset_intake.clear_roboflow_key(settings)


router.include_router(datasets_router)
router.include_router(settings_router)
