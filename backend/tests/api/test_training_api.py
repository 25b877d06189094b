"""Training API without training: validation, listing, exports, state rules and the WebSocket protocol.

Sessions and events are written straight into the database here; test_training_runs.py trains for real.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from app.config import Settings
from app.core.training import events
from app.db.session import session_scope
from app.db.tables import Checkpoint, EpochMetric, TrainingSession
from app.repositories import training as repo
from tests.helpers.training import add_dataset, read_ws_until_close, tiny_config

API = "/api/v1/training"


def _add_session(settings: Settings, dataset_id: str | None = None, **fields: Any) -> str:
    values: dict[str, Any] = {
        "name": "run",
        "framework": "ultralytics",
        "model_arch": "yolov8n-seg",
        "status": "completed",
        "config": {"epochs": 3},
        "total_epochs": 3,
        "dataset_id": dataset_id,
    }
    values.update(fields)
    with session_scope(settings.resolved_database_url) as db:
        row = TrainingSession(**values)
        db.add(row)
        db.flush()
        return row.id


def _add_events(settings: Settings, session_id: str, *items: tuple[str, dict[str, Any]]) -> list[int]:
    with session_scope(settings.resolved_database_url) as db:
        rows = [repo.add_event(db, session_id, type_, payload) for type_, payload in items]
        db.flush()
        return [row.id for row in rows]


def _set_status(settings: Settings, session_id: str, status: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        row = db.get(TrainingSession, session_id)
        assert row is not None
        repo.add_event(db, session_id, events.STATE, {"status": status, "previous": row.status})
        row.status = status


def _add_epochs(settings: Settings, session_id: str, count: int) -> None:
    with session_scope(settings.resolved_database_url) as db:
        for epoch in range(1, count + 1):
            db.add(
                EpochMetric(
                    session_id=session_id,
                    epoch=epoch,
                    metrics={"train_loss": 3.0 / epoch, "mask_map50_95": 0.1 * epoch, "zz_extra": 1.0},
                )
            )


# -- creation and validation -----------------------------------------------------------------------


def test_invalid_configuration_lists_every_field(client: TestClient) -> None:
    body = tiny_config("x" * 32, epochs=0, image_size=100, device="gpu", batch_size=0, model_arch="yolo5-seg")
    response = client.post(f"{API}/sessions", json=body)
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"epochs", "image_size", "device", "batch_size", "model_arch"} <= fields
    assert "multiple of 32" in response.json()["detail"] or any(
        "multiple of 32" in e["message"] for e in response.json()["errors"]
    )


def test_offline_without_weights_fails_at_once_with_what_to_do(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRACKDET_OFFLINE", "1")
    dataset_id = add_dataset(settings)
    response = client.post(f"{API}/sessions", json=tiny_config(dataset_id, pretrained=True))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "offline" in detail and "yolov8n-seg.pt" in detail and "pretrained" in detail
    assert client.get(f"{API}/sessions").json()["total"] == 0  # nothing was queued


def test_starting_weights_are_checked(client: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    cases = {
        "models/missing/best.pt": (400, "not found"),
        "datasets/elsewhere.pt": (400, "under models/ or uploads/"),
        "0" * 32: (404, "does not exist"),
    }
    for weights, (code, text) in cases.items():
        response = client.post(f"{API}/sessions", json=tiny_config(dataset_id, weights=weights))
        assert response.status_code == code, response.text
        assert text in response.json()["detail"]
    (settings.uploads_dir / "notes.txt").write_text("x")
    response = client.post(f"{API}/sessions", json=tiny_config(dataset_id, weights="uploads/notes.txt"))
    assert response.status_code == 400 and ".pt" in response.json()["detail"]


def test_a_gpu_device_on_a_machine_without_it_is_rejected(client: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    response = client.post(f"{API}/sessions", json=tiny_config(dataset_id, device="63"))
    assert response.status_code == 422
    assert "GPU" in response.json()["detail"] and "device" in response.json()["detail"]


def test_dataset_must_exist_and_be_ready(client: TestClient, settings: Settings) -> None:
    assert client.post(f"{API}/sessions", json=tiny_config("f" * 32)).status_code == 404
    importing = add_dataset(settings, status="importing")
    response = client.post(f"{API}/sessions", json=tiny_config(importing))
    assert response.status_code == 409 and "not ready" in response.json()["detail"]


def test_architectures_and_defaults(client: TestClient, settings: Settings) -> None:
    (settings.models_dir / "official").mkdir(parents=True)
    (settings.models_dir / "official" / "yolo11n-seg.pt").write_bytes(b"weights")
    body = client.get(f"{API}/architectures").json()
    assert body["reference_classes"] == 80 and body["ultralytics_version"] == "8.4.190"
    by_name = {item["name"]: item for item in body["items"]}
    assert sum(item["framework"] == "ultralytics" for item in by_name.values()) == 17
    assert (
        by_name["yolo26n-seg"]["family_label"] == "YOLO26" and by_name["yolo26n-seg"]["size_label"] == "nano"
    )
    assert by_name["yolo11n-seg"]["official_weights_available"] is True
    assert by_name["yolov8n-seg"]["official_weights_available"] is False
    defaults = client.get(f"{API}/defaults").json()
    # Machine-aware (issue 15): this CPU-only, offline test server is offered the CPU recipe.
    assert defaults["config"]["device"] == "cpu" and defaults["config"]["image_size"] == 320
    assert defaults["recommended"]["reason"].startswith("CPU only, offline")
    assert set(defaults["augmentation_presets"]) == {"none", "light", "medium", "heavy"}
    assert defaults["devices"][:2] == ["auto", "cpu"]


# -- history ---------------------------------------------------------------------------------------


def test_history_filters_and_paging(client: TestClient, settings: Settings) -> None:
    dataset_a, dataset_b = add_dataset(settings), add_dataset(settings)
    now = datetime.now(UTC)
    ids = [
        _add_session(
            settings, dataset_a, name="alpha", status="completed", created_at=now - timedelta(days=3)
        ),
        _add_session(
            settings,
            dataset_a,
            name="beta",
            status="failed",
            model_arch="yolo11s-seg",
            created_at=now - timedelta(days=2),
        ),
        _add_session(
            settings, dataset_b, name="gamma 100%", status="stopped", created_at=now - timedelta(days=1)
        ),
    ]

    def names(**params: Any) -> list[str]:
        response = client.get(f"{API}/sessions", params=params)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert names() == ["gamma 100%", "beta", "alpha"]  # newest first
    assert names(status=["completed", "stopped"]) == ["gamma 100%", "alpha"]
    assert names(dataset_id=dataset_a) == ["beta", "alpha"]
    assert names(model_arch="yolo11s-seg") == ["beta"]
    assert names(created_after=(now - timedelta(days=2, hours=1)).isoformat()) == ["gamma 100%", "beta"]
    assert names(created_before=(now - timedelta(days=2, hours=1)).isoformat()) == ["alpha"]
    assert names(q="100%") == ["gamma 100%"]
    page = client.get(f"{API}/sessions", params={"limit": 1, "offset": 1}).json()
    assert (page["total"], page["offset"], page["limit"], [i["id"] for i in page["items"]]) == (
        3,
        1,
        1,
        [ids[1]],
    )
    assert page["items"][0]["dataset_name"] == "synthetic 3"
    assert client.get(f"{API}/sessions", params={"status": "bogus"}).status_code == 422
    assert client.get(f"{API}/sessions", params={"limit": 1000}).status_code == 422


def test_metrics_csv_compare_and_logs(client: TestClient, settings: Settings) -> None:
    first, second = _add_session(settings, name="first run"), _add_session(settings, name="second")
    _add_epochs(settings, first, 3)
    _add_epochs(settings, second, 2)
    _add_events(settings, first, *[(events.LOG, {"level": "info", "message": f"line {i}"}) for i in range(5)])

    metrics = client.get(f"{API}/sessions/{first}/metrics").json()
    assert [e["epoch"] for e in metrics["epochs"]] == [1, 2, 3]
    assert metrics["metric_keys"] == ["train_loss", "mask_map50_95", "zz_extra"]
    assert [e["epoch"] for e in client.get(f"{API}/sessions/{first}/metrics?last_n=2").json()["epochs"]] == [
        2,
        3,
    ]

    response = client.get(f"{API}/sessions/{first}/metrics.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "first_run" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["epoch", "train_loss", "mask_map50_95", "zz_extra"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"] and float(rows[2][1]) == 1.5

    compared = client.get(f"{API}/compare", params={"ids": f"{first},{second}"}).json()
    assert [len(s["epochs"]) for s in compared["sessions"]] == [3, 2]
    assert compared["sessions"][0]["session"]["name"] == "first run"
    assert client.get(f"{API}/compare", params={"ids": f"{first},{'0' * 32}"}).status_code == 404

    logs = client.get(f"{API}/sessions/{first}/logs?tail=2").json()["lines"]
    assert [line["message"] for line in logs] == ["line 3", "line 4"]
    polled = client.get(f"{API}/sessions/{first}/events?after=0&limit=3").json()
    assert len(polled["events"]) == 3 and polled["last_event_id"] == polled["events"][-1]["id"]


def test_checkpoints_listing(client: TestClient, settings: Settings) -> None:
    session_id = _add_session(settings)
    path = settings.runs_dir / session_id / "train" / "weights" / "epoch_0002.pt"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"x" * 10)
    with session_scope(settings.resolved_database_url) as db:
        db.add(
            Checkpoint(
                session_id=session_id,
                epoch=2,
                path=str(path.relative_to(settings.data_dir)),
                metrics={"mask_map50_95": 0.2},
                is_best=True,
                size_bytes=10,
            )
        )
        db.add(Checkpoint(session_id=session_id, epoch=3, path="runs/gone.pt", metrics={}, size_bytes=5))
    items = client.get(f"{API}/sessions/{session_id}/checkpoints").json()
    assert [(c["epoch"], c["is_best"], c["exists"], c["size_bytes"]) for c in items] == [
        (2, True, True, 10),
        (3, False, False, 5),
    ]


def test_state_rules(client: TestClient, settings: Settings) -> None:
    completed = _add_session(settings, status="completed")
    running = _add_session(settings, status="running")
    assert client.post(f"{API}/sessions/{completed}/resume").status_code == 409
    assert client.post(f"{API}/sessions/{completed}/stop").status_code == 409
    assert client.post(f"{API}/sessions/{running}/cancel").status_code == 409
    response = client.delete(f"{API}/sessions/{running}")
    assert response.status_code == 409 and "stop" in response.json()["detail"]
    assert client.get(f"{API}/sessions/{'a' * 32}").status_code == 404
    assert client.get(f"{API}/sessions/not-an-id").status_code == 422


def test_delete_removes_the_run_and_its_rows(client: TestClient, settings: Settings) -> None:
    session_id = _add_session(settings, status="failed")
    _add_epochs(settings, session_id, 2)
    run_file = settings.runs_dir / session_id / "train" / "weights" / "last.pt"
    run_file.parent.mkdir(parents=True)
    run_file.write_bytes(b"y" * 100)
    response = client.delete(f"{API}/sessions/{session_id}")
    assert response.json() == {"success": True, "freed_bytes": 100}
    assert not (settings.runs_dir / session_id).exists()
    assert client.get(f"{API}/sessions/{session_id}").status_code == 404
    with session_scope(settings.resolved_database_url) as db:
        assert repo.epoch_metrics(db, session_id) == []


# -- WebSocket -------------------------------------------------------------------------------------


def _progress(batch: int) -> tuple[str, dict[str, Any]]:
    return events.PROGRESS, {"current_batch": batch, "total_batches": 9}


def test_ws_replays_history_then_tails_live_events_and_closes_when_finished(
    client: TestClient, settings: Settings
) -> None:
    session_id = _add_session(settings, status="running")
    first = _add_events(
        settings,
        session_id,
        (events.STATE, {"status": "running"}),
        _progress(1),
        _progress(2),
        (events.METRICS, {"epoch": 1}),
    )
    with client.websocket_connect(f"/ws/training/{session_id}") as ws:
        replay = [ws.receive_json() for _ in range(4)]
        # the superseded progress event (batch 1) is skipped in the replay
        assert [m["id"] for m in replay[:3]] == [first[0], first[2], first[3]]
        assert replay[3] == {"type": "history_end", "last_event_id": first[3], "status": "running"}
        assert replay[2]["type"] == "training_metrics" and replay[2]["session_id"] == session_id
        assert replay[2]["data"] == {"epoch": 1} and replay[2]["timestamp"]
        ws.send_json({"action": "ping"})
        assert ws.receive_json() == {"type": "pong"}
        live = _add_events(settings, session_id, _progress(3), (events.METRICS, {"epoch": 2}))
        received = [ws.receive_json() for _ in range(2)]
        assert [m["id"] for m in received] == live
        stored = client.get(f"{API}/sessions/{session_id}/events", params={"after": first[-1]}).json()[
            "events"
        ]
        assert received == stored  # live messages have exactly the REST/replay shape
        _set_status(settings, session_id, "completed")
        rest = read_ws_until_close(ws)
    assert [m["type"] for m in rest] == ["training_state"]
    assert rest[0]["id"] > live[-1]


def test_ws_reconnect_after_an_id_gets_only_what_was_missed(client: TestClient, settings: Settings) -> None:
    session_id = _add_session(settings, status="completed")
    ids = _add_events(settings, session_id, *[(events.LOG, {"message": str(i)}) for i in range(6)])
    with client.websocket_connect(f"/ws/training/{session_id}?after={ids[3]}") as ws:
        messages = read_ws_until_close(ws)
    assert [m.get("id") for m in messages] == [ids[4], ids[5], None]
    assert messages[-1]["type"] == "history_end"


def test_ws_many_clients_live_no_gap_no_duplicate(client: TestClient, settings: Settings) -> None:
    session_id = _add_session(settings, status="running")
    _add_events(settings, session_id, (events.LOG, {"message": "before"}))
    with (
        client.websocket_connect(f"/ws/training/{session_id}") as ws1,
        client.websocket_connect(f"/ws/training/{session_id}") as ws2,
    ):
        for ws in (ws1, ws2):
            assert ws.receive_json()["data"] == {"message": "before"}
            assert ws.receive_json()["type"] == "history_end"
        written: list[int] = []
        for i in range(30):
            written += _add_events(settings, session_id, (events.LOG, {"message": str(i)}))
        _set_status(settings, session_id, "stopped")
        got1, got2 = read_ws_until_close(ws1), read_ws_until_close(ws2)
    for got in (got1, got2):
        ids = [m["id"] for m in got]
        assert ids[:-1] == written and ids == sorted(set(ids))


def test_ws_unknown_session_gets_an_error_and_a_close_code(client: TestClient) -> None:
    with client.websocket_connect(f"/ws/training/{'b' * 32}") as ws:
        assert ws.receive_json()["code"] == "not_found"
        with pytest.raises(WebSocketDisconnect) as info:
            ws.receive_json()
    assert info.value.code == 4404
