"""Where a dataset's files live while it is imported and once it is ready, and the storage quota.

    uploads/<id>.zip          the uploaded or downloaded zip (deleted once extracted)
    tmp/dataset-<id>/         the raw extracted archive
    tmp/dataset-<id>-build/   the dataset being built in the stored layout
    datasets/<id>/            the finished dataset
    cache/<kind>/<id>/        copies derived from it for a model family (e.g. a COCO layout)

Also the names shared by the API side and the import jobs: job kinds and settings-table keys.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from app.config import Settings
from app.data.extract import ZipLimits
from app.utils.paths import confine, is_inside

UPLOAD_JOB = "dataset_upload"
ROBOFLOW_JOB = "dataset_roboflow"
ENHANCE_JOB = "dataset_enhance"
DATASET_JOB_KINDS = (UPLOAD_JOB, ROBOFLOW_JOB, ENHANCE_JOB)

ROBOFLOW_KEY_SETTING = "roboflow.api_key"
# Every per-dataset cache a model family derives lives at <data dir>/cache/<kind>/<dataset id>.
DATASET_CACHE_ROOT = "cache"


def job_key_setting(dataset_id: str) -> str:
    """Settings-table key of the one-off API key given with an import request (popped by the job)."""
    return f"secret.roboflow.import.{dataset_id}"


def upload_zip_path(settings: Settings, dataset_id: str) -> Path:
    return settings.uploads_dir / f"{dataset_id}.zip"


def staging_dir(settings: Settings, dataset_id: str) -> Path:
    return settings.tmp_dir / f"dataset-{dataset_id}"


def build_dir(settings: Settings, dataset_id: str) -> Path:
    return settings.tmp_dir / f"dataset-{dataset_id}-build"


def dataset_dir(settings: Settings, dataset_id: str) -> Path:
    return settings.datasets_dir / dataset_id


def remove_dataset_files(settings: Settings, dataset_id: str, *, keep_final: bool = False) -> None:
    """Removes everything an import of this dataset may have written."""
    upload_zip_path(settings, dataset_id).unlink(missing_ok=True)
    for folder in (staging_dir(settings, dataset_id), build_dir(settings, dataset_id)):
        shutil.rmtree(folder, ignore_errors=True)
    if not keep_final:
        shutil.rmtree(dataset_dir(settings, dataset_id), ignore_errors=True)


def dir_size(path: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def zip_limits(settings: Settings) -> ZipLimits:
    return ZipLimits(settings.zip_max_entries, settings.zip_max_uncompressed_bytes, settings.zip_max_ratio)


def format_bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def quota_message(needed: int, used: int, quota: int) -> str:
    free = max(quota - used, 0)
    return (
        f"Storage quota exceeded: this dataset needs {format_bytes(needed)} ({needed} bytes) but only "
        f"{format_bytes(free)} ({free} bytes) of the {format_bytes(quota)} ({quota} bytes) dataset quota is "
        f"free ({format_bytes(used)} used). Delete datasets or raise CRACKDET_STORAGE_QUOTA_BYTES."
    )


def stored_root(settings: Settings, relative: str) -> Path:
    """A dataset's stored folder (its row's `path`), confined to the datasets directory (PathEscape)."""
    return confine(relative, settings.datasets_dir)


def remove_derived_caches(settings: Settings, dataset_id: str) -> None:
    """Removes every family's cached copy of the dataset (they are rebuilt when needed)."""
    root = settings.data_dir / DATASET_CACHE_ROOT
    if not root.is_dir():
        return
    for kind in root.iterdir():
        copy = kind / dataset_id
        if kind.is_dir() and copy.exists() and is_inside(copy, root):
            shutil.rmtree(copy, ignore_errors=True)
