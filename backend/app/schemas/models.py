"""API shapes of the models area (/api/v1/models): registry, import, evaluation, export, comparison."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.core.export.formats import ExportFormatName

ModelSource = Literal["trained", "imported"]
JobState = Literal["queued", "running", "completed", "failed", "stopped", "cancelled", "interrupted"]
SplitName = Literal["train", "val", "test"]

MAX_TAGS = 20
MAX_TAG_LENGTH = 40
TAG_PATTERN = re.compile(r"^[\w][\w .:+#/-]*$")
MAX_COMPARE = 10


class _Out(BaseModel):
    model_config = ConfigDict(protected_namespaces=())


class ModelSummary(_Out):
    id: str
    name: str
    source: str = Field(description="trained | imported")
    framework: str = Field(description="Its model family (`families[].name` of /training/architectures)")
    family: str | None = Field(description="Architecture family, e.g. yolov8, yolo11")
    model_arch: str | None = Field(description="e.g. yolov8n-seg")
    scale: str | None = Field(description="Size letter of the family: n, s, m, l, x (c/e for YOLOv9)")
    task: str = Field(description="segment | detect")
    class_names: list[str]
    num_classes: int
    image_size: int | None = Field(description="Training image size (pixels)")
    dataset_id: str | None
    dataset_name: str | None = None
    dataset_version_id: str | None = Field(default=None, description="The dataset version it was trained on")
    dataset_version_number: int | None = None
    session_id: str | None = Field(description="The training run that produced it (trained models)")
    session_name: str | None = None
    metrics: dict[str, float] = Field(description="box_/mask_ precision, recall, map50, map50_95")
    primary_metric: float | None = Field(description="mask mAP50-95, else box mAP50-95")
    size_bytes: int = Field(description="Weights file size")
    tags: list[str]
    export_count: int = 0
    evaluation_count: int = 0
    created_at: datetime


class ModelList(BaseModel):
    items: list[ModelSummary]
    total: int
    offset: int
    limit: int


class DatasetLineage(BaseModel):
    id: str
    name: str
    status: str
    class_names: list[str]


class SessionLineage(_Out):
    id: str
    name: str
    status: str
    model_arch: str
    total_epochs: int
    best_epoch: int | None
    best_metric: float | None
    created_at: datetime
    finished_at: datetime | None
    config: dict[str, Any] = Field(description="Training settings (scalar values of the session config)")


class ExportOut(_Out):
    id: str
    model_id: str
    format: str
    options: dict[str, Any]
    status: JobState
    progress: float = Field(description="0..1, from its job")
    message: str | None = None
    error: str | None = None
    job_id: str | None
    file_name: str | None = Field(description="The exported file or folder (folders download as a zip)")
    is_directory: bool
    size_bytes: int
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None = Field(description="Set once completed")


class EvaluationOut(_Out):
    id: str
    model_id: str
    dataset_id: str | None
    dataset_name: str
    split: str
    params: dict[str, Any] = Field(description="imgsz, conf, iou")
    metrics: dict[str, float]
    per_class: list[dict[str, Any]]
    status: JobState
    progress: float
    message: str | None = None
    error: str | None = None
    job_id: str | None
    created_at: datetime
    finished_at: datetime | None


class ModelDetail(ModelSummary):
    file_name: str = Field(description="Weights file name (download: GET /models/{id}/download)")
    dataset: DatasetLineage | None
    session: SessionLineage | None
    exports: list[ExportOut]
    evaluations: list[EvaluationOut]
    in_use: str | None = Field(description="Why it cannot be deleted now (a job uses it), else null")


def _clean_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for raw in tags:
        tag = " ".join(raw.split())
        if not tag or len(tag) > MAX_TAG_LENGTH:
            raise ValueError(f"each tag must be 1-{MAX_TAG_LENGTH} characters")
        if not TAG_PATTERN.match(tag):
            raise ValueError(f"tag {tag!r}: use letters, digits, spaces and . : + # / - _")
        if tag.lower() not in (t.lower() for t in out):
            out.append(tag)
    return out


class ModelUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    tags: list[Annotated[str, Field(max_length=200)]] | None = Field(
        default=None,
        max_length=MAX_TAGS,
        description=f"At most {MAX_TAGS}, each 1-{MAX_TAG_LENGTH} characters",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        if not value:
            raise ValueError("the name cannot be blank")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_tags(value)


class ModelDeleted(BaseModel):
    id: str
    deleted: bool
    freed_bytes: int


class ModelImportJob(BaseModel):
    job_id: str
    status: JobState
    progress: float
    message: str | None
    error: str | None = Field(description="Why the file was refused (the file is then removed)")
    file_name: str | None
    size_bytes: int | None
    model_id: str | None = Field(description="The registered model, once completed")
    created_at: datetime
    finished_at: datetime | None


class EvaluateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(min_length=1, max_length=64)
    split: SplitName = "val"
    imgsz: int | None = Field(default=None, ge=32, le=2048, description="Default: the model's image size")
    conf: float = Field(default=0.001, gt=0, le=1, description="Confidence threshold (mAP wants it low)")
    iou: float = Field(default=0.7, gt=0, le=1, description="NMS IoU threshold")

    @field_validator("imgsz")
    @classmethod
    def _stride(cls, value: int | None) -> int | None:
        if value is not None and value % 32:
            raise ValueError("imgsz must be a multiple of 32")
        return value


class ExportRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: ExportFormatName = Field(description="GET /models/export-formats lists them")
    imgsz: int | None = Field(default=None, ge=32, le=2048, description="Default: the model's image size")
    half: bool = Field(default=False, description="FP16 weights")
    dynamic: bool = Field(default=False, description="Dynamic input shapes (formats that support it)")
    simplify: bool = Field(default=True, description="Simplify the ONNX graph (onnx, engine, mnn)")
    opset: int | None = Field(default=None, ge=9, le=23, description="ONNX opset (onnx, engine, mnn)")

    @field_validator("imgsz")
    @classmethod
    def _stride(cls, value: int | None) -> int | None:
        if value is not None and value % 32:
            raise ValueError("imgsz must be a multiple of 32")
        return value


class ExportFormatOptions(BaseModel):
    dynamic: bool
    simplify: bool
    opset: bool
    half: bool = Field(description="FP16 export possible on this machine")


class ExportFormatInfo(BaseModel):
    name: str = Field(description="The `format` to send")
    title: str
    description: str
    available: bool
    reason: str | None = Field(description="Why it cannot be produced here")
    half_reason: str | None = Field(description="Why FP16 is not possible here")
    options: ExportFormatOptions
    is_directory: bool = Field(description="The export is a folder (downloaded as a zip)")
    runs_in_app: bool = Field(description="Prediction in this app can load it")
    extra: str | None = Field(description="The crackdet extra that installs its packages")
    notes: list[str]
    frameworks: list[str] = Field(
        default_factory=lambda: ["ultralytics"], description="Model frameworks that can be exported to it"
    )
    framework_options: dict[str, ExportFormatOptions] = Field(
        default_factory=dict,
        description="Options per framework where they differ from `options` (its own exporter's)",
    )


class ExportFormatList(BaseModel):
    formats: list[ExportFormatInfo]
    gpu_count: int


class ComparisonEntry(BaseModel):
    model_id: str
    evaluation_id: str
    metrics: dict[str, float]
    created_at: datetime


class ComparisonGroup(BaseModel):
    dataset_id: str | None
    dataset_name: str
    split: str
    results: list[ComparisonEntry] = Field(description="Latest completed evaluation per model")


class ModelComparison(BaseModel):
    models: list[ModelSummary]
    metric_keys: list[str] = Field(description="Metric names present, in display order")
    evaluations: list[ComparisonGroup] = Field(
        description="Dataset splits on which two or more of the models were evaluated"
    )
