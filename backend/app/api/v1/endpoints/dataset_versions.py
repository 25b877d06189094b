"""Dataset versions (immutable snapshots), their downloads, and split editing of the working copy."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from app.api.deps import SettingsDep
from app.api.errors import error_responses
from app.schemas.dataset_versions import (
    DatasetVersionOut,
    SplitAssignment,
    SplitAssignmentResult,
    VersionCreate,
    VersionDeleted,
    VersionDownloadFormat,
    VersionList,
)
from app.services import dataset_splits, dataset_version_export, dataset_versions

router = APIRouter(prefix="/datasets", tags=["dataset versions"])

DatasetId = Annotated[str, Path(min_length=1, max_length=64, description="Dataset id")]
VersionId = Annotated[str, Path(min_length=1, max_length=64, description="Version id")]


@router.get(
    "/{dataset_id}/versions",
    response_model=VersionList,
    summary="The dataset's versions, newest first",
    responses=error_responses(404),
)
def list_versions(dataset_id: DatasetId, settings: SettingsDep) -> VersionList:
    return dataset_versions.list_versions(settings, dataset_id)


@router.post(
    "/{dataset_id}/versions",
    response_model=DatasetVersionOut,
    status_code=201,
    summary="Snapshot the working copy as a new immutable version",
    description="Stores every image once (content-addressed, shared across versions and datasets) and a "
    "manifest of splits and instances; answers the counts per split and class and what changed since "
    "the previous version.",
    responses=error_responses(404, 409),
)
async def create_version(
    dataset_id: DatasetId, body: VersionCreate, settings: SettingsDep
) -> DatasetVersionOut:
    return await run_in_threadpool(dataset_versions.create_version, settings, dataset_id, body)


@router.get(
    "/{dataset_id}/versions/{version_id}",
    response_model=DatasetVersionOut,
    summary="One version",
    responses=error_responses(404),
)
def get_version(dataset_id: DatasetId, version_id: VersionId, settings: SettingsDep) -> DatasetVersionOut:
    return dataset_versions.get_version(settings, dataset_id, version_id)


@router.delete(
    "/{dataset_id}/versions/{version_id}",
    response_model=VersionDeleted,
    summary="Delete a version",
    description="409 naming the models (or training sessions) that were trained on it. Stored images "
    "that no other version needs are removed.",
    responses=error_responses(404, 409),
)
def delete_version(dataset_id: DatasetId, version_id: VersionId, settings: SettingsDep) -> VersionDeleted:
    return dataset_versions.delete_version(settings, dataset_id, version_id)


@router.get(
    "/{dataset_id}/versions/{version_id}/download",
    response_class=StreamingResponse,
    summary="Download a version as a zip",
    description="YOLO-seg (data.yaml, images/, labels/) or COCO (<split>/_annotations.coco.json), streamed "
    "as it is written. The dataset zip upload reads it back to the same images and instances.",
    responses={
        200: {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(404, 409),
    },
)
def download_version(
    dataset_id: DatasetId,
    version_id: VersionId,
    settings: SettingsDep,
    format: Annotated[VersionDownloadFormat, Query(description="yolo-seg or coco")] = "yolo-seg",
) -> StreamingResponse:
    download = dataset_version_export.download(settings, dataset_id, version_id, format)
    return StreamingResponse(
        download.chunks,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{download.filename}"'},
    )


@router.patch(
    "/{dataset_id}/images",
    response_model=SplitAssignmentResult,
    summary="Move images to another split (working copy)",
    description="The images keep their annotations; each moved image gets a new id (listed). 409 when "
    "the split already has an image of the same name; 404 when an id is unknown (nothing moves).",
    responses=error_responses(404, 409, 422),
)
def assign_split(
    dataset_id: DatasetId, body: SplitAssignment, settings: SettingsDep
) -> SplitAssignmentResult:
    return dataset_splits.assign_split(settings, dataset_id, body)
