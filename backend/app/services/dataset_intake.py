"""Accepting dataset imports in the API process: zip uploads and Roboflow requests, and the stored key.

Zip refusals that the central directory reveals are answered at once (4xx) before any row exists; the
rest of an import runs as a background job (app/jobs/dataset_jobs.py -> dataset_imports.py).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.config import Settings
from app.data.extract import ZipRefused, inspect_zip
from app.data.upload import ReceivedUpload, UploadLimits, UploadRejected, receive_upload
from app.db.session import session_scope
from app.domain.errors import AppError, InsufficientStorage, InvalidInput, TooLarge, Unprocessable
from app.domain.status import DatasetStatus
from app.repositories import datasets as repo
from app.schemas.datasets import Dataset, RoboflowImportRequest, RoboflowKeyStatus
from app.services import dataset_imports as imports
from app.services.dataset_storage import (
    ROBOFLOW_JOB,
    ROBOFLOW_KEY_SETTING,
    UPLOAD_JOB,
    format_bytes,
    job_key_setting,
    upload_zip_path,
    zip_limits,
)
from app.services.datasets import dataset_out, quota_error, submit
from app.services.ports import JobRunner

MULTIPART_OVERHEAD_BYTES = 64 * 1024


class UnsupportedMediaType(AppError):
    status_code = 415


# --------------------------------------------------------------------------------------------------
# Zip upload
# --------------------------------------------------------------------------------------------------


def upload_limits(settings: Settings) -> UploadLimits:
    with session_scope(settings.resolved_database_url) as db:
        used = repo.used_bytes(db)
    quota = settings.storage_quota_bytes
    free = max(quota - used, 0)
    fmt = format_bytes
    message = (
        f"Storage quota exceeded: the upload is larger than the {fmt(free)} ({free} bytes) free of the "
        f"{fmt(quota)} ({quota} bytes) dataset quota ({fmt(used)} used). Delete datasets or raise "
        "CRACKDET_STORAGE_QUOTA_BYTES."
    )
    return UploadLimits(settings.max_upload_bytes, free, message)


async def receive_zip(
    settings: Settings,
    body: AsyncIterator[bytes],
    content_type: str | None,
    content_length: int | None,
    limits: UploadLimits,
) -> ReceivedUpload:
    """Streams the multipart upload to uploads/ with the size limits checked on every chunk."""
    if content_length is not None and content_length > settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES:
        raise TooLarge(
            f"The upload ({content_length} bytes) is larger than the limit of "
            f"{settings.max_upload_bytes} bytes."
        )
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    target = settings.uploads_dir / f"incoming-{uuid.uuid4().hex}.part"
    try:
        return await receive_upload(body, content_type, target, limits)
    except UploadRejected as exc:
        error_class = {"too_large": TooLarge, "quota": InsufficientStorage}.get(exc.kind, InvalidInput)
        raise error_class(exc.detail) from None


_ZIP_REFUSAL_ERRORS: dict[str, type[AppError]] = {
    "not_a_zip": UnsupportedMediaType,
    "unsafe": InvalidInput,
    "bomb": TooLarge,
    "layout": Unprocessable,
}


def _upload_name(received: ReceivedUpload) -> str:
    name = received.fields.get("name", "").strip()
    if not name and received.filename:
        name = Path(received.filename.replace("\\", "/")).stem
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if len(name) > 200:
        raise InvalidInput("The dataset name is longer than 200 characters.")
    return name or "Uploaded dataset"


def accept_upload(settings: Settings, runner: JobRunner, received: ReceivedUpload) -> Dataset:
    """Checks the zip's central directory and the quota, then registers the dataset and queues its job.

    A refusal removes the uploaded file and creates no row.
    """
    try:
        name = _upload_name(received)
        try:
            plan = inspect_zip(received.path, zip_limits(settings))
        except ZipRefused as exc:
            raise _ZIP_REFUSAL_ERRORS[exc.kind](exc.detail) from None
        refusal = quota_error(settings, plan.uncompressed_bytes)
        if refusal is not None:
            raise refusal
        with session_scope(settings.resolved_database_url) as db:
            row = repo.add(
                db,
                name=name,
                source="upload",
                format=plan.format,
                status=DatasetStatus.QUEUED,
                progress=0.0,
                message="Waiting to extract",
                size_bytes=plan.uncompressed_bytes,
                source_info={
                    "file_name": (received.filename or "")[:200],
                    "zip_bytes": received.size,
                    "files": len(plan.members),
                    "images": plan.image_count,
                },
            )
            dataset_id = row.id
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    try:
        os.replace(received.path, upload_zip_path(settings, dataset_id))
        submit(settings, runner, UPLOAD_JOB, dataset_id)
    except BaseException:
        received.path.unlink(missing_ok=True)
        imports.fail_import(settings, dataset_id, "", keep_row=False)
        raise
    return dataset_out(settings, dataset_id)


# --------------------------------------------------------------------------------------------------
# Roboflow
# --------------------------------------------------------------------------------------------------


def roboflow_source_ref(request: RoboflowImportRequest) -> str:
    return f"roboflow:{request.workspace}/{request.project}/{request.version}/{request.format}".lower()


def _stored_key(db: Any) -> str | None:
    key = repo.get_setting(db, ROBOFLOW_KEY_SETTING)
    return key if isinstance(key, str) and key else None


def _claim_roboflow_row(db: Any, request: RoboflowImportRequest, key: str | None) -> tuple[str, bool]:
    """(dataset id, started): reuses a failed import of the same version; never duplicates one."""
    ref = roboflow_source_ref(request)
    existing = repo.get_by_source_ref(db, ref)
    if existing is not None and existing.status != DatasetStatus.FAILED:
        return existing.id, False
    row = repo.save_by_source_ref(
        db,
        ref,
        {"source": "roboflow"},
        name=request.name or f"{request.workspace}/{request.project} v{request.version}",
        format="coco" if request.format.startswith("coco") else "yolo-seg",
        source_info={
            "workspace": request.workspace,
            "project": request.project,
            "version": request.version,
            "export_format": request.format,
        },
        status=DatasetStatus.QUEUED,
        progress=0.0,
        error=None,
        message="Waiting to download",
    )
    if key:
        repo.set_setting(db, job_key_setting(row.id), key)
    return row.id, True


def start_roboflow_import(
    settings: Settings, runner: JobRunner, request: RoboflowImportRequest
) -> tuple[Dataset, bool]:
    """Queues a Roboflow import; returns (dataset, started). The same version twice is one dataset."""
    key = request.api_key.get_secret_value() if request.api_key else None
    refusal = quota_error(settings, 1)
    try:
        with session_scope(settings.resolved_database_url) as db:
            if key is None and _stored_key(db) is None:
                raise InvalidInput(
                    "No Roboflow API key: give `api_key` or store one with PUT /api/v1/settings/roboflow-key."
                )
            if key and request.save_api_key:
                repo.set_setting(db, ROBOFLOW_KEY_SETTING, key)
            existing = repo.get_by_source_ref(db, roboflow_source_ref(request))
            if refusal is not None and (existing is None or existing.status == DatasetStatus.FAILED):
                raise refusal
            dataset_id, started = _claim_roboflow_row(db, request, key)
    except IntegrityError:  # the same version was claimed by a concurrent request
        with session_scope(settings.resolved_database_url) as db:
            existing = repo.get_by_source_ref(db, roboflow_source_ref(request))
            if existing is None:
                raise
            dataset_id, started = existing.id, False
    if started:
        submit(settings, runner, ROBOFLOW_JOB, dataset_id)
    return dataset_out(settings, dataset_id), started


def roboflow_key_status(settings: Settings) -> RoboflowKeyStatus:
    with session_scope(settings.resolved_database_url) as db:
        return RoboflowKeyStatus(configured=_stored_key(db) is not None)


def set_roboflow_key(settings: Settings, key: str) -> RoboflowKeyStatus:
    with session_scope(settings.resolved_database_url) as db:
        repo.set_setting(db, ROBOFLOW_KEY_SETTING, key)
    return RoboflowKeyStatus(configured=True)


def clear_roboflow_key(settings: Settings) -> RoboflowKeyStatus:
    with session_scope(settings.resolved_database_url) as db:
        repo.delete_setting(db, ROBOFLOW_KEY_SETTING)
    return RoboflowKeyStatus(configured=False)
