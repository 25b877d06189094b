"""Helpers of the dataset curation tests (issue 17): a ready dataset imported in this process, and the
image ids of its working copy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Dataset
from app.services import dataset_imports as imports
from app.services.dataset_storage import upload_zip_path

API = "/api/v1/datasets"


def import_dataset(settings: Settings, zip_path: Path, name: str = "Bridge cracks") -> str:
    """A dataset imported from the zip by the real import pipeline, run in this process."""
    with session_scope(settings.resolved_database_url) as db:
        row = Dataset(name=name, source="upload", status="queued")
        db.add(row)
        db.flush()
        dataset_id = row.id
    upload_zip_path(settings, dataset_id).write_bytes(zip_path.read_bytes())
    imports.import_upload(settings, dataset_id)
    return dataset_id


def images(client: TestClient, dataset_id: str, split: str | None = None) -> list[dict[str, Any]]:
    query = f"?limit=100{f'&split={split}' if split else ''}"
    response = client.get(f"{API}/{dataset_id}/images{query}")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def annotations_url(dataset_id: str, image_id: str) -> str:
    return f"{API}/{dataset_id}/images/{image_id}/annotations"
