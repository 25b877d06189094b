"""Prediction API shapes.

How the confidence and IoU sliders work without re-running the model: a prediction returns EVERY
instance the model found down to `score_floor` (the lower of the request's `conf` and the server's
floor, default 0.05), after the model's own NMS at `candidate_iou` (the higher of the request's `iou`
and the server's candidate IoU, default 0.7). Each instance carries its score, box and mask, and
`selected` says whether the request's conf/iou keep it. To re-filter client-side with other values,
keep instances with score >= conf, then per class run greedy NMS on the boxes in descending score
order, dropping an instance whose box IoU with an already kept one is > iou (app/core/prediction/
filtering.py is the reference). The summary covers the selected instances; recompute it from the
kept instances' measurements (sums and maxima) when filtering differently.

Coordinates are image pixels of the image as displayed (EXIF orientation applied), continuous: pixel
(i, j) covers [i, i + 1) x [j, j + 1). Boxes are [x1, y1, x2, y2]; polygons and skeleton polylines are
flat [x0, y0, x1, y1, ...] lists; masks are COCO compressed RLE ({size: [height, width], counts}).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

BackendChoice = Literal["auto", "pytorch", "onnx", "openvino"]
ExportFormatName = Literal["json", "csv", "coco", "images"]
SeverityName = Literal["narrow", "moderate", "wide"]
MAX_EXPORT_IDS = 1000


class PredictParams(BaseModel):
    """Prediction parameters (multipart form fields, or the `params` object of /predict/url)."""

    model_id: str = Field(min_length=1, max_length=32, description="The model to run (GET /api/v1/models)")
    conf: float = Field(default=0.25, ge=0.0, le=1.0, description="Confidence threshold for `selected`")
    iou: float = Field(default=0.45, ge=0.0, le=1.0, description="NMS IoU threshold for `selected`")
    imgsz: int | None = Field(
        default=None, ge=32, le=4096, description="Inference size; default: the model's (tiles: tile_size)"
    )
    tiling: bool = Field(default=False, description="Split large images into overlapping tiles")
    tile_size: int = Field(default=640, ge=128, le=4096, description="Tile side in pixels")
    overlap: float = Field(default=0.2, ge=0.0, le=0.5, description="Tile overlap as a fraction of the tile")
    mm_per_px: float | None = Field(
        default=None, gt=0.0, le=1000.0, description="Scale: millimetres per pixel (enables mm and severity)"
    )
    backend: BackendChoice = Field(
        default="auto",
        description="auto: an ONNX (then OpenVINO) export of the model when one exists and no GPU; "
        "else the model file",
    )
    narrow_max_mm: float | None = Field(
        default=None, gt=0.0, le=1000.0, description="Severity: widths below this are narrow (default 1.6)"
    )
    moderate_max_mm: float | None = Field(
        default=None, gt=0.0, le=1000.0, description="Severity: widths up to this are moderate (default 3.2)"
    )

    @model_validator(mode="after")
    def _bands_increase(self) -> PredictParams:
        narrow, moderate = self.narrow_max_mm, self.moderate_max_mm
        if narrow is not None and moderate is not None and moderate <= narrow:
            raise ValueError("moderate_max_mm must be greater than narrow_max_mm")
        return self


class RleMask(BaseModel):
    size: list[int] = Field(description="[height, width]")
    counts: str = Field(description="COCO compressed RLE string (column-major)")


class CrackMeasurements(BaseModel):
    area_px: int
    length_px: float = Field(description="Centre-line length")
    width_max_px: float
    width_mean_px: float
    width_p95_px: float
    orientation_deg: float | None = Field(
        description="Principal direction, 0 = horizontal, 90 = vertical, counter-clockwise on screen"
    )
    bbox: list[int] = Field(description="[x, y, width, height] of the mask")
    area_mm2: float | None = None
    length_mm: float | None = None
    width_max_mm: float | None = None
    width_mean_mm: float | None = None
    width_p95_mm: float | None = None
    severity: SeverityName | None = Field(default=None, description="From the width the server judges by")


class PredictedInstance(BaseModel):
    id: int
    class_id: int
    class_name: str
    score: float
    box: list[float] = Field(description="[x1, y1, x2, y2]")
    polygons: list[list[float]] = Field(description="Outlines of the mask's parts, flat x, y lists")
    rle: RleMask | None = Field(description="The mask; null for detection-only models")
    area_px: int
    parts: int = Field(description="Tile detections merged into this instance (1 without tiling)")
    selected: bool = Field(description="Kept by the request's conf and iou")
    measurements: CrackMeasurements | None
    skeleton: list[list[float]] = Field(description="Centre-line polylines, flat x, y lists")


class ImageSummary(BaseModel):
    count: int
    total_length_px: float
    total_area_px: int
    max_width_px: float
    total_length_mm: float | None = None
    total_area_mm2: float | None = None
    max_width_mm: float | None = None
    worst_severity: SeverityName | None = None


class SeverityBandsOut(BaseModel):
    narrow_max_mm: float
    moderate_max_mm: float
    width: Literal["p95", "max"]


class PredictionSummary(BaseModel):
    """A history row."""

    id: str
    created_at: datetime
    model_id: str | None
    model_name: str | None
    image_name: str
    source: Literal["upload", "url"]
    batch_id: str | None
    width: int
    height: int
    instance_count: int = Field(description="Selected instances")
    summary: ImageSummary
    image_url: str
    annotated_url: str


class PredictionResult(PredictionSummary):
    source_url: str | None
    params: PredictParams
    backend: str
    imgsz: int | None
    tiles: int
    score_floor: float
    candidate_iou: float
    severity_bands: SeverityBandsOut
    class_names: list[str]
    orientation: int = Field(description="EXIF orientation that was applied (1 = none)")
    instances: list[PredictedInstance]
    timings_ms: dict[str, float]


class PredictionPage(BaseModel):
    items: list[PredictionSummary]
    total: int
    offset: int
    limit: int


class UrlPredictRequest(BaseModel):
    url: str = Field(min_length=1, max_length=2048, description="http(s) URL of an image")
    params: PredictParams


class BatchFailure(BaseModel):
    image_name: str
    error: str


class BatchResponse(BaseModel):
    """POST /predict/batch: small batches are answered at once, larger ones run as a job."""

    batch_id: str
    mode: Literal["sync", "job"]
    job_id: str | None = None
    total: int
    predictions: list[PredictionResult] = Field(default_factory=list, description="sync mode only")
    failures: list[BatchFailure] = Field(default_factory=list)
    status_url: str


class BatchStatus(BaseModel):
    batch_id: str
    status: Literal["queued", "running", "completed", "failed", "stopped", "cancelled", "interrupted"]
    progress: float
    message: str | None = None
    error: str | None = None
    total: int
    done: int
    failures: list[BatchFailure]
    predictions: list[PredictionSummary]


class PredictionExportRequest(BaseModel):
    prediction_ids: list[Annotated[str, Field(max_length=64)]] | None = Field(
        default=None, max_length=MAX_EXPORT_IDS
    )
    batch_id: str | None = Field(default=None, max_length=32)
    format: ExportFormatName
    selected_only: bool = Field(default=True, description="Only instances kept by conf/iou")
    conf: float | None = Field(default=None, ge=0.0, le=1.0, description="Re-filter: default each request's")
    iou: float | None = Field(default=None, ge=0.0, le=1.0, description="Re-filter: default each request's")

    @model_validator(mode="after")
    def _one_source(self) -> PredictionExportRequest:
        if bool(self.prediction_ids) == bool(self.batch_id):
            raise ValueError("give either prediction_ids or batch_id")
        return self


class PredictionExportFormat(BaseModel):
    id: ExportFormatName
    name: str
    description: str
    media_type: str
    extension: str


class ExportFormats(BaseModel):
    formats: list[PredictionExportFormat]


class PredictionDeleted(BaseModel):
    id: str
    deleted: bool = True
