"""Models area: the registry (list, detail, rename/tag, delete), imports, evaluations, exports, comparison.

Nothing here imports torch or ultralytics: checking an uploaded file, evaluating and exporting run in
worker jobs (app/jobs/model_jobs.py). The prediction area finds a model's files with `weights_path`
and `export_artifact`.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import uuid
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.config import Settings
from app.core.export.formats import FORMATS, ExportFormat, check_availability, family_options
from app.core.families.registry import families, find_family, get_architecture, get_family
from app.core.models.metrics import METRIC_KEYS, primary_metric
from app.data.upload import ReceivedUpload, UploadLimits, UploadRejected, receive_upload
from app.db.base import utcnow
from app.db.session import session_scope
from app.db.tables import Dataset, Job, Model, ModelEvaluation, ModelExport, TrainingSession
from app.repositories import models as repo
from app.schemas.models import (
    MAX_COMPARE,
    ComparisonEntry,
    ComparisonGroup,
    DatasetLineage,
    EvaluateRequest,
    EvaluationOut,
    ExportFormatInfo,
    ExportFormatList,
    ExportFormatOptions,
    ExportOut,
    ExportRequest,
    ModelComparison,
    ModelDeleted,
    ModelDetail,
    ModelImportJob,
    ModelList,
    ModelSummary,
    ModelUpdate,
    SessionLineage,
)
from app.services.errors import (
    AppError,
    Conflict,
    InsufficientStorage,
    InvalidInput,
    NotFound,
    TooLarge,
    Unprocessable,
)

MULTIPART_OVERHEAD_BYTES = 64 * 1024
MIN_FREE_DISK_BYTES = 256 * 1024**2  # keep this much free after an upload
IMPORT_SUFFIX = ".pt"
IMPORT_ERROR_PREFIXES = ("InvalidModelFile: ",)
EXPORTS_DIR = "exports"
ACTIVE = ("queued", "running")
SESSION_CONFIG_KEYS = 40


class UnsupportedMediaType(AppError):
    status_code = 415


@dataclass(frozen=True)
class DownloadFile:
    path: Path
    filename: str
    media_type: str
    remove_after: bool = False  # a zip made for this download


@dataclass(frozen=True)
class EvalSplit:
    dataset_id: str
    dataset_name: str
    root: Path
    split_dirs: list[Path]
    class_names: list[str]


# --------------------------------------------------------------------------------------------------
# Paths and small helpers
# --------------------------------------------------------------------------------------------------


def _inside(path: Path, root: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def data_path(settings: Settings, relative: str) -> Path:
    """A stored path (relative to data_dir) as an absolute path; refuses anything outside data_dir."""
    path = (settings.data_dir / relative).resolve()
    if not _inside(path, settings.data_dir):
        raise Unprocessable("A stored path points outside the data directory")
    return path


def relative_to_data(settings: Settings, path: Path) -> str:
    return path.resolve().relative_to(settings.data_dir.resolve()).as_posix()


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


def _path_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return 0


def _require_model(db: Session, model_id: str) -> Model:
    model = repo.get(db, model_id)
    if model is None:
        raise NotFound(f"Model {model_id} does not exist")
    return model


def weights_path(settings: Settings, model: Model) -> Path:
    """The model's weights file (absolute); for the prediction area too."""
    return data_path(settings, model.path)


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


# --------------------------------------------------------------------------------------------------
# Mapping rows to API shapes
# --------------------------------------------------------------------------------------------------


def _summary(
    model: Model,
    dataset_names: dict[str, str],
    session_names: dict[str, str],
    export_counts: dict[str, int],
    evaluation_counts: dict[str, int],
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


def _summaries(db: Session, models: list[Model]) -> list[ModelSummary]:
    ids = [m.id for m in models]
    datasets = repo.dataset_names(db, {m.dataset_id for m in models if m.dataset_id})
    sessions = repo.session_names(db, {m.session_id for m in models if m.session_id})
    exports, evaluations = repo.export_counts(db, ids), repo.evaluation_counts(db, ids)
    return [_summary(m, datasets, sessions, exports, evaluations) for m in models]


def _job_state(job: Job | None, status: str) -> tuple[float, str | None]:
    if job is None:
        return (1.0 if status == "completed" else 0.0), None
    return job.progress, job.message


def export_out(row: ModelExport, job: Job | None) -> ExportOut:
    spec = FORMATS.get(row.format)
    progress, message = _job_state(job, row.status)
    completed = row.status == "completed" and bool(row.path)
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


def evaluation_out(row: ModelEvaluation, job: Job | None) -> EvaluationOut:
    progress, message = _job_state(job, row.status)
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


def _exports(db: Session, model_id: str) -> list[ExportOut]:
    rows = repo.exports_of(db, model_id)
    jobs = repo.jobs_by_ids(db, {r.job_id for r in rows if r.job_id})
    return [export_out(r, jobs.get(r.job_id or "")) for r in rows]


def _evaluations(db: Session, model_id: str) -> list[EvaluationOut]:
    rows = repo.evaluations_of(db, [model_id])
    jobs = repo.jobs_by_ids(db, {r.job_id for r in rows if r.job_id})
    return [evaluation_out(r, jobs.get(r.job_id or "")) for r in rows]


def _dataset_lineage(db: Session, dataset_id: str | None) -> DatasetLineage | None:
    dataset = db.get(Dataset, dataset_id) if dataset_id else None
    if dataset is None:
        return None
    return DatasetLineage(
        id=dataset.id, name=dataset.name, status=dataset.status, class_names=list(dataset.class_names or [])
    )


def _session_lineage(db: Session, session_id: str | None) -> SessionLineage | None:
    session = db.get(TrainingSession, session_id) if session_id else None
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


def _detail(db: Session, model: Model) -> ModelDetail:
    summary = _summaries(db, [model])[0]
    return ModelDetail(
        **summary.model_dump(),
        file_name=Path(model.path).name,
        dataset=_dataset_lineage(db, model.dataset_id),
        session=_session_lineage(db, model.session_id),
        exports=_exports(db, model.id),
        evaluations=_evaluations(db, model.id),
        in_use=in_use_reason(db, model),
    )


# --------------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------------


def list_models(settings: Settings, filters: repo.ModelFilters, *, offset: int, limit: int) -> ModelList:
    with session_scope(settings.resolved_database_url) as db:
        rows, total = repo.list_models(db, filters, offset=offset, limit=limit)
        return ModelList(items=_summaries(db, rows), total=total, offset=offset, limit=limit)


def get_model(settings: Settings, model_id: str) -> ModelDetail:
    with session_scope(settings.resolved_database_url) as db:
        return _detail(db, _require_model(db, model_id))


def update_model(settings: Settings, model_id: str, body: ModelUpdate) -> ModelDetail:
    with session_scope(settings.resolved_database_url) as db:
        model = _require_model(db, model_id)
        if body.name is not None:
            model.name = body.name
        if body.tags is not None:
            model.tags = body.tags
        db.flush()
        return _detail(db, model)


_JOB_LABELS = {
    repo.EXPORT_JOB_KIND: "an export",
    repo.EVALUATE_JOB_KIND: "an evaluation",
    "training": "a training",
}


def in_use_reason(db: Session, model: Model) -> str | None:
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


def delete_model(settings: Settings, model_id: str) -> ModelDeleted:
    with session_scope(settings.resolved_database_url) as db:
        model = _require_model(db, model_id)
        reason = in_use_reason(db, model)
        if reason:
            raise Conflict(reason)
        folder = model_dir(settings, model.id)
        weights = data_path(settings, model.path)
        freed = _path_size(folder) if folder.is_dir() else 0
        if not _inside(weights, folder):
            freed += _path_size(weights)
        db.delete(model)  # exports and evaluations go with it (ON DELETE CASCADE)
        db.flush()
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
    if not _inside(weights, folder) and _inside(weights, settings.models_dir):
        with contextlib.suppress(FileNotFoundError):
            weights.unlink()
    return ModelDeleted(id=model_id, deleted=True, freed_bytes=freed)


def weights_download(settings: Settings, model_id: str) -> DownloadFile:
    with session_scope(settings.resolved_database_url) as db:
        model = _require_model(db, model_id)
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
        summaries = _summaries(db, models)
        evaluations = [e for e in repo.evaluations_of(db, unique) if e.status == "completed"]
    present = {key for s in summaries for key in s.metrics}
    present |= {key for e in evaluations for key in (e.metrics or {})}
    metric_keys = [k for k in METRIC_KEYS if k in present] + sorted(present - set(METRIC_KEYS))
    return ModelComparison(models=summaries, metric_keys=metric_keys, evaluations=_groups(evaluations))


def _groups(evaluations: list[ModelEvaluation]) -> list[ComparisonGroup]:
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


# --------------------------------------------------------------------------------------------------
# Import (.pt upload, checked by a worker job)
# --------------------------------------------------------------------------------------------------


def import_limits(settings: Settings) -> UploadLimits:
    settings.uploads_dir.mkdir(parents=True, exist_ok=True)
    free_disk = shutil.disk_usage(settings.uploads_dir).free
    room = max(free_disk - MIN_FREE_DISK_BYTES, 0)
    return UploadLimits(
        settings.max_upload_bytes,
        room,
        f"Not enough disk space: {room} bytes can be used for the upload (keeping {MIN_FREE_DISK_BYTES} "
        "bytes free). Free some space and retry.",
    )


def _clean_file_name(raw: str | None) -> str:
    name = Path((raw or "").replace("\\", "/")).name.strip()
    return name[:200] or "model.pt"


async def receive_import(
    settings: Settings, body: AsyncIterator[bytes], content_type: str | None, content_length: int | None
) -> ModelImportJob:
    """Streams the multipart `file` part to uploads/models/, then queues the check job."""
    if content_length is not None and content_length > settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES:
        raise TooLarge(
            f"The upload ({content_length} bytes) is larger than the limit of "
            f"{settings.max_upload_bytes} bytes."
        )
    limits = import_limits(settings)
    folder = settings.uploads_dir / "models"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"import-{uuid.uuid4().hex}.pt"
    try:
        received = await receive_upload(body, content_type, target, limits)
    except UploadRejected as exc:
        error = {"too_large": TooLarge, "quota": InsufficientStorage}.get(exc.kind, InvalidInput)
        detail = exc.detail.replace("the zip", "the .pt file").replace("The zip", "The .pt file")
        raise error(detail) from None
    return accept_import(settings, received)


def accept_import(settings: Settings, received: ReceivedUpload) -> ModelImportJob:
    file_name = _clean_file_name(received.filename)
    try:
        if not file_name.lower().endswith(IMPORT_SUFFIX):
            raise UnsupportedMediaType(
                f"'{file_name}' is not a .pt file: upload Ultralytics weights (a .pt checkpoint)."
            )
        if received.size == 0:
            raise InvalidInput("The uploaded file is empty.")
        name = " ".join(received.fields.get("name", "").split())[:200] or Path(file_name).stem[:200]
        params = {
            "upload": relative_to_data(settings, received.path),
            "file_name": file_name,
            "size_bytes": received.size,
            "name": name,
        }
        job_id = _runner(settings).submit(repo.IMPORT_JOB_KIND, params)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            received.path.unlink()
        raise
    return get_import(settings, job_id)


def _import_out(job: Job) -> ModelImportJob:
    error = job.error
    for prefix in IMPORT_ERROR_PREFIXES:
        if error and error.startswith(prefix):
            error = error[len(prefix) :]
    params, result = job.params or {}, job.result or {}
    return ModelImportJob(
        job_id=job.id,
        status=job.status,
        progress=job.progress,
        message=job.message,
        error=error,
        file_name=params.get("file_name"),
        size_bytes=params.get("size_bytes"),
        model_id=result.get("model_id"),
        created_at=job.created_at,
        finished_at=job.finished_at,
    )


def get_import(settings: Settings, job_id: str) -> ModelImportJob:
    with session_scope(settings.resolved_database_url) as db:
        job = repo.get_job(db, job_id)
        if job is None or job.kind != repo.IMPORT_JOB_KIND:
            raise NotFound(f"Model import {job_id} does not exist")
        return _import_out(job)


def list_imports(settings: Settings, limit: int) -> list[ModelImportJob]:
    with session_scope(settings.resolved_database_url) as db:
        return [_import_out(job) for job in repo.import_jobs(db, limit)]


# --------------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------------


def resolve_eval_split(settings: Settings, db: Session, dataset_id: str, split: str) -> EvalSplit:
    from app.data.formats import DatasetFormatError, read_data_yaml

    dataset = db.get(Dataset, dataset_id)
    if dataset is None:
        raise NotFound(f"Dataset {dataset_id} does not exist")
    if dataset.status != "ready" or not dataset.path:
        raise Conflict(f"Dataset '{dataset.name}' is not ready (status: {dataset.status})")
    root = (settings.datasets_dir / dataset.path).resolve()
    if not _inside(root, settings.datasets_dir) or not (root / "data.yaml").is_file():
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


def start_evaluation(settings: Settings, model_id: str, body: EvaluateRequest) -> EvaluationOut:
    with session_scope(settings.resolved_database_url) as db:
        model = _require_model(db, model_id)
        _require_evaluable(model)
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
        row = ModelEvaluation(
            model_id=model.id,
            dataset_id=target.dataset_id,
            dataset_name=target.dataset_name,
            split=body.split,
            params=params,
            status="queued",
        )
        db.add(row)
        db.flush()
        evaluation_id = row.id
    job_id = _submit(
        settings,
        repo.EVALUATE_JOB_KIND,
        {"evaluation_id": evaluation_id},
        model_id,
        ModelEvaluation,
        evaluation_id,
    )
    with session_scope(settings.resolved_database_url) as db:
        row_now = db.get(ModelEvaluation, evaluation_id)
        assert row_now is not None
        return evaluation_out(row_now, repo.get_job(db, job_id))


def list_evaluations(settings: Settings, model_id: str) -> list[EvaluationOut]:
    with session_scope(settings.resolved_database_url) as db:
        _require_model(db, model_id)
        return _evaluations(db, model_id)


# --------------------------------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------------------------------


def _gpu_count() -> int:
    from app.jobs.runner import gpu_count

    return gpu_count()


def export_formats(settings: Settings) -> ExportFormatList:
    gpus = _gpu_count()
    infos = []
    for spec in FORMATS.values():
        availability = check_availability(spec, lambda: gpus)
        by_framework = {family.name: family_options(family, spec) for family in families()}
        # families with options of their own for this format (the others take the format's `options`)
        own = {family.name for family in families() if family.export_formats.get(spec.name) is not None}
        infos.append(
            ExportFormatInfo(
                name=spec.name,
                title=spec.title,
                description=spec.description,
                available=availability.available,
                reason=availability.reason,
                half_reason=availability.half_reason,
                options=ExportFormatOptions(
                    dynamic=spec.dynamic,
                    simplify=spec.simplify,
                    opset=spec.opset,
                    half=availability.available and availability.half_available,
                ),
                is_directory=spec.is_directory,
                runs_in_app=spec.runs_in_app,
                extra=spec.extra,
                notes=list(spec.notes),
                frameworks=[name for name, options in by_framework.items() if options is not None],
                framework_options={
                    name: ExportFormatOptions(
                        dynamic=options.dynamic,
                        simplify=options.simplify,
                        opset=options.opset,
                        half=options.half and availability.available and availability.half_available,
                    )
                    for name, options in by_framework.items()
                    if options is not None and name in own
                },
            )
        )
    return ExportFormatList(formats=infos, gpu_count=gpus)


def _check_export_request(spec: ExportFormat, body: ExportRequest, model: Model) -> None:
    """409 when this machine (or the model's framework) cannot produce it; 422 when the options do not
    apply to the format."""
    framework = find_family(model.framework)
    options = family_options(framework, spec) if framework else None
    if framework is None or options is None:
        allowed = ", ".join(FORMATS[f].title for f in framework.export_formats) if framework else "nothing"
        raise Conflict(
            f"Model '{model.name}' is a {framework.label if framework else model.framework} model: it "
            f"exports to {allowed}, not {spec.title}"
        )
    availability = check_availability(spec, _gpu_count)
    if not availability.available:
        raise Conflict(availability.reason or f"{spec.title} export is not available here")
    unsupported = [
        option
        for option, wanted, supported in (
            ("dynamic", body.dynamic, options.dynamic),
            ("opset", body.opset is not None, options.opset),
            ("half", body.half, options.half),
            ("imgsz", body.imgsz is not None and body.imgsz != model.image_size, not options.fixed_size),
        )
        if wanted and not supported
    ]
    if unsupported:
        who = f"{framework.label} {spec.title}" if framework.export_formats.get(spec.name) else spec.title
        fixed = f" (it exports at its training size, {model.image_size})" if "imgsz" in unsupported else ""
        raise Unprocessable(f"{who} export does not take the option(s): {', '.join(unsupported)}{fixed}")
    if body.half and not availability.half_available:
        error = Unprocessable if spec.half == "no" else Conflict
        raise error(availability.half_reason or f"FP16 (half) {spec.title} export is not possible here")


def _require_evaluable(model: Model) -> None:
    family = find_family(model.framework)
    if family is None or not family.evaluates:
        able = " or ".join(f.label for f in families() if f.evaluates)
        raise Conflict(
            f"Model '{model.name}' is a {model.framework} model: only {able} models can be evaluated here"
        )


def start_export(settings: Settings, model_id: str, body: ExportRequest) -> ExportOut:
    spec = FORMATS[body.format]
    with session_scope(settings.resolved_database_url) as db:
        model = _require_model(db, model_id)
        _check_export_request(spec, body, model)
        if not weights_path(settings, model).is_file():
            raise Conflict(f"The weights file of model '{model.name}' is missing on disk")
        family = find_family(model.framework)
        accepted = family_options(family, spec) if family else None
        assert accepted is not None
        options: dict[str, Any] = {"imgsz": body.imgsz or model.image_size or 640, "half": body.half}
        if accepted.dynamic:
            options["dynamic"] = body.dynamic
        if accepted.simplify:
            options["simplify"] = body.simplify
        if accepted.opset:
            options["opset"] = body.opset
        row = ModelExport(model_id=model.id, format=spec.name, options=options, status="queued")
        db.add(row)
        db.flush()
        export_id = row.id
    job_id = _submit(
        settings, repo.EXPORT_JOB_KIND, {"export_id": export_id}, model_id, ModelExport, export_id
    )
    with session_scope(settings.resolved_database_url) as db:
        row_now = db.get(ModelExport, export_id)
        assert row_now is not None
        return export_out(row_now, repo.get_job(db, job_id))


def list_exports(settings: Settings, model_id: str) -> list[ExportOut]:
    with session_scope(settings.resolved_database_url) as db:
        _require_model(db, model_id)
        return _exports(db, model_id)


def _require_export(db: Session, model_id: str, export_id: str) -> ModelExport:
    _require_model(db, model_id)
    row = repo.get_export(db, model_id, export_id)
    if row is None:
        raise NotFound(f"Export {export_id} of model {model_id} does not exist")
    return row


def get_export(settings: Settings, model_id: str, export_id: str) -> ExportOut:
    with session_scope(settings.resolved_database_url) as db:
        row = _require_export(db, model_id, export_id)
        return export_out(row, repo.get_job(db, row.job_id) if row.job_id else None)


def export_download(settings: Settings, model_id: str, export_id: str) -> DownloadFile:
    with session_scope(settings.resolved_database_url) as db:
        row = _require_export(db, model_id, export_id)
        model = _require_model(db, model_id)
        if row.status != "completed" or not row.path:
            raise Conflict(f"Export {export_id} is {row.status}: nothing to download yet")
        path, base = data_path(settings, row.path), f"{slug(model.name)}-{row.format}"
    if path.is_file():
        return DownloadFile(path, f"{base}{path.suffix}", "application/octet-stream")
    if path.is_dir():
        return DownloadFile(_zip_folder(settings, path), f"{base}.zip", "application/zip", remove_after=True)
    raise NotFound(f"The files of export {export_id} are missing on disk")


def _zip_folder(settings: Settings, folder: Path) -> Path:
    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    target = settings.tmp_dir / f"export-{uuid.uuid4().hex}.zip"
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
            archive.write(file, Path(folder.name) / file.relative_to(folder))
    return target


def delete_export(settings: Settings, model_id: str, export_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        row = _require_export(db, model_id, export_id)
        if row.status == "running":
            raise Conflict(f"Export {export_id} is running: wait for it to finish")
        if row.status == "queued" and row.job_id:
            _runner(settings).cancel(row.job_id)
        db.delete(row)
    shutil.rmtree(export_dir(settings, model_id, export_id), ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------------------


def _runner(settings: Settings) -> Any:
    from app.jobs.runner import get_runner

    return get_runner(settings)


def _submit(
    settings: Settings,
    kind: str,
    params: dict[str, Any],
    model_id: str,
    table: type[ModelExport] | type[ModelEvaluation],
    row_id: str,
) -> str:
    """Queues the job and links it to its export/evaluation row (failed if it could not be queued)."""
    try:
        job_id: str = _runner(settings).submit(kind, params, subject_id=model_id)
    except Exception as exc:
        with session_scope(settings.resolved_database_url) as db:
            db.execute(
                update(table)
                .where(table.id == row_id)
                .values(status="failed", error=f"Could not queue the job: {exc}", finished_at=utcnow())
            )
        raise
    with session_scope(settings.resolved_database_url) as db:
        db.execute(update(table).where(table.id == row_id, table.job_id.is_(None)).values(job_id=job_id))
    return job_id
