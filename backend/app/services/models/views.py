"""Models-area rows as API shapes: summaries, details with lineage, exports and evaluations."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.core.export.formats import FORMATS
from app.core.models.metrics import primary_metric
from app.domain.status import JobStatus
from app.repositories import dataset_versions as version_repo
from app.repositories import models as repo
from app.repositories.models import EvaluationRow, ExportRow, JobRow, ModelRow
from app.schemas.models import (
    DatasetLineage,
    EvaluationOut,
    ExportOut,
    ModelDetail,
    ModelSummary,
    SessionLineage,
)
from app.services.models.common import family_and_scale, job_state

SESSION_CONFIG_KEYS = 40


def summary(
    model: ModelRow,
    dataset_names: dict[str, str],
    session_names: dict[str, str],
    export_counts: dict[str, int],
    evaluation_counts: dict[str, int],
    version_numbers: dict[str, int] | None = None,
) -> ModelSummary:
    family, scale = family_and_scale(model.model_arch)
    metrics = dict(model.metrics or {})
    return ModelSummary(
        id=model.id,
        name=model.name,
        source=model.source,
        framework=model.framework,
        family=family,
        model_arch=model.model_arch,
        scale=scale,
        task=model.task,
        class_names=list(model.class_names or []),
        num_classes=len(model.class_names or []),
        image_size=model.image_size,
        dataset_id=model.dataset_id,
        dataset_name=dataset_names.get(model.dataset_id or ""),
        dataset_version_id=model.dataset_version_id,
        dataset_version_number=(version_numbers or {}).get(model.dataset_version_id or ""),
        session_id=model.session_id,
        session_name=session_names.get(model.session_id or ""),
        metrics=metrics,
        primary_metric=primary_metric(metrics),
        size_bytes=model.size_bytes,
        tags=list(model.tags or []),
        export_count=export_counts.get(model.id, 0),
        evaluation_count=evaluation_counts.get(model.id, 0),
        created_at=model.created_at,
    )


def summaries(db: Session, models: list[ModelRow]) -> list[ModelSummary]:
    ids = [m.id for m in models]
    datasets = repo.dataset_names(db, {m.dataset_id for m in models if m.dataset_id})
    sessions = repo.session_names(db, {m.session_id for m in models if m.session_id})
    exports, evaluations = repo.export_counts(db, ids), repo.evaluation_counts(db, ids)
    numbers = version_repo.numbers(db, [m.dataset_version_id or "" for m in models])
    return [summary(m, datasets, sessions, exports, evaluations, numbers) for m in models]


def export_out(row: ExportRow, job: JobRow | None) -> ExportOut:
    spec = FORMATS.get(row.format)
    progress, message = job_state(job, row.status)
    completed = row.status == JobStatus.COMPLETED and bool(row.path)
    return ExportOut(
        id=row.id,
        model_id=row.model_id,
        format=row.format,
        options=dict(row.options or {}),
        status=row.status,
        progress=progress,
        message=message,
        error=row.error,
        job_id=row.job_id,
        file_name=Path(row.path).name if row.path else None,
        is_directory=bool(spec and spec.is_directory),
        size_bytes=row.size_bytes,
        created_at=row.created_at,
        finished_at=row.finished_at,
        download_url=f"/api/v1/models/{row.model_id}/exports/{row.id}/download" if completed else None,
    )


def evaluation_out(row: EvaluationRow, job: JobRow | None) -> EvaluationOut:
    progress, message = job_state(job, row.status)
    return EvaluationOut(
        id=row.id,
        model_id=row.model_id,
        dataset_id=row.dataset_id,
        dataset_name=row.dataset_name,
        split=row.split,
        params=dict(row.params or {}),
        metrics=dict(row.metrics or {}),
        per_class=list(row.per_class or []),
        status=row.status,
        progress=progress,
        message=message,
        error=row.error,
        job_id=row.job_id,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def exports_out(db: Session, model_id: str) -> list[ExportOut]:
    rows = repo.exports_of(db, model_id)
    jobs = repo.jobs_by_ids(db, {r.job_id for r in rows if r.job_id})
    return [export_out(r, jobs.get(r.job_id or "")) for r in rows]


def evaluations_out(db: Session, model_id: str) -> list[EvaluationOut]:
    rows = repo.evaluations_of(db, [model_id])
    jobs = repo.jobs_by_ids(db, {r.job_id for r in rows if r.job_id})
    return [evaluation_out(r, jobs.get(r.job_id or "")) for r in rows]


def dataset_lineage(db: Session, dataset_id: str | None) -> DatasetLineage | None:
    dataset = repo.get_dataset(db, dataset_id) if dataset_id else None
    if dataset is None:
        return None
    return DatasetLineage(
        id=dataset.id, name=dataset.name, status=dataset.status, class_names=list(dataset.class_names or [])
    )


def session_lineage(db: Session, session_id: str | None) -> SessionLineage | None:
    session = repo.get_session(db, session_id) if session_id else None
    if session is None:
        return None
    config = {
        key: value
        for key, value in (session.config or {}).items()
        if value is None or isinstance(value, str | int | float | bool)
    }
    return SessionLineage(
        id=session.id,
        name=session.name,
        status=session.status,
        model_arch=session.model_arch,
        total_epochs=session.total_epochs,
        best_epoch=session.best_epoch,
        best_metric=session.best_metric,
        created_at=session.created_at,
        finished_at=session.finished_at,
        config=dict(list(config.items())[:SESSION_CONFIG_KEYS]),
    )


def detail(db: Session, model: ModelRow) -> ModelDetail:
    summary = summaries(db, [model])[0]
    return ModelDetail(
        **summary.model_dump(),
        file_name=Path(model.path).name,
        dataset=dataset_lineage(db, model.dataset_id),
        session=session_lineage(db, model.session_id),
        exports=exports_out(db, model.id),
        evaluations=evaluations_out(db, model.id),
        in_use=in_use_reason(db, model),
    )


_JOB_LABELS = {
    repo.EXPORT_JOB_KIND: "an export",
    repo.EVALUATE_JOB_KIND: "an evaluation",
    "training": "a training",
}


def in_use_reason(db: Session, model: ModelRow) -> str | None:
    """Why the model cannot be deleted now, or None."""
    for job in repo.active_jobs_on(db, model.id):
        label = _JOB_LABELS.get(job.kind, f"a {job.kind} job")
        return (
            f"Model '{model.name}' is in use: {label} ({job.status}, job {job.id}) uses it. "
            "Wait for it to finish or stop it, then delete."
        )
    for session in repo.active_trainings_from(db, model.id, model.path):
        return (
            f"Model '{model.name}' is in use: training '{session.name}' ({session.status}) starts from "
            "its weights. Wait for it to finish or stop it, then delete."
        )
    return None
