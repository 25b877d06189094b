"""Start-up housekeeping: what a server that died (kill -9, power loss) left half-done.

Jobs that were running are handled by the runner's recovery (`interrupted` + each kind's `on_lost`).
This removes the rest, once the runner has recovered:
- request bodies the API process was receiving (uploads/incoming-*.part, a .pt being imported) and
  files it was building for one response (tmp/export-*.zip, tmp/exports/);
- a dataset left importing without a job that still runs it (its row and files go, as on a failure);
- prediction folders with no saved prediction that no queued or running batch still needs.
Anything a queued or running job names in its parameters is kept. One API process serves a data
directory (the runner's recovery assumes it too), so nothing here can belong to a live request.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.config import Settings
from app.db.session import session_scope
from app.domain.status import ACTIVE_STATUSES
from app.repositories import housekeeping as repo
from app.services import dataset_imports
from app.services.datasets import IN_PROGRESS as IMPORTING

log = logging.getLogger("app.housekeeping")

PREDICTIONS_DIR = "predictions"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _remove(path: Path, removed: list[str], settings: Settings) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    removed.append(_relative(settings, path))


def _lost_imports(settings: Settings, active_job_ids: set[str]) -> list[tuple[str, str]]:
    """(dataset id, source) of datasets shown as importing whose job no longer runs."""
    with session_scope(settings.resolved_database_url) as db:
        rows = repo.importing_datasets(db, IMPORTING)
    return [(dataset_id, source) for dataset_id, source, job_id in rows if job_id not in active_job_ids]


def remove_leftovers(settings: Settings) -> list[str]:
    """Removes what a dead server left behind (see the module doc); returns the removed paths."""
    with session_scope(settings.resolved_database_url) as db:
        active = repo.active_jobs(db, ACTIVE_STATUSES)
    active_ids = {job_id for job_id, _params in active}
    named = {text for _job_id, params in active for text in _strings(params)}
    for dataset_id, source in _lost_imports(settings, active_ids):
        dataset_imports.handle_lost_job(settings, dataset_id, source, "the server stopped before it ran")
    with session_scope(settings.resolved_database_url) as db:
        importing = {dataset_id for dataset_id, _source, _job in repo.importing_datasets(db, IMPORTING)}

    removed: list[str] = []
    uploads, tmp = settings.uploads_dir, settings.tmp_dir
    candidates = [
        *uploads.glob("incoming-*.part"),
        *(path for path in (uploads / "models").glob("import-*") if _relative(settings, path) not in named),
        *(path for path in uploads.glob("*.zip") if path.stem not in importing),
        *tmp.glob("export-*.zip"),
        *tmp.glob("exports/*"),
        *(path for path in tmp.glob("dataset-*") if _dataset_of(path.name) not in importing),
    ]
    for path in candidates:
        _remove(path, removed, settings)
    removed.extend(_remove_unsaved_predictions(settings, named))
    if removed:
        log.info("removed %d leftovers of a previous run: %s", len(removed), ", ".join(removed[:20]))
    return removed


def _relative(settings: Settings, path: Path) -> str:
    """As job parameters name files: relative to the data directory. Every path here was globbed below
    it from the configured folders (none comes from a request), so no confinement check is needed."""
    return path.relative_to(settings.data_dir).as_posix()


def _dataset_of(folder_name: str) -> str:
    """tmp/dataset-<id> and tmp/dataset-<id>-build belong to dataset <id>."""
    return folder_name.removeprefix("dataset-").removesuffix("-build")


def _remove_unsaved_predictions(settings: Settings, named: set[str]) -> list[str]:
    folder = settings.data_dir / PREDICTIONS_DIR
    if not folder.is_dir():
        return []
    with session_scope(settings.resolved_database_url) as db:
        saved = repo.saved_prediction_ids(db)
    removed: list[str] = []
    for path in folder.iterdir():
        if path.name not in saved and path.name not in named:
            _remove(path, removed, settings)
    return removed
