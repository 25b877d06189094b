"""The Predictor interface and the shapes of what it returns.

A predictor turns RGB images (uint8, H x W x 3, displayed orientation) into `Detection`s: class, score,
box and a crop-local boolean mask (`CropMask`). Masks are kept crop-local so that an image with many
detections never holds N full-resolution masks (a 6000 x 4000 bool mask is 24 MB; float is 96 MB).

The pipeline (pipeline.py) turns detections into `CrackInstance`s: polygons, a COCO RLE of the mask,
box, score, class and crack measurements. Each model family's predictor (core/families/<family>/predictor.py)
implements `Predictor`; nothing else depends on a family.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import numpy.typing as npt

RGBImage = npt.NDArray[np.uint8]
BoolMask = npt.NDArray[np.bool_]
Box = tuple[float, float, float, float]  # x1, y1, x2, y2 in image pixels
Backend = Literal["pytorch", "onnx", "openvino"]
BACKEND_CHOICES: tuple[str, ...] = ("auto", "pytorch", "onnx", "openvino")


@dataclass
class CropMask:
    """A boolean mask covering [x0, x0 + width) x [y0, y0 + height) of the image."""

    x0: int
    y0: int
    data: BoolMask

    @property
    def x1(self) -> int:
        return self.x0 + int(self.data.shape[1])

    @property
    def y1(self) -> int:
        return self.y0 + int(self.data.shape[0])

    @property
    def area(self) -> int:
        return int(np.count_nonzero(self.data))

    def shifted(self, dx: int, dy: int) -> CropMask:
        return CropMask(self.x0 + dx, self.y0 + dy, self.data)

    def trimmed(self) -> CropMask | None:
        """The same mask cropped to its set pixels; None when empty."""
        rows = np.flatnonzero(self.data.any(axis=1))
        if rows.size == 0:
            return None
        cols = np.flatnonzero(self.data.any(axis=0))
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        return CropMask(self.x0 + x0, self.y0 + y0, self.data[y0:y1, x0:x1])

    def to_full(self, width: int, height: int) -> BoolMask:
        """A full-image mask (for tests and exports of single masks; avoid for many instances)."""
        full = np.zeros((height, width), dtype=bool)
        full[self.y0 : self.y1, self.x0 : self.x1] = self.data
        return full


@dataclass
class Detection:
    """One object found by a predictor, in the coordinates of the image it was given."""

    class_id: int
    score: float
    box: Box
    mask: CropMask | None = None


@dataclass(frozen=True)
class InferenceOptions:
    """What a predictor needs to know: score floor, NMS IoU, input size and a detection cap."""

    conf: float
    iou: float
    imgsz: int | None = None
    max_det: int = 300


class Predictor(ABC):
    """A loaded model. Implementations keep the model in memory between calls."""

    framework: ClassVar[str]

    def __init__(self, *, backend: str, class_names: Sequence[str], task: str = "segment") -> None:
        self.backend = backend
        self.class_names = list(class_names)
        self.task = task
        self.last_imgsz: int | None = None

    @abstractmethod
    def predict(self, images: Sequence[RGBImage], options: InferenceOptions) -> list[list[Detection]]:
        """Detections for each image (same order). Boxes and masks are in that image's pixels."""

    @property
    def batch_size(self) -> int:
        """How many images `predict` should be given at once (tiles are sent in chunks of this)."""
        return 1

    def class_name(self, class_id: int) -> str:
        if 0 <= class_id < len(self.class_names):
            return self.class_names[class_id]
        return f"class_{class_id}"

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release the model (called when the model cache evicts it)."""


@dataclass
class CrackInstance:
    """One crack in the result: geometry, mask, score, class and measurements (JSON via `to_dict`)."""

    id: int
    class_id: int
    class_name: str
    score: float
    box: Box
    polygons: list[list[float]] = field(default_factory=list)  # flat [x0, y0, x1, y1, ...] per outline
    rle: dict[str, Any] | None = None  # COCO compressed RLE of the full-image mask
    area_px: int = 0
    parts: int = 1  # detections merged into this one (tiled inference)
    selected: bool = True
    measurements: dict[str, Any] | None = None
    skeleton: list[list[float]] = field(default_factory=list)  # centre-line polylines, flat x, y

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "class_id": self.class_id,
            "class_name": self.class_name,
            "score": round(float(self.score), 5),
            "box": [round(float(v), 2) for v in self.box],
            "polygons": self.polygons,
            "rle": self.rle,
            "area_px": self.area_px,
            "parts": self.parts,
            "selected": self.selected,
            "measurements": self.measurements,
            "skeleton": self.skeleton,
        }
