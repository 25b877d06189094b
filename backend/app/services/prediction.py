"""Prediction: single, URL and batch images through the worker pool; history, images and overlays.

The API process validates and stores the image (data_dir/predictions/<id>/original.<ext>), resolves the
model file for the chosen backend, and hands the work to a prediction worker (app/core/prediction/
worker.py) or, for large batches, to a `predict_batch` job. The stored row keeps the model, parameters
and full result for reopening and re-export. Nothing here imports torch, ultralytics or cv2.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.util
import logging
import re
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import UploadFile

from app.config import Settings
from app.core.families.registry import family_names
from app.core.prediction.cache import ModelSpec
from app.core.prediction.render import ImageFormat as ImageFormatName
from app.core.prediction.render import OverlayOptions, chosen_instances, render
from app.core.prediction.render import encode as encode_image
from app.core.prediction.worker import PredictionPool
from app.db.base import new_id
from app.db.session import session_scope
from app.db.tables import Model, Prediction
from app.domain.errors import AppError, Conflict, InvalidInput, NotFound, TooLarge, Unprocessable
from app.repositories import prediction as repo
from app.schemas.prediction import (
    BatchFailure,
    BatchResponse,
    BatchStatus,
    ImageSummary,
    PredictedInstance,
    PredictionDeleted,
    PredictionPage,
    PredictionResult,
    PredictionSummary,
    PredictParams,
    SeverityBandsOut,
    UrlPredictRequest,
)
from app.services.metrics import observe_prediction_latency
from app.services.ports import JobRunner
from app.utils.images import ImageInfo, inspect_image, open_display
from app.utils.net import FetchPolicy, fetch_image

log = logging.getLogger("app.prediction")

PREDICTIONS_DIR = "predictions"
BATCH_JOB_KIND = "predict_batch"
EXPORT_BACKENDS = ("onnx", "openvino")  # preference order of backend=auto on a CPU-only machine
ORIGINAL_STEM = "original"
DISPLAY_STEM = "display"
READ_CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".bmp": "image/bmp",
    ".webp": "image/webp",
}


# --------------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------------


def predictions_dir(settings: Settings) -> Path:
    return settings.data_dir / PREDICTIONS_DIR


def prediction_dir(settings: Settings, prediction_id: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", prediction_id):
        raise NotFound(f"Prediction {prediction_id} does not exist")
    return predictions_dir(settings) / prediction_id


def data_path(settings: Settings, relative: str) -> Path:
    """A stored relative path as an absolute one; refuses anything outside the data directory."""
    path = (settings.data_dir / relative).resolve()
    if not path.is_relative_to(settings.data_dir.resolve()):
        raise Unprocessable("A stored path points outside the data directory")
    return path


def relative(settings: Settings, path: Path) -> str:
    return path.resolve().relative_to(settings.data_dir.resolve()).as_posix()


def clean_name(raw: str | None) -> str:
    name = Path(raw or "").name
    cleaned = _SAFE_NAME.sub("_", name).strip(" .")
    return cleaned[:200] or "image"


# --------------------------------------------------------------------------------------------------
# Model and options
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedModel:
    spec: ModelSpec
    name: str


@functools.cache
def _has_gpu() -> bool:
    from app.core.hardware import gpu_count

    return gpu_count() > 0


@functools.cache
def _openvino_installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


def _own_backend(weights: Path) -> str:
    if weights.suffix == ".onnx":
        return "onnx"
    if weights.is_dir() and weights.name.endswith("_openvino_model"):
        return "openvino"
    return "pytorch"


def _export_files(settings: Settings, db: Any, model_id: str) -> dict[str, Path]:
    """Completed ONNX / OpenVINO exports of the model that are on disk (the models area makes them)."""
    found = {}
    for fmt, stored in repo.latest_completed_exports(db, model_id, EXPORT_BACKENDS).items():
        path = data_path(settings, stored)
        if path.exists():
            found[fmt] = path
    return found


def _backend_file(model: Model, weights: Path, choice: str, exports: dict[str, Path]) -> tuple[str, Path]:
    own = _own_backend(weights)
    if choice in ("auto", own) and own != "pytorch":
        return own, weights
    if choice == "pytorch":
        if own != "pytorch":
            raise Conflict(f"Model '{model.name}' is an {own} file: it has no PyTorch weights")
        return "pytorch", weights
    if choice == "auto":
        if not _has_gpu():
            for fmt in EXPORT_BACKENDS:
                if fmt in exports and (fmt != "openvino" or _openvino_installed()):
                    return fmt, exports[fmt]
        return own, weights
    if choice == "openvino" and not _openvino_installed():
        raise Conflict("OpenVINO is not installed on this server (pip install openvino)")
    if choice not in exports:
        raise Conflict(
            f"Model '{model.name}' has no completed {choice.upper()} export: export it on the Models page "
            "first, or use backend=auto"
        )
    return choice, exports[choice]


def resolve_model(settings: Settings, model_id: str, backend_choice: str) -> ResolvedModel:
    with session_scope(settings.resolved_database_url) as db:
        model = repo.get_model(db, model_id)
        if model is None:
            raise NotFound(f"Model {model_id} does not exist")
        if model.framework not in family_names():
            raise Conflict(
                f"Model '{model.name}' is a {model.framework} model: prediction supports "
                f"{', '.join(sorted(family_names()))} models"
            )
        weights = data_path(settings, model.path)
        if not weights.exists():
            raise Conflict(f"The weights file of model '{model.name}' is missing on disk")
        exports = _export_files(settings, db, model.id) if backend_choice != "pytorch" else {}
        backend, path = _backend_file(model, weights, backend_choice, exports)
        spec = ModelSpec(
            model_id=model.id,
            framework=model.framework,
            task=model.task or "segment",
            weights=str(path),
            backend=backend,
            class_names=tuple(model.class_names or ()),
            image_size=model.image_size,
        )
        return ResolvedModel(spec=spec, name=model.name)


def severity_bands(settings: Settings, params: PredictParams) -> dict[str, Any]:
    narrow, moderate = settings.crack_severity_bands_mm
    narrow = params.narrow_max_mm if params.narrow_max_mm is not None else narrow
    moderate = params.moderate_max_mm if params.moderate_max_mm is not None else moderate
    if moderate <= narrow:
        raise InvalidInput(
            f"Severity bands must increase: narrow below {narrow} mm, moderate up to {moderate} mm"
        )
    return {"narrow_max_mm": narrow, "moderate_max_mm": moderate, "width": settings.crack_severity_width}


def pipeline_options(settings: Settings, params: PredictParams, model: ResolvedModel) -> dict[str, Any]:
    """What the worker's PipelineOptions.from_dict receives."""
    imgsz = params.imgsz or (None if params.tiling else model.spec.image_size)
    return {
        "conf": params.conf,
        "iou": params.iou,
        "imgsz": imgsz,
        "tiling": params.tiling,
        "tile_size": params.tile_size,
        "overlap": params.overlap,
        "mm_per_px": params.mm_per_px,
        "score_floor": settings.prediction_score_floor,
        "candidate_iou": settings.prediction_candidate_iou,
        "bands": severity_bands(settings, params),
    }


def worker_request(
    settings: Settings, model: ResolvedModel, options: dict[str, Any], prediction_id: str, image: Path
) -> dict[str, Any]:
    return {
        "image_path": str(image),
        "display_stem": str(prediction_dir(settings, prediction_id) / DISPLAY_STEM),
        "model": model.spec.to_dict(),
        "options": options,
    }


# --------------------------------------------------------------------------------------------------
# Receiving images
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredImage:
    prediction_id: str
    path: Path
    name: str
    info: ImageInfo


async def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(READ_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(
                f"'{clean_name(upload.filename)}' is larger than the limit of {max_bytes:,} bytes "
                "(CRACKDET_PREDICTION_MAX_IMAGE_BYTES)"
            )
        chunks.append(chunk)
    if size == 0:
        raise Unprocessable(f"'{clean_name(upload.filename)}' is empty")
    return b"".join(chunks)


def store_image(settings: Settings, data: bytes, name: str) -> StoredImage:
    """Check the header (format, pixel limit) and write the original under predictions/<new id>/."""
    info = inspect_image(data, settings.prediction_max_image_pixels)
    prediction_id = new_id()
    folder = prediction_dir(settings, prediction_id)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{ORIGINAL_STEM}{info.suffix}"
    path.write_bytes(data)
    return StoredImage(prediction_id, path, clean_name(name), info)


def discard(settings: Settings, prediction_id: str) -> None:
    shutil.rmtree(prediction_dir(settings, prediction_id), ignore_errors=True)


# --------------------------------------------------------------------------------------------------
# Saving results
# --------------------------------------------------------------------------------------------------


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
) -> Prediction:
    """Persist a worker's reply as a predictions row (API process and batch job alike)."""
    result: dict[str, Any] = dict(reply["result"])
    options_bands = severity_bands(settings, params)
    result["severity_bands"] = options_bands
    display = reply.get("display_path")
    summary = result.get("summary") or {}
    row = Prediction(
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
        db.add(row)
    return row


# --------------------------------------------------------------------------------------------------
# Mapping rows to API shapes
# --------------------------------------------------------------------------------------------------


def _urls(prediction_id: str) -> dict[str, str]:
    base = f"/api/v1/predictions/{prediction_id}"
    return {"image_url": f"{base}/image", "annotated_url": f"{base}/annotated"}


def _empty_summary() -> dict[str, Any]:
    return {"count": 0, "total_length_px": 0.0, "total_area_px": 0, "max_width_px": 0.0}


def _utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def to_summary(row: Prediction) -> PredictionSummary:
    return PredictionSummary(
        id=row.id,
        created_at=_utc(row.created_at),
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


def to_result(row: Prediction) -> PredictionResult:
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


# --------------------------------------------------------------------------------------------------
# Single image and URL
# --------------------------------------------------------------------------------------------------


async def _predict_stored(
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
    return await _predict_stored(settings, pool, stored, model, params, Origin())


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
    return await _predict_stored(settings, pool, stored, model, body.params, origin)


# --------------------------------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------------------------------


async def _store_uploads(
    settings: Settings, uploads: Sequence[UploadFile]
) -> tuple[list[StoredImage], list[BatchFailure]]:
    stored: list[StoredImage] = []
    failures: list[BatchFailure] = []
    for upload in uploads:
        name = clean_name(upload.filename)
        try:
            data = await read_upload(upload, settings.prediction_max_image_bytes)
            stored.append(await asyncio.to_thread(store_image, settings, data, name))
        except AppError as exc:
            failures.append(BatchFailure(image_name=name, error=exc.detail))
    return stored, failures


async def _run_sync_batch(
    settings: Settings,
    pool: PredictionPool,
    stored: list[StoredImage],
    model: ResolvedModel,
    params: PredictParams,
    batch_id: str,
) -> tuple[list[PredictionResult], list[BatchFailure]]:
    origin = Origin(batch_id=batch_id)
    outcomes = await asyncio.gather(
        *(_predict_stored(settings, pool, item, model, params, origin) for item in stored),
        return_exceptions=True,
    )
    results: list[PredictionResult] = []
    failures: list[BatchFailure] = []
    for item, outcome in zip(stored, outcomes, strict=True):
        if isinstance(outcome, PredictionResult):
            results.append(outcome)
        elif isinstance(outcome, AppError):
            failures.append(BatchFailure(image_name=item.name, error=outcome.detail))
        elif isinstance(outcome, BaseException):
            raise outcome
    return results, failures


def _batch_job_params(
    settings: Settings, stored: list[StoredImage], model: ResolvedModel, params: PredictParams, batch_id: str
) -> dict[str, Any]:
    return {
        "batch_id": batch_id,
        "model": model.spec.to_dict(),
        "model_name": model.name,
        "params": params.model_dump(),
        "options": pipeline_options(settings, params, model),
        "items": [
            {
                "prediction_id": item.prediction_id,
                "image_path": relative(settings, item.path),
                "image_name": item.name,
                "format": item.info.format,
                "mode": item.info.mode,
                "width": item.info.width,
                "height": item.info.height,
                "orientation": item.info.orientation,
            }
            for item in stored
        ],
    }


async def predict_batch(
    settings: Settings,
    pool: PredictionPool,
    runner: JobRunner,
    uploads: Sequence[UploadFile],
    params: PredictParams,
) -> BatchResponse:
    if not uploads:
        raise InvalidInput("Send at least one image in the `files` field")
    if len(uploads) > settings.prediction_max_batch_files:
        raise TooLarge(
            f"{len(uploads)} images in one batch; the limit is {settings.prediction_max_batch_files} "
            "(CRACKDET_PREDICTION_MAX_BATCH_FILES)"
        )
    model = await asyncio.to_thread(resolve_model, settings, params.model_id, params.backend)
    stored, failures = await _store_uploads(settings, uploads)
    batch_id = new_id()
    status_url = f"/api/v1/predict/batch/{batch_id}"
    if len(uploads) <= settings.prediction_sync_batch_max:
        results, run_failures = await _run_sync_batch(settings, pool, stored, model, params, batch_id)
        return BatchResponse(
            batch_id=batch_id,
            mode="sync",
            total=len(uploads),
            predictions=results,
            failures=failures + run_failures,
            status_url=status_url,
        )
    job_params = _batch_job_params(settings, stored, model, params, batch_id)
    job_params["failures"] = [f.model_dump() for f in failures]
    job_params["total"] = len(uploads)
    job_id = await asyncio.to_thread(runner.submit, BATCH_JOB_KIND, job_params, subject_id=batch_id)
    return BatchResponse(
        batch_id=batch_id,
        mode="job",
        job_id=job_id,
        total=len(uploads),
        failures=failures,
        status_url=status_url,
    )


def _batch_job(db: Any, batch_id: str) -> Any:
    from sqlalchemy import select

    from app.db.tables import Job

    return db.scalars(
        select(Job)
        .where(Job.kind == BATCH_JOB_KIND, Job.subject_id == batch_id)
        .order_by(Job.created_at.desc())
    ).first()


def batch_status(settings: Settings, batch_id: str) -> BatchStatus:
    with session_scope(settings.resolved_database_url) as db:
        rows = repo.of_batch(db, batch_id, with_results=False)
        job = _batch_job(db, batch_id)
        if job is None and not rows:
            raise NotFound(f"Batch {batch_id} does not exist")
        predictions = [to_summary(row) for row in rows]
        if job is None:  # answered directly
            return BatchStatus(
                batch_id=batch_id,
                status="completed",
                progress=1.0,
                total=len(rows),
                done=len(rows),
                failures=[],
                predictions=predictions,
            )
        params, result = dict(job.params), dict(job.result or {})
        failures: list[dict[str, str]] = list(result.get("failures", params.get("failures")) or [])
        return BatchStatus(
            batch_id=batch_id,
            status=job.status,
            progress=job.progress,
            message=job.message,
            error=job.error,
            total=int(params.get("total", len(params.get("items", [])))),
            done=len(rows),
            failures=[BatchFailure(**f) for f in failures],
            predictions=predictions,
        )


# --------------------------------------------------------------------------------------------------
# History
# --------------------------------------------------------------------------------------------------


def list_predictions(
    settings: Settings, *, offset: int, limit: int, batch_id: str | None, model_id: str | None
) -> PredictionPage:
    with session_scope(settings.resolved_database_url) as db:
        rows, total = repo.page(db, offset=offset, limit=limit, batch_id=batch_id, model_id=model_id)
        return PredictionPage(items=[to_summary(r) for r in rows], total=total, offset=offset, limit=limit)


def require(db: Any, prediction_id: str) -> Prediction:
    row = repo.get(db, prediction_id)
    if row is None:
        raise NotFound(f"Prediction {prediction_id} does not exist")
    return row


def get_prediction(settings: Settings, prediction_id: str) -> PredictionResult:
    with session_scope(settings.resolved_database_url) as db:
        return to_result(require(db, prediction_id))


def delete_prediction(settings: Settings, prediction_id: str) -> PredictionDeleted:
    with session_scope(settings.resolved_database_url) as db:
        db.delete(require(db, prediction_id))
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
