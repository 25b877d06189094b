"""What the models area's modules share: stored paths, names, the model lookup and job submission."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.config import Settings
from app.core.families.registry import get_architecture, get_family
from app.db.session import session_scope
from app.domain.errors import AppError, NotFound, Unprocessable
from app.domain.status import JobStatus
from app.repositories import models as repo
from app.repositories.models import JobRow, ModelRow
from app.services.ports import JobRunner
from app.utils.clock import utc_now
from app.utils.paths import is_inside, relative_posix

EXPORTS_DIR = "exports"


class UnsupportedMediaType(AppError):
    status_code = 415


@dataclass(frozen=True)
class DownloadFile:
    path: Path
    filename: str
    media_type: str
    remove_after: bool = False  # a zip made for this download


def data_path(settings: Settings, relative: str) -> Path:
    """A stored path (relative to data_dir) as an absolute path; refuses anything outside data_dir."""
    path = (settings.data_dir / relative).resolve()
    if not is_inside(path, settings.data_dir):
        raise Unprocessable("A stored path points outside the data directory")
    return path


def relative_to_data(settings: Settings, path: Path) -> str:
    return relative_posix(path, settings.data_dir)


def model_dir(settings: Settings, model_id: str) -> Path:
    return settings.models_dir / model_id


def export_dir(settings: Settings, model_id: str, export_id: str) -> Path:
    return model_dir(settings, model_id) / EXPORTS_DIR / export_id


def slug(name: str) -> str:
    """A file-name-safe form of a model name: 'Crack v2 (best)' -> 'crack-v2-best'."""
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-._").lower()
    return text[:80] or "model"


def family_and_scale(arch: str | None) -> tuple[str | None, str | None]:
    """Series and scale of an architecture name, None when it has none: its family's names for an
    architecture of the catalogue, else read from a YOLO-style name.

    'yolov8n-seg' -> ('yolov8', 'n'); 'yolo11s-seg' -> ('yolo11', 's'); 'yolov8-seg-p6' -> ('yolov8', None).
    """
    if not arch:
        return None, None
    known = get_architecture(arch)
    if known is not None:
        return get_family(known.framework).series_name or known.family, known.size
    lowered = arch.lower()
    match = re.match(r"(yolo(?:v)?\d+)([a-z])?(?:-|$)", lowered)
    if match:
        return match.group(1), match.group(2)
    return re.split(r"[-_]", lowered)[0], None


def path_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return 0


def require_model(db: Session, model_id: str) -> ModelRow:
    model = repo.get(db, model_id)
    if model is None:
        raise NotFound(f"Model {model_id} does not exist")
    return model


def weights_path(settings: Settings, model: ModelRow) -> Path:
    """The model's weights file (absolute); for the prediction area too."""
    return data_path(settings, model.path)


def job_state(job: JobRow | None, status: str) -> tuple[float, str | None]:
    if job is None:
        return (1.0 if status == JobStatus.COMPLETED else 0.0), None
    return job.progress, job.message


Row = TypeVar("Row")
Out = TypeVar("Out")


def submit_tracked(
    settings: Settings,
    runner: JobRunner,
    kind: str,
    params: dict[str, Any],
    model_id: str,
    row_id: str,
    read: Callable[[Session, str], Row | None],
    describe: Callable[[Row, JobRow | None], Out],
) -> Out:
    """Queues the job and links it to its export/evaluation row (failed if it could not be queued);
    returns the row as `read` finds it now, described with its job."""
    try:
        job_id: str = runner.submit(kind, params, subject_id=model_id)
    except Exception as exc:
        with session_scope(settings.resolved_database_url) as db:
            repo.fail_unqueued(db, kind, row_id, f"Could not queue the job: {exc}", utc_now())
        raise
    with session_scope(settings.resolved_database_url) as db:
        repo.link_job(db, kind, row_id, job_id)
        row = read(db, row_id)
        assert row is not None
        return describe(row, repo.get_job(db, job_id))
