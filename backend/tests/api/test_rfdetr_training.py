"""A real RF-DETR Seg Nano through the API: trained from scratch at 96 px on synthetic cracks (CPU), watched
over the WebSocket, stopped after its first epoch and resumed from Lightning's last.ckpt, registered,
used for prediction (PyTorch, then its ONNX export) and exported by the ONNX job.

Every training, prediction and export runs in its own worker process, as in production; rfdetr and torch
never load into this pytest process. One run is shared by the module's tests (module-scoped fixtures).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.config import Settings
from app.core.training import events
from app.data.synthetic import SyntheticSpec
from app.db.migrate import upgrade
from app.db.session import dispose_engines
from app.main import create_app
from tests.helpers.jobs import wait_for_job
from tests.helpers.training import add_dataset, session, tiny_config, wait_status

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
API = "/api/v1/training"
# 8 images in batches of 2: RF-DETR samples 10 per epoch (5 batches), so a stop lands mid-epoch 2.
SPEC = SyntheticSpec(seed=21, train=8, val=2, test=0, image_size=96)
EPOCH_KEYS = (
    "train_loss",
    "train_box_loss",
    "train_cls_loss",
    "train_seg_loss",
    "box_map50",
    "box_map50_95",
    "mask_map50",
    "mask_map50_95",
    "lr",
    "epoch_time",
)


@pytest.fixture(scope="module")
def run_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    root = tmp_path_factory.mktemp("rfdetr-runs")
    settings = Settings(
        data_dir=root / "data", database_url=f"sqlite:///{root / 'crackdet.db'}", training_slots=1
    )
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    yield settings
    dispose_engines()


@pytest.fixture(scope="module")
def api(run_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(run_settings)) as client:
        yield client


@pytest.fixture(scope="module")
def stopped_run(api: TestClient, run_settings: Settings) -> dict[str, Any]:
    """Queued, watched over the WebSocket until epoch 1's metrics, stopped, watched until it closed."""
    dataset_id = add_dataset(run_settings, SPEC)
    body = tiny_config(
        dataset_id,
        name="rf-detr run",
        model_arch="rfdetr-seg-nano",
        image_size=96,
        epochs=2,
        batch_size=2,
        augmentation_level="none",
    )
    response = api.post(f"{API}/sessions", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    messages: list[dict[str, Any]] = []
    stop_answer: dict[str, Any] = {}
    with api.websocket_connect(f"/ws/training/{created['id']}") as ws:
        while True:
            try:
                message = ws.receive_json()
            except WebSocketDisconnect:
                break
            messages.append(message)
            if message.get("type") == events.METRICS and not stop_answer:
                stop_answer = api.post(f"{API}/sessions/{created['id']}/stop").json()
    return {
        "created": created,
        "dataset_id": dataset_id,
        "messages": messages,
        "stop": stop_answer,
        "session": session(api, created["id"]),
    }


@pytest.fixture(scope="module")
def completed_run(api: TestClient, stopped_run: dict[str, Any]) -> dict[str, Any]:
    session_id = stopped_run["created"]["id"]
    resumed = api.post(f"{API}/sessions/{session_id}/resume")
    assert resumed.status_code == 200, resumed.text
    final = wait_status(api, session_id, "completed", "failed", timeout=600)
    assert final["status"] == "completed", final["error"]
    return final


def _stored_events(api: TestClient, session_id: str) -> list[dict[str, Any]]:
    events_page = api.get(f"{API}/sessions/{session_id}/events", params={"limit": 5000}).json()
    stored: list[dict[str, Any]] = events_page["events"]
    return stored


def _logs(api: TestClient, session_id: str) -> list[str]:
    return [line["message"] for line in api.get(f"{API}/sessions/{session_id}/logs").json()["lines"]]


def test_live_metrics_then_a_stop_that_keeps_the_lightning_checkpoint(
    api: TestClient, run_settings: Settings, stopped_run: dict[str, Any]
) -> None:
    stored = [m for m in stopped_run["messages"] if "id" in m]
    states = [m["data"]["status"] for m in stored if m["type"] == events.STATE]
    assert states == ["queued", "running", "stopped"], states
    epochs = [m["data"] for m in stored if m["type"] == events.METRICS]
    assert [e["epoch"] for e in epochs] == [1] and epochs[0]["total_epochs"] == 2
    for key in EPOCH_KEYS:
        assert key in epochs[0]["metrics"], key
    assert 0.0 <= epochs[0]["metrics"]["mask_map50_95"] <= 1.0 and epochs[0]["learning_rate"] > 0
    progress = [m["data"] for m in stored if m["type"] == events.PROGRESS]
    assert progress and {p["total_batches"] for p in progress} == {5}
    assert all("loss" in p["losses"] for p in progress)

    assert stopped_run["stop"]["stop_requested"] is True
    stopped = stopped_run["session"]
    assert stopped["status"] == "stopped", "the run finished before the stop reached it"
    assert stopped["framework"] == "rfdetr" and stopped["current_epoch"] == 1 and stopped["resumable"]
    session_id = stopped["id"]
    last = run_settings.runs_dir / session_id / "train" / "last.ckpt"
    assert last.is_file()
    checkpoints = api.get(f"{API}/sessions/{session_id}/checkpoints").json()
    resumable = [c for c in checkpoints if c["path"].endswith("last.ckpt")]
    assert len(resumable) == 1 and resumable[0]["exists"] and resumable[0]["epoch"] == 1
    assert resumable[0]["size_bytes"] == last.stat().st_size > 100_000_000  # optimizer state included
    logs = _logs(api, session_id)
    assert any("COCO layout for RF-DETR built" in line and "(converted)" in line for line in logs)
    assert any(line.startswith("Kept on disk: ") and "last.ckpt" in line for line in logs)
    cache = run_settings.data_dir / "cache" / "rfdetr-coco" / stopped_run["dataset_id"]
    assert (cache / "train" / "_annotations.coco.json").is_file()


def test_resume_continues_from_the_checkpoint_and_keeps_only_the_best_weights(
    api: TestClient, run_settings: Settings, completed_run: dict[str, Any]
) -> None:
    session_id = completed_run["id"]
    metrics = api.get(f"{API}/sessions/{session_id}/metrics").json()
    assert [e["epoch"] for e in metrics["epochs"]] == [1, 2]
    stored = _stored_events(api, session_id)
    assert [e["data"]["epoch"] for e in stored if e["type"] == events.METRICS] == [1, 2]  # nothing repeated
    logs = _logs(api, session_id)
    assert any("Resuming from last.ckpt" in line for line in logs)
    assert any("resuming at epoch 2" in line for line in logs)
    assert any("reused the cached copy" in line for line in logs)  # the COCO copy was not rebuilt

    model = api.get(f"/api/v1/models/{completed_run['model_id']}").json()
    assert (model["framework"], model["model_arch"], model["task"], model["image_size"]) == (
        "rfdetr",
        "rfdetr-seg-nano",
        "segment",
        96,
    )
    assert model["class_names"] == ["crack"] and model["file_name"] == "best.pth"
    weights = run_settings.models_dir / model["id"] / "best.pth"
    assert weights.stat().st_size == model["size_bytes"] > 10_000_000

    # Disk: the best weights stay, the ~0.5 GB resumable checkpoint and the other copies are gone.
    out = run_settings.runs_dir / session_id / "train"
    assert sorted(p.name for p in out.glob("*.*")) == [
        "checkpoint_best_total.pth",
        "metrics.csv",
        "training_config.json",
    ]
    checkpoints = api.get(f"{API}/sessions/{session_id}/checkpoints").json()
    kept = [(c["is_best"], Path(c["path"]).name) for c in checkpoints]
    assert kept == [(True, "checkpoint_best_total.pth")]
    assert checkpoints[0]["size_bytes"] == (out / "checkpoint_best_total.pth").stat().st_size
    assert checkpoints[0]["epoch"] == completed_run["best_epoch"]
    assert completed_run["resumable"] is False


def _dataset_images(api: TestClient, run_settings: Settings, model_id: str) -> list[Path]:
    dataset_id = api.get(f"/api/v1/models/{model_id}").json()["dataset_id"]
    images = run_settings.datasets_dir / dataset_id / "images"
    return sorted(images.glob("val/*.jpg")) + sorted(images.glob("train/*.jpg"))


def _predict(
    api: TestClient, run_settings: Settings, model_id: str, image: Path | None = None, **params: str
) -> dict[str, Any]:
    image = image or _dataset_images(api, run_settings, model_id)[0]
    fields = {"model_id": model_id, "conf": "0.001", "mm_per_px": "0.5", **params}
    files = {"file": ("wall.jpg", image.read_bytes(), "image/jpeg")}
    response = api.post("/api/v1/predict", files=files, data=fields)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_prediction_drops_the_background_class_and_measures_the_masks(
    api: TestClient, run_settings: Settings, completed_run: dict[str, Any]
) -> None:
    # A 2-epoch model from scratch sets mask pixels for only a few of its queries on some images, so
    # several images are tried until some instances carry masks.
    measured: list[dict[str, Any]] = []
    for image in _dataset_images(api, run_settings, completed_run["model_id"])[:8]:
        body = _predict(api, run_settings, completed_run["model_id"], image, backend="pytorch")
        assert body["backend"] == "pytorch" and body["imgsz"] == 96 and body["class_names"] == ["crack"]
        assert body["instances"], "a 2-epoch model still scores some queries above 0.001"
        assert {inst["class_id"] for inst in body["instances"]} == {0}  # never the background slot (1)
        assert len(body["instances"]) <= 100  # at most one per query
        assert body["summary"]["count"] == sum(1 for inst in body["instances"] if inst["selected"])
        measured += [inst for inst in body["instances"] if inst["rle"] is not None]
        if measured:
            break
    assert measured, "segmentation masks become RLE masks with measurements"
    for inst in measured:
        assert inst["rle"]["size"] == [96, 96] and inst["area_px"] > 0
        assert inst["measurements"]["area_px"] == inst["area_px"]
        assert inst["measurements"]["length_mm"] is not None  # mm_per_px was given


def test_onnx_export_job_and_prediction_with_the_export(
    api: TestClient, run_settings: Settings, completed_run: dict[str, Any]
) -> None:
    model_id = completed_run["model_id"]
    refused = api.post(f"/api/v1/models/{model_id}/export", json={"format": "torchscript"})
    assert refused.status_code == 409 and "ONNX" in refused.json()["detail"]

    started = api.post(f"/api/v1/models/{model_id}/export", json={"format": "onnx"})
    assert started.status_code == 202, started.text
    job = wait_for_job(api, started.json()["job_id"], timeout=600)
    assert job["status"] == "completed", job
    export = api.get(f"/api/v1/models/{model_id}/exports/{started.json()['id']}").json()
    assert export["status"] == "completed" and export["file_name"] == "model.onnx"
    folder = run_settings.models_dir / model_id / "exports" / export["id"]
    assert [p.name for p in folder.iterdir()] == ["model.onnx"]
    assert export["size_bytes"] == (folder / "model.onnx").stat().st_size > 10_000_000
    assert len(api.get(export["download_url"]).content) == export["size_bytes"]

    torch_result = _predict(api, run_settings, model_id, backend="pytorch")
    onnx_result = _predict(api, run_settings, model_id, backend="onnx")
    assert onnx_result["backend"] == "onnx" and onnx_result["imgsz"] == 96
    assert {inst["class_id"] for inst in onnx_result["instances"]} <= {0}
    top_torch = sorted(torch_result["instances"], key=lambda inst: -inst["score"])[:5]
    top_onnx = sorted(onnx_result["instances"], key=lambda inst: -inst["score"])[:5]
    for a, b in zip(top_onnx, top_torch, strict=True):  # the exported graph gives the same answers
        assert a["score"] == pytest.approx(b["score"], abs=0.01)
        assert a["box"] == pytest.approx(b["box"], abs=1.0)


def test_the_api_process_never_imported_rfdetr(completed_run: dict[str, Any]) -> None:
    assert "rfdetr" not in sys.modules and "pytorch_lightning" not in sys.modules
