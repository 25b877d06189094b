"""Resampling a model's low-resolution mask over one detection's box into a crop-local bool mask.

Both frameworks give a mask map that covers the (letterboxed or resized) model input; only the pixels inside
the box are resampled, so an image with many detections never holds full-resolution float masks.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from app.core.prediction.base import Box, CropMask


def crop_mask_over_box(
    source: np.ndarray,
    box: Box,
    original: tuple[int, int],
    *,
    scale: tuple[float, float],
    offset: tuple[float, float] = (0.0, 0.0),
    threshold: float,
    replicate_border: bool = False,
) -> CropMask | None:
    """`source` pixel = scale * image pixel + offset (per axis). None when the box has no pixels."""
    height, width = original
    x0, y0 = max(0, math.floor(box[0])), max(0, math.floor(box[1]))
    x1, y1 = min(width, math.ceil(box[2])), min(height, math.ceil(box[3]))
    if x1 <= x0 or y1 <= y0:
        return None
    (scale_x, scale_y), (offset_x, offset_y) = scale, offset
    # destination pixel centre (x + x0 + 0.5) in the image -> source pixel index in the mask map
    matrix = np.array(
        [
            [scale_x, 0.0, scale_x * (x0 + 0.5) + offset_x - 0.5],
            [0.0, scale_y, scale_y * (y0 + 0.5) + offset_y - 0.5],
        ],
        dtype=np.float64,
    )
    resampled = cv2.warpAffine(
        source.astype(np.float32),
        matrix,
        (x1 - x0, y1 - y0),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE if replicate_border else cv2.BORDER_CONSTANT,
        borderValue=0.0,
    )
    return CropMask(x0, y0, resampled > threshold)
