"""Datasets: list, import (zip upload, Roboflow), validate, browse, enhance, delete; the Roboflow key.

Runs in the API process: never imports roboflow, OpenCV or the ML stack (the jobs do that work).
Zip refusals that the central directory reveals are answered at once (4xx) before any row exists;
the rest of an import runs as a background job (app/jobs/dataset_jobs.py).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.exc import IntegrityError

from app.config import Settings
from app.data.extract import IMAGE_SUFFIXES, ZipRefused, inspect_zip
from app.data.formats import SPLITS, DatasetFormatError, DataYaml, labels_dir_for, list_images, read_data_yaml
from app.data.upload import ReceivedUpload, UploadLimits, UploadRejected, receive_upload
from app.data.validation import LabelFacts, read_label_file
from app.db.session import session_scope
from app.db.tables import Dataset as DatasetRow
from app.domain.errors import (
    AppError,
    Conflict,
    InsufficientStorage,
    InvalidInput,
    NotFound,
    TooLarge,
    Unprocessable,
)
from app.repositories import datasets as repo
from app.schemas.datasets import (
    Dataset,
    DatasetDeleted,
    DatasetDetail,
    DatasetImage,
    DatasetImagePage,
    DatasetJob,
    DatasetList,
    DatasetStats,
    EnhanceRequest,
    ImageAnnotation,
    RoboflowImportRequest,
    RoboflowKeyStatus,
    ValidationReport,
)
from app.services import dataset_imports as imports
from app.services.notifications import as_utc

MULTIPART_OVERHEAD_BYTES = 64 * 1024
MAX_PAGE_LIMIT = 100
THUMBNAIL_DIR = ".thumbs"
THUMBNAIL_QUALITY = 85
IMAGE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{4,1400}$")
IN_PROGRESS = ("queued", "downloading", "extracting", "processing", "validating")
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".webp": "image/webp",
}
OVERLAY_COLOURS = ((255, 48, 48), (48, 160, 255), (255, 200, 0), (0, 220, 120), (200, 80, 255), (255, 120, 0))


class UnsupportedMediaType(AppError):
    status_code = 415


# --------------------------------------------------------------------------------------------------
# Mapping rows to schemas
# --------------------------------------------------------------------------------------------------


def _validation_status(row: DatasetRow) -> str | None:
    status = (row.validation or {}).get("status")
    return status if status in ("passed", "warnings", "errors") else None


def _report_count(row: DatasetRow, key: str) -> int | None:
    """`error_count`/`warning_count` of the stored report; None when not validated."""
    if _validation_status(row) is None:
        return None
    value = (row.validation or {}).get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


KNOWN_STATUSES = (*IN_PROGRESS, "ready", "failed")


def to_schema(row: DatasetRow) -> Dataset:
    return Dataset(
        id=row.id,
        name=row.name,
        source=row.source,
        source_ref=row.source_ref,
        source_info=row.source_info,
        format=row.format,
        status=row.status if row.status in KNOWN_STATUSES else "processing",
        progress=min(max(row.progress, 0.0), 1.0),
        message=row.message,
        error=row.error,
        class_names=list(row.class_names or []),
        splits=row.splits or {},
        image_count=row.image_count,
        instance_count=row.instance_count,
        size_bytes=row.size_bytes,
        validation_status=_validation_status(row),
        error_count=_report_count(row, "error_count"),
        warning_count=_report_count(row, "warning_count"),
        parent_id=row.parent_id,
        job_id=row.job_id,
        created_at=as_utc(row.created_at),
        updated_at=as_utc(row.updated_at),
    )


def to_detail(row: DatasetRow) -> DatasetDetail:
    report = ValidationReport.model_validate(row.validation) if row.validation else None
    return DatasetDetail(**to_schema(row).model_dump(), validation=report)


def _row_or_404(db: Any, dataset_id: str) -> DatasetRow:
    row = repo.get(db, dataset_id) if len(dataset_id) <= 64 else None
    if row is None:
        raise NotFound(f"No dataset with id {dataset_id!r}.")
    return row


def _ready_root(settings: Settings, row: DatasetRow) -> Path:
    if row.status != "ready" or not row.path:
        raise Conflict(f"Dataset {row.name!r} is not ready (status: {row.status}).")
    root = (settings.datasets_dir / row.path).resolve()
    if not root.is_relative_to(settings.datasets_dir.resolve()) or not (root / "data.yaml").is_file():
        raise Conflict(f"The files of dataset {row.name!r} are missing; delete it and import it again.")
    return root


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def list_datasets(settings: Settings) -> DatasetList:
    with session_scope(settings.resolved_database_url) as db:
        rows = repo.list_datasets(db)
        items = [to_schema(row) for row in rows]
        used = repo.used_bytes(db)
    return DatasetList(
        items=items,
        total=len(items),
        used_bytes=used,
        quota_bytes=settings.storage_quota_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )


def get_dataset(settings: Settings, dataset_id: str) -> DatasetDetail:
    with session_scope(settings.resolved_database_url) as db:
        row = _row_or_404(db, dataset_id)
        needs_report = row.status == "ready" and row.validation is None
    if needs_report:  # e.g. a dataset registered before validation existed
        imports.revalidate(settings, dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        return to_detail(_row_or_404(db, dataset_id))


def get_validation(settings: Settings, dataset_id: str) -> ValidationReport:
    detail = get_dataset(settings, dataset_id)
    if detail.validation is None:
        raise Conflict(f"Dataset {detail.name!r} has no validation report yet (status: {detail.status}).")
    return detail.validation


def validate(settings: Settings, dataset_id: str) -> ValidationReport:
    with session_scope(settings.resolved_database_url) as db:
        _ready_root(settings, _row_or_404(db, dataset_id))
    return ValidationReport.model_validate(imports.revalidate(settings, dataset_id))


def stats(settings: Settings, dataset_id: str) -> DatasetStats:
    detail = get_dataset(settings, dataset_id)
    report = detail.validation
    return DatasetStats(
        dataset_id=detail.id,
        class_names=detail.class_names,
        image_count=detail.image_count,
        instance_count=detail.instance_count,
        size_bytes=detail.size_bytes,
        splits=report.splits if report else [],
        totals=report.totals if report else None,
        validation_status=detail.validation_status,
    )


def get_job(settings: Settings, job_id: str) -> DatasetJob:
    from app.jobs.dataset_jobs import DATASET_JOB_KINDS

    with session_scope(settings.resolved_database_url) as db:
        job = repo.get_job(db, job_id) if len(job_id) <= 64 else None
        if job is None or job.kind not in DATASET_JOB_KINDS:
            raise NotFound(f"No dataset job with id {job_id!r}.")
        dataset_id = job.subject_id
        exists = dataset_id is not None and repo.get(db, dataset_id) is not None
        error = job.error
        if error and error.startswith("DatasetImportError: "):
            error = error.removeprefix("DatasetImportError: ")
        return DatasetJob(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=job.progress,
            message=job.message,
            error=error,
            dataset_id=dataset_id,
            dataset_exists=exists,
            created_at=as_utc(job.created_at),
            finished_at=as_utc(job.finished_at) if job.finished_at else None,
        )


# --------------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------------


def _submit(settings: Settings, kind: str, dataset_id: str) -> str:
    from app.jobs.runner import get_runner

    job_id = get_runner(settings).submit(kind, {"dataset_id": dataset_id}, subject_id=dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        repo.update_fields(db, dataset_id, job_id=job_id)
    return job_id


def _stop_job(settings: Settings, job_id: str) -> None:
    from app.jobs.runner import get_runner

    get_runner(settings).request_stop(job_id)


def _dataset_out(settings: Settings, dataset_id: str) -> Dataset:
    with session_scope(settings.resolved_database_url) as db:
        return to_schema(_row_or_404(db, dataset_id))


def _quota_error(
    settings: Settings, needed: int, exclude_id: str | None = None
) -> InsufficientStorage | None:
    with session_scope(settings.resolved_database_url) as db:
        used = repo.used_bytes(db, exclude_id=exclude_id)
    if used + needed > settings.storage_quota_bytes:
        return InsufficientStorage(imports.quota_message(needed, used, settings.storage_quota_bytes))
    return None


# --------------------------------------------------------------------------------------------------
# Zip upload
# --------------------------------------------------------------------------------------------------


def upload_limits(settings: Settings) -> UploadLimits:
    with session_scope(settings.resolved_database_url) as db:
        used = repo.used_bytes(db)
    quota = settings.storage_quota_bytes
    free = max(quota - used, 0)
    fmt = imports.format_bytes
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


def accept_upload(settings: Settings, received: ReceivedUpload) -> Dataset:
    """Checks the zip's central directory and the quota, then registers the dataset and queues its job.

    A refusal removes the uploaded file and creates no row.
    """
    try:
        name = _upload_name(received)
        try:
            plan = inspect_zip(received.path, imports.zip_limits(settings))
        except ZipRefused as exc:
            raise _ZIP_REFUSAL_ERRORS[exc.kind](exc.detail) from None
        quota_error = _quota_error(settings, plan.uncompressed_bytes)
        if quota_error is not None:
            raise quota_error
        with session_scope(settings.resolved_database_url) as db:
            row = DatasetRow(
                name=name,
                source="upload",
                format=plan.format,
                status="queued",
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
            db.add(row)
            db.flush()
            dataset_id = row.id
    except BaseException:
        received.path.unlink(missing_ok=True)
        raise
    try:
        os.replace(received.path, imports.upload_zip_path(settings, dataset_id))
        _submit(settings, "dataset_upload", dataset_id)
    except BaseException:
        received.path.unlink(missing_ok=True)
        imports.fail_import(settings, dataset_id, "", keep_row=False)
        raise
    return _dataset_out(settings, dataset_id)


# --------------------------------------------------------------------------------------------------
# Roboflow
# --------------------------------------------------------------------------------------------------


def roboflow_source_ref(request: RoboflowImportRequest) -> str:
    return f"roboflow:{request.workspace}/{request.project}/{request.version}/{request.format}".lower()


def _stored_key(db: Any) -> str | None:
    key = repo.get_setting(db, imports.ROBOFLOW_KEY_SETTING)
    return key if isinstance(key, str) and key else None


def _claim_roboflow_row(db: Any, request: RoboflowImportRequest, key: str | None) -> tuple[str, bool]:
    """(dataset id, started): reuses a failed import of the same version; never duplicates one."""
    ref = roboflow_source_ref(request)
    existing = repo.get_by_source_ref(db, ref)
    if existing is not None and existing.status != "failed":
        return existing.id, False
    row = existing or DatasetRow(source="roboflow", source_ref=ref)
    row.name = request.name or f"{request.workspace}/{request.project} v{request.version}"
    row.format = "coco" if request.format.startswith("coco") else "yolo-seg"
    row.source_info = {
        "workspace": request.workspace,
        "project": request.project,
        "version": request.version,
        "export_format": request.format,
    }
    row.status, row.progress, row.error, row.message = "queued", 0.0, None, "Waiting to download"
    if existing is None:
        db.add(row)
    db.flush()
    if key:
        repo.set_setting(db, imports.job_key_setting(row.id), key)
    return row.id, True


def start_roboflow_import(settings: Settings, request: RoboflowImportRequest) -> tuple[Dataset, bool]:
    """Queues a Roboflow import; returns (dataset, started). The same version twice is one dataset."""
    key = request.api_key.get_secret_value() if request.api_key else None
    quota_error = _quota_error(settings, 1)
    try:
        with session_scope(settings.resolved_database_url) as db:
            if key is None and _stored_key(db) is None:
                raise InvalidInput(
                    "No Roboflow API key: give `api_key` or store one with PUT /api/v1/settings/roboflow-key."
                )
            if key and request.save_api_key:
                repo.set_setting(db, imports.ROBOFLOW_KEY_SETTING, key)
            existing = repo.get_by_source_ref(db, roboflow_source_ref(request))
            if quota_error is not None and (existing is None or existing.status == "failed"):
                raise quota_error
            dataset_id, started = _claim_roboflow_row(db, request, key)
    except IntegrityError:  # the same version was claimed by a concurrent request
        with session_scope(settings.resolved_database_url) as db:
            existing = repo.get_by_source_ref(db, roboflow_source_ref(request))
            if existing is None:
                raise
            dataset_id, started = existing.id, False
    if started:
        _submit(settings, "dataset_roboflow", dataset_id)
    return _dataset_out(settings, dataset_id), started


def roboflow_key_status(settings: Settings) -> RoboflowKeyStatus:
    with session_scope(settings.resolved_database_url) as db:
        return RoboflowKeyStatus(configured=_stored_key(db) is not None)


def set_roboflow_key(settings: Settings, key: str) -> RoboflowKeyStatus:
    with session_scope(settings.resolved_database_url) as db:
        repo.set_setting(db, imports.ROBOFLOW_KEY_SETTING, key)
    return RoboflowKeyStatus(configured=True)


def clear_roboflow_key(settings: Settings) -> RoboflowKeyStatus:
    with session_scope(settings.resolved_database_url) as db:
        repo.delete_setting(db, imports.ROBOFLOW_KEY_SETTING)
    return RoboflowKeyStatus(configured=False)


# --------------------------------------------------------------------------------------------------
# Enhancement
# --------------------------------------------------------------------------------------------------


def start_enhancement(settings: Settings, dataset_id: str, request: EnhanceRequest) -> tuple[Dataset, bool]:
    """Queues a CLAHE-enhanced copy as a new dataset (parent_id set); the same parameters twice is one."""
    clip, tiles = round(request.clip_limit, 3), request.tile_grid_size
    ref = f"derived:{dataset_id}:clahe:{clip:g}:{tiles}"
    with session_scope(settings.resolved_database_url) as db:
        parent = _row_or_404(db, dataset_id)
        _ready_root(settings, parent)
        existing = repo.get_by_source_ref(db, ref)
        if existing is not None and existing.status != "failed":
            return to_schema(existing), False
        needed, parent_name = parent.size_bytes, parent.name
    quota_error = _quota_error(settings, needed, exclude_id=existing.id if existing else None)
    if quota_error is not None:
        raise quota_error
    with session_scope(settings.resolved_database_url) as db:
        row = repo.get_by_source_ref(db, ref) or DatasetRow(
            source="derived", source_ref=ref, parent_id=dataset_id
        )
        row.name = request.name or f"{parent_name} (CLAHE {clip:g}/{tiles})"
        row.source_info = {
            "method": "clahe",
            "clip_limit": clip,
            "tile_grid_size": tiles,
            "parent_id": dataset_id,
        }
        row.status, row.progress, row.error, row.message = "queued", 0.0, None, "Waiting to enhance"
        row.size_bytes = needed
        db.add(row)
        db.flush()
        derived_id = row.id
    _submit(settings, "dataset_enhance", derived_id)
    return _dataset_out(settings, derived_id), True


# --------------------------------------------------------------------------------------------------
# Deletion
# --------------------------------------------------------------------------------------------------


def delete_dataset(settings: Settings, dataset_id: str, *, force: bool) -> DatasetDeleted:
    """Deletes files and row. A dataset used by training sessions needs force (the sessions are kept,
    their dataset link cleared); one used by a queued or running training cannot be deleted."""
    with session_scope(settings.resolved_database_url) as db:
        row = _row_or_404(db, dataset_id)
        sessions = repo.training_sessions_using(db, dataset_id)
        active = [s for s in sessions if s.status in repo.ACTIVE_TRAINING_STATUSES]
        if active:
            names = ", ".join(repr(s.name) for s in active[:5])
            raise Conflict(
                f"Dataset {row.name!r} is used by {len(active)} queued or running training "
                f"session(s) ({names}); stop them before deleting it."
            )
        if sessions and not force:
            names = ", ".join(repr(s.name) for s in sessions[:5])
            raise Conflict(
                f"Dataset {row.name!r} is used by {len(sessions)} training session(s) ({names}). "
                "Delete with force=true to delete it anyway: the sessions and their results are "
                "kept, without a link to this dataset."
            )
        detached = repo.detach_training_sessions(db, dataset_id) if sessions else 0
        job_id = row.job_id if row.status in IN_PROGRESS else None
        freed, path = row.size_bytes if row.status == "ready" else 0, row.path
        repo.pop_setting(db, imports.job_key_setting(dataset_id))
        db.delete(row)
    if job_id:
        _stop_job(settings, job_id)
    imports.remove_dataset_files(settings, dataset_id)
    _remove_derived_copies(settings, dataset_id)
    if path and path != dataset_id:
        folder = (settings.datasets_dir / path).resolve()
        if (
            folder.is_relative_to(settings.datasets_dir.resolve())
            and folder != settings.datasets_dir.resolve()
        ):
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
    return DatasetDeleted(id=dataset_id, freed_bytes=freed, detached_training_sessions=detached)


def _remove_derived_copies(settings: Settings, dataset_id: str) -> None:
    """The model families' derived copies of the dataset go with it (they are rebuilt when needed)."""
    import shutil

    from app.core.families.registry import dataset_cache_dirs

    for folder in dataset_cache_dirs(settings.data_dir, dataset_id):
        shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------------


def encode_image_id(split: str, file_name: str) -> str:
    return base64.urlsafe_b64encode(f"{split}/{file_name}".encode()).decode("ascii").rstrip("=")


def decode_image_id(image_id: str) -> tuple[str, str]:
    """(split, file name); anything that is not an id this API made is a 404 (never a path)."""
    invalid = NotFound(f"No image with id {image_id[:80]!r}.")
    if not IMAGE_ID_PATTERN.fullmatch(image_id):
        raise invalid
    try:
        raw = base64.urlsafe_b64decode(image_id + "=" * (-len(image_id) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid from None
    split, _, name = raw.partition("/")
    if (
        split not in SPLITS
        or not name
        or name.startswith(".")
        or any(ch in name for ch in "/\\\x00")
        or Path(name).suffix.lower() not in IMAGE_SUFFIXES
    ):
        raise invalid
    return split, name


@dataclass(frozen=True)
class _LocatedImage:
    split: str
    path: Path
    label: Path


def _read_spec(root: Path) -> DataYaml:
    try:
        return read_data_yaml(root / "data.yaml", root)
    except DatasetFormatError as exc:
        raise Conflict(f"The dataset's data.yaml cannot be read: {exc}") from None


def _locate(settings: Settings, dataset_id: str, image_id: str) -> tuple[Path, _LocatedImage, list[str]]:
    split, name = decode_image_id(image_id)
    with session_scope(settings.resolved_database_url) as db:
        root = _ready_root(settings, _row_or_404(db, dataset_id))
    spec = _read_spec(root)
    for folder in spec.split_dirs.get(split, []):
        candidate = folder / name
        if candidate.is_file() and candidate.resolve().parent == folder.resolve():
            label = labels_dir_for(folder) / f"{Path(name).stem}.txt"
            return root, _LocatedImage(split, candidate, label), spec.names
    raise NotFound(f"No image with id {image_id[:80]!r} in this dataset.")


def _labels(label: Path, class_count: int) -> LabelFacts:
    return read_label_file(label, class_count) if label.is_file() else LabelFacts()


def _image_item(dataset_id: str, image: _LocatedImage, names: list[str]) -> DatasetImage:
    from PIL import Image

    try:
        with Image.open(image.path) as opened:
            width, height = opened.size
    except Exception:
        width = height = 0
    facts = _labels(image.label, len(names))
    image_id = encode_image_id(image.split, image.path.name)
    base = f"/api/v1/datasets/{dataset_id}/images/{image_id}"
    return DatasetImage(
        id=image_id,
        split=image.split,
        file_name=image.path.name,
        width=width,
        height=height,
        size_bytes=image.path.stat().st_size,
        annotations=[
            ImageAnnotation(
                class_id=shape.class_id,
                class_name=names[shape.class_id] if shape.class_id < len(names) else None,
                points=[(round(x, 6), round(y, 6)) for x, y in shape.points],
                points_px=[(round(x * width, 2), round(y * height, 2)) for x, y in shape.points],
            )
            for shape in facts.shapes
        ],
        label_problems=[
            f"{image.label.name}:{line} {code}" for code, lines in facts.problems.items() for line in lines
        ][:20],
        thumbnail_url=f"{base}/thumbnail",
        file_url=f"{base}/file",
    )


def list_dataset_images(
    settings: Settings, dataset_id: str, split: str | None, offset: int, limit: int
) -> DatasetImagePage:
    limit = max(1, min(limit, MAX_PAGE_LIMIT))
    with session_scope(settings.resolved_database_url) as db:
        root = _ready_root(settings, _row_or_404(db, dataset_id))
    spec = _read_spec(root)
    listing: list[_LocatedImage] = []
    for name in SPLITS if split is None else (split,):
        for folder in spec.split_dirs.get(name, []):
            labels = labels_dir_for(folder)
            listing.extend(
                _LocatedImage(name, path, labels / f"{path.stem}.txt") for path in list_images(folder)
            )
    page = listing[offset : offset + limit]
    return DatasetImagePage(
        items=[_image_item(dataset_id, image, spec.names) for image in page],
        total=len(listing),
        offset=offset,
        limit=limit,
        split=split,
    )


def image_file(settings: Settings, dataset_id: str, image_id: str) -> tuple[Path, str]:
    _root, image, _names = _locate(settings, dataset_id, image_id)
    return image.path, MEDIA_TYPES.get(image.path.suffix.lower(), "application/octet-stream")


def _render_thumbnail(image: _LocatedImage, target: Path, size: int, overlay: bool, class_count: int) -> None:
    from PIL import Image, ImageDraw

    with Image.open(image.path) as opened:
        opened.draft("RGB", (size, size))
        picture = opened.convert("RGB")
    picture.thumbnail((size, size))
    if overlay:
        facts = _labels(image.label, class_count)
        width, height = picture.size
        layer = Image.new("RGBA", picture.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for shape in facts.shapes:
            colour = OVERLAY_COLOURS[shape.class_id % len(OVERLAY_COLOURS)]
            points = [(x * width, y * height) for x, y in shape.points]
            draw.polygon(points, fill=(*colour, 110), outline=(*colour, 255))
        picture = Image.alpha_composite(picture.convert("RGBA"), layer).convert("RGB")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    picture.save(partial, "JPEG", quality=THUMBNAIL_QUALITY)
    os.replace(partial, target)


def thumbnail(settings: Settings, dataset_id: str, image_id: str, size: int, overlay: bool) -> Path:
    """A JPEG thumbnail (masks drawn over it with overlay), cached under <dataset>/.thumbs/."""
    root, image, names = _locate(settings, dataset_id, image_id)
    variant = f"{size}{'-overlay' if overlay else ''}"
    target = root / THUMBNAIL_DIR / variant / image.split / f"{image.path.name}.jpg"
    newest_source = max(
        image.path.stat().st_mtime, image.label.stat().st_mtime if image.label.is_file() else 0
    )
    with contextlib.suppress(FileNotFoundError):
        if target.stat().st_mtime >= newest_source:
            return target
    _check_pixels(image.path, settings.dataset_max_image_pixels)
    from PIL import Image

    try:
        _render_thumbnail(image, target, size, overlay, len(names))
    except Image.DecompressionBombError as exc:  # Pillow's own limit, when ours is set above it
        raise TooLarge(f"The image has too many pixels to decode safely: {exc}") from None
    except OSError as exc:
        raise Unprocessable(f"The image cannot be decoded: {exc}") from None
    return target


def _check_pixels(path: Path, max_pixels: int) -> None:
    """Refuses to decode an image with more pixels than the limit (decompression bombs) with a 413."""
    from app.utils.images import stored_size

    width, height = stored_size(path)
    if width * height > max_pixels:
        raise TooLarge(
            f"The image is {width} x {height} = {width * height:,} pixels; thumbnails are made for images up "
            f"to {max_pixels:,} pixels (CRACKDET_DATASET_MAX_IMAGE_PIXELS). Download the original instead."
        )
