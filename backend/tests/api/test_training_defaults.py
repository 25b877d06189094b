"""Machine-aware defaults (issue 15): the recommended run, its reason and estimate, sessions created with
nothing but a dataset, duration estimates refined by past epochs, and Starts refused before queueing.

The test server is CPU-only and offline (CRACKDET_OFFLINE=1), like the reference machine.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.core.families.registry import get_family
from app.db.session import session_scope
from app.db.tables import Dataset, EpochMetric, TrainingSession
from app.domain.status import SessionStatus
from tests.helpers.training import add_dataset, tiny_config

API = "/api/v1/training"
STARTER = get_family("ultralytics").starter


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRACKDET_OFFLINE", "1")


def _set_splits(settings: Settings, dataset_id: str, train: int, val: int) -> None:
    with session_scope(settings.resolved_database_url) as db:
        row = db.get(Dataset, dataset_id)
        assert row is not None
        row.splits = {
            "train": {"images": train, "instances": train},
            "val": {"images": val, "instances": val},
        }


def _withdraw(client: TestClient, session_id: str) -> None:
    """Cancel the queued session (or stop it if the worker took it already): these tests never train."""
    if client.post(f"{API}/sessions/{session_id}/cancel").status_code != 200:
        client.post(f"{API}/sessions/{session_id}/stop")


def test_defaults_recommend_the_cpu_recipe_with_a_reason_and_an_estimate(client: TestClient) -> None:
    body = client.get(f"{API}/defaults").json()
    config, recommended = body["config"], body["recommended"]
    assert (config["model_arch"], config["device"], config["image_size"]) == ("yolov8n-seg", "cpu", 320)
    assert config["optimizer"] == "AdamW" and config["mosaic"] == 0.0
    assert 10 <= config["epochs"] <= 60
    for key, value in recommended["values"].items():
        assert config[key] == value, key
    reason = recommended["reason"]
    assert reason.startswith("CPU only, offline") and f"{config['epochs']} epochs" in reason
    assert "on this machine" in reason
    if STARTER is not None and STARTER.available():
        assert config["weights"] == STARTER.reference and "starter crack model" in reason
    else:
        assert config["weights"] is None and config["pretrained"] is False and "from scratch" in reason
    estimate = recommended["estimate"]
    assert estimate["seconds"] > estimate["epoch_seconds"] * config["epochs"] > 0
    assert estimate["throughput_gflops"] > 0 and "probe" in estimate["basis"]
    assert estimate["warning"] is None
    family = next(f for f in body["families"] if f["name"] == "ultralytics")
    assert family["starter_weights"]["reference"] == "starter"
    assert family["starter_weights"]["architecture"] == "yolov8n-seg"


def test_defaults_for_a_dataset_fit_its_size_and_an_unknown_one_is_404(
    client: TestClient, settings: Settings
) -> None:
    small, large = add_dataset(settings), add_dataset(settings)
    _set_splits(settings, small, 40, 10)
    _set_splits(settings, large, 4000, 800)
    few = client.get(f"{API}/defaults", params={"dataset_id": small}).json()
    many = client.get(f"{API}/defaults", params={"dataset_id": large}).json()
    # The epochs fill a time budget: a large dataset gets fewer of them, and its estimate is longer.
    assert few["config"]["epochs"] > many["config"]["epochs"]
    assert many["recommended"]["estimate"]["epoch_seconds"] > few["recommended"]["estimate"]["epoch_seconds"]
    assert client.get(f"{API}/defaults", params={"dataset_id": "f" * 32}).status_code == 404
    assert client.get(f"{API}/defaults", params={"dataset_id": "../x"}).status_code == 422


def test_estimate_scales_with_the_work_and_warns_above_an_hour(
    client: TestClient, settings: Settings
) -> None:
    dataset_id = add_dataset(settings)
    _set_splits(settings, dataset_id, 500, 100)

    def estimate(**overrides: Any) -> dict[str, Any]:
        body = {"dataset_id": dataset_id, "model_arch": "yolov8n-seg", "image_size": 320, "epochs": 10}
        response = client.post(f"{API}/estimate", json={**body, **overrides})
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    base = estimate()
    assert estimate(image_size=640)["epoch_seconds"] > 3 * base["epoch_seconds"]  # 4x the pixels
    assert estimate(epochs=20)["seconds"] > 1.9 * base["seconds"] - 60
    assert estimate(model_arch="yolov8x-seg")["epoch_seconds"] > 10 * base["epoch_seconds"]
    assert base["warning"] is None
    slow = estimate(model_arch="yolov8x-seg", image_size=1024, epochs=300)
    assert slow["seconds"] > 3600 and "hours" in slow["warning"]
    assert (
        client.post(
            f"{API}/estimate", json={"model_arch": "nope", "image_size": 320, "epochs": 1}
        ).status_code
        == 422
    )
    too_many = {"model_arch": "yolov8n-seg", "image_size": 320, "epochs": 100_000}
    assert client.post(f"{API}/estimate", json=too_many).status_code == 422


def test_past_epochs_on_this_machine_refine_the_throughput(client: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    _set_splits(settings, dataset_id, 64, 12)
    with session_scope(settings.resolved_database_url) as db:
        run = TrainingSession(
            name="past",
            framework="ultralytics",
            model_arch="yolov8n-seg",
            status=SessionStatus.COMPLETED,
            config={"image_size": 320, "device": "cpu"},
            total_epochs=5,
            dataset_id=dataset_id,
        )
        db.add(run)
        db.flush()
        for epoch in range(1, 6):
            db.add(EpochMetric(session_id=run.id, epoch=epoch, metrics={"epoch_time": 20.0}))
    body = {"dataset_id": dataset_id, "model_arch": "yolov8n-seg", "image_size": 320, "epochs": 10}
    estimate = client.post(f"{API}/estimate", json=body).json()
    assert estimate["basis"] == "4 past epochs on this machine"  # epoch 1 (warm-up) is left out
    # The same work as those epochs: the estimate per epoch is their 20 s (plus the fixed overhead).
    assert 20.0 <= estimate["epoch_seconds"] <= 23.0


def test_a_session_with_only_a_dataset_gets_the_recommended_run(
    client: TestClient, settings: Settings
) -> None:
    dataset_id = add_dataset(settings)
    _set_splits(settings, dataset_id, 8, 4)
    recommended = client.get(f"{API}/defaults", params={"dataset_id": dataset_id}).json()["config"]
    response = client.post(f"{API}/sessions", json={"dataset_id": dataset_id})
    assert response.status_code == 201, response.text
    created = response.json()
    _withdraw(client, created["id"])
    assert created["config"] == recommended
    assert created["model_arch"] == "yolov8n-seg" and created["total_epochs"] == recommended["epochs"]

    # Fields given on top are kept; a request that chooses its weights makes that choice alone.
    response = client.post(
        f"{API}/sessions", json={"dataset_id": dataset_id, "epochs": 3, "pretrained": False}
    )
    assert response.status_code == 201, response.text
    _withdraw(client, response.json()["id"])
    config = response.json()["config"]
    assert config["epochs"] == 3 and config["weights"] is None and config["pretrained"] is False
    assert config["image_size"] == 320 and config["device"] == "cpu"


def test_a_request_naming_the_architecture_is_taken_as_it_is(client: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    response = client.post(f"{API}/sessions", json=tiny_config(dataset_id, model_arch="yolov8n-seg"))
    assert response.status_code == 201, response.text
    _withdraw(client, response.json()["id"])
    assert response.json()["config"]["optimizer"] == "SGD"  # TrainingConfig's default, not the recipe's


@pytest.mark.parametrize(
    ("overrides", "code", "fix"),
    [
        (
            {"model_arch": "yolo11n-seg", "weights": "starter", "image_size": 64},
            400,
            "choose that architecture",
        ),
        ({"pretrained": True}, 422, "set pretrained to false"),
        ({"device": "0"}, 422, "use 'cpu'"),
        ({"image_size": 100}, 422, "96 or 128"),
    ],
)
def test_a_start_that_cannot_run_is_refused_before_queueing_with_the_fix(
    client: TestClient, settings: Settings, overrides: dict[str, Any], code: int, fix: str
) -> None:
    dataset_id = add_dataset(settings)
    response = client.post(f"{API}/sessions", json=tiny_config(dataset_id, **overrides))
    assert response.status_code == code, response.text
    body = response.json()
    assert fix in body["detail"] + " ".join(e.get("message", "") for e in body.get("errors", []))
    assert client.get(f"{API}/sessions").json()["total"] == 0


def test_a_dataset_without_a_val_split_is_refused_before_queueing(
    client: TestClient, settings: Settings
) -> None:
    dataset_id = add_dataset(settings)
    data_yaml = settings.datasets_dir / dataset_id / "data.yaml"
    data_yaml.write_text(
        "\n".join(line for line in data_yaml.read_text().splitlines() if not line.startswith("val:")) + "\n"
    )
    response = client.post(f"{API}/sessions", json={"dataset_id": dataset_id})
    assert response.status_code == 422
    assert "needs a train and a val split" in response.json()["detail"]
    assert client.get(f"{API}/sessions").json()["total"] == 0
