"""Helpers for the training tests: a registered synthetic dataset, tiny configs, waiting, WS reading."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from app.config import Settings
from app.data.synthetic import SyntheticSpec, generate_dataset
from app.db.session import session_scope
from app.db.tables import Dataset, Job, Model
from app.repositories import training as repo

TINY = SyntheticSpec(seed=3, train=8, val=4, test=0, image_size=64)


def add_dataset(settings: Settings, spec: SyntheticSpec = TINY, *, status: str = "ready") -> str:
    """Generate synthetic cracks under datasets/<id> and register them as a ready dataset."""
    with session_scope(settings.resolved_database_url) as db:
        row = Dataset(
            name=f"synthetic {spec.seed}",
            source="demo",
            format="yolo-seg",
            status=status,
            class_names=list(spec.class_names),
        )
        db.add(row)
        db.flush()
        row.path = row.id
        dataset_id = row.id
    generate_dataset(settings.datasets_dir / dataset_id, spec)
    return dataset_id


def tiny_config(dataset_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dataset_id": dataset_id,
        "pretrained": False,
        "image_size": 64,
        "epochs": 2,
        "batch_size": 4,
        "num_workers": 0,
        "device": "cpu",
        "augmentation_level": "light",
    }
    body.update(overrides)
    return body


def wait_for(
    predicate: Callable[[], Any], timeout: float = 120, what: str = "condition", interval: float = 0.1
) -> Any:
    """The first truthy value of `predicate`, polled every `interval` s; fails after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout:.0f} s")
        time.sleep(interval)


def session(client: TestClient, session_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/training/sessions/{session_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def wait_status(client: TestClient, session_id: str, *statuses: str, timeout: float = 180) -> dict[str, Any]:
    def reached() -> dict[str, Any] | None:
        data = session(client, session_id)
        return data if data["status"] in statuses else None

    result: dict[str, Any] = wait_for(reached, timeout=timeout, interval=0.2)
    return result


def worker_pid(settings: Settings, session_id: str) -> int | None:
    with session_scope(settings.resolved_database_url) as db:
        job: Job | None = repo.latest_job(db, session_id)
        if job is None or job.status != "running" or not job.worker or not job.worker.startswith("local:"):
            return None
        return int(job.worker.split(":", 1)[1])


def read_ws_until_close(ws: Any, limit: int = 10_000) -> list[dict[str, Any]]:
    """Every message until the server closes the socket."""
    from starlette.websockets import WebSocketDisconnect

    messages: list[dict[str, Any]] = []
    for _ in range(limit):
        try:
            messages.append(ws.receive_json())
        except WebSocketDisconnect:
            return messages
    raise AssertionError("the server never closed the WebSocket")


def add_trained_model(settings: Settings, weights: Path, name: str = "tiny", source: str = "trained") -> str:
    """Register `weights` (the tiny yolov8n-seg crack model) as a model named `name`."""
    folder = settings.models_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(weights, folder / "best.pt")
    with session_scope(settings.resolved_database_url) as db:
        model = Model(
            name=name,
            source=source,
            framework="ultralytics",
            task="segment",
            class_names=["crack"],
            image_size=96,
            path=f"models/{name}/best.pt",
        )
        db.add(model)
        db.flush()
        return model.id
