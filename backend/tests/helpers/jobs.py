"""Waiting for a job of the real runner through the API."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

FINISHED = ("completed", "failed", "stopped", "cancelled", "interrupted")


def wait_for_job(client: TestClient, job_id: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in FINISHED:
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {job_id} did not finish in {timeout} s")
