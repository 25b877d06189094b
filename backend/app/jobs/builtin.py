"""Small built-in job kinds: used by the runner's own tests and as a health probe for workers."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from app.jobs.context import JobContext
from app.jobs.registry import job_handler


@job_handler("sleep", queue="cpu")
def sleep_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any] | None:
    """Sleeps in small steps, reporting progress and honouring stop requests."""
    steps = int(params.get("steps", 10))
    for step in range(steps):
        ctx.raise_if_stopped()
        time.sleep(float(params.get("step_seconds", 0.1)))
        ctx.progress((step + 1) / steps, f"step {step + 1}/{steps}")
    if params.get("fail"):
        raise RuntimeError(str(params["fail"]))
    if params.get("kill_self"):
        os.kill(os.getpid(), signal.SIGKILL)
    return {"steps": steps, "pid": os.getpid()}


@job_handler("sleep_gpu", queue="gpu")
def sleep_gpu_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any] | None:
    return sleep_job(ctx, params)
