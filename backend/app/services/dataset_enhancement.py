"""Enhanced copies of a dataset (CLAHE contrast), saved as new datasets that name their parent.

`start_enhancement` (API process) registers the derived dataset and queues its job; `enhance` (the
job) builds it. The pixel work itself (OpenCV) is handed in by the job handler as `build_copy`, so this
module, which the API process imports, never imports OpenCV.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.config import Settings
from app.db.session import session_scope
from app.domain.status import DatasetStatus
from app.repositories import datasets as repo
from app.schemas.datasets import Dataset, EnhanceRequest
from app.services.dataset_imports import (
    DatasetImportError,
    ReportFn,
    RowProgress,
    StopFn,
    check_quota,
    never_stop,
    run_pipeline,
    source_info,
    validate_and_publish,
)
from app.services.dataset_storage import ENHANCE_JOB, build_dir, stored_root
from app.services.datasets import dataset_out, quota_error, ready_root, row_or_404, submit, to_schema
from app.services.ports import JobRunner

# (parent folder, build folder, clip limit, tile grid size, progress 0..1, should stop) -> None
BuildCopyFn = Callable[[Path, Path, float, int, Callable[[float], None], StopFn], None]


def start_enhancement(
    settings: Settings, runner: JobRunner, dataset_id: str, request: EnhanceRequest
) -> tuple[Dataset, bool]:
    """Queues a CLAHE-enhanced copy as a new dataset (parent_id set); the same parameters twice is one."""
    clip, tiles = round(request.clip_limit, 3), request.tile_grid_size
    ref = f"derived:{dataset_id}:clahe:{clip:g}:{tiles}"
    with session_scope(settings.resolved_database_url) as db:
        parent = row_or_404(db, dataset_id)
        ready_root(settings, parent)
        existing = repo.get_by_source_ref(db, ref)
        if existing is not None and existing.status != DatasetStatus.FAILED:
            return to_schema(existing), False
        needed, parent_name = parent.size_bytes, parent.name
    error = quota_error(settings, needed, exclude_id=existing.id if existing else None)
    if error is not None:
        raise error
    with session_scope(settings.resolved_database_url) as db:
        row = repo.save_by_source_ref(
            db,
            ref,
            {"source": "derived", "parent_id": dataset_id},
            name=request.name or f"{parent_name} (CLAHE {clip:g}/{tiles})",
            source_info={
                "method": "clahe",
                "clip_limit": clip,
                "tile_grid_size": tiles,
                "parent_id": dataset_id,
            },
            status=DatasetStatus.QUEUED,
            progress=0.0,
            error=None,
            message="Waiting to enhance",
            size_bytes=needed,
        )
        derived_id = row.id
    submit(settings, runner, ENHANCE_JOB, derived_id)
    return dataset_out(settings, derived_id), True


def enhance(
    settings: Settings,
    dataset_id: str,
    build_copy: BuildCopyFn,
    *,
    report: ReportFn | None = None,
    should_stop: StopFn = never_stop,
) -> dict[str, Any]:
    """Builds a derived dataset: the parent's images after CLAHE, same labels (the parent is only read)."""
    progress = RowProgress(settings, dataset_id, report, should_stop)

    def body() -> dict[str, Any]:
        info = source_info(settings, dataset_id)
        with session_scope(settings.resolved_database_url) as db:
            row = repo.get(db, dataset_id)
            parent = repo.get(db, row.parent_id) if row is not None and row.parent_id else None
            if parent is None or parent.status != DatasetStatus.READY or not parent.path:
                raise DatasetImportError("The dataset to enhance is gone or not ready.")
            parent_root = stored_root(settings, parent.path)
            parent_format, parent_size = parent.format, parent.size_bytes
        check_quota(settings, dataset_id, parent_size)
        progress.stage(DatasetStatus.PROCESSING, 0.0, 0.7, "Enhancing contrast (CLAHE)")
        build = build_dir(settings, dataset_id)
        shutil.rmtree(build, ignore_errors=True)
        build_copy(
            parent_root,
            build,
            float(info["clip_limit"]),
            int(info["tile_grid_size"]),
            progress.fraction,
            progress.should_stop,
        )
        return validate_and_publish(settings, dataset_id, parent_format, [], progress, 0.7)

    return run_pipeline(settings, dataset_id, True, body)
