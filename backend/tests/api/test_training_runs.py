"""Real Ultralytics training (yolov8n-seg, 64 px synthetic cracks, CPU) through the API and the runner.

Each training runs in its own worker process, as in production. One completed run is shared by the
tests of this module (module-scoped fixtures); SQLite only (the database layer is covered elsewhere).
"""

from __future__ import annotations

import itertools
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.core.training import events
from app.data.synthetic import SyntheticSpec
from app.db.migrate import upgrade
from app.db.session import dispose_engines, session_scope
from app.db.tables import Model
from app.main import create_app
from tests.helpers.training import (
    add_dataset,
    read_ws_until_close,
    session,
    tiny_config,
    wait_for,
    wait_status,
    worker_pid,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
API = "/api/v1/training"
# 12 images in batches of 2: six batches per epoch, so a stop lands mid-epoch
STOPPABLE = SyntheticSpec(seed=5, train=12, val=4, test=0, image_size=64)


def _settings(root: Path) -> Settings:
    settings = Settings(
        data_dir=root / "data", database_url=f"sqlite:///{root / 'crackdet.db'}", training_slots=1
    )
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    return settings


@pytest.fixture(scope="module")
def run_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    yield _settings(tmp_path_factory.mktemp("training-runs"))
    dispose_engines()


@pytest.fixture(scope="module")
def api(run_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(run_settings)) as client:
        yield client


@pytest.fixture(scope="module")
def dataset_id(run_settings: Settings) -> str:
    return add_dataset(run_settings)


@pytest.fixture(scope="module")
def completed_run(api: TestClient, dataset_id: str) -> dict[str, Any]:
    """A 2-epoch run, watched over the WebSocket from right after it was queued until it closed."""
    response = api.post(
        f"{API}/sessions",
        json=tiny_config(dataset_id, name="shared run", keep_last_checkpoints=1, save_period=1),
    )
    assert response.status_code == 201, response.text
    created = response.json()
    with api.websocket_connect(f"/ws/training/{created['id']}") as ws:
        messages = read_ws_until_close(ws)
    return {"created": created, "messages": messages, "session": session(api, created["id"])}


def _metrics_epochs(api: TestClient, session_id: str) -> list[int]:
    return [e["epoch"] for e in api.get(f"{API}/sessions/{session_id}/metrics").json()["epochs"]]


def _event_epochs(api: TestClient, session_id: str) -> list[int]:
    stored = api.get(f"{API}/sessions/{session_id}/events", params={"limit": 5000}).json()["events"]
    return [e["data"]["epoch"] for e in stored if e["type"] == events.METRICS]


def test_metrics_arrive_over_the_websocket_in_order(completed_run: dict[str, Any]) -> None:
    messages = completed_run["messages"]
    stored = [m for m in messages if "id" in m]
    ids = [m["id"] for m in stored]
    assert ids == sorted(set(ids))  # in order, no duplicates
    types = [m["type"] for m in stored]
    assert types[0] == events.STATE and stored[0]["data"]["status"] == "queued"
    assert any(m["type"] == "history_end" for m in messages)
    states = [m["data"]["status"] for m in stored if m["type"] == events.STATE]
    assert states == ["queued", "running", "completed"]
    epochs = [m["data"] for m in stored if m["type"] == events.METRICS]
    assert [e["epoch"] for e in epochs] == [1, 2]
    for epoch in epochs:
        metrics = epoch["metrics"]
        for key in (
            "train_box_loss",
            "train_seg_loss",
            "train_cls_loss",
            "train_dfl_loss",
            "val_seg_loss",
            "box_precision",
            "box_recall",
            "box_map50",
            "box_map50_95",
            "mask_precision",
            "mask_recall",
            "mask_map50",
            "mask_map50_95",
            "lr",
            "epoch_time",
        ):
            assert key in metrics, key
        assert epoch["timestamp"] and epoch["total_epochs"] == 2
    progress = [m["data"] for m in stored if m["type"] == events.PROGRESS]
    assert progress and progress[-1]["progress_percent"] == 100.0
    assert {p["total_batches"] for p in progress} == {2}  # 8 images, batch 4
    assert all(p["estimated_time_remaining"] is not None for p in progress)
    assert types.index(events.COMPLETE) > max(i for i, t in enumerate(types) if t == events.METRICS)
    assert any("Epoch 2/2" in m["data"]["message"] for m in stored if m["type"] == events.LOG)


def test_completed_run_is_registered_as_a_model(
    api: TestClient, run_settings: Settings, completed_run: dict[str, Any]
) -> None:
    detail = completed_run["session"]
    assert detail["status"] == "completed" and detail["current_epoch"] == 2 and detail["progress"] == 1.0
    assert detail["model_id"] and detail["best_epoch"] in (1, 2) and detail["resumable"] is False
    with session_scope(run_settings.resolved_database_url) as db:
        model = db.get(Model, detail["model_id"])
        assert model is not None
        assert (model.framework, model.model_arch, model.task, model.class_names, model.image_size) == (
            "ultralytics",
            "yolov8n-seg",
            "segment",
            ["crack"],
            64,
        )
        assert model.dataset_id == detail["dataset_id"] and model.session_id == detail["id"]
        assert model.path == f"models/{model.id}/best.pt"
        assert (run_settings.data_dir / model.path).stat().st_size == model.size_bytes > 1_000_000
        assert "mask_map50_95" in model.metrics


def test_checkpoints_keep_best_and_last_n_and_csv_export(
    api: TestClient, run_settings: Settings, completed_run: dict[str, Any]
) -> None:
    session_id = completed_run["created"]["id"]
    checkpoints = api.get(f"{API}/sessions/{session_id}/checkpoints").json()
    best = [c for c in checkpoints if c["is_best"]]
    assert len(best) == 1 and best[0]["epoch"] == completed_run["session"]["best_epoch"]
    assert checkpoints[-1]["epoch"] == 2  # keep_last_checkpoints=1: the last one always stays
    assert len(checkpoints) == len({1 if best[0]["epoch"] == 1 else 2, 2})
    weights = run_settings.runs_dir / session_id / "train" / "weights"
    on_disk = sorted(p.name for p in weights.glob("epoch_*.pt"))
    assert on_disk == sorted(Path(c["path"]).name for c in checkpoints)
    assert all(c["exists"] and c["size_bytes"] > 0 and "mask_map50_95" in c["metrics"] for c in checkpoints)

    csv_text = api.get(f"{API}/sessions/{session_id}/metrics.csv").text
    header, *rows = csv_text.strip().splitlines()
    assert header.startswith("epoch,train_box_loss") and "mask_map50_95" in header
    assert [row.split(",")[0] for row in rows] == ["1", "2"]


def test_reconnecting_with_after_replays_only_missed_events(
    api: TestClient, completed_run: dict[str, Any]
) -> None:
    session_id = completed_run["created"]["id"]
    stored = [m for m in completed_run["messages"] if "id" in m]
    cut = stored[len(stored) // 2]["id"]
    with api.websocket_connect(f"/ws/training/{session_id}?after={cut}") as ws:
        again = [m for m in read_ws_until_close(ws) if "id" in m]
    expected = [m for m in stored if m["id"] > cut]
    latest_progress = max((m["id"] for m in expected if m["type"] == events.PROGRESS), default=None)
    expected = [m for m in expected if m["type"] != events.PROGRESS or m["id"] == latest_progress]
    assert [m["id"] for m in again] == [m["id"] for m in expected]


def test_stop_then_resume_continues_at_the_next_epoch(api: TestClient, run_settings: Settings) -> None:
    dataset = add_dataset(run_settings, STOPPABLE)
    body = tiny_config(dataset, epochs=5, batch_size=2, save_period=0)
    session_id = api.post(f"{API}/sessions", json=body).json()["id"]
    wait_for(lambda: _metrics_epochs(api, session_id), timeout=180)
    stopping = api.post(f"{API}/sessions/{session_id}/stop").json()
    assert stopping["status"] == "running" and stopping["stop_requested"] is True
    stopped = wait_status(api, session_id, "stopped", "completed")
    assert stopped["status"] == "stopped", "the run finished before the stop reached it"
    done = stopped["current_epoch"]
    assert (
        1 <= done < 5
        and stopped["resumable"]
        and _metrics_epochs(api, session_id) == list(range(1, done + 1))
    )
    assert (run_settings.runs_dir / session_id / "train" / "weights" / "last.pt").is_file()

    resumed = api.post(f"{API}/sessions/{session_id}/resume").json()
    assert resumed["status"] in ("queued", "running") and resumed["resume_count"] == 1
    final = wait_status(api, session_id, "completed", "failed")
    assert final["status"] == "completed", final["error"]
    assert _metrics_epochs(api, session_id) == [1, 2, 3, 4, 5]
    assert _event_epochs(api, session_id) == [1, 2, 3, 4, 5]  # continued at done + 1, nothing repeated
    logs = [line["message"] for line in api.get(f"{API}/sessions/{session_id}/logs").json()["lines"]]
    assert any(f"resuming at epoch {done + 1}" in line for line in logs)


def test_a_killed_worker_fails_the_session_with_the_reason(
    api: TestClient, run_settings: Settings, dataset_id: str
) -> None:
    session_id = api.post(f"{API}/sessions", json=tiny_config(dataset_id, epochs=200)).json()["id"]
    wait_for(lambda: _metrics_epochs(api, session_id), timeout=180)
    pid = worker_pid(run_settings, session_id)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    failed = wait_status(api, session_id, "failed", timeout=60)
    assert "SIGKILL" in failed["error"] and "Last log lines" in failed["error"]
    assert "Epoch 1/200" in failed["error"]
    assert failed["resumable"] is True  # last.pt of the last finished epoch is there
    stored = api.get(f"{API}/sessions/{session_id}/events", params={"limit": 5000}).json()["events"]
    assert stored[-1]["type"] == events.STATE and stored[-1]["data"]["status"] == "failed"
    assert any(e["type"] == events.ERROR and e["data"]["code"] == "worker_lost" for e in stored)


def test_one_slot_runs_the_queue_in_order_and_cancels_queued_runs(
    api: TestClient, dataset_id: str, completed_run: dict[str, Any]
) -> None:
    blocker = api.post(f"{API}/sessions", json=tiny_config(dataset_id, epochs=200)).json()["id"]
    wait_status(api, blocker, "running")
    model_id = completed_run["session"]["model_id"]
    queued = [
        api.post(
            f"{API}/sessions",
            json=tiny_config(dataset_id, epochs=1, name=f"queued {i}", weights=model_id, pretrained=True),
        ).json()["id"]
        for i in range(3)
    ]
    assert [session(api, q)["queue_position"] for q in queued] == [1, 2, 3]
    cancelled = api.post(f"{API}/sessions/{queued[1]}/cancel").json()
    assert cancelled["status"] == "cancelled"
    assert session(api, queued[2])["queue_position"] == 2
    assert api.post(f"{API}/sessions/{blocker}/stop").status_code == 200
    runs = [wait_status(api, q, "completed", "failed") for q in (queued[0], queued[2])]
    assert [r["status"] for r in runs] == ["completed", "completed"], [r["error"] for r in runs]
    for earlier, later in itertools.pairwise(runs):
        assert earlier["finished_at"] <= later["started_at"]  # one at a time, in submission order
    assert session(api, blocker)["status"] == "stopped"
    assert session(api, queued[1])["started_at"] is None
    logs = [line["message"] for line in api.get(f"{API}/sessions/{queued[0]}/logs").json()["lines"]]
    assert any("model 'shared run'" in line for line in logs)  # started from the registered model
    assert api.delete(f"{API}/sessions/{queued[1]}").json()["success"] is True


def test_restart_interrupts_running_sessions_and_keeps_the_queue(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    dataset = add_dataset(settings)
    with TestClient(create_app(settings)) as first_server:
        running = first_server.post(f"{API}/sessions", json=tiny_config(dataset, epochs=6)).json()["id"]
        waiting = first_server.post(f"{API}/sessions", json=tiny_config(dataset, epochs=1)).json()["id"]
        wait_for(lambda: _metrics_epochs(first_server, running), timeout=180)
    # the server is down: its worker was ended and the running session marked interrupted
    with TestClient(create_app(settings)) as second_server:
        interrupted = session(second_server, running)
        assert interrupted["status"] == "interrupted" and interrupted["resumable"]
        assert "server stopped" in interrupted["error"]
        reported = _metrics_epochs(second_server, running)
        assert reported == list(range(1, interrupted["current_epoch"] + 1))  # nothing reported was lost
        assert wait_status(second_server, waiting, "completed", "failed")["status"] == "completed"
        second_server.post(f"{API}/sessions/{running}/resume")
        final = wait_status(second_server, running, "completed", "failed")
        assert final["status"] == "completed", final["error"]
        assert _event_epochs(second_server, running)[-1] == 6
        assert _metrics_epochs(second_server, running) == [1, 2, 3, 4, 5, 6]
    dispose_engines()
