"""ORM tables. Alembic (app/db/migrations) owns the schema; keep both in step.

These are persistence shapes only: services map them to domain objects / API schemas.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db.base import Base, new_id
from app.domain.status import JobStatus
from app.utils.clock import utc_now

ID = String(32)


def _id_column() -> Mapped[str]:
    return mapped_column(ID, primary_key=True, default=new_id)


def _created() -> Mapped[datetime]:
    return mapped_column(DateTime(timezone=True), default=utc_now, nullable=False)


class Dataset(Base):
    __tablename__ = "datasets"

    id: Mapped[str] = _id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # upload|roboflow|demo|derived
    source_ref: Mapped[str | None] = mapped_column(String(500), unique=True)  # e.g. roboflow ws/proj/v/fmt
    format: Mapped[str | None] = mapped_column(String(20))  # yolo-seg|coco
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(String(500))  # relative to data_dir/datasets
    class_names: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    splits: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    image_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    instance_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    validation: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parent_id: Mapped[str | None] = mapped_column(ID, ForeignKey("datasets.id", ondelete="SET NULL"))
    # Added by migration 0002 (datasets area)
    source_info: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # e.g. roboflow ws/project/version
    job_id: Mapped[str | None] = mapped_column(ID)  # the import/enhance job (jobs.id)
    created_at: Mapped[datetime] = _created()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now, nullable=False
    )


class TrainingSession(Base):
    __tablename__ = "training_sessions"

    id: Mapped[str] = _id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    dataset_id: Mapped[str | None] = mapped_column(ID, ForeignKey("datasets.id", ondelete="RESTRICT"))
    framework: Mapped[str] = mapped_column(String(20), nullable=False)  # its model family (app/core/families)
    model_arch: Mapped[str] = mapped_column(String(50), nullable=False)  # e.g. yolov8n-seg
    config: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # queued|running|completed|failed|stopped|interrupted|cancelled
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED, index=True)
    current_epoch: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    total_epochs: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    best_metric: Mapped[float | None] = mapped_column(Float)
    best_epoch: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    run_dir: Mapped[str | None] = mapped_column(String(500))  # relative to data_dir/runs
    worker: Mapped[str | None] = mapped_column(String(200))  # runner-specific handle (pid, celery id)
    resume_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Added by migration 0009 (issue 17): the immutable dataset version it trains on (None: working copy)
    dataset_version_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("dataset_versions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = _created()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EpochMetric(Base):
    __tablename__ = "epoch_metrics"
    __table_args__ = (UniqueConstraint("session_id", "epoch", name="uq_epoch_metrics_session_epoch"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ID, ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    epoch: Mapped[int] = mapped_column(Integer, nullable=False)
    metrics: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = _created()


class TrainingEvent(Base):
    """Append-only event log of a session: replayed to late WebSocket clients, then tailed by id."""

    __tablename__ = "training_events"
    __table_args__ = (Index("ix_training_events_session_id_id", "session_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[str] = mapped_column(
        ID, ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    type: Mapped[str] = mapped_column(String(40), nullable=False)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = _created()


class Checkpoint(Base):
    __tablename__ = "checkpoints"

    id: Mapped[str] = _id_column()
    session_id: Mapped[str] = mapped_column(
        ID, ForeignKey("training_sessions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    epoch: Mapped[int] = mapped_column(Integer, nullable=False)
    path: Mapped[str] = mapped_column(String(500), nullable=False)
    metrics: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False, default=dict)
    is_best: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    created_at: Mapped[datetime] = _created()


class Model(Base):
    __tablename__ = "models"

    id: Mapped[str] = _id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # trained|imported
    framework: Mapped[str] = mapped_column(String(20), nullable=False)
    model_arch: Mapped[str | None] = mapped_column(String(50))
    task: Mapped[str] = mapped_column(String(20), nullable=False, default="segment")
    class_names: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    image_size: Mapped[int | None] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(500), nullable=False)  # relative to data_dir
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    metrics: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False, default=dict)
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    dataset_id: Mapped[str | None] = mapped_column(ID, ForeignKey("datasets.id", ondelete="SET NULL"))
    session_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("training_sessions.id", ondelete="SET NULL")
    )
    # Added by migration 0009 (issue 17): the dataset version it was trained on (lineage)
    dataset_version_id: Mapped[str | None] = mapped_column(
        ID, ForeignKey("dataset_versions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = _created()


class Prediction(Base):
    __tablename__ = "predictions"

    id: Mapped[str] = _id_column()
    model_id: Mapped[str | None] = mapped_column(ID, ForeignKey("models.id", ondelete="SET NULL"))
    image_path: Mapped[str] = mapped_column(String(500), nullable=False)  # relative to data_dir
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    results: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    created_at: Mapped[datetime] = _created()
    # Added by migration 0006 (prediction area)
    batch_id: Mapped[str | None] = mapped_column(ID, index=True)  # a batch (its job id when it ran as one)
    image_name: Mapped[str | None] = mapped_column(String(255))  # the uploaded file's name
    source: Mapped[str | None] = mapped_column(String(10))  # upload|url
    source_url: Mapped[str | None] = mapped_column(String(2048))
    display_path: Mapped[str | None] = mapped_column(String(500))  # upright 8-bit copy, relative to data_dir
    width: Mapped[int | None] = mapped_column(Integer)  # as displayed (EXIF orientation applied)
    height: Mapped[int | None] = mapped_column(Integer)
    instance_count: Mapped[int | None] = mapped_column(Integer)  # selected instances
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # per-image totals (history lists)
    model_name: Mapped[str | None] = mapped_column(String(200))  # kept when the model is deleted


class Job(Base):
    """A background job other than training (import, export, evaluation, batch prediction)."""

    __tablename__ = "jobs"

    id: Mapped[str] = _id_column()
    kind: Mapped[str] = mapped_column(String(40), nullable=False, index=True)
    queue: Mapped[str] = mapped_column(String(20), nullable=False, default="cpu", index=True)
    # queued|running|completed|failed|stopped|cancelled|interrupted
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED, index=True)
    progress: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    message: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    subject_id: Mapped[str | None] = mapped_column(ID, index=True)  # dataset/model/session it acts on
    stop_requested: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    worker: Mapped[str | None] = mapped_column(String(200))  # runner handle: "local:<pid>", celery id
    created_at: Mapped[datetime] = _created()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Setting(Base):
    """Key/value settings stored by the app (secrets are write-only through the API)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now, nullable=False
    )


class Notification(Base):
    """A message for the user (training finished, GPU too hot, ...); tailed by id and pushed live."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    level: Mapped[str] = mapped_column(String(10), nullable=False)  # info|success|warning|error
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="system")
    created_at: Mapped[datetime] = _created()
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class MonitoringHistory(Base):
    """One-minute averages of the GPU and host readings (kept 7 days) so charts survive a restart."""

    __tablename__ = "monitoring_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, unique=True)
    sample_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    cpu_percent: Mapped[float | None] = mapped_column(Float)
    memory_percent: Mapped[float | None] = mapped_column(Float)
    disk_percent: Mapped[float | None] = mapped_column(Float)
    # [{"index", "utilization_percent", "memory_used_percent", "temperature_c", "power_w"}, ...]
    gpus: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)


class ModelExport(Base):
    """A model converted to a deployment format (ONNX, OpenVINO, ...) by a `model_export` job."""

    __tablename__ = "model_exports"

    id: Mapped[str] = _id_column()
    model_id: Mapped[str] = mapped_column(
        ID, ForeignKey("models.id", ondelete="CASCADE"), nullable=False, index=True
    )
    format: Mapped[str] = mapped_column(String(20), nullable=False)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # queued|running|completed|failed|stopped|cancelled|interrupted
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED)
    job_id: Mapped[str | None] = mapped_column(ID, index=True)
    path: Mapped[str | None] = mapped_column(String(500))  # relative to data_dir: a file or a folder
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ModelEvaluation(Base):
    """Validation metrics of a model on one split of a dataset (a `model_evaluate` job)."""

    __tablename__ = "model_evaluations"

    id: Mapped[str] = _id_column()
    model_id: Mapped[str] = mapped_column(
        ID, ForeignKey("models.id", ondelete="CASCADE"), nullable=False, index=True
    )
    dataset_id: Mapped[str | None] = mapped_column(ID, ForeignKey("datasets.id", ondelete="SET NULL"))
    dataset_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    split: Mapped[str] = mapped_column(String(10), nullable=False)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)  # imgsz, conf, iou
    metrics: Mapped[dict[str, float]] = mapped_column(JSON, nullable=False, default=dict)
    per_class: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED)
    job_id: Mapped[str | None] = mapped_column(ID, index=True)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class User(Base):
    """A local account (issue 9 access control). Passwords are stored as argon2 hashes only."""

    __tablename__ = "users"

    id: Mapped[str] = _id_column()
    username: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), nullable=False)
    role: Mapped[str] = mapped_column(String(10), nullable=False, default="user")  # admin|user|viewer
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = _created()
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(Base):
    """A bearer token for scripts: only the SHA-256 of its secret is stored (shown once at creation)."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = _id_column()
    user_id: Mapped[str] = mapped_column(
        ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(String(16), nullable=False)  # recognisable start of the secret
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = _created()
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuthSession(Base):
    """A browser login: the SHA-256 of the session cookie's secret and of its CSRF token."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = _id_column()
    user_id: Mapped[str] = mapped_column(
        ID, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    secret_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    csrf_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = _created()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, index=True)


# Inspection (issue 18): structures, inspections over time, their images (predictions with a scale and a
# position), reports and crack growth between two inspections. Added by migration 0008.


class Structure(Base):
    """A bridge, a tunnel section, a wall: what is inspected again and again."""

    __tablename__ = "structures"

    id: Mapped[str] = _id_column()
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str | None] = mapped_column(String(40))  # bridge|tunnel|wall|building|dam|other
    notes: Mapped[str | None] = mapped_column(Text)
    marker_side_mm: Mapped[float | None] = mapped_column(Float)  # printed fiducial's side, default
    marker_dictionary: Mapped[str | None] = mapped_column(String(40))  # ArUco/AprilTag family; None: 4x4_50
    created_at: Mapped[datetime] = _created()


class Inspection(Base):
    """One visit to a structure: a date, an inspector and notes; its images are predictions."""

    __tablename__ = "inspections"

    id: Mapped[str] = _id_column()
    structure_id: Mapped[str] = mapped_column(
        ID, ForeignKey("structures.id", ondelete="CASCADE"), nullable=False, index=True
    )
    inspected_on: Mapped[date] = mapped_column(Date, nullable=False)
    inspector: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    marker_side_mm: Mapped[float | None] = mapped_column(Float)  # overrides the structure's
    created_at: Mapped[datetime] = _created()


class InspectionImage(Base):
    """A prediction placed in an inspection, with its photo metadata, position and scale."""

    __tablename__ = "inspection_images"
    __table_args__ = (UniqueConstraint("inspection_id", "prediction_id"),)

    id: Mapped[str] = _id_column()
    inspection_id: Mapped[str] = mapped_column(
        ID, ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False, index=True
    )
    prediction_id: Mapped[str] = mapped_column(
        ID, ForeignKey("predictions.id", ondelete="CASCADE"), nullable=False, index=True
    )
    element_label: Mapped[str | None] = mapped_column(String(100))  # pairs images for growth
    photo_metadata: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # read_photo_metadata
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_alt_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)  # camera to surface, entered by the user
    # [{"source", "mm_per_px", "uncertainty_pct", "detail", "warning"}] from the analysis job
    scale_candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    scale_notes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)  # why not found
    scale_auto_source: Mapped[str | None] = mapped_column(String(10))  # reconcile's choice
    scale_conflict: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    scale_choice: Mapped[str] = mapped_column(
        String(10), nullable=False, default="auto"
    )  # auto|marker|exif|manual
    manual_mm_per_px: Mapped[float | None] = mapped_column(Float)
    analysis_status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED)
    analysis_job_id: Mapped[str | None] = mapped_column(ID)
    analysis_error: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # optimistic lock
    created_at: Mapped[datetime] = _created()


class InspectionReport(Base):
    """A PDF + HTML report of one inspection, built by an `inspection_report` job."""

    __tablename__ = "inspection_reports"

    id: Mapped[str] = _id_column()
    inspection_id: Mapped[str] = mapped_column(
        ID, ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED)
    job_id: Mapped[str | None] = mapped_column(ID)
    pdf_path: Mapped[str | None] = mapped_column(String(500))  # relative to data_dir
    html_path: Mapped[str | None] = mapped_column(String(500))
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class GrowthComparison(Base):
    """Crack growth of one element between an earlier and a later image (`inspection_growth` job)."""

    __tablename__ = "growth_comparisons"

    id: Mapped[str] = _id_column()
    inspection_id: Mapped[str] = mapped_column(  # the later inspection: the report it belongs to
        ID, ForeignKey("inspections.id", ondelete="CASCADE"), nullable=False, index=True
    )
    old_image_id: Mapped[str] = mapped_column(
        ID, ForeignKey("inspection_images.id", ondelete="CASCADE"), nullable=False, index=True
    )
    new_image_id: Mapped[str] = mapped_column(
        ID, ForeignKey("inspection_images.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=JobStatus.QUEUED)
    job_id: Mapped[str | None] = mapped_column(ID)
    quality: Mapped[float | None] = mapped_column(Float)  # registration quality 0..1
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    overlay_path: Mapped[str | None] = mapped_column(String(500))  # relative to data_dir
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _created()
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


# Dataset curation (issue 17): the working copy's per-image annotations and immutable dataset versions.
# Added by migration 0009.


class ImageAnnotation(Base):
    """The working copy's annotations of one dataset image: ONE JSON document per image, with a version.

    One document (not a row per instance) because the editor loads and saves an image as a whole and
    the optimistic lock guards the image as a whole: a save is one conditional
    `UPDATE ... WHERE version = :expected`, atomic on SQLite and PostgreSQL alike, and the ETag is the
    version. A row exists once the image was opened, saved or pre-labelled; before that the image's
    YOLO-seg label file is its state (read lazily on first access).
    """

    __tablename__ = "image_annotations"
    __table_args__ = (
        UniqueConstraint("dataset_id", "split", "file_name", name="uq_image_annotations_image"),
    )

    id: Mapped[str] = _id_column()
    dataset_id: Mapped[str] = mapped_column(
        ID, ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    split: Mapped[str] = mapped_column(String(10), nullable=False)
    file_name: Mapped[str] = mapped_column(String(255), nullable=False)
    width: Mapped[int] = mapped_column(Integer, nullable=False)
    height: Mapped[int] = mapped_column(Integer, nullable=False)
    # [{"id", "class_id", "polygon": [[x, y], ...] | None, "rle": {size, counts} | None, "source",
    #   "score", "reviewed", "model_id"}] in image pixels
    instances: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    reviewed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Review queue order: the lowest predicted score, and 1 - mask IoU of two models' predictions
    min_score: Mapped[float | None] = mapped_column(Float)
    disagreement: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # optimistic lock, ETag
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utc_now, onupdate=utc_now, nullable=False
    )


class DatasetVersion(Base):
    """An immutable snapshot of a dataset: its manifest (image -> object hash, split, instances) is a
    content-addressed object under <data dir>/objects, like the images it names."""

    __tablename__ = "dataset_versions"
    __table_args__ = (UniqueConstraint("dataset_id", "number", name="uq_dataset_versions_number"),)

    id: Mapped[str] = _id_column()
    dataset_id: Mapped[str] = mapped_column(
        ID, ForeignKey("datasets.id", ondelete="CASCADE"), nullable=False, index=True
    )
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    message: Mapped[str] = mapped_column(Text, nullable=False, default="")
    manifest_sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    class_names: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    image_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    instance_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)  # per split/class
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)  # vs the previous
    created_at: Mapped[datetime] = _created()
