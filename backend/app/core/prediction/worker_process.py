"""A prediction worker process: `python -m app.core.prediction.worker_process FD` (started by the pool
in worker.py).

It sets Ultralytics up offline, then serves requests read from a socket (pickled dicts,
`multiprocessing.connection` framing) one at a time, keeping loaded models in a bounded LRU cache
(cache.py). A request names an image file already stored under the data dir and the model file to use;
the reply is the JSON-ready result. `predict_file` is also the batch prediction job's step.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.config import Settings
from app.core.prediction.cache import ModelCache, ModelSpec
from app.core.prediction.pipeline import PipelineOptions, run_pipeline
from app.core.prediction.worker import SETTINGS_ENV
from app.domain.errors import AppError
from app.utils.images import load_rgb, save_display_copy
from app.utils.process import die_with_parent

log = logging.getLogger("app.prediction.worker")


def predict_file(settings: Settings, cache: ModelCache, request: dict[str, Any]) -> dict[str, Any]:
    """Decode the stored image, run the model and measure: the worker's (and batch job's) one step.

    request: {"image_path": str, "display_stem": str | None, "model": ModelSpec dict, "options": dict}
    Returns {"result": result dict, "display_path": str | None}.
    """
    started = time.perf_counter()
    array, info = load_rgb(Path(request["image_path"]), settings.prediction_max_image_pixels)
    decoded = time.perf_counter()
    display_path = None
    if request.get("display_stem") and info.needs_display_copy:
        display_path = str(save_display_copy(array, info, Path(request["display_stem"])))
    predictor = cache.get(ModelSpec.from_dict(request["model"]))
    result = run_pipeline(predictor, array, PipelineOptions.from_dict(request["options"]))
    result["orientation"] = info.orientation
    result["source_format"] = info.format
    result["source_mode"] = info.mode
    result["timings_ms"]["decode"] = round((decoded - started) * 1000, 1)
    result["timings_ms"]["total"] = round((time.perf_counter() - started) * 1000, 1)
    return {"result": result, "display_path": display_path}


class RequestHandler:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.cache = ModelCache(settings.prediction_model_cache_size)

    def handle(self, message: dict[str, Any]) -> dict[str, Any]:
        op = message.get("op")
        if op == "predict":
            return {"ok": True, **predict_file(self.settings, self.cache, message["request"])}
        if op == "ping":
            models = [list(k) for k in self.cache.loaded()]
            return {"ok": True, "pid": os.getpid(), "models": models, "loads": self.cache.loads}
        if op == "crash":  # used by tests: a native crash, as the OOM killer would do
            os._exit(3)
        raise ValueError(f"unknown operation {op!r}")


def _reply_for_error(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, AppError):
        return {"ok": False, "status": exc.status_code, "detail": exc.detail}
    log.error("prediction failed", exc_info=exc)
    return {"ok": False, "status": 500, "detail": f"Prediction failed: {type(exc).__name__}: {exc}"[:2000]}


def serve(conn: Connection, settings: Settings) -> None:
    handler = RequestHandler(settings)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message is None:
            break
        try:
            reply = handler.handle(message)
        except Exception as exc:
            reply = _reply_for_error(exc)
        conn.send(reply)


def main() -> int:
    from app.core.training.offline import prepare_ultralytics_env
    from app.utils.logger import configure_logging

    if len(sys.argv) != 2:
        print("usage: python -m app.core.prediction.worker_process FD", file=sys.stderr)
        return 2
    die_with_parent()
    settings = Settings.model_validate_json(os.environ[SETTINGS_ENV])
    configure_logging(settings.log_level)
    prepare_ultralytics_env(settings.data_dir)
    serve(Connection(int(sys.argv[1])), settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
