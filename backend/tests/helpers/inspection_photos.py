"""Generated inspection photos (a textured wall, dark cracks from known masks, an ArUco marker, EXIF GPS)
and saved predictions holding exactly those masks, for the inspection API and browser tests."""

from __future__ import annotations

import io
from typing import Any

import cv2
import numpy as np
from PIL import Image

from app.config import Settings
from app.core.measure import measure_crack, summarize
from app.core.prediction import rle
from app.db.base import new_id
from app.db.session import session_scope
from app.db.tables import Model, Prediction

MARKER_SIDE_MM = 50.0
MARKER_PX = 200  # the marker's side in the photo: 0.25 mm per px
GPS = (52.5200, 13.4050)  # Berlin
BANDS = {"narrow_max_mm": 1.6, "moderate_max_mm": 3.2, "width": "p95"}


def wall(height: int, width: int, seed: int) -> np.ndarray:
    """A grey textured wall (BGR) with enough structure for feature matching."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(150, 40, (height // 4, width // 4)).clip(0, 255).astype(np.uint8)
    texture = cv2.resize(noise, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(60):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        cv2.circle(texture, (x, y), int(rng.integers(3, 15)), int(rng.integers(60, 230)), -1)
    return cv2.cvtColor(texture, cv2.COLOR_GRAY2BGR)


def crack_mask(shape: tuple[int, int], points: list[tuple[int, int]], thickness: int) -> np.ndarray:
    mask = np.zeros(shape, dtype=np.uint8)
    cv2.polylines(mask, [np.array(points, dtype=np.int32)], False, 1, thickness)
    return mask.astype(bool)


def draw_cracks(photo: np.ndarray, masks: list[np.ndarray]) -> np.ndarray:
    out = photo.copy()
    for mask in masks:
        out[mask] = (25, 25, 25)
    return out


def with_marker(photo: np.ndarray, x: int, y: int, family: int = cv2.aruco.DICT_4X4_50) -> np.ndarray:
    """`photo` with a marker of `family` (id 7), MARKER_PX wide, on a white border at (x, y)."""
    dictionary = cv2.aruco.getPredefinedDictionary(family)
    marker = cv2.aruco.generateImageMarker(dictionary, 7, MARKER_PX)
    out = photo.copy()
    pad = 20
    out[y - pad : y + MARKER_PX + pad, x - pad : x + MARKER_PX + pad] = 255
    out[y : y + MARKER_PX, x : x + MARKER_PX] = cv2.cvtColor(marker, cv2.COLOR_GRAY2BGR)
    return out


def _rational(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    return (float(degrees), float(minutes), round((minutes_full - minutes) * 60, 4))


def jpeg(photo: np.ndarray, gps: tuple[float, float] | None = None) -> bytes:
    image = Image.fromarray(cv2.cvtColor(photo, cv2.COLOR_BGR2RGB))
    buffer = io.BytesIO()
    if gps is None:
        image.save(buffer, format="JPEG", quality=95)
    else:
        exif = Image.Exif()
        exif[0x010F] = "TestCam"
        exif.get_ifd(0x8825).update({1: "N", 2: _rational(gps[0]), 3: "E", 4: _rational(gps[1])})
        image.save(buffer, format="JPEG", quality=95, exif=exif)
    return buffer.getvalue()


def store_prediction(settings: Settings, data: bytes, masks: list[np.ndarray], name: str) -> str:
    """A saved prediction whose instances are exactly `masks` (as the prediction worker stores them)."""
    prediction_id = new_id()
    folder = settings.data_dir / "predictions" / prediction_id
    folder.mkdir(parents=True)
    (folder / "original.jpg").write_bytes(data)
    height, width = masks[0].shape if masks else Image.open(io.BytesIO(data)).size[::-1]
    instances: list[dict[str, Any]] = []
    for index, mask in enumerate(masks):
        m = measure_crack(mask)
        x, y, w, h = m["bbox"]
        instances.append(
            {
                "id": index,
                "class_id": 0,
                "class_name": "crack",
                "score": 0.9,
                "box": [x, y, x + w, y + h],
                "polygons": [],
                "rle": rle.encode(mask),
                "area_px": m["area_px"],
                "parts": 1,
                "selected": True,
                "measurements": m,
                "skeleton": m["skeleton"],
            }
        )
    summary = summarize([i["measurements"] for i in instances], None)
    results = {
        "width": width,
        "height": height,
        "instances": instances,
        "summary": summary,
        "severity_bands": BANDS,
        "class_names": ["crack"],
        "backend": "pytorch",
    }
    with session_scope(settings.resolved_database_url) as db:
        model = Model(
            name="wall-cracks",
            source="trained",
            framework="ultralytics",
            model_arch="yolov8n-seg",
            task="segment",
            class_names=["crack"],
            path="models/none.pt",
            metrics={"mask mAP50": 0.61},
        )
        db.add(model)
        db.flush()
        db.add(
            Prediction(
                id=prediction_id,
                model_id=model.id,
                model_name=model.name,
                image_path=f"predictions/{prediction_id}/original.jpg",
                image_name=name,
                source="upload",
                params={"model_id": model.id, "conf": 0.25, "iou": 0.45},
                results=results,
                width=width,
                height=height,
                instance_count=len(instances),
                summary=summary,
            )
        )
    return prediction_id


def marked_photo(settings: Settings) -> str:
    """A photo with a 50 mm marker 200 px wide (0.25 mm/px), EXIF GPS and one 300 x 3 px crack."""
    shape = (600, 800)
    mask = crack_mask(shape, [(350, 300), (650, 300)], 3)
    photo = with_marker(draw_cracks(wall(*shape, seed=3), [mask]), 60, 60)
    return store_prediction(settings, jpeg(photo, GPS), [mask], "pier-3.jpg")
