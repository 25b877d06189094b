"""Prediction of one image (upload or URL) through the worker pool, and the stored result.

The API process validates and stores the image (prediction_files.py), resolves the model file for the
chosen backend (prediction_models.py), and hands the work to a prediction worker (app/core/prediction/
worker.py). The stored row keeps the model, parameters and full result for reopening and re-export.
Batches: prediction_batch.py; history, images and overlays: prediction_history.py. Nothing here imports
torch, ultralytics or cv2.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from app.config import Settings
from app.core.prediction.worker import PredictionPool
from app.db.session import session_scope
from app.repositories import prediction as repo
from app.repositories.prediction import PredictionRow
from app.schemas.prediction import (
    ImageSummary,
    PredictedInstance,
    PredictionResult,
    PredictionSummary,
    PredictParams,
    SeverityBandsOut,
    UrlPredictRequest,
)
from app.services.metrics import observe_prediction_latency
from app.services.prediction_files import StoredImage, discard, read_upload, relative, store_image
from app.services.prediction_models import (
    ResolvedModel,
    pipeline_options,
    resolve_model,
    severity_bands,
    worker_request,
)
from app.utils.clock import as_utc
from app.utils.net import FetchPolicy, fetch_image


@dataclass(frozen=True)
class Origin:
    """Where an image came from and which batch it belongs to."""

    source: str = "upload"
    source_url: str | None = None
    batch_id: str | None = None


def save_prediction(
    settings: Settings,
    stored: StoredImage,
    model: ResolvedModel,
    params: PredictParams,
    reply: dict[str, Any],
    origin: Origin,
) -> PredictionRow:
    """Persist a worker's reply as a predictions row (API process and batch job alike)."""
    result: dict[str, Any] = dict(reply["result"])
    options_bands = severity_bands(settings, params)
    result["severity_bands"] = options_bands
    display = reply.get("display_path")
    summary = result.get("summary") or {}
    values: dict[str, Any] = dict(
        id=stored.prediction_id,
        model_id=model.spec.model_id,
        model_name=model.name,
        image_path=relative(settings, stored.path),
        display_path=relative(settings, Path(display)) if display else None,
        image_name=stored.name,
        source=origin.source,
        source_url=origin.source_url,
        batch_id=origin.batch_id,
        params=params.model_dump(),
        results=result,
        width=int(result["width"]),
        height=int(result["height"]),
        instance_count=int(summary.get("count", 0)),
        summary=summary,
    )
    with session_scope(settings.resolved_database_url) as db:
        return repo.add(db, **values)


def _urls(prediction_id: str) -> dict[str, str]:
    base = f"/api/v1/predictions/{prediction_id}"
    return {"image_url": f"{base}/image", "annotated_url": f"{base}/annotated"}


def _empty_summary() -> dict[str, Any]:
    return {"count": 0, "total_length_px": 0.0, "total_area_px": 0, "max_width_px": 0.0}


def to_summary(row: PredictionRow) -> PredictionSummary:
    return PredictionSummary(
        id=row.id,
        created_at=as_utc(row.created_at),
        model_id=row.model_id,
        model_name=row.model_name,
        image_name=row.image_name or "image",
        source="url" if row.source == "url" else "upload",
        batch_id=row.batch_id,
        width=row.width or 0,
        height=row.height or 0,
        instance_count=row.instance_count or 0,
        summary=ImageSummary(**(row.summary or _empty_summary())),
        **_urls(row.id),
    )


def to_result(row: PredictionRow) -> PredictionResult:
    result = row.results or {}
    base = to_summary(row).model_dump()
    return PredictionResult(
        **base,
        source_url=row.source_url,
        params=PredictParams(**row.params),
        backend=str(result.get("backend", "")),
        imgsz=result.get("imgsz"),
        tiles=int(result.get("tiles", 0)),
        score_floor=float(result.get("score_floor", 0.0)),
        candidate_iou=float(result.get("candidate_iou", 0.0)),
        severity_bands=SeverityBandsOut(
            **result.get("severity_bands", {"narrow_max_mm": 1.6, "moderate_max_mm": 3.2, "width": "p95"})
        ),
        class_names=list(result.get("class_names", [])),
        orientation=int(result.get("orientation", 1)),
        instances=[PredictedInstance(**inst) for inst in result.get("instances", [])],
        timings_ms={k: float(v) for k, v in (result.get("timings_ms") or {}).items()},
    )


async def predict_stored(
    settings: Settings,
    pool: PredictionPool,
    stored: StoredImage,
    model: ResolvedModel,
    params: PredictParams,
    origin: Origin,
) -> PredictionResult:
    options = pipeline_options(settings, params, model)
    started = time.perf_counter()
    try:
        reply = await pool.request(
            {
                "op": "predict",
                "request": worker_request(settings, model, options, stored.prediction_id, stored.path),
            }
        )
        observe_prediction_latency(time.perf_counter() - started)
        row = await asyncio.to_thread(save_prediction, settings, stored, model, params, reply, origin)
    except BaseException:
        discard(settings, stored.prediction_id)
        raise
    return to_result(row)


async def predict_upload(
    settings: Settings, pool: PredictionPool, upload: UploadFile, params: PredictParams
) -> PredictionResult:
    model = await asyncio.to_thread(resolve_model, settings, params.model_id, params.backend)
    data = await read_upload(upload, settings.prediction_max_image_bytes)
    stored = await asyncio.to_thread(store_image, settings, data, upload.filename or "image")
    return await predict_stored(settings, pool, stored, model, params, Origin())


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy.from_strings(
        settings.url_fetch_timeout_s,
        min(settings.url_fetch_max_bytes, settings.prediction_max_image_bytes),
        settings.url_fetch_allowed_networks,
    )


async def predict_url(settings: Settings, pool: PredictionPool, body: UrlPredictRequest) -> PredictionResult:
    model = await asyncio.to_thread(resolve_model, settings, body.params.model_id, body.params.backend)
    fetched = await fetch_image(body.url, fetch_policy(settings))
    stored = await asyncio.to_thread(store_image, settings, fetched.data, fetched.filename)
    origin = Origin(source="url", source_url=fetched.final_url[:2048])
    return await predict_stored(settings, pool, stored, model, body.params, origin)
