"""API shapes of dataset versions (immutable snapshots of a dataset's working copy) and split editing."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.schemas.datasets import SplitName

VersionDownloadFormat = Literal["yolo-seg", "coco"]
MAX_SPLIT_IMAGE_IDS = 10_000


class VersionCreate(BaseModel):
    message: str = Field(default="", max_length=2000, description="What changed, in the user's words")


class SplitCount(BaseModel):
    images: int
    instances: int


class ClassCount(BaseModel):
    class_id: int
    name: str
    images: int
    instances: int
    per_split: dict[str, int] = Field(description="Instances of this class per split")


class VersionCounts(BaseModel):
    images: int
    instances: int
    splits: dict[str, SplitCount]
    classes: list[ClassCount]


class VersionChanges(BaseModel):
    """What changed since the previous version (everything is `added` for the first one)."""

    previous_version_id: str | None
    previous_number: int | None
    images_added: int
    images_removed: int
    images_changed: int = Field(description="Same image (split and name) with other bytes or instances")
    images_moved: int = Field(description="Same bytes and name in another split")
    instances_added: int
    instances_removed: int


class DatasetVersionOut(BaseModel):
    id: str
    dataset_id: str
    number: int
    message: str
    created_at: datetime
    class_names: list[str]
    size_bytes: int = Field(description="Bytes of the images it names (stored once across versions)")
    counts: VersionCounts
    changes: VersionChanges
    models: list[str] = Field(description="Names of the models trained on it (it cannot be deleted then)")


class VersionList(BaseModel):
    items: list[DatasetVersionOut]
    total: int


class VersionDeleted(BaseModel):
    id: str
    removed_objects: int = Field(description="Stored files no other version needed any more")


class SplitAssignment(BaseModel):
    image_ids: list[str] = Field(min_length=1, max_length=MAX_SPLIT_IMAGE_IDS)
    split: SplitName


class MovedImage(BaseModel):
    old_id: str
    new_id: str


class SplitAssignmentResult(BaseModel):
    dataset_id: str
    split: SplitName
    moved: list[MovedImage]
    unchanged: int = Field(description="Images already in that split")
