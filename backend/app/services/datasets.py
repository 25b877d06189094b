"""Datasets: list, read, validate, delete; what the other dataset services share (row mapping, jobs).

Runs in the API process: never imports roboflow, OpenCV or the ML stack (the jobs do that work). The
other modules of the area: dataset_intake.py (zip uploads and Roboflow requests), dataset_imports.py
(the import jobs' pipelines), dataset_enhancement.py (CLAHE copies), dataset_images.py (browsing images
and thumbnails), dataset_storage.py (file layout and quota).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import Conflict, InsufficientStorage, NotFound
from app.domain.status import DatasetStatus
from app.repositories import datasets as repo
from app.repositories.datasets import DatasetRow
from app.schemas.datasets import (
    Dataset,
    DatasetDeleted,
    DatasetDetail,
    DatasetJob,
    DatasetList,
    DatasetStats,
    ValidationReport,
)
from app.services import dataset_imports as imports
from app.services.dataset_storage import (
    DATASET_JOB_KINDS,
    job_key_setting,
    quota_message,
    remove_dataset_files,
    remove_derived_caches,
)
from app.services.ports import JobRunner
from app.utils.clock import as_utc, as_utc_or_none
from app.utils.paths import PathEscape, confine

KNOWN_STATUSES = frozenset(DatasetStatus)
IN_PROGRESS = KNOWN_STATUSES - {DatasetStatus.READY, DatasetStatus.FAILED}


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


def to_schema(row: DatasetRow) -> Dataset:
    return Dataset(
        id=row.id,
        name=row.name,
        source=row.source,
        source_ref=row.source_ref,
        source_info=row.source_info,
        format=row.format,
        status=row.status if row.status in KNOWN_STATUSES else DatasetStatus.PROCESSING,
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


def row_or_404(db: Any, dataset_id: str) -> DatasetRow:
    row = repo.get(db, dataset_id) if len(dataset_id) <= 64 else None
    if row is None:
        raise NotFound(f"No dataset with id {dataset_id!r}.")
    return row


def ready_root(settings: Settings, row: DatasetRow) -> Path:
    """The folder of a ready dataset, confined to the datasets directory; 409 when not ready or gone."""
    if row.status != DatasetStatus.READY or not row.path:
        raise Conflict(f"Dataset {row.name!r} is not ready (status: {row.status}).")
    missing = Conflict(f"The files of dataset {row.name!r} are missing; delete it and import it again.")
    try:
        root = confine(row.path, settings.datasets_dir)
    except PathEscape:
        raise missing from None
    if not (root / "data.yaml").is_file():
        raise missing
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
        row = row_or_404(db, dataset_id)
        needs_report = row.status == DatasetStatus.READY and row.validation is None
    if needs_report:  # e.g. a dataset registered before validation existed
        imports.revalidate(settings, dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        return to_detail(row_or_404(db, dataset_id))


def get_validation(settings: Settings, dataset_id: str) -> ValidationReport:
    detail = get_dataset(settings, dataset_id)
    if detail.validation is None:
        raise Conflict(f"Dataset {detail.name!r} has no validation report yet (status: {detail.status}).")
    return detail.validation


def validate(settings: Settings, dataset_id: str) -> ValidationReport:
    with session_scope(settings.resolved_database_url) as db:
        ready_root(settings, row_or_404(db, dataset_id))
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
            finished_at=as_utc_or_none(job.finished_at),
        )


# --------------------------------------------------------------------------------------------------
# Jobs and quota (shared by intake and enhancement)
# --------------------------------------------------------------------------------------------------


def submit(settings: Settings, runner: JobRunner, kind: str, dataset_id: str) -> str:
    job_id = runner.submit(kind, {"dataset_id": dataset_id}, subject_id=dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        repo.update_fields(db, dataset_id, job_id=job_id)
    return job_id


def dataset_out(settings: Settings, dataset_id: str) -> Dataset:
    with session_scope(settings.resolved_database_url) as db:
        return to_schema(row_or_404(db, dataset_id))


def quota_error(settings: Settings, needed: int, exclude_id: str | None = None) -> InsufficientStorage | None:
    with session_scope(settings.resolved_database_url) as db:
        used = repo.used_bytes(db, exclude_id=exclude_id)
    if used + needed > settings.storage_quota_bytes:
        return InsufficientStorage(quota_message(needed, used, settings.storage_quota_bytes))
    return None


# --------------------------------------------------------------------------------------------------
# Deletion
# --------------------------------------------------------------------------------------------------


def delete_dataset(settings: Settings, runner: JobRunner, dataset_id: str, *, force: bool) -> DatasetDeleted:
    """Deletes files and row. A dataset used by training sessions needs force (the sessions are kept,
    their dataset link cleared); one used by a queued or running training cannot be deleted."""
    with session_scope(settings.resolved_database_url) as db:
        row = row_or_404(db, dataset_id)
        sessions = repo.training_sessions_using(db, dataset_id)
        active = [s for s in sessions if s.active]
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
        versioned = repo.has_versions(db, dataset_id)
        job_id = row.job_id if row.status in IN_PROGRESS else None
        freed, path = row.size_bytes if row.status == DatasetStatus.READY else 0, row.path
        repo.pop_setting(db, job_key_setting(dataset_id))
        repo.delete(db, dataset_id)
    if job_id:
        runner.request_stop(job_id)
    remove_dataset_files(settings, dataset_id)
    remove_derived_caches(settings, dataset_id)
    if versioned:  # its versions went with the row: images only they stored go too
        from app.services.dataset_versions import collect_unused_objects  # lazy: it imports this module

        collect_unused_objects(settings)
    if path and path != dataset_id:
        try:
            folder = confine(path, settings.datasets_dir)
        except PathEscape:
            folder = None
        if folder is not None and folder != settings.datasets_dir.resolve():
            shutil.rmtree(folder, ignore_errors=True)
    return DatasetDeleted(id=dataset_id, freed_bytes=freed, detached_training_sessions=detached)
