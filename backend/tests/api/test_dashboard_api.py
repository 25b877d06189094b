"""Dashboard: summary counts, recent trainings and system status (real database, this machine's NVML,
and a FAKED NVML where a GPU is needed: this machine has none)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Dataset, Model, TrainingSession
from app.services.notifications import notify
from tests.helpers.monitoring import FakeGpu, FakeNvml, monitored_client

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _seed(settings: Settings) -> None:
    with session_scope(settings.resolved_database_url) as session:
        dataset = Dataset(name="Cracks v1", source="demo", status="ready")
        session.add(dataset)
        session.flush()
        for i, status in enumerate(["completed", "failed", "running", "queued", "queued", "completed"]):
            session.add(
                TrainingSession(
                    name=f"run {i}",
                    framework="ultralytics",
                    model_arch="yolov8n-seg",
                    status=status,
                    dataset_id=dataset.id,
                    total_epochs=10,
                    current_epoch=10 if status == "completed" else 3,
                    best_metric=0.5 + i / 100 if status == "completed" else None,
                    created_at=T0 + timedelta(minutes=i),
                    started_at=T0 + timedelta(minutes=i),
                    finished_at=T0 + timedelta(minutes=i, seconds=90) if status == "completed" else None,
                )
            )
        session.add(Model(name="crack-v1", source="trained", framework="ultralytics", path="models/a.pt"))


def test_summary_counts_trainings_datasets_models_and_gpu(client: TestClient, settings: Settings) -> None:
    _seed(settings)
    notify(settings, "info", "hello")
    body = client.get("/api/v1/dashboard/summary").json()
    assert body["trainings"] == {
        "active": 1,
        "queued": 2,
        "completed": 2,
        "failed": 1,
        "total": 6,
        "by_status": {"completed": 2, "failed": 1, "running": 1, "queued": 2},
    }
    assert (body["datasets"], body["models"], body["unread_notifications"]) == (1, 1, 1)
    assert body["gpu"]["available"] is False and body["gpu"]["status"] == "unavailable"
    assert body["gpu"]["reason"].startswith("No NVIDIA GPU found")


def test_training_history_newest_first_with_best_metric(client: TestClient, settings: Settings) -> None:
    _seed(settings)
    items = client.get("/api/v1/dashboard/training-history", params={"limit": 3}).json()
    assert [i["name"] for i in items] == ["run 5", "run 4", "run 3"]
    assert items[0]["best_metric"] == 0.55 and items[0]["dataset_name"] == "Cracks v1"
    assert items[0]["duration_s"] == 90.0
    assert client.get("/api/v1/dashboard/training-history", params={"limit": 0}).status_code == 422
    assert client.get("/api/v1/dashboard/training-history", params={"limit": 101}).status_code == 422


def test_system_status_on_this_machine_says_no_gpu(client: TestClient) -> None:
    body = client.get("/api/v1/dashboard/system-status").json()
    gpu_issues = [i for i in body["issues"] if i["source"] == "gpu"]
    assert gpu_issues == [
        {"level": "info", "source": "gpu", "message": "No NVIDIA GPU found: training runs on the CPU"}
    ]
    assert body["gpu_available"] is False
    assert body["cpu_percent"] is not None and body["disk_percent"] is not None


def test_system_status_names_the_hot_gpu(settings: Settings) -> None:
    gpus = [FakeGpu(temperature=88), FakeGpu(uuid="GPU-2", temperature=93, util_gpu=90)]
    with monitored_client(settings, FakeNvml(gpus)) as (client, _):
        status = client.get("/api/v1/dashboard/system-status").json()
        summary = client.get("/api/v1/dashboard/summary").json()
    gpu_issues = [(i["level"], i["message"]) for i in status["issues"] if i["source"] == "gpu"]
    assert gpu_issues == [("warning", "GPU 0 at 88 C"), ("critical", "GPU 1 at 93 C")]
    assert status["status"] == "critical"
    assert status["max_gpu_temperature_c"] == 93.0 and status["avg_gpu_utilization_percent"] == 60.0
    assert summary["gpu"] == {
        "available": True,
        "count": 2,
        "status": "critical",
        "reason": None,
        "names": ["NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 4090"],
    }
