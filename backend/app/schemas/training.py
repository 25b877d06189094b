"""API shapes of the training area (/api/v1/training, /ws/training/{session_id})."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.families.config import TrainingConfig

SessionStatus = Literal["queued", "running", "completed", "failed", "stopped", "interrupted", "cancelled"]
EventType = Literal[
    "training_state",
    "training_progress",
    "training_metrics",
    "training_log",
    "checkpoint_saved",
    "training_complete",
    "error",
]


class TrainingSessionCreate(TrainingConfig):
    """A new training run: the configuration plus what to train on."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    dataset_id: str = Field(min_length=1, max_length=32, description="A ready dataset")
    name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Display name; default '<arch> on <dataset>'"
    )
    dataset_version_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=32,
        description="Train on this immutable version of the dataset; null: its working copy as it is now",
    )

    def training_config(self) -> TrainingConfig:
        return TrainingConfig.model_validate(
            self.model_dump(exclude={"dataset_id", "name", "dataset_version_id"})
        )


class TrainingSessionSummary(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    id: str
    name: str
    status: SessionStatus
    dataset_id: str | None
    dataset_name: str | None = None
    dataset_version_id: str | None = Field(default=None, description="The dataset version it trains on")
    dataset_version_number: int | None = None
    framework: str
    model_arch: str
    current_epoch: int = Field(description="Epochs finished")
    total_epochs: int
    progress: float = Field(description="0..1, batch-level")
    best_metric: float | None = Field(description="Mask mAP50-95 of the best epoch")
    best_epoch: int | None
    metric_name: str = "mask_map50_95"
    error: str | None
    resume_count: int
    queue_position: int | None = Field(default=None, description="1 = next to start (queued only)")
    resumable: bool = Field(description="POST .../resume is allowed now")
    image_size: int | None = None
    batch_size: int | None = None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class TrainingSessionDetail(TrainingSessionSummary):
    config: TrainingConfig
    job_id: str | None = Field(default=None, description="The runner's job of the latest attempt")
    stop_requested: bool = False
    model_id: str | None = Field(default=None, description="Registered model (completed runs)")
    latest_metrics: dict[str, float] | None = None
    estimated_time_remaining: float | None = Field(
        default=None, description="Seconds, from the last progress"
    )


class DeleteResponse(BaseModel):
    success: bool
    freed_bytes: int = 0


class EpochMetricOut(BaseModel):
    epoch: int
    metrics: dict[str, float]
    created_at: datetime


class TrainingMetricsResponse(BaseModel):
    session_id: str
    metric_keys: list[str] = Field(description="Keys present, in display/CSV order")
    best_epoch: int | None
    epochs: list[EpochMetricOut]


class LogLine(BaseModel):
    id: int
    timestamp: datetime
    level: str
    message: str


class LogsResponse(BaseModel):
    session_id: str
    lines: list[LogLine]


class TrainingEventOut(BaseModel):
    """One stored event; the WebSocket sends exactly this shape (see the WS docs in the report)."""

    id: int
    type: EventType
    session_id: str
    timestamp: datetime
    data: dict[str, Any]


class EventsResponse(BaseModel):
    session_id: str
    status: SessionStatus
    events: list[TrainingEventOut]
    last_event_id: int


class CheckpointOut(BaseModel):
    id: str
    session_id: str
    epoch: int
    metrics: dict[str, float]
    is_best: bool
    size_bytes: int
    path: str = Field(description="Relative to the data directory")
    exists: bool
    created_at: datetime


class CompareEntry(BaseModel):
    session: TrainingSessionSummary
    epochs: list[EpochMetricOut]


class CompareResponse(BaseModel):
    metric_keys: list[str]
    sessions: list[CompareEntry]


class ArchitectureOut(BaseModel):
    name: str
    family: str = Field(description="The series within its model family (e.g. yolov8)")
    family_label: str
    size: str
    size_label: str
    framework: str = Field(description="The model family that trains it (a `families[].name`)")
    task: str
    parameters: int
    gflops: float
    layers: int
    official_weights_available: bool = Field(
        description="Official weights are where its family looks for them (`families[].weights_location`)"
    )
    image_multiple: int = Field(default=32, description="The training image size must be a multiple of this")
    default_image_size: int = Field(default=640, description="The architecture's usual training size")
    weights_file: str = Field(default="", description="File name of the official pretrained weights")


class FieldLimitOut(BaseModel):
    """A family's limits on a TrainingConfig field, narrower than the field's own."""

    minimum: float | None = None
    maximum: float | None = None
    multiple_of: int | None = None


class StarterWeightsOut(BaseModel):
    reference: str = Field(description="The `weights` value that selects them")
    label: str
    architecture: str = Field(description="The one architecture they fit")
    available: bool
    image_size: int = Field(description="The image size they were trained at")


class FamilyOut(BaseModel):
    """A model family (training library): what the forms and dialogs need to know about it."""

    name: str = Field(description="Stored in sessions' and models' `framework`")
    label: str
    description: str = Field(description="One line for the architecture picker")
    version: str | None = Field(description="Installed library version; None when not installed")
    weights_suffixes: list[str] = Field(description="Starting-weights files it accepts, preferred first")
    weights_location: str = Field(description="Where its official weights are looked for")
    official_weights: Literal["download", "cache_or_scratch"] = Field(
        description="Offline without official weights: refuse (download) or train from scratch"
    )
    own_weights_help: str = Field(description="Hint under 'your own weights'")
    official_missing_notice: str = Field(description="What happens when official weights are missing offline")
    fields: list[str] = Field(description="TrainingConfig fields it uses (others are ignored)")
    field_limits: dict[str, FieldLimitOut] = Field(description="Limits beyond TrainingConfig's own")
    defaults: dict[str, Any] = Field(description="Values that differ from TrainingConfig's defaults")
    multi_gpu: bool = Field(default=True, description="One training may use several GPUs")
    augmentation_note: str | None = Field(description="Shown under the augmentation levels")
    export_formats: list[str] = Field(description="Export format names it supports")
    export_options: dict[str, dict[str, bool]] = Field(
        description="Per format: which export options apply (dynamic, simplify, opset, half, fixed_size)"
    )
    model_file: str = Field(description="A registered model's weights file")
    importable_suffixes: list[str] = Field(
        default_factory=list, description="Weights files a user may import as a model (empty: none)"
    )
    evaluates: bool = Field(default=False, description="Its models can be evaluated on a dataset split")
    resume_file: str = Field(description="What a stopped run resumes from")
    checkpoint_note: str = Field(description="What checkpoints a run keeps")
    starter_weights: StarterWeightsOut | None = Field(
        default=None, description="Starting weights shipped with the app, usable offline (None: none)"
    )


class RunEstimateOut(BaseModel):
    """How long a run would take on this server."""

    seconds: float
    epoch_seconds: float
    throughput_gflops: float = Field(description="Effective training GFLOP/s used for the estimate")
    basis: str = Field(description="Where the throughput comes from (past epochs here, or a probe)")
    warning: str | None = Field(default=None, description="Set when the run would take over an hour")


class RecommendedRun(BaseModel):
    """The run that suits this server (and the dataset, when one is given), and why."""

    reason: str = Field(description="E.g. 'CPU only, offline: starter crack model: yolov8n-seg at 320 px'")
    values: dict[str, Any] = Field(description="The configuration fields the recommendation sets")
    estimate: RunEstimateOut


class RunEstimateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    dataset_id: str | None = Field(default=None, min_length=1, max_length=32)
    model_arch: str = Field(min_length=1, max_length=64)
    image_size: int = Field(ge=32, le=2048)
    epochs: int = Field(ge=1, le=1000)
    device: str = Field(default="auto", max_length=50)


class ArchitecturesResponse(BaseModel):
    model_config = ConfigDict(protected_namespaces=())

    reference_classes: int = Field(description="Parameters/GFLOPs are for this many classes")
    reference_image_size: int
    ultralytics_version: str = Field(deprecated=True, description="Kept for old clients: see `families`")
    rfdetr_version: str | None = Field(
        default=None, deprecated=True, description="Kept for old clients: see `families`"
    )
    items: list[ArchitectureOut]
    families: list[FamilyOut] = Field(default_factory=list, description="The model families, in order")


class TrainingDefaults(BaseModel):
    config: TrainingConfig
    augmentation_presets: dict[str, dict[str, float]]
    gpu_count: int
    devices: list[str] = Field(description="Valid device choices on this machine")
    online: bool = Field(
        description="Official weights can be downloaded (else they must be where their family looks)"
    )
    official_weights_dir: str = Field(
        description="The first family's official weights folder, relative to the data directory"
    )
    primary_metric: str
    rfdetr_weights_dir: str = Field(
        default="", deprecated=True, description="Kept for old clients: see `families[].weights_location`"
    )
    framework_defaults: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per framework: values that differ from `config` (image_size: see each architecture)",
    )
    framework_fields: dict[str, list[str]] = Field(
        default_factory=dict, description="Per framework: the configuration fields it uses (others: ignored)"
    )
    families: list[FamilyOut] = Field(default_factory=list, description="The model families, in order")
    recommended: RecommendedRun | None = Field(
        default=None, description="Why `config` is what it is on this server, and how long it would take"
    )
