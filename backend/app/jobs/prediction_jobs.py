"""`predict_batch`: a large batch of stored images predicted in a job worker, one row per image.

The API stored every image under predictions/<id>/ and resolved the model file; the job loads the model
once (in this worker process), predicts the images in order, saves each result as it goes (so finished
images show up in the batch status at once), reports progress and honours stop requests between
images. An image that fails is recorded in the job result's `failures` and the batch goes on. Images
not reached (stopped, or the worker died) are removed. Imported by the API process: no heavy imports
at module level.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.config import Settings
from app.jobs.context import JobContext, JobStopped
from app.jobs.registry import JobSnapshot, job_handler


def _discard_unsaved(settings: Settings, items: list[dict[str, Any]]) -> None:
    from app.db.session import session_scope
    from app.repositories import prediction as repo
    from app.services.prediction_files import discard

    with session_scope(settings.resolved_database_url) as db:
        saved = {row.id for row in repo.by_ids(db, [item["prediction_id"] for item in items])}
    for item in items:
        if item["prediction_id"] not in saved:
            discard(settings, item["prediction_id"])


def _on_lost(settings: Settings, job: JobSnapshot, _reason: str, _interrupted: bool) -> None:
    _discard_unsaved(settings, list(job.params.get("items", [])))


def _stored(settings: Settings, item: dict[str, Any]) -> Any:
    from app.services.prediction_files import StoredImage, data_path
    from app.utils.images import ImageInfo

    info = ImageInfo(
        format=item["format"],
        mode=item["mode"],
        width=int(item["width"]),
        height=int(item["height"]),
        orientation=int(item["orientation"]),
    )
    return StoredImage(
        item["prediction_id"], data_path(settings, item["image_path"]), item["image_name"], info
    )


@job_handler("predict_batch", queue="cpu", on_lost=_on_lost)
def predict_batch_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    from app.core.prediction.cache import ModelCache, ModelSpec
    from app.core.prediction.worker_process import predict_file
    from app.core.training.offline import prepare_ultralytics_env
    from app.domain.errors import AppError
    from app.schemas.prediction import PredictParams
    from app.services.prediction import Origin, save_prediction
    from app.services.prediction_models import ResolvedModel, worker_request

    settings = ctx.settings
    prepare_ultralytics_env(settings.data_dir)
    items: list[dict[str, Any]] = list(params["items"])
    model = ResolvedModel(spec=ModelSpec.from_dict(params["model"]), name=str(params.get("model_name", "")))
    predict_params = PredictParams(**params["params"])
    origin = Origin(batch_id=params["batch_id"])
    cache = ModelCache(1)
    failures: list[dict[str, str]] = list(params.get("failures", []))
    done = 0
    try:
        for index, item in enumerate(items):
            ctx.raise_if_stopped()
            stored = _stored(settings, item)
            request = worker_request(
                settings, model, params["options"], stored.prediction_id, Path(stored.path)
            )
            try:
                reply = predict_file(settings, cache, request)
                save_prediction(settings, stored, model, predict_params, reply, origin)
                done += 1
            except AppError as exc:
                failures.append({"image_name": stored.name, "error": exc.detail})
            except Exception as exc:  # one bad image does not end the batch
                ctx.log(f"{stored.name}: {type(exc).__name__}: {exc}")
                failures.append({"image_name": stored.name, "error": f"{type(exc).__name__}: {exc}"[:500]})
            ctx.progress((index + 1) / len(items), f"{index + 1}/{len(items)} images")
    except JobStopped:
        _discard_unsaved(settings, items)
        raise
    _discard_unsaved(settings, items)  # images that failed
    return {
        "batch_id": params["batch_id"],
        "total": int(params.get("total", len(items))),
        "done": done,
        "failures": failures,
    }
