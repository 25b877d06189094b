"""Model imports: a .pt upload streamed to uploads/models/, checked by a worker job."""

from __future__ import annotations

import contextlib
import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

from app.config import Settings
from app.core.families.registry import families
from app.data.upload import ReceivedUpload, UploadLimits, UploadRejected, receive_upload
from app.db.session import session_scope
from app.domain.errors import InsufficientStorage, InvalidInput, NotFound, TooLarge
from app.repositories import models as repo
from app.repositories.models import JobRow
from app.schemas.models import ModelImportJob
from app.services.models.common import UnsupportedMediaType, relative_to_data
from app.services.ports import JobRunner

MULTIPART_OVERHEAD_BYTES = 64 * 1024
MIN_FREE_DISK_BYTES = 256 * 1024**2  # keep this much free after an upload
IMPORT_ERROR_PREFIXES = ("InvalidModelFile: ",)


def importable_suffixes() -> tuple[str, ...]:
    """Weights files the model families accept as imports (checked by the import job)."""
    return tuple(suffix for family in families() for suffix in family.importable_suffixes)


def import_limits(settings: Settings) -> UploadLimits:
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    free_disk = shutil.disk_usage(settings.uploads_dir).free
    room = max(free_disk - MIN_FREE_DISK_BYTES, 0)
    return UploadLimits(
        settings.max_upload_bytes,
        room,
        f"Not enough disk space: {room} bytes can be used for the upload (keeping {MIN_FREE_DISK_BYTES} "
        "bytes free). Free some space and retry.",
    )


def clean_file_name(raw: str | None) -> str:
    name = Path((raw or "").replace("\\", "/")).name.strip()
    return name[:200] or "model.pt"


async def receive_import(
    settings: Settings,
    runner: JobRunner,
    body: AsyncIterator[bytes],
    content_type: str | None,
    content_length: int | None,
) -> ModelImportJob:
    """Streams the multipart `file` part to uploads/models/, then queues the check job."""
    if content_length is not None and content_length > settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES:
        raise TooLarge(
            f"The upload ({content_length} bytes) is larger than the limit of "
            f"{settings.max_upload_bytes} bytes."
        )
    limits = import_limits(settings)
    folder = settings.uploads_dir / "models"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"import-{uuid.uuid4().hex}.pt"
    try:
        received = await receive_upload(body, content_type, target, limits)
    except UploadRejected as exc:
        error = {"too_large": TooLarge, "quota": InsufficientStorage}.get(exc.kind, InvalidInput)
        detail = exc.detail.replace("the zip", "the .pt file").replace("The zip", "The .pt file")
        raise error(detail) from None
    return accept_import(settings, runner, received)


def accept_import(settings: Settings, runner: JobRunner, received: ReceivedUpload) -> ModelImportJob:
    file_name = clean_file_name(received.filename)
    try:
        if not file_name.lower().endswith(importable_suffixes()):
            raise UnsupportedMediaType(
                f"'{file_name}' is not a .pt file: upload Ultralytics weights (a .pt checkpoint)."
            )
        if received.size == 0:
            raise InvalidInput("The uploaded file is empty.")
        name = " ".join(received.fields.get("name", "").split())[:200] or Path(file_name).stem[:200]
        params = {
            "upload": relative_to_data(settings, received.path),
            "file_name": file_name,
            "size_bytes": received.size,
            "name": name,
        }
        job_id = runner.submit(repo.IMPORT_JOB_KIND, params)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            received.path.unlink()
        raise
    return get_import(settings, job_id)


def import_out(job: JobRow) -> ModelImportJob:
    error = job.error
    for prefix in IMPORT_ERROR_PREFIXES:
        if error and error.startswith(prefix):
            error = error[len(prefix) :]
    params, result = job.params or {}, job.result or {}
    return ModelImportJob(
        job_id=job.id,
        status=job.status,
        progress=job.progress,
        message=job.message,
        error=error,
        file_name=params.get("file_name"),
        size_bytes=params.get("size_bytes"),
        model_id=result.get("model_id"),
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def get_import(settings: Settings, job_id: str) -> ModelImportJob:
    with session_scope(settings.resolved_database_url) as db:
        job = repo.get_job(db, job_id)
        if job is None or job.kind != repo.IMPORT_JOB_KIND:
            raise NotFound(f"Model import {job_id} does not exist")
        return import_out(job)


def list_imports(settings: Settings, limit: int) -> list[ModelImportJob]:
    with session_scope(settings.resolved_database_url) as db:
        return [import_out(job) for job in repo.import_jobs(db, limit)]
