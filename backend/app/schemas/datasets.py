"""API schemas of the datasets area (the front end's TypeScript types are generated from these)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic.json_schema import JsonDict

from app.schemas.common import DatasetStatusValue, JobStatusValue

DatasetSource = Literal["upload", "roboflow", "demo", "derived"]
DatasetFormat = Literal["yolo-seg", "coco"]
SplitName = Literal["train", "val", "test"]
ValidationStatus = Literal["passed", "warnings", "errors"]
IssueSeverity = Literal["error", "warning"]
RoboflowExportFormat = Literal["yolov8", "yolov9", "yolov11", "yolov12", "coco-segmentation", "coco"]

SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}$"
API_KEY_MAX_LENGTH = 200
# Documents what `_check_api_key` accepts (it also strips surrounding spaces).
API_KEY_SCHEMA: JsonDict = {"minLength": 4, "maxLength": API_KEY_MAX_LENGTH, "pattern": r"^[A-Za-z0-9_-]+$"}


def _check_api_key(value: SecretStr | None) -> SecretStr | None:
    if value is None:
        return None
    secret = value.get_secret_value().strip()
    # Never echo the value in the error.
    if not 4 <= len(secret) <= API_KEY_MAX_LENGTH or not all(ch.isalnum() or ch in "-_" for ch in secret):
        raise ValueError("must be 4 to 200 letters, digits, '-' or '_'")
    return SecretStr(secret)


# --------------------------------------------------------------------------------------------------
# Validation report and statistics
# --------------------------------------------------------------------------------------------------


class ValidationIssue(BaseModel):
    code: str = Field(description="Rule id, e.g. corrupt_image, coordinate_out_of_range, duplicate_image")
    severity: IssueSeverity
    message: str
    split: str | None = Field(default=None, description="The split it concerns; null for dataset-wide")
    count: int = Field(description="How many files/lines/images it concerns")
    examples: list[str] = Field(description="Up to 10 examples: `split/file` or `split/file.txt:line`")


class ImageSizeCount(BaseModel):
    width: int
    height: int
    count: int


class ImageSizeStats(BaseModel):
    min_width: int
    min_height: int
    max_width: int
    max_height: int
    common: list[ImageSizeCount] = Field(description="Most common sizes, most frequent first (up to 5)")


class ClassCount(BaseModel):
    class_id: int
    name: str
    instances: int = Field(description="Annotated polygons of this class")
    images: int = Field(description="Images holding at least one polygon of this class")


class SplitStats(BaseModel):
    split: str = Field(description="train | val | test, or `all` for the totals")
    images: int
    labelled_images: int = Field(description="Images with a label file (possibly empty)")
    background_images: int = Field(description="Images without any polygon (empty or missing label file)")
    unlabelled_images: int = Field(description="Images without a label file")
    instances: int
    classes: list[ClassCount]
    image_sizes: ImageSizeStats | None
    size_bytes: int = Field(description="Bytes of the split's image files")


class ValidationReport(BaseModel):
    status: ValidationStatus
    valid: bool = Field(description="True when there is no error (warnings allowed)")
    error_count: int
    warning_count: int
    issues: list[ValidationIssue] = Field(description="Errors first, then warnings")
    class_names: list[str]
    splits: list[SplitStats]
    totals: SplitStats | None
    checked_at: datetime
    duration_s: float


class DatasetStats(BaseModel):
    dataset_id: str
    class_names: list[str]
    image_count: int
    instance_count: int
    size_bytes: int = Field(description="Disk size of the dataset folder")
    splits: list[SplitStats]
    totals: SplitStats | None
    validation_status: ValidationStatus | None


# --------------------------------------------------------------------------------------------------
# Datasets
# --------------------------------------------------------------------------------------------------


class SplitSummary(BaseModel):
    images: int
    instances: int


class Dataset(BaseModel):
    """A dataset as listed; `status` moves queued -> downloading/extracting/processing -> validating ->
    ready (or failed, with `error`)."""

    id: str
    name: str
    source: DatasetSource
    source_ref: str | None = Field(description="roboflow:ws/project/version/format, derived:..., demo:...")
    source_info: dict[str, str | int | float | bool | None] | None = Field(
        description="Source details: Roboflow workspace/project/version/format, upload file name, "
        "CLAHE parameters"
    )
    format: DatasetFormat | None = Field(description="Format it was imported from (stored as YOLO-seg)")
    status: DatasetStatusValue
    progress: float = Field(ge=0, le=1)
    message: str | None = Field(description="What the import is doing now")
    error: str | None = Field(description="Why it failed (status failed)")
    class_names: list[str]
    splits: dict[str, SplitSummary]
    image_count: int
    instance_count: int
    size_bytes: int
    validation_status: ValidationStatus | None = Field(description="null until validated")
    error_count: int | None = Field(description="Errors in the validation report; null until validated")
    warning_count: int | None = Field(description="Warnings in the validation report; null until validated")
    parent_id: str | None = Field(description="The dataset this one was derived from (enhancement)")
    job_id: str | None = Field(description="The background job of the import or enhancement")
    created_at: datetime = Field(description="UTC")
    updated_at: datetime = Field(description="UTC")


class DatasetDetail(Dataset):
    validation: ValidationReport | None


class DatasetList(BaseModel):
    items: list[Dataset]
    total: int
    used_bytes: int = Field(description="Disk space the datasets use (counted against the quota)")
    quota_bytes: int
    max_upload_bytes: int = Field(description="Largest zip upload accepted (CRACKDET_MAX_UPLOAD_BYTES)")


class DatasetDeleted(BaseModel):
    id: str
    freed_bytes: int
    detached_training_sessions: int = Field(
        description="Training sessions (finished ones, force=true) whose dataset link was cleared"
    )


class DatasetJob(BaseModel):
    """The background job of an import/enhancement; keeps the reason when a failed upload left no dataset."""

    id: str
    kind: str
    status: JobStatusValue
    progress: float
    message: str | None
    error: str | None
    dataset_id: str | None
    dataset_exists: bool
    created_at: datetime
    finished_at: datetime | None


# --------------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------------


class RoboflowImportRequest(BaseModel):
    workspace: str = Field(pattern=SLUG_PATTERN, description="Workspace slug (from the Roboflow URL)")
    project: str = Field(pattern=SLUG_PATTERN, description="Project slug")
    version: int = Field(ge=1, le=1_000_000)
    format: RoboflowExportFormat = Field(default="yolov8", description="Roboflow export format")
    api_key: SecretStr | None = Field(
        default=None,
        description="Roboflow API key; when absent the stored key is used. Never returned.",
        json_schema_extra={
            "anyOf": [
                {"type": "string", "format": "password", "writeOnly": True, **API_KEY_SCHEMA},
                {"type": "null"},
            ]
        },
    )
    save_api_key: bool = Field(default=False, description="Store `api_key` as the default key")
    name: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("api_key")
    @classmethod
    def _valid_key(cls, value: SecretStr | None) -> SecretStr | None:
        return _check_api_key(value)


class EnhanceRequest(BaseModel):
    clip_limit: float = Field(default=2.0, ge=0.5, le=20.0, description="CLAHE contrast limit")
    tile_grid_size: int = Field(default=8, ge=2, le=64, description="CLAHE tiles per side")
    name: str | None = Field(default=None, min_length=1, max_length=200)


class RoboflowKeyRequest(BaseModel):
    api_key: SecretStr = Field(
        description="Roboflow API key; stored, never returned", json_schema_extra=API_KEY_SCHEMA
    )

    @field_validator("api_key")
    @classmethod
    def _valid_key(cls, value: SecretStr) -> SecretStr:
        checked = _check_api_key(value)
        assert checked is not None
        return checked


class RoboflowKeyStatus(BaseModel):
    configured: bool


# --------------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------------


class ImageAnnotation(BaseModel):
    class_id: int
    class_name: str | None
    points: list[tuple[float, float]] = Field(description="Polygon, normalised [x, y] in 0..1")
    points_px: list[tuple[float, float]] = Field(description="Polygon in pixels of the original image")


class DatasetImage(BaseModel):
    id: str = Field(description="Opaque, URL-safe image id (use it in the image URLs)")
    split: SplitName
    file_name: str
    width: int
    height: int
    size_bytes: int
    annotations: list[ImageAnnotation]
    label_problems: list[str] = Field(description="Label lines that were skipped (see the validation report)")
    thumbnail_url: str
    file_url: str


class DatasetImagePage(BaseModel):
    items: list[DatasetImage]
    total: int
    offset: int
    limit: int
    split: SplitName | None
