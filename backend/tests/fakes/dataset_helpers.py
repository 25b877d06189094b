"""Helpers of the dataset tests: wait for imports, count rows, find leftover files, upload a zip."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Dataset

GOOD_KEY = "rfTestKey0123456789abc"
JOB_TIMEOUT_S = 90.0


def wait_for_dataset(client: TestClient, dataset_id: str, timeout: float = JOB_TIMEOUT_S) -> dict[str, Any]:
    """Polls until the dataset is ready or failed; a vanished dataset returns {"status": "gone"}."""
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = client.get(f"/api/v1/datasets/{dataset_id}")
        if response.status_code == 404:
            return {"status": "gone"}
        body = response.json()
        if body["status"] in ("ready", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"dataset {dataset_id} still {body.get('status')} after {timeout} s: {body}")


def wait_for_job(client: TestClient, job_id: str, timeout: float = JOB_TIMEOUT_S) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = client.get(f"/api/v1/datasets/jobs/{job_id}").json()
        if body.get("finished_at"):
            return body
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} not finished after {timeout} s: {body}")


def dataset_rows(settings: Settings) -> int:
    with session_scope(settings.resolved_database_url) as db:
        return int(db.scalar(select(func.count()).select_from(Dataset)) or 0)


def leftover_files(settings: Settings) -> list[str]:
    """Files or folders an import may leave: uploads, tmp, datasets (empty is clean)."""
    found = []
    for folder in (settings.uploads_dir, settings.tmp_dir, settings.datasets_dir):
        if folder.is_dir():
            found.extend(str(path.relative_to(settings.data_dir)) for path in folder.iterdir())
    return sorted(found)


def upload(client: TestClient, data: bytes, filename: str = "dataset.zip", **fields: str) -> Any:
    return client.post(
        "/api/v1/datasets/upload", files={"file": (filename, data, "application/zip")}, data=fields
    )
