"""Dataset import pipelines (zip upload, Roboflow), run by background jobs (app/jobs/dataset_jobs.py) or
directly in tests; the CLAHE enhancement's is in dataset_enhancement.py and shares the steps here.

Each pipeline takes (settings, dataset_id), reads what it needs from the dataset row, reports its
stage and progress on that row (and to an optional callback: the job's progress), and checks a stop
function. Files are built away from data_dir/datasets and moved there only when complete (the
layout: dataset_storage.py). On failure every one of them is removed. An upload then loses its row
too (the job keeps the reason); a Roboflow import or an enhancement keeps its row as `failed` with
the error, so the user sees it. A dataset deleted while its job runs makes the job stop and clean up.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import Settings
from app.data.extract import ZipPlan, ZipRefused, extract_plan, inspect_zip
from app.data.formats import DatasetFormatError, Note, normalise_coco, normalise_yolo
from app.data.validation import validate_dataset
from app.db.session import session_scope
from app.domain.status import DatasetStatus
from app.repositories import datasets as repo
from app.services.dataset_storage import (
    ROBOFLOW_KEY_SETTING,
    build_dir,
    dataset_dir,
    dir_size,
    job_key_setting,
    quota_message,
    remove_dataset_files,
    staging_dir,
    stored_root,
    upload_zip_path,
    zip_limits,
)

ReportFn = Callable[[float, str | None], None]
StopFn = Callable[[], bool]

PROGRESS_WRITE_INTERVAL_S = 0.5


class DatasetImportError(Exception):
    """The import failed for a reason the user can act on; the message says which."""


class ImportCancelled(Exception):
    pass


def check_quota(settings: Settings, dataset_id: str | None, needed: int) -> None:
    with session_scope(settings.resolved_database_url) as db:
        used = repo.used_bytes(db, exclude_id=dataset_id)
    if used + needed > settings.storage_quota_bytes:
        raise DatasetImportError(quota_message(needed, used, settings.storage_quota_bytes))


# --------------------------------------------------------------------------------------------------
# Progress on the dataset row
# --------------------------------------------------------------------------------------------------


class RowProgress:
    """Writes status/progress/message to the dataset row (throttled) and forwards to `report`.

    A missing row (the user deleted the dataset) or a stop request raises ImportCancelled.
    """

    def __init__(
        self, settings: Settings, dataset_id: str, report: ReportFn | None, should_stop: StopFn
    ) -> None:
        self.settings = settings
        self.dataset_id = dataset_id
        self.report = report
        self.should_stop = should_stop
        self.span = (0.0, 1.0)
        self.message: str | None = None
        self._written_at = 0.0

    def _write(self, **values: Any) -> None:
        with session_scope(self.settings.resolved_database_url) as db:
            if not repo.update_fields(db, self.dataset_id, **values):
                raise ImportCancelled("the dataset was deleted")
        self._written_at = time.monotonic()

    def check(self) -> None:
        if self.should_stop():
            raise ImportCancelled("stop requested")

    def stage(self, status: DatasetStatus, start: float, end: float, message: str) -> None:
        self.check()
        self.span, self.message = (start, end), message
        self._write(status=status, progress=start, message=message)
        if self.report is not None:
            self.report(start, message)

    def fraction(self, fraction: float) -> None:
        """Progress within the current stage (0..1)."""
        self.check()
        now = time.monotonic()
        if now - self._written_at < PROGRESS_WRITE_INTERVAL_S:
            return
        start, end = self.span
        overall = start + (end - start) * max(0.0, min(fraction, 1.0))
        self._write(progress=overall)
        if self.report is not None:
            self.report(overall, self.message)


# --------------------------------------------------------------------------------------------------
# Shared steps
# --------------------------------------------------------------------------------------------------


def report_summary(report: dict[str, Any]) -> dict[str, Any]:
    """Row columns that come from a validation report."""
    splits = {
        split["split"]: {"images": split["images"], "instances": split["instances"]}
        for split in report["splits"]
    }
    totals = report.get("totals") or {}
    return {
        "validation": report,
        "splits": splits,
        "image_count": int(totals.get("images", 0)),
        "instance_count": int(totals.get("instances", 0)),
        "class_names": list(report.get("class_names") or []),
    }


def _extract_and_normalise(
    settings: Settings, dataset_id: str, zip_path: Path, plan: ZipPlan, progress: RowProgress
) -> tuple[str, list[Note]]:
    staging, build = staging_dir(settings, dataset_id), build_dir(settings, dataset_id)
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)
    extract_plan(zip_path, plan, staging, progress=progress.fraction, should_stop=progress.should_stop)
    zip_path.unlink(missing_ok=True)
    if plan.format == "coco":
        normalised = normalise_coco(staging, plan.coco_files, build, should_stop=progress.should_stop)
    else:
        assert plan.yaml_name is not None
        normalised = normalise_yolo(staging, plan.yaml_name, build, should_stop=progress.should_stop)
    shutil.rmtree(staging, ignore_errors=True)
    return normalised.format, normalised.notes


def validate_and_publish(
    settings: Settings,
    dataset_id: str,
    fmt: str | None,
    notes: list[Note],
    progress: RowProgress,
    start: float,
) -> dict[str, Any]:
    progress.stage(DatasetStatus.VALIDATING, start, 1.0, "Validating images and labels")
    build = build_dir(settings, dataset_id)
    report = validate_dataset(
        build, notes=notes, progress=progress.fraction, should_stop=progress.should_stop
    )
    final = dataset_dir(settings, dataset_id)
    shutil.rmtree(final, ignore_errors=True)
    os.replace(build, final)
    values = report_summary(report)
    values.update(
        status=DatasetStatus.READY,
        progress=1.0,
        message=None,
        error=None,
        path=dataset_id,
        format=fmt,
        size_bytes=dir_size(final),
    )
    progress.check()
    with session_scope(settings.resolved_database_url) as db:
        if not repo.update_fields(db, dataset_id, **values):
            raise ImportCancelled("the dataset was deleted")
    if progress.report is not None:
        progress.report(1.0, "Ready")
    return {"dataset_id": dataset_id, "images": values["image_count"], "status": report["status"]}


def _failure_message(exc: BaseException) -> str:
    if isinstance(exc, DatasetImportError):
        return str(exc)
    if isinstance(exc, ZipRefused):
        return exc.detail
    if isinstance(exc, DatasetFormatError):
        return f"The dataset cannot be read: {exc}"
    return f"Unexpected error ({type(exc).__name__}: {exc})"[:2000]


def fail_import(settings: Settings, dataset_id: str, message: str, *, keep_row: bool) -> None:
    """Removes the import's files; keeps the row as failed with the message, or deletes it."""
    remove_dataset_files(settings, dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        repo.pop_setting(db, job_key_setting(dataset_id))
        if keep_row:
            repo.mark_failed(db, dataset_id, message)
        else:
            repo.delete(db, dataset_id)


def run_pipeline(
    settings: Settings, dataset_id: str, keep_row_on_failure: bool, body: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    try:
        return body()
    except (ImportCancelled, InterruptedError):
        with session_scope(settings.resolved_database_url) as db:
            exists = repo.get(db, dataset_id) is not None
        if exists:  # stopped while the row remains: same as a failure
            fail_import(settings, dataset_id, "The import was stopped.", keep_row=keep_row_on_failure)
        else:
            remove_dataset_files(settings, dataset_id)
        raise ImportCancelled("stopped") from None
    except Exception as exc:
        message = _failure_message(exc)
        fail_import(settings, dataset_id, message, keep_row=keep_row_on_failure)
        raise DatasetImportError(message) from None


def never_stop() -> bool:
    return False


# --------------------------------------------------------------------------------------------------
# Pipelines
# --------------------------------------------------------------------------------------------------


def import_upload(
    settings: Settings, dataset_id: str, *, report: ReportFn | None = None, should_stop: StopFn = never_stop
) -> dict[str, Any]:
    """Extracts, converts and validates an uploaded zip (uploads/<id>.zip)."""
    progress = RowProgress(settings, dataset_id, report, should_stop)

    def body() -> dict[str, Any]:
        progress.stage(DatasetStatus.EXTRACTING, 0.0, 0.5, "Extracting the zip")
        zip_path = upload_zip_path(settings, dataset_id)
        if not zip_path.is_file():
            raise DatasetImportError("The uploaded zip is gone (the server may have been restarted).")
        plan = inspect_zip(zip_path, zip_limits(settings))
        check_quota(settings, dataset_id, plan.uncompressed_bytes)
        fmt, notes = _extract_and_normalise(settings, dataset_id, zip_path, plan, progress)
        return validate_and_publish(settings, dataset_id, fmt, notes, progress, 0.5)

    return run_pipeline(settings, dataset_id, False, body)


def _roboflow_key(settings: Settings, dataset_id: str) -> str:
    with session_scope(settings.resolved_database_url) as db:
        key = repo.pop_setting(db, job_key_setting(dataset_id)) or repo.get_setting(db, ROBOFLOW_KEY_SETTING)
    if not isinstance(key, str) or not key:
        raise DatasetImportError(
            "No Roboflow API key: give one with the import or store one in the settings."
        )
    return key


def source_info(settings: Settings, dataset_id: str) -> dict[str, Any]:
    with session_scope(settings.resolved_database_url) as db:
        row = repo.get(db, dataset_id)
        if row is None:
            raise ImportCancelled("the dataset was deleted")
        return dict(row.source_info or {})


def import_roboflow(
    settings: Settings, dataset_id: str, *, report: ReportFn | None = None, should_stop: StopFn = never_stop
) -> dict[str, Any]:
    """Downloads a Roboflow version export with the real client, then extracts and validates it."""
    from app.data import roboflow

    progress = RowProgress(settings, dataset_id, report, should_stop)

    def size_check(size: int) -> None:
        if size > settings.max_upload_bytes:
            raise DatasetImportError(
                f"The Roboflow export is larger than the download limit of {settings.max_upload_bytes} bytes."
            )
        check_quota(settings, dataset_id, size)

    def body() -> dict[str, Any]:
        info = source_info(settings, dataset_id)
        key = _roboflow_key(settings, dataset_id)
        progress.stage(DatasetStatus.DOWNLOADING, 0.0, 0.4, "Asking Roboflow for the export")
        zip_path = upload_zip_path(settings, dataset_id)
        try:
            link = roboflow.resolve_export(
                settings.roboflow_api_url,
                key,
                str(info["workspace"]),
                str(info["project"]),
                int(info["version"]),
                str(info["export_format"]),
                should_stop=progress.should_stop,
            )
            progress.stage(DatasetStatus.DOWNLOADING, 0.0, 0.4, "Downloading the export")
            roboflow.download(
                link.url,
                zip_path,
                size_check=size_check,
                progress=progress.fraction,
                should_stop=progress.should_stop,
                secret=key,
            )
        except roboflow.RoboflowImportError as exc:
            raise DatasetImportError(roboflow.scrub(str(exc), key)) from None
        progress.stage(DatasetStatus.EXTRACTING, 0.4, 0.6, "Extracting the export")
        plan = inspect_zip(zip_path, zip_limits(settings))
        check_quota(settings, dataset_id, plan.uncompressed_bytes)
        with session_scope(settings.resolved_database_url) as db:
            repo.update_fields(db, dataset_id, size_bytes=plan.uncompressed_bytes)
        fmt, notes = _extract_and_normalise(settings, dataset_id, zip_path, plan, progress)
        return validate_and_publish(settings, dataset_id, fmt, notes, progress, 0.6)

    return run_pipeline(settings, dataset_id, True, body)


def revalidate(settings: Settings, dataset_id: str) -> dict[str, Any]:
    """Validates a ready dataset again and stores the report and its statistics on the row."""
    with session_scope(settings.resolved_database_url) as db:
        row = repo.get(db, dataset_id)
        if row is None or not row.path:
            raise DatasetImportError("The dataset has no files to validate.")
        root = stored_root(settings, row.path)
    report = validate_dataset(root)
    values = report_summary(report)
    values["size_bytes"] = dir_size(root)
    with session_scope(settings.resolved_database_url) as db:
        repo.update_fields(db, dataset_id, **values)
    return report


def handle_lost_job(settings: Settings, dataset_id: str | None, source: str, reason: str) -> None:
    """A job's worker died or the server restarted mid-job: clean up like a failure."""
    if not dataset_id:
        return
    with session_scope(settings.resolved_database_url) as db:
        row = repo.get(db, dataset_id)
        if row is None or row.status in (DatasetStatus.READY, DatasetStatus.FAILED):
            return
    fail_import(
        settings,
        dataset_id,
        f"The import was interrupted ({reason}). Start it again.",
        keep_row=source != "upload",
    )
