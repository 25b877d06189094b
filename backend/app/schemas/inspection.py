"""Inspection API shapes: structures, inspections, their images (scale, position, cracks in mm), maps,
reports and crack growth.

Scale: each image keeps every candidate the analysis found (a printed marker, the camera's EXIF with a
distance, the value typed by hand) with its uncertainty; `choice` is `auto` (marker, then EXIF, then
manual) or one source the user picked. `conflict` is true when two candidates disagree by more than 10 %:
the UI shows both and asks. Writes to an image carry its `version`; a stale one is refused with 409.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from app.schemas.prediction import PredictParams, SeverityName

StructureKind = Literal["bridge", "tunnel", "wall", "building", "dam", "tower", "other"]
ScaleSource = Literal["marker", "exif", "manual"]
ScaleChoice = Literal["auto", "marker", "exif", "manual"]
# The printed marker's family (OpenCV's aruco module); null means DICT_4X4_50.
MarkerDictionary = Literal[
    "DICT_4X4_50",
    "DICT_4X4_100",
    "DICT_4X4_250",
    "DICT_4X4_1000",
    "DICT_5X5_50",
    "DICT_5X5_100",
    "DICT_5X5_250",
    "DICT_5X5_1000",
    "DICT_6X6_50",
    "DICT_6X6_100",
    "DICT_6X6_250",
    "DICT_6X6_1000",
    "DICT_7X7_50",
    "DICT_7X7_100",
    "DICT_7X7_250",
    "DICT_7X7_1000",
    "DICT_ARUCO_ORIGINAL",
    "DICT_ARUCO_MIP_36h12",
    "DICT_APRILTAG_16h5",
    "DICT_APRILTAG_25h9",
    "DICT_APRILTAG_36h10",
    "DICT_APRILTAG_36h11",
]
TaskStatus = Literal["queued", "running", "completed", "failed", "stopped", "cancelled", "interrupted"]

MAX_IMAGES_PER_REQUEST = 200
# Sane physical ranges: a marker from 5 mm to 2 m, a scale from 1 micron to 1 m per pixel, a camera from
# 1 cm to 2 km away (drones fly up to ~500 m), ids as the app makes them.
MarkerSideMm = Annotated[float, Field(ge=5.0, le=2000.0, description="Printed marker's side in mm")]
MmPerPx = Annotated[float, Field(gt=0.001, le=1000.0, description="Millimetres per pixel")]
DistanceM = Annotated[float, Field(ge=0.01, le=2000.0, description="Camera to surface, metres")]
EntityId = Annotated[str, Field(min_length=1, max_length=32)]
Label = Annotated[str, Field(min_length=1, max_length=100)]
Notes = Annotated[str, Field(max_length=5000)]


class StructureCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: StructureKind | None = None
    notes: Notes | None = None
    marker_side_mm: MarkerSideMm | None = None
    marker_dictionary: MarkerDictionary | None = Field(default=None, description="Default DICT_4X4_50")


class StructureUpdate(BaseModel):
    """Only the fields sent change; null clears an optional one."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: StructureKind | None = None
    notes: Notes | None = None
    marker_side_mm: MarkerSideMm | None = None
    marker_dictionary: MarkerDictionary | None = None


class StructureOut(BaseModel):
    id: str
    name: str
    kind: StructureKind | None
    notes: str | None
    marker_side_mm: float | None
    marker_dictionary: MarkerDictionary | None
    created_at: datetime
    inspection_count: int
    image_count: int
    last_inspected_on: date | None
    worst_severity: SeverityName | None = Field(description="Of the latest inspection's cracks")


class InspectionCreate(BaseModel):
    inspected_on: date
    inspector: str | None = Field(default=None, max_length=200)
    notes: Notes | None = None
    marker_side_mm: MarkerSideMm | None = Field(default=None, description="Overrides the structure's")


class InspectionUpdate(BaseModel):
    """Only the fields sent change; null clears an optional one."""

    inspected_on: date | None = None
    inspector: str | None = Field(default=None, max_length=200)
    notes: Notes | None = None
    marker_side_mm: MarkerSideMm | None = None


class InspectionOut(BaseModel):
    id: str
    structure_id: str
    structure_name: str
    inspected_on: date
    inspector: str | None
    notes: str | None
    marker_side_mm: float | None
    effective_marker_side_mm: float | None = Field(description="This inspection's, else the structure's")
    created_at: datetime
    image_count: int
    crack_count: int
    total_length_mm: float | None = Field(description="Of the cracks in photos with a scale")
    worst_severity: SeverityName | None


class StructureDetail(StructureOut):
    inspections: list[InspectionOut] = Field(description="Newest first")


class ScaleCandidate(BaseModel):
    source: ScaleSource
    mm_per_px: float
    uncertainty_pct: float | None = Field(description="Relative uncertainty, percent")
    detail: str = Field(description="How it was found (marker id and side, camera, focal length, distance)")
    warning: str | None = Field(default=None, description="e.g. the marker is strongly tilted")


class ScaleOut(BaseModel):
    mm_per_px: float | None = Field(description="The scale in use; null: none known (lengths in px only)")
    source: ScaleSource | None
    uncertainty_pct: float | None
    choice: ScaleChoice
    auto_source: ScaleSource | None = Field(description="What `auto` picks")
    conflict: bool = Field(description="Two candidates disagree by more than 10 %: pick one")
    candidates: list[ScaleCandidate]
    notes: list[str] = Field(description="Why a source gave nothing (no marker found, no EXIF, ...)")
    manual_mm_per_px: float | None


class Location(BaseModel):
    latitude: float
    longitude: float
    altitude_m: float | None = None


class CrackOut(BaseModel):
    id: int = Field(description="The prediction instance's id")
    length_px: float
    width_max_px: float
    width_p95_px: float
    area_px: int
    length_mm: float | None
    width_max_mm: float | None
    width_p95_mm: float | None
    area_mm2: float | None
    severity: SeverityName | None


class CameraOut(BaseModel):
    make: str | None = None
    model: str | None = None
    focal_length_mm: float | None = None
    captured_at: str | None = None


class InspectionImageOut(BaseModel):
    id: str
    inspection_id: str
    prediction_id: str
    image_name: str
    image_url: str
    annotated_url: str
    width: int
    height: int
    element_label: str | None
    camera: CameraOut | None
    location: Location | None
    distance_m: float | None
    scale: ScaleOut
    cracks: list[CrackOut] = Field(description="Selected instances, measured with the chosen scale")
    total_length_mm: float | None
    max_width_mm: float | None
    worst_severity: SeverityName | None
    analysis_status: TaskStatus
    analysis_error: str | None
    version: int = Field(description="Send it back with a change; a stale one is refused (409)")
    created_at: datetime


class ReportOut(BaseModel):
    id: str
    inspection_id: str
    status: TaskStatus
    job_id: str | None
    progress: float
    message: str | None
    error: str | None
    size_bytes: int
    pdf_url: str | None
    html_url: str | None
    created_at: datetime
    finished_at: datetime | None


class CrackChange(BaseModel):
    """One crack before and after. Pixel changes are in the new photo's pixels; mm when both have a scale."""

    status: Literal["matched", "new", "disappeared"]
    old_id: int | None = Field(description="The crack's instance id in the old image's prediction")
    new_id: int | None = Field(description="The crack's instance id in the new image's prediction")
    overlap: float | None = Field(description="Share of the old crack covered by the new one (matched)")
    old_length_px: float | None
    new_length_px: float | None
    old_width_max_px: float | None
    new_width_max_px: float | None
    length_change_px: float | None
    width_change_px: float | None
    old_length_mm: float | None
    new_length_mm: float | None
    old_width_max_mm: float | None
    new_width_max_mm: float | None
    length_change_mm: float | None
    width_change_mm: float | None
    old_severity: SeverityName | None
    new_severity: SeverityName | None


class GrowthResultOut(BaseModel):
    quality: float = Field(description="Registration quality 0..1")
    in_mm: bool = Field(description="Both images have a scale: changes in mm too")
    matched: int
    new: int
    disappeared: int
    changes: list[CrackChange]


class GrowthOut(BaseModel):
    id: str
    inspection_id: str
    old_image_id: str
    new_image_id: str
    old_inspected_on: date | None
    element_label: str | None
    status: TaskStatus
    job_id: str | None
    progress: float
    error: str | None = Field(description="Why it failed, e.g. the images could not be aligned")
    result: GrowthResultOut | None
    overlay_url: str | None
    created_at: datetime
    finished_at: datetime | None


class InspectionDetail(InspectionOut):
    images: list[InspectionImageOut]
    reports: list[ReportOut] = Field(description="Newest first")
    growth: list[GrowthOut] = Field(description="Newest first")


class AddPredictions(BaseModel):
    prediction_ids: list[EntityId] = Field(min_length=1, max_length=MAX_IMAGES_PER_REQUEST)
    element_label: Label | None = None
    distance_m: DistanceM | None = None


class UploadParams(PredictParams):
    """Multipart fields of an upload: the prediction parameters, plus where the photos belong."""

    inspection_id: EntityId = Field(description="The inspection the photos join")
    element_label: Label | None = None
    distance_m: DistanceM | None = None


class AddedImages(BaseModel):
    images: list[InspectionImageOut]
    job_id: str | None = Field(description="The analysis job (metadata, GPS and scale)")
    failures: list[dict[str, str]] = Field(default_factory=list, description="image_name, error")


class ImageUpdate(BaseModel):
    """A change to an image; only the fields sent change. `version` must be the one last read."""

    version: int = Field(ge=1, le=2**31 - 1)
    element_label: Label | None = None
    scale_choice: ScaleChoice | None = None
    manual_mm_per_px: MmPerPx | None = None
    distance_m: DistanceM | None = Field(default=None, description="Changing it re-runs the analysis")

    @model_validator(mode="after")
    def _manual_needs_value(self) -> ImageUpdate:
        if "scale_choice" in self.model_fields_set and self.scale_choice is None:
            raise ValueError("scale_choice cannot be null: use auto")
        return self


class GrowthRequest(BaseModel):
    old_image_id: EntityId = Field(description="The earlier image (an earlier inspection)")
    new_image_id: EntityId = Field(description="The later image, same structure and element label")


class MapPoint(BaseModel):
    image_id: str
    inspection_id: str
    inspected_on: date
    image_name: str
    latitude: float
    longitude: float
    crack_count: int
    worst_severity: SeverityName | None


class StructureMap(BaseModel):
    structure_id: str
    points: list[MapPoint]
    without_location: int = Field(description="Images with no GPS position")


class MapSettings(BaseModel):
    tile_url: str | None = Field(description="Leaflet tile URL template; null: offline blank map")
    attribution: str | None


class InspectionDeleted(BaseModel):
    id: str
    deleted: bool = True
