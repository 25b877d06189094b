"""Saved predictions: the history list, one result, deletion, and the image with its overlays."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import Settings
from app.core.prediction.render import ImageFormat as ImageFormatName
from app.core.prediction.render import OverlayOptions, chosen_instances, render
from app.core.prediction.render import encode as encode_image
from app.db.session import session_scope
from app.domain.errors import NotFound
from app.repositories import prediction as repo
from app.repositories.prediction import PredictionRow
from app.schemas.prediction import PredictionDeleted, PredictionPage, PredictionResult
from app.services.prediction import to_result, to_summary
from app.services.prediction_files import MEDIA_TYPES, data_path, discard
from app.utils.images import open_display


def list_predictions(
    settings: Settings, *, offset: int, limit: int, batch_id: str | None, model_id: str | None
) -> PredictionPage:
    with session_scope(settings.resolved_database_url) as db:
        rows, total = repo.page(db, offset=offset, limit=limit, batch_id=batch_id, model_id=model_id)
        return PredictionPage(items=[to_summary(r) for r in rows], total=total, offset=offset, limit=limit)


def require(db: Any, prediction_id: str) -> PredictionRow:
    row = repo.get(db, prediction_id)
    if row is None:
        raise NotFound(f"Prediction {prediction_id} does not exist")
    return row


def get_prediction(settings: Settings, prediction_id: str) -> PredictionResult:
    with session_scope(settings.resolved_database_url) as db:
        return to_result(require(db, prediction_id))


def delete_prediction(settings: Settings, prediction_id: str) -> PredictionDeleted:
    with session_scope(settings.resolved_database_url) as db:
        repo.delete(db, require(db, prediction_id))
    discard(settings, prediction_id)
    return PredictionDeleted(id=prediction_id)


@dataclass(frozen=True)
class ImageFile:
    path: Path
    media_type: str
    filename: str


def display_file(settings: Settings, prediction_id: str) -> ImageFile:
    """The image as the user sees it: the upright display copy, or the original when that already is."""
    with session_scope(settings.resolved_database_url) as db:
        row = require(db, prediction_id)
        stored = row.display_path or row.image_path
        name = row.image_name or "image"
    path = data_path(settings, stored)
    if not path.is_file():
        raise NotFound(f"The image of prediction {prediction_id} is missing on disk")
    suffix = path.suffix.lower()
    return ImageFile(path, MEDIA_TYPES.get(suffix, "application/octet-stream"), Path(name).stem + suffix)


def load_for_render(
    settings: Settings, prediction_id: str
) -> tuple[dict[str, Any], dict[str, Any], ImageFile]:
    """(results, params, image file) of a prediction."""
    with session_scope(settings.resolved_database_url) as db:
        row = require(db, prediction_id)
        results, params = dict(row.results or {}), dict(row.params or {})
    return results, params, display_file(settings, prediction_id)


def annotated_image(
    settings: Settings, prediction_id: str, options: OverlayOptions, fmt: ImageFormatName
) -> bytes:
    """The image with the chosen overlays drawn on it (PNG or JPEG bytes)."""
    results, params, image_file = load_for_render(settings, prediction_id)
    instances = chosen_instances(results, params, options.conf, options.iou)
    image = open_display(image_file.path, settings.prediction_max_image_pixels)
    return encode_image(render(image, instances, options), fmt)
