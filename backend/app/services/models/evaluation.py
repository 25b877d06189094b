"""Model evaluation on a dataset split, run by a worker job."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from app.config import Settings
from app.core.families.registry import families, find_family
from app.db.session import session_scope
from app.domain.errors import Conflict, NotFound, Unprocessable
from app.domain.status import DatasetStatus, JobStatus
from app.repositories import models as repo
from app.repositories.models import ModelRow
from app.schemas.models import EvaluateRequest, EvaluationOut
from app.services.models.common import require_model, submit_tracked, weights_path
from app.services.models.views import evaluation_out, evaluations_out
from app.services.ports import JobRunner
from app.utils.paths import is_inside


@dataclass(frozen=True)
class EvalSplit:
    dataset_id: str
    dataset_name: str
    root: Path
    split_dirs: list[Path]
    class_names: list[str]


def require_evaluable(model: ModelRow) -> None:
    family = find_family(model.framework)
    if family is None or not family.evaluates:
        able = " or ".join(f.label for f in families() if f.evaluates)
        raise Conflict(
            f"Model '{model.name}' is a {model.framework} model: only {able} models can be evaluated here"
        )


def resolve_eval_split(settings: Settings, db: Session, dataset_id: str, split: str) -> EvalSplit:
    from app.data.formats import DatasetFormatError, read_data_yaml

    dataset = repo.get_dataset(db, dataset_id)
    if dataset is None:
        raise NotFound(f"Dataset {dataset_id} does not exist")
    if dataset.status != DatasetStatus.READY or not dataset.path:
        raise Conflict(f"Dataset '{dataset.name}' is not ready (status: {dataset.status})")
    root = (settings.datasets_dir / dataset.path).resolve()
    if not is_inside(root, settings.datasets_dir) or not (root / "data.yaml").is_file():
        raise Unprocessable(f"Dataset '{dataset.name}' has no data.yaml in its folder")
    try:
        spec = read_data_yaml(root / "data.yaml", root)
    except DatasetFormatError as exc:
        raise Unprocessable(f"Dataset '{dataset.name}': {exc}") from None
    dirs = spec.split_dirs.get(split)
    if not dirs:
        have = ", ".join(sorted(spec.split_dirs)) or "none"
        raise Unprocessable(f"Dataset '{dataset.name}' has no {split} split (it has: {have})")
    return EvalSplit(dataset.id, dataset.name, root, dirs, spec.names)


def start_evaluation(
    settings: Settings, runner: JobRunner, model_id: str, body: EvaluateRequest
) -> EvaluationOut:
    with session_scope(settings.resolved_database_url) as db:
        model = require_model(db, model_id)
        require_evaluable(model)
        target = resolve_eval_split(settings, db, body.dataset_id, body.split)
        if len(target.class_names) != len(model.class_names or []):
            raise Unprocessable(
                f"Model '{model.name}' has {len(model.class_names or [])} classes "
                f"({', '.join(model.class_names or [])}) but dataset '{target.dataset_name}' has "
                f"{len(target.class_names)} ({', '.join(target.class_names[:10])}): they must match"
            )
        if not weights_path(settings, model).is_file():
            raise Conflict(f"The weights file of model '{model.name}' is missing on disk")
        params = {"imgsz": body.imgsz or model.image_size or 640, "conf": body.conf, "iou": body.iou}
        row = repo.new_evaluation(
            db,
            model_id=model.id,
            dataset_id=target.dataset_id,
            dataset_name=target.dataset_name,
            split=body.split,
            params=params,
            status=JobStatus.QUEUED,
        )
        evaluation_id = row.id
    return submit_tracked(
        settings,
        runner,
        repo.EVALUATE_JOB_KIND,
        {"evaluation_id": evaluation_id},
        model_id,
        evaluation_id,
        repo.get_evaluation,
        evaluation_out,
    )


def list_evaluations(settings: Settings, model_id: str) -> list[EvaluationOut]:
    with session_scope(settings.resolved_database_url) as db:
        require_model(db, model_id)
        return evaluations_out(db, model_id)
