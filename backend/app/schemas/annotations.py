"""API shapes of dataset curation: an image's editable annotations, the review queue, and predictions
taken into a dataset as pre-labels.

Coordinates are image pixels (continuous: pixel (i, j) covers [i, i + 1) x [j, j + 1)), so a point lies
in [0, width] x [0, height]. A mask is a polygon, a COCO compressed RLE ({size: [height, width],
counts}), or both (a prediction's outline and its exact mask); at least one is required.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from app.schemas.datasets import SplitName

InstanceSource = Literal["imported", "drawn", "predicted"]

MAX_POLYGON_POINTS = 10_000
MAX_INSTANCES = 1_000
MAX_RLE_CHARS = 2_000_000
MAX_PREDICTION_IDS = 1_000

FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
Point = tuple[FiniteFloat, FiniteFloat]


class AnnotationRle(BaseModel):
    size: list[int] = Field(min_length=2, max_length=2, description="[height, width] of the image")
    counts: str = Field(max_length=MAX_RLE_CHARS, description="COCO compressed RLE string (column-major)")


class AnnotationInstance(BaseModel):
    id: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="Stable id of the instance; the server gives one to a new instance (id null)",
    )
    class_id: int = Field(ge=0, le=999, description="Index into the dataset's class_names")
    polygon: list[Point] | None = Field(
        default=None,
        max_length=MAX_POLYGON_POINTS,
        description=f"Outline in image pixels, [[x, y], ...]: 3 to {MAX_POLYGON_POINTS} points",
    )
    rle: AnnotationRle | None = Field(default=None, description="The mask as COCO RLE (brush strokes)")
    source: InstanceSource = "drawn"
    score: float | None = Field(default=None, ge=0.0, le=1.0, description="A prediction's confidence")
    reviewed: bool = False
    model_id: str | None = Field(default=None, max_length=32, description="The model that predicted it")


class ImageAnnotations(BaseModel):
    """GET/PUT .../images/{image_id}/annotations; `etag` is also the ETag header (send it as If-Match)."""

    image_id: str
    dataset_id: str
    split: SplitName
    file_name: str
    width: int
    height: int
    etag: str
    version: int = Field(description="Increases by one with every save")
    instances: list[AnnotationInstance]
    reviewed: bool = Field(description="The image as a whole was accepted by a person")
    class_names: list[str]


class AnnotationsUpdate(BaseModel):
    instances: list[AnnotationInstance] = Field(max_length=MAX_INSTANCES)
    reviewed: bool = True


class AnnotationConflict(BaseModel):
    """409 body of a stale If-Match: the state that was saved in between."""

    detail: str
    current: ImageAnnotations


class ReviewItem(BaseModel):
    image_id: str
    split: SplitName
    file_name: str
    reviewed: bool
    instance_count: int
    min_score: float | None = Field(description="Lowest score among its predicted instances")
    disagreement: float | None = Field(
        description="1 - mask IoU between two models' predictions of this image, when two predicted it"
    )
    confidence: float | None = Field(description="min(min_score, 1 - disagreement): the queue's order")
    thumbnail_url: str


class ReviewQueue(BaseModel):
    """Unreviewed images first, least confident first; then the reviewed ones."""

    dataset_id: str
    items: list[ReviewItem]
    total: int = Field(description="Images in the dataset")
    unreviewed: int
    reviewed: int
    limit: int


class PredictionsToDataset(BaseModel):
    """POST /datasets/from-predictions: give prediction_ids or batch_id, and dataset_id or new_name."""

    prediction_ids: list[str] | None = Field(
        default=None, min_length=1, max_length=MAX_PREDICTION_IDS, description="Saved predictions"
    )
    batch_id: str | None = Field(default=None, max_length=64, description="Every prediction of a batch")
    confidence: float = Field(
        default=0.25, ge=0.0, le=1.0, description="Instances with a lower score are left out"
    )
    dataset_id: str | None = Field(default=None, max_length=64, description="An existing dataset")
    new_name: str | None = Field(
        default=None, min_length=1, max_length=200, description="Name of a new dataset"
    )
    split: SplitName = "train"


class PredictionsToDatasetResult(BaseModel):
    dataset_id: str
    created: bool = Field(description="A new dataset was made")
    images_added: int
    images_merged: int = Field(description="Images already there (same bytes): predictions were merged in")
    instances_added: int
    image_ids: list[str]
