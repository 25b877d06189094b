"""RF-DETR (detection or segmentation) through PyTorch (`rfdetr.from_checkpoint`) or an ONNX export (ONNX
Runtime). Worker processes only: imports rfdetr, torch or onnxruntime.

Both backends share one decode, rfdetr's own reference decoder for its exports (pinned rfdetr 1.11.2):
per-class sigmoid, the background slot (the head's last class, id == number of classes) dropped before
the top-k, normalised cxcywh boxes scaled to the image. RF-DETR resizes the whole image to its square
input size (no letterbox), so a mask logit map (input size / 4) maps to the image by plain scaling; each
selected mask is resampled over its own box only into a crop-local boolean mask (logit > 0), never to
full resolution. RF-DETR has no NMS: the pipeline's selection applies the request's IoU.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from app.core.prediction.base import Box, CropMask, Detection, InferenceOptions, Predictor, RGBImage
from app.core.prediction.mask_resample import crop_mask_over_box


def crop_mask_from_logits(logits: np.ndarray, box: Box, original: tuple[int, int]) -> CropMask | None:
    """Resample one mask logit map (h' x w', covering the whole image) over `box` into a bool mask."""
    height, width = original
    scale = (logits.shape[1] / width, logits.shape[0] / height)
    return crop_mask_over_box(logits, box, original, scale=scale, threshold=0.0, replicate_border=True)


def decode(
    boxes: np.ndarray,
    logits: np.ndarray,
    masks: np.ndarray | None,
    original: tuple[int, int],
    options: InferenceOptions,
    num_classes: int,
) -> list[Detection]:
    """One image's raw outputs (Q x 4 cxcywh, Q x (classes + 1) logits, Q x h x w mask logits)."""
    from rfdetr.export._runtime.decode import decode_detections

    height, width = original
    decoded = decode_detections(
        boxes, logits, (width, height), threshold=options.conf, num_select=None, background_class_id=-1
    )
    detections = []
    for i in range(min(len(decoded.confidence), options.max_det)):
        class_id = int(decoded.class_id[i])
        if not 0 <= class_id < num_classes:  # never the background slot, nor a class the model lacks
            continue
        box = tuple(float(v) for v in decoded.xyxy[i])
        box4 = (box[0], box[1], box[2], box[3])
        mask = None
        if masks is not None:
            mask = crop_mask_from_logits(masks[int(decoded.query_index[i])], box4, original)
        detections.append(Detection(class_id, float(decoded.confidence[i]), box4, mask))
    return detections


class RFDETRPredictor(Predictor):
    framework = "rfdetr"

    def __init__(self, weights: Path, *, backend: str, task: str, class_names: Sequence[str]) -> None:
        super().__init__(backend=backend, class_names=class_names, task=task)
        self.weights = weights
        self.session: Any = None
        self.model: Any = None
        if backend == "onnx":
            self._load_onnx(weights)
        else:
            self._load_pytorch(weights)

    def _load_pytorch(self, weights: Path) -> None:
        import rfdetr
        import torch

        device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model = rfdetr.from_checkpoint(str(weights), device=device)
        self.network = self.model.model.model
        self.network.eval()
        self.resolution = int(self.model.model_config.resolution)
        self.num_classes = int(self.model.model_config.num_classes)
        if not self.class_names:
            self.class_names = [str(n) for n in getattr(self.model.model, "class_names", None) or []]

    def _load_onnx(self, weights: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(weights), sess_options=options, providers=["CPUExecutionProvider"]
        )
        shape = self.session.get_inputs()[0].shape
        self.resolution = int(shape[2])
        names = [output.name for output in self.session.get_outputs()]
        roles = ("dets", "labels", "masks")
        self.outputs = {role: next((n for n in names if role in n), None) for role in roles}
        if not (self.outputs["dets"] and self.outputs["labels"]):
            raise ValueError(f"{weights.name} is not an RF-DETR ONNX export (outputs: {', '.join(names)})")
        labels = next(o for o in self.session.get_outputs() if o.name == self.outputs["labels"])
        self.num_classes = int(labels.shape[-1]) - 1

    def _tensor(self, image: RGBImage) -> np.ndarray:
        from PIL import Image
        from rfdetr.export._runtime.preprocess import preprocess_to_nchw

        return preprocess_to_nchw(Image.fromarray(image), self.resolution, self.resolution)

    def _raw(self, image: RGBImage) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """(boxes, logits, mask logits or None) of one image."""
        tensor = self._tensor(image)
        if self.session is not None:
            return self._raw_onnx(tensor)
        import torch

        device = next(self.network.parameters()).device
        with torch.no_grad():
            out = self.network(torch.from_numpy(tensor).to(device))
        masks = out.get("pred_masks")
        return (
            out["pred_boxes"][0].float().cpu().numpy(),
            out["pred_logits"][0].float().cpu().numpy(),
            None if masks is None else masks[0].float().cpu().numpy(),
        )

    def _raw_onnx(self, tensor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        wanted = [name for name in self.outputs.values() if name]
        feed = {self.session.get_inputs()[0].name: tensor}
        values = dict(zip(wanted, self.session.run(wanted, feed), strict=True))
        masks_name = self.outputs["masks"]
        masks = values[masks_name][0] if masks_name else None
        return values[self.outputs["dets"]][0], values[self.outputs["labels"]][0], masks

    def predict(self, images: Sequence[RGBImage], options: InferenceOptions) -> list[list[Detection]]:
        """RF-DETR's own input size always (an export is fixed to it); `options.imgsz` does not apply."""
        known = min(self.num_classes, len(self.class_names)) if self.class_names else self.num_classes
        results = []
        for image in images:
            boxes, logits, masks = self._raw(image)
            original = (int(image.shape[0]), int(image.shape[1]))
            segment = masks if self.task == "segment" else None
            results.append(decode(boxes, logits, segment, original, options, known))
        self.last_imgsz = self.resolution
        return results

    def close(self) -> None:
        self.model = None
        self.session = None
