"""The curation loop through the API (issue 17), with real models and a real training:
predict -> add to a new dataset as pre-labels -> review queue -> correct one mask -> new version ->
train on that version (tiny yolov8n-seg, CPU, worker process) -> the model's lineage names the version,
which can then no longer be deleted. SQLite only (the database paths are covered by the other tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import dispose_engines
from app.main import create_app
from tests.helpers.curation import API, annotations_url
from tests.helpers.training import add_trained_model, tiny_config, wait_status

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
LOW_CONF = "0.001"  # the tiny model's scores are low: keep whatever it finds


@dataclass
class Loop:
    client: TestClient
    settings: Settings
    model_a: str
    model_b: str
    images: list[Path]


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory, trained_yolo_weights: Path) -> Iterator[Loop]:
    root = tmp_path_factory.mktemp("curation-flow")
    settings = Settings(
        data_dir=root / "data", database_url=f"sqlite:///{root / 'test.db'}", training_slots=1
    )
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    model_a = add_trained_model(settings, trained_yolo_weights, "tiny-a")
    model_b = add_trained_model(settings, trained_yolo_weights, "tiny-b")
    dataset = trained_yolo_weights.parents[3] / "dataset"
    pictures = (
        sorted((dataset / "images" / "train").glob("*.jpg"))[:6]
        + sorted((dataset / "images" / "val").glob("*.jpg"))[:3]
    )
    with TestClient(create_app(settings)) as client:
        yield Loop(client, settings, model_a, model_b, pictures)
    dispose_engines()


def _predict(loop: Loop, image: Path, model_id: str) -> dict[str, Any]:
    response = loop.client.post(
        "/api/v1/predict",
        files={"file": (image.name, image.read_bytes(), "image/jpeg")},
        data={"model_id": model_id, "conf": LOW_CONF},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _to_dataset(loop: Loop, **body: Any) -> dict[str, Any]:
    response = loop.client.post(f"{API}/from-predictions", json={"confidence": float(LOW_CONF), **body})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_predict_curate_version_train_and_lineage(loop: Loop) -> None:
    client = loop.client
    train_predictions = [_predict(loop, image, loop.model_a) for image in loop.images[:6]]
    val_predictions = [_predict(loop, image, loop.model_a) for image in loop.images[6:]]
    predicted = sum(
        len([i for i in p["instances"] if i["score"] >= float(LOW_CONF)]) for p in train_predictions
    )

    created = _to_dataset(
        loop, prediction_ids=[p["id"] for p in train_predictions], new_name="From the field"
    )
    assert created["created"] is True and created["images_added"] == 6 and created["images_merged"] == 0
    dataset_id = created["dataset_id"]
    assert created["instances_added"] >= predicted > 0  # a prediction of several parts gives one per part
    added = _to_dataset(
        loop, prediction_ids=[p["id"] for p in val_predictions], dataset_id=dataset_id, split="val"
    )
    assert added["created"] is False and added["images_added"] == 3
    # The same picture predicted by a second model: merged into the image, with the models' disagreement.
    second = _predict(loop, loop.images[0], loop.model_b)
    merged = _to_dataset(loop, prediction_ids=[second["id"]], dataset_id=dataset_id)
    assert merged["images_added"] == 0 and merged["images_merged"] == 1
    assert merged["image_ids"] == [created["image_ids"][0]]

    detail = client.get(f"{API}/{dataset_id}").json()
    assert detail["status"] == "ready" and detail["class_names"] == ["crack"]
    assert detail["splits"]["train"]["images"] == 6 and detail["splits"]["val"]["images"] == 3

    queue = client.get(f"{API}/{dataset_id}/review-queue").json()
    assert queue["unreviewed"] == 9 and queue["reviewed"] == 0
    confidences = [item["confidence"] for item in queue["items"] if item["confidence"] is not None]
    assert confidences == sorted(confidences)
    double = next(item for item in queue["items"] if item["image_id"] == created["image_ids"][0])
    assert double["disagreement"] == 0.0  # the same weights under two names agree exactly

    # Correct one mask of the least confident image and accept it.
    first = queue["items"][0]
    url = annotations_url(dataset_id, first["image_id"])
    state = client.get(url)
    assert all(i["source"] == "predicted" and i["reviewed"] is False for i in state.json()["instances"])
    corrected = [
        {
            "class_id": 0,
            "polygon": [[10, 10], [60, 12], [62, 20], [12, 18]],
            "source": "drawn",
            "reviewed": True,
        }
    ]
    saved = client.put(
        url, json={"instances": corrected, "reviewed": True}, headers={"If-Match": state.headers["etag"]}
    )
    assert saved.status_code == 200, saved.text
    assert client.get(f"{API}/{dataset_id}/review-queue").json()["unreviewed"] == 8

    version = client.post(f"{API}/{dataset_id}/versions", json={"message": "first curated set"}).json()
    assert version["number"] == 1 and version["counts"]["images"] == 9

    response = client.post(
        "/api/v1/training/sessions",
        json=tiny_config(dataset_id, name="on v1", dataset_version_id=version["id"], epochs=1),
    )
    assert response.status_code == 201, response.text
    assert (
        response.json()["dataset_version_id"] == version["id"]
        and response.json()["dataset_version_number"] == 1
    )
    done = wait_status(client, response.json()["id"], "completed", "failed", timeout=480)
    assert done["status"] == "completed", done.get("error")
    # It trained on the version's snapshot, not on the working copy.
    data_yaml = yaml.safe_load((loop.settings.runs_dir / done["id"] / "data.yaml").read_text())
    assert f"dataset-versions/{dataset_id}/{version['id']}" in data_yaml["path"]

    model = client.get(f"/api/v1/models/{done['model_id']}").json()
    assert model["dataset_id"] == dataset_id
    assert model["dataset_version_id"] == version["id"] and model["dataset_version_number"] == 1
    listed = client.get("/api/v1/models").json()["items"]
    assert next(m for m in listed if m["id"] == model["id"])["dataset_version_number"] == 1

    refused = client.delete(f"{API}/{dataset_id}/versions/{version['id']}")
    assert refused.status_code == 409 and "'on v1'" in refused.json()["detail"]
