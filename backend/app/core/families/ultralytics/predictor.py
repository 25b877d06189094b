"""Ultralytics YOLO (segment or detect) through `YOLO(path)`: PyTorch .pt, ONNX Runtime (.onnx) or
OpenVINO (`*_openvino_model/` folder) via Ultralytics' AutoBackend.

Masks: Ultralytics returns `r.masks.data` at the letterboxed input size (e.g. 640 x 448). Rather than
upsampling every mask to the full image (`retina_masks=True`: one float H x W tensor per detection,
96 MB each for a 6000 x 4000 photo), each mask is resampled only over its box into a crop-local
boolean mask, with the same letterbox geometry Ultralytics uses for boxes (`scale_boxes`).

Call `prepare_ultralytics_env(data_dir)` in the process before this module is imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from app.core.prediction.base import Box, CropMask, Detection, InferenceOptions, Predictor, RGBImage
from app.core.prediction.mask_resample import crop_mask_over_box

PYTORCH_BATCH = 4


def _letterbox_geometry(
    original: tuple[int, int], letterboxed: tuple[int, int]
) -> tuple[float, float, float]:
    """(gain, pad_x, pad_y) mapping original pixel coordinates to letterboxed ones (as scale_boxes)."""
    height, width = original
    lb_height, lb_width = letterboxed
    gain = min(lb_height / height, lb_width / width)
    pad_x = round((lb_width - width * gain) / 2 - 0.1)
    pad_y = round((lb_height - height * gain) / 2 - 0.1)
    return gain, float(pad_x), float(pad_y)


def crop_mask_from_letterboxed(mask: np.ndarray, box: Box, original: tuple[int, int]) -> CropMask | None:
    """Resample one letterboxed mask (h' x w', 0/1) over `box` into a crop-local bool mask."""
    gain, pad_x, pad_y = _letterbox_geometry(original, (int(mask.shape[0]), int(mask.shape[1])))
    return crop_mask_over_box(mask, box, original, scale=(gain, gain), offset=(pad_x, pad_y), threshold=0.5)


class UltralyticsPredictor(Predictor):
    framework = "ultralytics"

    def __init__(self, weights: Path, *, backend: str, task: str, class_names: Sequence[str]) -> None:
        from ultralytics import YOLO

        self.model = YOLO(str(weights), task=task)
        names = getattr(self.model, "names", None) or {}
        resolved = [str(names[k]) for k in sorted(names)] if isinstance(names, dict) else list(class_names)
        super().__init__(backend=backend, class_names=resolved or list(class_names), task=task)
        self.weights = weights

    @property
    def batch_size(self) -> int:
        # Exported ONNX / OpenVINO models are static with batch 1 unless exported with dynamic=True.
        return PYTORCH_BATCH if self.backend == "pytorch" else 1

    def predict(self, images: Sequence[RGBImage], options: InferenceOptions) -> list[list[Detection]]:
        if not images:
            return []
        kwargs: dict[str, Any] = {
            "conf": options.conf,
            "iou": options.iou,
            "max_det": options.max_det,
            "verbose": False,
            "retina_masks": False,
        }
        if options.imgsz:
            kwargs["imgsz"] = options.imgsz
        bgr = [np.ascontiguousarray(image[:, :, ::-1]) for image in images]
        results = self.model.predict(bgr, **kwargs)
        imgsz = getattr(getattr(self.model, "predictor", None), "imgsz", None)
        if isinstance(imgsz, list | tuple) and imgsz:
            self.last_imgsz = int(max(imgsz))
        return [self._detections(result) for result in results]

    def _detections(self, result: Any) -> list[Detection]:
        boxes = result.boxes
        if boxes is None or len(boxes) == 0:
            return []
        xyxy = boxes.xyxy.cpu().numpy().astype(np.float64)
        scores = boxes.conf.cpu().numpy().astype(np.float64)
        classes = boxes.cls.cpu().numpy().astype(int)
        masks = result.masks.data.cpu().numpy() if result.masks is not None else None
        original = (int(result.orig_shape[0]), int(result.orig_shape[1]))
        detections = []
        for i in range(len(scores)):
            box = (float(xyxy[i, 0]), float(xyxy[i, 1]), float(xyxy[i, 2]), float(xyxy[i, 3]))
            mask = crop_mask_from_letterboxed(masks[i], box, original) if masks is not None else None
            detections.append(Detection(int(classes[i]), float(scores[i]), box, mask))
        return detections

    def close(self) -> None:
        self.model = None  # type: ignore[assignment]
