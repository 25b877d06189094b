"""Shared storage for the celery runner: every node mounts the same data directory at the same path.

The API records a storage identity (a random id and its data directory) in the database and in a marker
file `<data dir>/.crackdet-storage` (`ensure_storage_marker`). A worker checks both agree before it takes
any job (`verify_storage`), then checks the files the job will read (`verify_job_inputs`): they exist and
their sizes match what the database recorded. Each failure names the path and the mount to check.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Checkpoint, Dataset, Job, Model, ModelEvaluation, Setting, TrainingSession
from app.domain.status import DatasetStatus
from app.utils.clock import utc_now
from app.utils.paths import PathEscape, confine

log = logging.getLogger("app.jobs.storage")

MARKER_NAME = ".crackdet-storage"
SETTING_KEY = "shared_storage"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


class StorageError(RuntimeError):
    """The data directory this worker sees is not the shared one, or a file a job needs is missing."""


def _mount_hint(settings: Settings) -> str:
    return (
        f"Check that the shared data directory is mounted at {settings.data_dir} on this machine "
        "(CRACKDET_DATA_DIR; the same path on every node) and that it is complete."
    )


def _stored_identity(settings: Settings) -> dict[str, Any] | None:
    with session_scope(settings.resolved_database_url) as db:
        row = db.get(Setting, SETTING_KEY)
        return dict(row.value) if row is not None and isinstance(row.value, dict) else None


def ensure_storage_marker(settings: Settings) -> dict[str, Any]:
    """API process: record the storage identity once; later starts only check it (never overwrite)."""
    marker = settings.data_dir / MARKER_NAME
    identity = _stored_identity(settings)
    if identity is None:
        identity = {"id": secrets.token_hex(16), "data_dir": str(settings.data_dir)}
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(json.dumps(identity), encoding="utf-8")
        with session_scope(settings.resolved_database_url) as db:
            db.merge(Setting(key=SETTING_KEY, value=identity, updated_at=utc_now()))
        log.info("Shared storage %s recorded (%s)", identity["id"], marker)
        return identity
    try:
        _check_marker(settings, identity)
    except StorageError as exc:  # keep serving: the workers refuse jobs with the same message
        log.error("%s", exc)
    return identity


def _check_marker(settings: Settings, identity: dict[str, Any]) -> None:
    marker = settings.data_dir / MARKER_NAME
    try:
        found = json.loads(marker.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StorageError(
            f"{marker} is missing: this is not the data directory the API uses "
            f"(storage {identity['id']} at {identity.get('data_dir')}). {_mount_hint(settings)}"
        ) from None
    except (OSError, ValueError) as exc:
        raise StorageError(f"{marker} is not readable ({exc}). {_mount_hint(settings)}") from exc
    if not isinstance(found, dict) or found.get("id") != identity["id"]:
        other = found.get("id") if isinstance(found, dict) else "?"
        raise StorageError(
            f"{marker} belongs to another installation (storage {other}, the database expects "
            f"{identity['id']}). {_mount_hint(settings)}"
        )


def verify_storage(settings: Settings) -> None:
    """Worker: the data directory is the API's (marker matches the database, same path)."""
    identity = _stored_identity(settings)
    if identity is None:
        raise StorageError(
            "The database has no shared storage record yet: start the API with CRACKDET_RUNNER=celery "
            "first (it records the data directory every worker must mount)."
        )
    _check_marker(settings, identity)
    expected = identity.get("data_dir")
    if expected and Path(expected) != settings.data_dir:
        raise StorageError(
            f"This worker's data directory is {settings.data_dir} but the API's is {expected}: mount the "
            "shared storage at the same path on every node (stored files name absolute paths)."
        )


# --- per-job inputs ----------------------------------------------------------------------------------


def _stored(root: Path, relative: str) -> Path:
    """A path the database stores, below `root` (StorageError when it leads outside)."""
    try:
        return confine(relative, root)
    except PathEscape:
        raise StorageError(f"The stored path {relative!r} leads outside {root}.") from None


def _require_file(settings: Settings, path: Path, what: str, size_bytes: int | None = None) -> None:
    if not path.is_file():
        raise StorageError(f"{what} not found at {path}. {_mount_hint(settings)}")
    if size_bytes:
        actual = path.stat().st_size
        if actual != size_bytes:
            raise StorageError(
                f"{what} at {path} has {actual} bytes; the database recorded {size_bytes} (a partial copy or "
                f"a different file). {_mount_hint(settings)}"
            )


def _check_dataset(settings: Settings, dataset: Dataset | None) -> None:
    if dataset is None or dataset.status != DatasetStatus.READY or not dataset.path:
        return  # the job itself reports a missing or unready dataset
    root = _stored(settings.datasets_dir, dataset.path)
    _require_file(settings, root / "data.yaml", f"Dataset '{dataset.name}': data.yaml")
    if dataset.image_count > 0:
        found = sum(1 for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        if found < dataset.image_count:
            raise StorageError(
                f"Dataset '{dataset.name}' at {root} has {found} images; the database recorded "
                f"{dataset.image_count}. {_mount_hint(settings)}"
            )


def _check_model(settings: Settings, model: Model | None) -> None:
    if model is not None:
        _require_file(
            settings, _stored(settings.data_dir, model.path), f"Model '{model.name}'", model.size_bytes
        )


def _check_training(settings: Settings, job: Job) -> None:
    from app.core.families.ultralytics.layout import weights_dir

    session_id = str(job.params.get("session_id") or job.subject_id or "")
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(TrainingSession, session_id)
        if session is None:
            return
        _check_dataset(settings, db.get(Dataset, session.dataset_id) if session.dataset_id else None)
        weights = str((session.config or {}).get("weights") or "")
        if len(weights) == 32 and weights.isalnum():
            _check_model(settings, db.get(Model, weights))
        if not job.params.get("resume") or session.current_epoch <= 0:
            return
        run_dir = settings.runs_dir / session.id
        newest = db.scalars(
            select(Checkpoint).where(Checkpoint.session_id == session.id).order_by(Checkpoint.epoch.desc())
        ).first()
        if newest is not None:
            _require_file(
                settings,
                _stored(settings.data_dir, newest.path),
                f"Checkpoint of epoch {newest.epoch} of '{session.name}'",
                newest.size_bytes,
            )
        if session.framework == "ultralytics":
            _require_file(
                settings,
                weights_dir(run_dir) / "last.pt",
                f"The resume point of '{session.name}' ({session.current_epoch} epochs done)",
            )


def _check_model_job(settings: Settings, job: Job) -> None:
    with session_scope(settings.resolved_database_url) as db:
        _check_model(settings, db.get(Model, job.subject_id) if job.subject_id else None)
        evaluation_id = job.params.get("evaluation_id")
        evaluation = db.get(ModelEvaluation, str(evaluation_id)) if evaluation_id else None
        if evaluation is not None and evaluation.dataset_id:
            _check_dataset(settings, db.get(Dataset, evaluation.dataset_id))


def _check_prediction_batch(settings: Settings, job: Job) -> None:
    weights = str((job.params.get("model") or {}).get("weights") or "")
    if weights and not Path(weights).exists():
        raise StorageError(f"Model weights not found at {weights}. {_mount_hint(settings)}")
    for item in job.params.get("items", []):
        path = _stored(settings.data_dir, str(item.get("image_path", "")))
        _require_file(settings, path, f"Uploaded image {item.get('image_name') or path.name}")


def _check_model_import(settings: Settings, job: Job) -> None:
    upload = job.params.get("upload")
    if upload:
        _require_file(settings, _stored(settings.data_dir, str(upload)), "The uploaded model file")


_CHECKS: dict[str, Callable[[Settings, Job], None]] = {
    "training": _check_training,
    "model_export": _check_model_job,
    "model_evaluate": _check_model_job,
    "predict_batch": _check_prediction_batch,
    "model_import": _check_model_import,
}


def verify_job_inputs(settings: Settings, job_id: str) -> None:
    """Raises StorageError when the shared storage or a file the job reads is not what the DB recorded."""
    verify_storage(settings)
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        if job is None:
            return
        db.expunge(job)
    check = _CHECKS.get(job.kind)
    if check is not None:
        check(settings, job)
