"""Deterministic Predictors at the `Predictor` interface, for tests of OUR code around the model.

The tiny trained model finds little, so tests of tiling/merging, measurements on known geometry and
EXIF handling use a "model" whose answer is known exactly: `DarkPixelPredictor` reports each
8-connected group of dark pixels of the image it is given as one crack. It sees only the pixels of the
tile it receives (as a real model does), so a crack crossing a tile border comes back as one piece per
tile, and merging those pieces is what the tests check. The model's quality is not what is tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import ndimage

from app.core.prediction.base import CropMask, Detection, InferenceOptions, Predictor, RGBImage

DARK_THRESHOLD = 100


def dark_components(image: RGBImage, score: float = 0.9, threshold: int = DARK_THRESHOLD) -> list[Detection]:
    dark = image.mean(axis=2) < threshold
    labels, _count = ndimage.label(dark, structure=np.ones((3, 3), dtype=bool))
    detections = []
    for index, window in enumerate(ndimage.find_objects(labels), start=1):
        if window is None:
            continue
        ys, xs = window
        mask = labels[window] == index
        box = (float(xs.start), float(ys.start), float(xs.stop), float(ys.stop))
        # deterministic, size-dependent score so that ordering is stable
        detections.append(
            Detection(0, min(0.99, score + mask.sum() * 1e-6), box, CropMask(xs.start, ys.start, mask))
        )
    return detections


class DarkPixelPredictor(Predictor):
    framework = "fake"

    def __init__(
        self,
        weights: Path | None = None,
        *,
        backend: str = "pytorch",
        task: str = "segment",
        class_names: Sequence[str] = ("crack",),
        threshold: int = DARK_THRESHOLD,
    ) -> None:
        super().__init__(backend=backend, class_names=class_names or ("crack",), task=task)
        self.calls = 0
        self.threshold = threshold
        self.images_seen: list[tuple[int, int]] = []

    @property
    def batch_size(self) -> int:
        return 2

    def predict(self, images: Sequence[RGBImage], options: InferenceOptions) -> list[list[Detection]]:
        self.calls += 1
        self.last_imgsz = options.imgsz
        self.images_seen.extend((int(img.shape[1]), int(img.shape[0])) for img in images)
        return [
            [d for d in dark_components(img, threshold=self.threshold) if d.score >= options.conf]
            for img in images
        ]
