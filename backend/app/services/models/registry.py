"""The model registry: list, read, rename and tag, delete, download weights, compare; and the files
other areas load (the prediction area finds a model's files with `weights_path` and `export_artifact`)."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from app.config import Settings
from app.core.models.metrics import METRIC_KEYS
from app.db.session import session_scope
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.status import JobStatus
from app.repositories import models as repo
from app.repositories.models import EvaluationRow
from app.schemas.models import (
    MAX_COMPARE,
    ComparisonEntry,
    ComparisonGroup,
    ModelComparison,
    ModelDeleted,
    ModelDetail,
    ModelList,
    ModelUpdate,
)
from app.services.models.common import (
    DownloadFile,
    data_path,
    model_dir,
    path_size,
    require_model,
    slug,
    weights_path,
)
from app.services.models.views import detail, in_use_reason, summaries
from app.utils.paths import is_inside


def list_models(
    settings: Settings,
    *,
    source: str | None = None,
    framework: str | None = None,
    task: str | None = None,
    dataset_id: str | None = None,
    tag: str | None = None,
    search: str | None = None,
    offset: int,
    limit: int,
) -> ModelList:
    filters = repo.ModelFilters(source, framework, task, dataset_id, tag, search)
    with session_scope(settings.resolved_database_url) as db:
        rows, total = repo.list_models(db, filters, offset=offset, limit=limit)
        return ModelList(items=summaries(db, rows), total=total, offset=offset, limit=limit)


def get_model(settings: Settings, model_id: str) -> ModelDetail:
    with session_scope(settings.resolved_database_url) as db:
        return detail(db, require_model(db, model_id))


def update_model(settings: Settings, model_id: str, body: ModelUpdate) -> ModelDetail:
    with session_scope(settings.resolved_database_url) as db:
        model = require_model(db, model_id)
        if body.name is not None:
            model.name = body.name
        if body.tags is not None:
            model.tags = body.tags
        db.flush()
        return detail(db, model)


def delete_model(settings: Settings, model_id: str) -> ModelDeleted:
    with session_scope(settings.resolved_database_url) as db:
        model = require_model(db, model_id)
        reason = in_use_reason(db, model)
        if reason:
            raise Conflict(reason)
        folder = model_dir(settings, model.id)
        weights = data_path(settings, model.path)
        freed = path_size(folder) if folder.is_dir() else 0
        if not is_inside(weights, folder):
            freed += path_size(weights)
        repo.delete_row(db, model)
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
    if not is_inside(weights, folder) and is_inside(weights, settings.models_dir):
        with contextlib.suppress(FileNotFoundError):
            weights.unlink()
    return ModelDeleted(id=model_id, deleted=True, freed_bytes=freed)


def weights_download(settings: Settings, model_id: str) -> DownloadFile:
    with session_scope(settings.resolved_database_url) as db:
        model = require_model(db, model_id)
        path, name = weights_path(settings, model), model.name
    if not path.is_file():
        raise NotFound(f"The weights file of model '{name}' is missing on disk")
    return DownloadFile(path, f"{slug(name)}{path.suffix or '.pt'}", "application/octet-stream")


def compare(settings: Settings, ids: list[str]) -> ModelComparison:
    unique = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
    if not 2 <= len(unique) <= MAX_COMPARE:
        raise InvalidInput(f"Compare 2 to {MAX_COMPARE} models (got {len(unique)})")
    with session_scope(settings.resolved_database_url) as db:
        models = repo.models_by_ids(db, unique)
        missing = [i for i in unique if i not in {m.id for m in models}]
        if missing:
            raise NotFound(f"Model {missing[0]} does not exist")
        entries = summaries(db, models)
        evaluations = [e for e in repo.evaluations_of(db, unique) if e.status == JobStatus.COMPLETED]
    present = {key for s in entries for key in s.metrics}
    present |= {key for e in evaluations for key in (e.metrics or {})}
    metric_keys = [k for k in METRIC_KEYS if k in present] + sorted(present - set(METRIC_KEYS))
    return ModelComparison(
        models=entries, metric_keys=metric_keys, evaluations=comparison_groups(evaluations)
    )


def comparison_groups(evaluations: list[EvaluationRow]) -> list[ComparisonGroup]:
    """Latest completed evaluation per (dataset, split, model); only splits with two or more models."""
    groups: dict[tuple[str, str], ComparisonGroup] = {}
    seen: set[tuple[str, str, str]] = set()
    for row in evaluations:  # newest first
        key = (row.dataset_id or f"deleted:{row.dataset_name}", row.split)
        if (*key, row.model_id) in seen:
            continue
        seen.add((*key, row.model_id))
        group = groups.setdefault(
            key,
            ComparisonGroup(
                dataset_id=row.dataset_id, dataset_name=row.dataset_name, split=row.split, results=[]
            ),
        )
        group.results.append(
            ComparisonEntry(
                model_id=row.model_id,
                evaluation_id=row.id,
                metrics=dict(row.metrics or {}),
                created_at=row.created_at,
            )
        )
    return [g for g in groups.values() if len(g.results) >= 2]


def export_artifact(settings: Settings, model_id: str, format_name: str) -> Path | None:
    """The newest completed export of a model in `format_name` (file or folder), or None.

    The prediction area loads it with Ultralytics `YOLO(path, task=model.task)` (ONNX Runtime for
    'onnx', OpenVINO for 'openvino') for fast CPU inference.
    """
    with session_scope(settings.resolved_database_url) as db:
        row = repo.latest_completed_export(db, model_id, format_name)
        if row is None or not row.path:
            return None
        path = data_path(settings, row.path)
    return path if path.exists() else None
