"""Long-lived prediction worker processes and the pool the API talks to them through.

Worker side (`python -m app.core.prediction.worker FD`): sets Ultralytics up offline, then serves
requests read from a socket (pickled dicts, `multiprocessing.connection` framing) one at a time,
keeping loaded models in a bounded LRU cache (cache.py). A request names an image file already stored
under the data dir and the model file to use; the reply is the JSON-ready result.

API side (`PredictionPool`): `CRACKDET_PREDICTION_WORKERS` processes, started lazily on the first
request and stopped in the app's lifespan. `await pool.request(msg)` hands the blocking round trip to a
thread, so the event loop never waits on a worker. A worker that dies mid-request (out of memory, a
native crash) is restarted and that request fails with a 503 that says what happened; one that runs
past CRACKDET_PREDICTION_TIMEOUT_S is killed and restarted the same way.

This module is imported by the API process: heavy modules (pipeline, ultralytics, cv2) are imported
only inside the worker-side functions.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.config import Settings
from app.core.prediction.cache import ModelCache, ModelSpec
from app.domain.errors import AppError

log = logging.getLogger("app.prediction.worker")
SETTINGS_ENV = "CRACKDET_PREDICTION_WORKER_SETTINGS"
POLL_INTERVAL_S = 0.05
STOP_GRACE_S = 5.0


class PredictionWorkerError(AppError):
    """The worker died or timed out while handling the request (it has been restarted)."""

    status_code = 503


# ==================================================================================================
# Worker side
# ==================================================================================================


def predict_file(settings: Settings, cache: ModelCache, request: dict[str, Any]) -> dict[str, Any]:
    """Decode the stored image, run the model and measure: the worker's (and batch job's) one step.

    request: {"image_path": str, "display_stem": str | None, "model": ModelSpec dict, "options": dict}
    Returns {"result": result dict, "display_path": str | None}.
    """
    from app.core.prediction.pipeline import PipelineOptions, run_pipeline
    from app.utils.images import load_rgb, save_display_copy

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
    from app.jobs.worker import _die_with_parent
    from app.utils.logger import configure_logging

    if len(sys.argv) != 2:
        print("usage: python -m app.core.prediction.worker FD", file=sys.stderr)
        return 2
    _die_with_parent()
    settings = Settings.model_validate_json(os.environ[SETTINGS_ENV])
    configure_logging(settings.log_level)
    prepare_ultralytics_env(settings.data_dir)
    serve(Connection(int(sys.argv[1])), settings)
    return 0


# ==================================================================================================
# API side
# ==================================================================================================


class _WorkerDied(Exception):
    pass


class WorkerProcess:
    """One worker process and its socket; used by one thread at a time (the pool sees to that)."""

    def __init__(self, settings: Settings, index: int) -> None:
        self.settings = settings
        self.index = index
        self.process: subprocess.Popen[bytes] | None = None
        self.conn: Connection | None = None
        self.restarts = 0

    @property
    def log_path(self) -> Path:
        return self.settings.data_dir / "logs" / f"prediction-worker-{self.index}.log"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        parent, child = socket.socketpair()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, SETTINGS_ENV: self.settings.model_dump_json()}
        with self.log_path.open("ab") as log_file:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.core.prediction.worker", str(child.fileno())],
                pass_fds=(child.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                env=env,
            )
        child.close()
        self.conn = Connection(parent.detach())
        log.info("started prediction worker %s (pid %s)", self.index, self.process.pid)

    def call(self, message: dict[str, Any], timeout_s: float) -> dict[str, Any]:
        if not self.alive():
            self.start()
        assert self.conn is not None and self.process is not None
        try:
            self.conn.send(message)
        except OSError as exc:
            raise _WorkerDied(f"could not send the request ({exc})") from None
        deadline = time.monotonic() + timeout_s
        while not self.conn.poll(POLL_INTERVAL_S):
            if self.process.poll() is not None:
                raise _WorkerDied(self._exit_reason())
            if time.monotonic() > deadline:
                self.kill()
                raise PredictionWorkerError(
                    f"The prediction took longer than {timeout_s:.0f} s and was stopped (its worker was "
                    "restarted). Try tiling with a smaller tile size, a smaller image, or raise "
                    "CRACKDET_PREDICTION_TIMEOUT_S."
                )
        try:
            reply: dict[str, Any] = self.conn.recv()
        except (EOFError, OSError):
            self.process.wait(timeout=STOP_GRACE_S)
            raise _WorkerDied(self._exit_reason()) from None
        return reply

    def _exit_reason(self) -> str:
        from app.jobs.runner import describe_exit

        code = self.process.poll() if self.process is not None else None
        return describe_exit(code) if code is not None else "the worker closed its connection"

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=STOP_GRACE_S)
        self._close_conn()

    def _close_conn(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None and self.conn is not None:
            try:
                self.conn.send(None)
                self.process.wait(timeout=STOP_GRACE_S)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
        self.process = None


class PredictionPool:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.size = settings.prediction_workers
        self.workers = [WorkerProcess(settings, i) for i in range(self.size)]
        self._idle: queue.Queue[WorkerProcess] = queue.Queue()
        for worker in self.workers:
            self._idle.put(worker)
        self._executor = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="prediction")
        self._closed = threading.Event()

    def call(self, message: dict[str, Any]) -> dict[str, Any]:
        """Blocking round trip on the next free worker; worker failures become PredictionWorkerError."""
        if self._closed.is_set():
            raise PredictionWorkerError("The server is shutting down.")
        worker = self._idle.get()
        try:
            return worker.call(message, self.settings.prediction_timeout_s)
        except _WorkerDied as died:
            worker.kill()
            worker.restarts += 1
            log.warning("prediction worker %s died: %s", worker.index, died)
            raise PredictionWorkerError(
                f"The prediction worker stopped unexpectedly ({died}) while handling this request; it "
                "has been restarted. If it happens again the image may be too large for the memory "
                "available: turn tiling on or use a smaller image."
            ) from None
        finally:
            self._idle.put(worker)

    async def request(self, message: dict[str, Any]) -> dict[str, Any]:
        """`call` without blocking the event loop. Error replies are raised as AppError."""
        loop = asyncio.get_running_loop()
        reply = await loop.run_in_executor(self._executor, self.call, message)
        if not reply.get("ok"):
            error = AppError(str(reply.get("detail", "Prediction failed")))
            error.status_code = int(reply.get("status", 500))
            raise error
        return reply

    def close(self) -> None:
        self._closed.set()
        for worker in self.workers:
            worker.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def shutdown(self) -> None:
        await asyncio.to_thread(self.close)


_POOL_LOCK = threading.Lock()


def get_pool(state: Any, settings: Settings) -> PredictionPool:
    """The app's pool (`app.state.prediction_pool`), created on first use."""
    with _POOL_LOCK:
        pool: PredictionPool | None = getattr(state, "prediction_pool", None)
        if pool is None:
            pool = PredictionPool(settings)
            state.prediction_pool = pool
        return pool


async def close_pool(state: Any) -> None:
    """Stops the app's prediction workers, if any were started (app lifespan)."""
    pool: PredictionPool | None = getattr(state, "prediction_pool", None)
    if pool is not None:
        state.prediction_pool = None
        await pool.shutdown()


if __name__ == "__main__":
    sys.exit(main())
