"""The pool through which the API process talks to its long-lived prediction worker processes.

The worker side is app/core/prediction/worker_process.py, a separate module run as
`python -m app.core.prediction.worker_process FD`: this module (imported by the API process) never
imports it, nor anything that pulls in the pipeline, ultralytics or cv2.

`PredictionPool`: `CRACKDET_PREDICTION_WORKERS` processes, started lazily on the first
request and stopped in the app's lifespan. `await pool.request(msg)` hands the blocking round trip to a
thread, so the event loop never waits on a worker. A worker that dies mid-request (out of memory, a
native crash) is restarted and that request fails with a 503 that says what happened; one that runs
past CRACKDET_PREDICTION_TIMEOUT_S is killed and restarted the same way.
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
from app.domain.errors import AppError
from app.utils.process import describe_exit

log = logging.getLogger("app.prediction.worker")
SETTINGS_ENV = "CRACKDET_PREDICTION_WORKER_SETTINGS"  # the worker reads its Settings from here
WORKER_MODULE = "app.core.prediction.worker_process"
POLL_INTERVAL_S = 0.05
STOP_GRACE_S = 5.0


class PredictionWorkerError(AppError):
    """The worker died or timed out while handling the request (it has been restarted)."""

    status_code = 503


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
                [sys.executable, "-m", WORKER_MODULE, str(child.fileno())],
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
