"""Training sessions: create, list, control (stop/resume/cancel/delete), metrics, logs, checkpoints.

The API process never trains: it records a `queued` session and submits a "training" job to the runner;
the worker (app/jobs/training_job.py) does the rest and reports through the database.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.core.export.formats import FORMATS, family_options
from app.core.families.base import ModelFamily
from app.core.families.catalogue import catalogue_version, shipped
from app.core.families.registry import (
    families,
    family_of_architecture,
    get_family,
    load_catalogue,
    require_architecture,
)
from app.core.training import events
from app.core.training.config import AUGMENTATION_PRESETS, TrainingConfig, resolve_device
from app.core.training.offline import is_online
from app.db.base import utcnow
from app.db.session import session_scope
from app.db.tables import Checkpoint, Dataset, EpochMetric, Model, TrainingEvent, TrainingSession
from app.repositories import notifications as notifications_repo
from app.repositories import training as repo
from app.schemas.common import Page
from app.schemas.training import (
    ArchitectureOut,
    ArchitecturesResponse,
    CheckpointOut,
    CompareEntry,
    CompareResponse,
    DeleteResponse,
    EpochMetricOut,
    EventsResponse,
    FamilyOut,
    FieldLimitOut,
    LogLine,
    LogsResponse,
    TrainingDefaults,
    TrainingEventOut,
    TrainingMetricsResponse,
    TrainingSessionCreate,
    TrainingSessionDetail,
    TrainingSessionSummary,
)
from app.services.errors import Conflict, InvalidInput, NotFound, Unprocessable

log = logging.getLogger("app.training")

OFFICIAL_WEIGHTS_DIR = "official"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
MODEL_ID = re.compile(r"^[0-9a-f]{32}$")
LOST_LOG_LINES = 20
MAX_COMPARE = 10


# --------------------------------------------------------------------------------------------------
# Resolution shared by the API (validation) and the worker (execution)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedDataset:
    id: str
    name: str
    root: Path
    splits: dict[str, list[Path]]  # train/val(/test) -> absolute image dirs or list files
    class_names: list[str]
    train_images: int


@dataclass(frozen=True)
class StartWeights:
    kind: str  # file | official | download | scratch
    path: Path | None
    label: str


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _split_paths(root: Path, entry: Any, split: str) -> list[Path]:
    entries = entry if isinstance(entry, list) else [entry]
    paths = []
    for item in entries:
        if not isinstance(item, str) or not item.strip():
            raise Unprocessable(f"Dataset data.yaml: '{split}' must be a path or a list of paths")
        candidate = Path(item) if Path(item).is_absolute() else root / item
        if not candidate.exists() and item.startswith("../"):  # Roboflow exports: ../train/images
            candidate = root / item[3:]
        if not _inside(candidate, root):
            raise Unprocessable(f"Dataset data.yaml: '{split}' points outside the dataset folder")
        if not candidate.exists():
            raise Unprocessable(f"Dataset data.yaml: '{split}' folder {item!r} does not exist")
        paths.append(candidate.resolve())
    return paths


def _count_images(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.is_file():
            total += sum(1 for line in path.read_text(errors="replace").splitlines() if line.strip())
    return total


def _class_names(raw: Any) -> list[str]:
    names = raw.get("names")
    if isinstance(names, dict):
        names = [names[key] for key in sorted(names)]
    if not isinstance(names, list) or not names or not all(isinstance(n, str | int) for n in names):
        raise Unprocessable("Dataset data.yaml has no class names")
    return [str(n) for n in names]


def resolve_dataset(settings: Settings, db: Session, dataset_id: str) -> ResolvedDataset:
    dataset = db.get(Dataset, dataset_id)
    if dataset is None:
        raise NotFound(f"Dataset {dataset_id} does not exist")
    if dataset.status != "ready" or not dataset.path:
        raise Conflict(f"Dataset '{dataset.name}' is not ready (status: {dataset.status})")
    root = (settings.datasets_dir / dataset.path).resolve()
    if not _inside(root, settings.datasets_dir):
        raise Unprocessable("Dataset path escapes the datasets folder")
    data_yaml = root / "data.yaml"
    if not data_yaml.is_file():
        raise Unprocessable(f"Dataset '{dataset.name}' has no data.yaml")
    try:
        raw = yaml.safe_load(data_yaml.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise Unprocessable(f"Dataset data.yaml is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise Unprocessable("Dataset data.yaml is not a mapping")
    splits: dict[str, list[Path]] = {}
    for split in ("train", "val", "test"):
        if raw.get(split):
            splits[split] = _split_paths(root, raw[split], split)
    if "train" not in splits or "val" not in splits:
        raise Unprocessable(f"Dataset '{dataset.name}' needs a train and a val split to train on")
    train_images = _count_images(splits["train"])
    if train_images == 0:
        raise Unprocessable(f"Dataset '{dataset.name}' has no training images")
    return ResolvedDataset(dataset.id, dataset.name, root, splits, _class_names(raw), train_images)


def write_run_data_yaml(dataset: ResolvedDataset, run_dir: Path) -> Path:
    """A data.yaml for this run with absolute paths (Ultralytics resolves relative ones against cwd)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    content: dict[str, Any] = {"path": str(dataset.root)}
    for split, paths in dataset.splits.items():
        content[split] = [str(p) for p in paths] if len(paths) > 1 else str(paths[0])
    content["nc"] = len(dataset.class_names)
    content["names"] = dataset.class_names
    target = run_dir / "data.yaml"
    target.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def official_weights_path(settings: Settings, arch: str) -> Path:
    """Where the official weights of `arch` are looked for (its family decides)."""
    architecture = require_architecture(arch)
    family = get_family(architecture.framework)
    return family.official_weights_dir(settings.models_dir) / architecture.weights_file


def _weights_file(settings: Settings, db: Session, reference: str, arch: str) -> StartWeights:
    framework = family_of_architecture(arch)
    suffixes = " or ".join(framework.weights_suffixes)
    if MODEL_ID.match(reference):
        model = db.get(Model, reference)
        if model is None:
            raise NotFound(f"Starting weights: model {reference} does not exist")
        if model.framework != framework.name:
            raise InvalidInput(
                f"Starting weights: model '{model.name}' is a {model.framework} model; {arch} starts from "
                f"{framework.label} weights"
            )
        path = (settings.data_dir / model.path).resolve()
        label = f"model '{model.name}'"
    else:
        path = (settings.data_dir / reference).resolve()
        label = reference
        if not (_inside(path, settings.models_dir) or _inside(path, settings.uploads_dir)):
            raise InvalidInput(
                f"Starting weights must be a model id, or a {suffixes} file under models/ or uploads/"
            )
    if path.suffix not in framework.weights_suffixes:
        raise InvalidInput(f"Starting weights {label}: {framework.label} starts from {suffixes} files")
    if not path.is_file():
        raise InvalidInput(f"Starting weights {label}: file not found")
    return StartWeights("file", path, label)


def resolve_start_weights(settings: Settings, db: Session, config: TrainingConfig) -> StartWeights:
    """A user's file, else cached official weights, else a download when online, else scratch when
    chosen. Offline without weights, the family's policy decides: "download" refuses at once with what
    to do (never a hang); "cache_or_scratch" trains from scratch and says so (naming its weights cache)."""
    if config.weights:
        return _weights_file(settings, db, config.weights, config.model_arch)
    if not config.pretrained:
        return StartWeights("scratch", None, "scratch (no pretrained weights)")
    official = official_weights_path(settings, config.model_arch)
    if official.is_file():
        return StartWeights("official", official, f"official {config.model_arch} weights ({official.name})")
    if is_online():
        return StartWeights("download", official, f"official {config.model_arch} weights (downloading)")
    family = family_of_architecture(config.model_arch)
    if family.official_weights == "cache_or_scratch":
        return StartWeights(
            "scratch",
            None,
            f"scratch: the official {config.model_arch} weights ({official.name}) are not in the "
            f"{family.label} weights cache {official.parent} and this machine is offline",
        )
    raise Unprocessable(
        f"Official {config.model_arch} weights are not available: this machine is offline. Put "
        f"{config.model_arch}.pt into {official.parent}, choose your own starting weights, or set "
        "pretrained to false to train from scratch."
    )


def training_gpu_count(settings: Settings) -> int:
    """GPUs one training may use: this machine's, or with the celery runner those a worker slot owns
    (the API host may have none while the workers do)."""
    if settings.runner == "celery":
        from app.jobs.celery_runner import slot_gpu_count

        return slot_gpu_count(settings)
    from app.core.hardware import gpu_count

    return gpu_count()


def validate_device(settings: Settings, device: str) -> str:
    try:
        return resolve_device(device, training_gpu_count(settings))
    except ValueError as exc:
        raise Unprocessable(f"device: {exc}") from exc


# --------------------------------------------------------------------------------------------------
# Events and state (used by the API and the worker)
# --------------------------------------------------------------------------------------------------


# Outcomes the user is told about (toast + notification centre), with their level and title.
_NOTIFIED_STATES = {
    events.COMPLETED: ("success", "Training completed"),
    events.FAILED: ("error", "Training failed"),
    events.INTERRUPTED: ("warning", "Training interrupted"),
}


def set_state(
    db: Session, session: TrainingSession, status: str, message: str | None = None, **extra: Any
) -> None:
    """Change a session's status and append the matching state event (one transaction)."""
    previous = session.status
    session.status = status
    if status in events.FINISHED_STATES:
        session.finished_at = utcnow()
    payload: dict[str, Any] = {"status": status, "previous": previous, "message": message, **extra}
    repo.add_event(db, session.id, events.STATE, payload)
    if status in _NOTIFIED_STATES and previous != status:
        level, title = _NOTIFIED_STATES[status]
        notifications_repo.insert(
            db,
            level=level,
            title=f"{title}: {session.name}"[:200],
            message=(message or "")[:4000],
            source="training",
        )


def add_log(db: Session, session_id: str, message: str, level: str = "info") -> None:
    repo.add_event(db, session_id, events.LOG, {"level": level, "message": message[:4000]})


def log_tail_text(db: Session, session_id: str, lines: int = LOST_LOG_LINES) -> str:
    return "\n".join(str(e.payload.get("message", "")) for e in repo.log_events(db, session_id, lines))


def mark_lost(
    settings: Settings, session_id: str, reason: str, *, interrupted: bool, job_id: str | None = None
) -> None:
    """The worker died (failed) or the server restarted mid-run (interrupted, resumable)."""
    with session_scope(settings.resolved_database_url) as db:
        session = repo.get_session(db, session_id)
        if session is None or session.status not in events.ACTIVE_STATES:
            return
        latest = repo.latest_job(db, session_id)
        if job_id is not None and latest is not None and latest.id != job_id:
            return  # a stale attempt; a newer one owns the session
        if interrupted:
            message = f"Interrupted: {reason}. Resume it to continue from the last finished epoch."
            session.error = message
            set_state(db, session, events.INTERRUPTED, message)
            return
        tail = log_tail_text(db, session_id)
        message = f"Training failed: {reason}."
        session.error = message + (f"\nLast log lines:\n{tail}" if tail else "")
        repo.add_event(db, session_id, events.ERROR, {"message": session.error, "code": "worker_lost"})
        add_log(db, session_id, message, "error")
        set_state(db, session, events.FAILED, message)


# --------------------------------------------------------------------------------------------------
# Mapping to API schemas
# --------------------------------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    """UTC, timezone-aware (SQLite returns naive datetimes; PostgreSQL the session's zone)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _last_checkpoint_exists(settings: Settings, session: TrainingSession) -> bool:
    trainer = get_family(session.framework).trainer_class()  # trainers import their libraries lazily
    return trainer.last_checkpoint(settings.runs_dir / session.id) is not None


def _resumable(settings: Settings, session: TrainingSession) -> bool:
    if session.status in (events.STOPPED, events.INTERRUPTED):
        return True
    return session.status == events.FAILED and _last_checkpoint_exists(settings, session)


def _summary(
    settings: Settings,
    session: TrainingSession,
    *,
    dataset_name: str | None = None,
    queue_position: int | None = None,
) -> TrainingSessionSummary:
    config = session.config or {}
    return TrainingSessionSummary(
        id=session.id,
        name=session.name,
        status=session.status,
        dataset_id=session.dataset_id,
        dataset_name=dataset_name,
        framework=session.framework,
        model_arch=session.model_arch,
        current_epoch=session.current_epoch,
        total_epochs=session.total_epochs,
        progress=session.progress,
        best_metric=session.best_metric,
        best_epoch=session.best_epoch,
        metric_name=events.PRIMARY_METRIC,
        error=session.error,
        resume_count=session.resume_count,
        queue_position=queue_position,
        resumable=_resumable(settings, session),
        image_size=config.get("image_size"),
        batch_size=config.get("batch_size"),
        created_at=_aware(session.created_at) or utcnow(),
        started_at=_aware(session.started_at),
        finished_at=_aware(session.finished_at),
    )


def _dataset_names(db: Session, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return dict(db.execute(select(Dataset.id, Dataset.name).where(Dataset.id.in_(list(ids)))).tuples().all())


def _detail(settings: Settings, db: Session, session: TrainingSession) -> TrainingSessionDetail:
    names = _dataset_names(db, {session.dataset_id} if session.dataset_id else set())
    position = repo.queue_positions(db).get(session.id) if session.status == events.QUEUED else None
    summary = _summary(
        settings, session, dataset_name=names.get(session.dataset_id or ""), queue_position=position
    )
    job = repo.latest_job(db, session.id)
    model_id = db.scalar(select(Model.id).where(Model.session_id == session.id).limit(1))
    latest = repo.epoch_metrics(db, session.id, last_n=1)
    eta = None
    if session.status == events.RUNNING:
        progress = repo.last_event(db, session.id, events.PROGRESS)
        eta = progress.payload.get("estimated_time_remaining") if progress else None
    return TrainingSessionDetail(
        **summary.model_dump(),
        config=TrainingConfig.model_validate(session.config),
        job_id=job.id if job else None,
        stop_requested=bool(job and job.stop_requested and session.status == events.RUNNING),
        model_id=model_id,
        latest_metrics=latest[0].metrics if latest else None,
        estimated_time_remaining=eta,
    )


def _require(db: Session, session_id: str) -> TrainingSession:
    session = repo.get_session(db, session_id)
    if session is None:
        raise NotFound(f"Training session {session_id} does not exist")
    return session


def event_out(event: TrainingEvent) -> TrainingEventOut:
    return TrainingEventOut(
        id=event.id,
        type=event.type,
        session_id=event.session_id,
        timestamp=_aware(event.created_at) or utcnow(),
        data=event.payload,
    )


def _metric_out(row: EpochMetric) -> EpochMetricOut:
    return EpochMetricOut(epoch=row.epoch, metrics=row.metrics, created_at=_aware(row.created_at) or utcnow())


def _checkpoint_out(settings: Settings, row: Checkpoint) -> CheckpointOut:
    return CheckpointOut(
        id=row.id,
        session_id=row.session_id,
        epoch=row.epoch,
        metrics=row.metrics,
        is_best=row.is_best,
        size_bytes=row.size_bytes,
        path=row.path,
        exists=(settings.data_dir / row.path).is_file(),
        created_at=_aware(row.created_at) or utcnow(),
    )


# --------------------------------------------------------------------------------------------------
# Use cases
# --------------------------------------------------------------------------------------------------


def _runner(settings: Settings) -> Any:
    from app.jobs.runner import get_runner

    return get_runner(settings)


def create_session(settings: Settings, body: TrainingSessionCreate) -> TrainingSessionDetail:
    config = body.training_config()
    validate_device(settings, config.device)
    with session_scope(settings.resolved_database_url) as db:
        dataset = resolve_dataset(settings, db, body.dataset_id)
        weights = resolve_start_weights(settings, db, config)
        session = TrainingSession(
            name=body.name or f"{config.model_arch} on {dataset.name}"[:200],
            dataset_id=dataset.id,
            framework=family_of_architecture(config.model_arch).name,
            model_arch=config.model_arch,
            config=config.model_dump(mode="json"),
            status=events.QUEUED,
            total_epochs=config.epochs,
            run_dir=None,
        )
        db.add(session)
        db.flush()
        session.run_dir = session.id
        repo.add_event(
            db, session.id, events.STATE, {"status": events.QUEUED, "previous": None, "message": "Queued"}
        )
        add_log(
            db,
            session.id,
            f"Queued {config.model_arch} on '{dataset.name}' "
            f"({dataset.train_images} training images), starting from {weights.label}",
        )
        session_id = session.id
    _runner(settings).submit(
        kind=repo.TRAINING_JOB_KIND, params={"session_id": session_id}, subject_id=session_id
    )
    return get_session(settings, session_id)


def get_session(settings: Settings, session_id: str) -> TrainingSessionDetail:
    with session_scope(settings.resolved_database_url) as db:
        return _detail(settings, db, _require(db, session_id))


def list_sessions(
    settings: Settings, filters: repo.SessionFilters, *, offset: int, limit: int
) -> Page[TrainingSessionSummary]:
    with session_scope(settings.resolved_database_url) as db:
        rows, total = repo.list_sessions(db, filters, offset=offset, limit=limit)
        names = _dataset_names(db, {r.dataset_id for r in rows if r.dataset_id})
        positions = repo.queue_positions(db) if any(r.status == events.QUEUED for r in rows) else {}
        items = [
            _summary(
                settings, r, dataset_name=names.get(r.dataset_id or ""), queue_position=positions.get(r.id)
            )
            for r in rows
        ]
    return Page[TrainingSessionSummary](items=items, total=total, offset=offset, limit=limit)


def stop_session(settings: Settings, session_id: str) -> TrainingSessionDetail:
    """Running: the worker stops within seconds and keeps the last epoch resumable. Queued: cancelled."""
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        if session.status not in events.ACTIVE_STATES:
            raise Conflict(f"Session is {session.status}; only a queued or running session can be stopped")
        job = repo.latest_job(db, session_id)
        job_id = job.id if job else None
        was_queued = session.status == events.QUEUED
    runner = _runner(settings)
    if was_queued and (job_id is None or runner.cancel(job_id)):
        _mark_cancelled(settings, session_id)
        return get_session(settings, session_id)
    if job_id is not None:
        runner.request_stop(job_id)
    with session_scope(settings.resolved_database_url) as db:
        add_log(db, session_id, "Stop requested: finishing at the current batch")
    return get_session(settings, session_id)


def _mark_cancelled(settings: Settings, session_id: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        if session.status == events.QUEUED:
            set_state(db, session, events.CANCELLED, "Cancelled before it started")


def cancel_session(settings: Settings, session_id: str) -> TrainingSessionDetail:
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        if session.status != events.QUEUED:
            raise Conflict(
                f"Session is {session.status}; only a queued session can be cancelled (stop a running one)"
            )
        job = repo.latest_job(db, session_id)
        job_id = job.id if job else None
    if job_id is not None and not _runner(settings).cancel(job_id):
        raise Conflict("The session has just started; stop it instead")
    _mark_cancelled(settings, session_id)
    return get_session(settings, session_id)


def resume_session(settings: Settings, session_id: str) -> TrainingSessionDetail:
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        if not _resumable(settings, session):
            raise Conflict(
                f"Session is {session.status} and cannot be resumed"
                + (" (no checkpoint to resume from)" if session.status == events.FAILED else "")
            )
        if session.dataset_id is None:
            raise Conflict("The session's dataset was deleted; it cannot be resumed")
        resolve_dataset(settings, db, session.dataset_id)
        has_checkpoint = _last_checkpoint_exists(settings, session)
        session.resume_count += 1
        session.error = None
        session.finished_at = None
        where = (
            f"from epoch {session.current_epoch + 1}"
            if has_checkpoint
            else "from the start (no finished epoch to resume from)"
        )
        set_state(db, session, events.QUEUED, f"Resume requested: continues {where}")
    _runner(settings).submit(
        kind=repo.TRAINING_JOB_KIND, params={"session_id": session_id, "resume": True}, subject_id=session_id
    )
    return get_session(settings, session_id)


def delete_session(settings: Settings, session_id: str) -> DeleteResponse:
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        if session.status in events.ACTIVE_STATES:
            raise Conflict(f"Session is {session.status}; stop or cancel it before deleting it")
        run_dir = settings.runs_dir / session.id
        db.delete(session)
    freed = 0
    if run_dir.is_dir() and _inside(run_dir, settings.runs_dir):
        freed = sum(p.stat().st_size for p in run_dir.rglob("*") if p.is_file())
        shutil.rmtree(run_dir, ignore_errors=True)
    return DeleteResponse(success=True, freed_bytes=freed)


def get_metrics(settings: Settings, session_id: str, last_n: int | None) -> TrainingMetricsResponse:
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        rows = repo.epoch_metrics(db, session_id, last_n)
        return TrainingMetricsResponse(
            session_id=session_id,
            metric_keys=events.ordered_metric_keys([r.metrics for r in rows]),
            best_epoch=session.best_epoch,
            epochs=[_metric_out(r) for r in rows],
        )


def metrics_csv(settings: Settings, session_id: str) -> tuple[str, str]:
    """(file name, CSV text): one row per epoch, columns in METRIC_KEYS order."""
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        rows = repo.epoch_metrics(db, session_id)
        name = session.name
    keys = events.ordered_metric_keys([r.metrics for r in rows])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["epoch", *keys])
    for row in rows:
        writer.writerow([row.epoch, *("" if row.metrics.get(k) is None else row.metrics[k] for k in keys)])
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_")[:80] or "training"
    return f"{safe}-{session_id[:8]}-metrics.csv", buffer.getvalue()


def get_logs(settings: Settings, session_id: str, tail: int) -> LogsResponse:
    with session_scope(settings.resolved_database_url) as db:
        _require(db, session_id)
        rows = repo.log_events(db, session_id, tail)
        lines = [
            LogLine(
                id=e.id,
                timestamp=_aware(e.created_at) or utcnow(),
                level=str(e.payload.get("level", "info")),
                message=str(e.payload.get("message", "")),
            )
            for e in rows
        ]
    return LogsResponse(session_id=session_id, lines=lines)


def get_events(settings: Settings, session_id: str, after: int, limit: int) -> EventsResponse:
    with session_scope(settings.resolved_database_url) as db:
        session = _require(db, session_id)
        status = session.status
        rows = repo.events_after(db, session_id, after, limit=limit)
        items = [event_out(e) for e in rows]
    return EventsResponse(
        session_id=session_id,
        status=status,
        events=items,
        last_event_id=items[-1].id if items else after,
    )


def list_checkpoints(settings: Settings, session_id: str) -> list[CheckpointOut]:
    with session_scope(settings.resolved_database_url) as db:
        _require(db, session_id)
        return [_checkpoint_out(settings, row) for row in repo.checkpoints(db, session_id)]


def compare_sessions(settings: Settings, ids: list[str]) -> CompareResponse:
    unique = list(dict.fromkeys(i for i in ids if i))
    if not 1 <= len(unique) <= MAX_COMPARE:
        raise InvalidInput(f"ids: give 1 to {MAX_COMPARE} session ids, comma-separated")
    with session_scope(settings.resolved_database_url) as db:
        sessions = repo.sessions_by_ids(db, unique)
        missing = sorted(set(unique) - {s.id for s in sessions})
        if missing:
            raise NotFound(f"Training session {missing[0]} does not exist")
        metrics = repo.metrics_for_sessions(db, unique)
        names = _dataset_names(db, {s.dataset_id for s in sessions if s.dataset_id})
        entries = [
            CompareEntry(
                session=_summary(settings, s, dataset_name=names.get(s.dataset_id or "")),
                epochs=[_metric_out(r) for r in metrics[s.id]],
            )
            for s in sessions
        ]
    keys = events.ordered_metric_keys([e.metrics for entry in entries for e in entry.epochs])
    return CompareResponse(metric_keys=keys, sessions=entries)


def weights_location(settings: Settings, family: ModelFamily) -> str:
    """Where `family` looks for official weights: relative to the data directory when inside it."""
    folder = family.official_weights_dir(settings.models_dir)
    try:
        return folder.resolve().relative_to(settings.data_dir.resolve()).as_posix()
    except ValueError:
        return str(folder)


def family_out(settings: Settings, family: ModelFamily) -> FamilyOut:
    options = {name: family_options(family, spec) for name, spec in FORMATS.items()}
    return FamilyOut(
        name=family.name,
        label=family.label,
        description=family.description,
        version=family.version(),
        weights_suffixes=list(family.weights_suffixes),
        weights_location=weights_location(settings, family),
        official_weights=family.official_weights,
        own_weights_help=family.own_weights_help,
        official_missing_notice=family.official_missing_notice,
        fields=list(family.fields) if family.fields is not None else list(TrainingConfig.model_fields),
        field_limits={
            name: FieldLimitOut(minimum=limit.minimum, maximum=limit.maximum, multiple_of=limit.multiple_of)
            for name, limit in family.field_limits.items()
        },
        defaults=dict(family.defaults),
        multi_gpu=family.multi_gpu,
        augmentation_note=family.augmentation_note,
        export_formats=[name for name, option in options.items() if option is not None],
        export_options={
            name: {
                "dynamic": option.dynamic,
                "simplify": option.simplify,
                "opset": option.opset,
                "half": option.half,
                "fixed_size": option.fixed_size,
            }
            for name, option in options.items()
            if option is not None
        },
        model_file=family.model_file,
        resume_file=family.resume_file,
        checkpoint_note=family.checkpoint_note,
    )


def architectures(settings: Settings) -> ArchitecturesResponse:
    meta = shipped()
    items = [
        ArchitectureOut(
            name=a.name,
            family=a.family,
            family_label=get_family(a.framework).series_labels.get(a.family, a.family),
            size=a.size,
            size_label=get_family(a.framework).size_labels.get(a.size, a.size),
            framework=a.framework,
            task=a.task,
            parameters=a.parameters,
            gflops=a.gflops,
            layers=a.layers,
            official_weights_available=official_weights_path(settings, a.name).is_file(),
            image_multiple=a.image_multiple,
            default_image_size=a.default_image_size,
            weights_file=a.weights_file,
        )
        for a in load_catalogue().values()
    ]
    return ArchitecturesResponse(
        reference_classes=meta["reference"]["classes"],
        reference_image_size=meta["reference"]["image_size"],
        ultralytics_version=catalogue_version("ultralytics") or "",
        rfdetr_version=catalogue_version("rfdetr"),
        items=items,
        families=[family_out(settings, family) for family in families()],
    )


def defaults(settings: Settings) -> TrainingDefaults:
    gpus = training_gpu_count(settings)
    devices = ["auto", "cpu", *(str(i) for i in range(gpus))]
    if gpus > 1:
        devices.append(",".join(str(i) for i in range(gpus)))
    return TrainingDefaults(
        config=TrainingConfig(),
        augmentation_presets={level.value: preset for level, preset in AUGMENTATION_PRESETS.items()},
        gpu_count=gpus,
        devices=devices,
        online=is_online(),
        official_weights_dir=f"models/{OFFICIAL_WEIGHTS_DIR}",
        primary_metric=events.PRIMARY_METRIC,
        rfdetr_weights_dir=str(get_family("rfdetr").official_weights_dir(settings.models_dir)),
        framework_defaults={f.name: dict(f.defaults) for f in families() if f.defaults},
        framework_fields={f.name: list(f.fields) for f in families() if f.fields is not None},
        families=[family_out(settings, family) for family in families()],
    )
