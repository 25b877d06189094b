"""Notifications: notify() from any process, the list API, and the live /ws/notifications push.

Where a hot GPU is needed, NVML is FAKED (this machine has no GPU): see tests/helpers/monitoring.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.domain.errors import InvalidInput
from app.services.notifications import notify
from tests.helpers.monitoring import FakeGpu, FakeNvml, monitored_client

BACKEND = Path(__file__).resolve().parents[2]


def test_notify_validates_and_shortens(settings: Settings) -> None:
    with pytest.raises(InvalidInput, match="Unknown notification level"):
        notify(settings, "fatal", "x")
    with pytest.raises(InvalidInput, match="needs a title"):
        notify(settings, "info", "   ")
    out = notify(settings, "warning", "a  long\ntitle " + "x" * 300, "m" * 5000, source="training")
    assert len(out.title) == 200 and out.title.startswith("a long title")
    assert len(out.message) == 4000 and out.source == "training" and out.read is False


def test_list_page_unread_filter_and_mark_read(client: TestClient, settings: Settings) -> None:
    ids = [notify(settings, "info", f"n{i}").id for i in range(5)]
    page = client.get("/api/v1/notifications", params={"limit": 2}).json()
    assert [n["title"] for n in page["items"]] == ["n4", "n3"]  # newest first
    assert (page["total"], page["unread_count"]) == (5, 5)

    read = client.post(f"/api/v1/notifications/{ids[4]}/read").json()
    assert read["read"] is True and read["read_at"] is not None
    unread = client.get("/api/v1/notifications", params={"unread": True, "limit": 100}).json()
    assert [n["title"] for n in unread["items"]] == ["n3", "n2", "n1", "n0"]
    assert unread["unread_count"] == 4

    assert client.post("/api/v1/notifications/read-all").json() == {"updated": 4}
    assert client.get("/api/v1/notifications").json()["unread_count"] == 0
    assert client.post("/api/v1/notifications/999999/read").status_code == 404
    assert client.get("/api/v1/notifications", params={"limit": 101}).status_code == 422


def test_notification_from_a_worker_process_is_pushed_live(settings: Settings) -> None:
    """A separate process (as a training worker would) calls notify(); the API process pushes it."""
    code = (
        "import sys\n"
        "from app.config import Settings\n"
        "from app.services.notifications import notify\n"
        "s = Settings(data_dir=sys.argv[1], database_url=sys.argv[2])\n"
        "notify(s, 'success', 'Training finished', 'crack-v1 reached mAP50 0.61', source='training')\n"
    )
    with (
        monitored_client(settings, notification_poll_s=0.05, run_loops=True) as (client, _),
        client.websocket_connect("/ws/notifications") as ws,
    ):
        done = subprocess.run(
            [sys.executable, "-c", code, str(settings.data_dir), settings.resolved_database_url],
            cwd=BACKEND,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        message = ws.receive_json()
    assert message["type"] == "notification"
    assert (message["level"], message["title"], message["source"]) == (
        "success",
        "Training finished",
        "training",
    )
    assert message["unread_count"] == 1 and message["timestamp"] == message["created_at"]


def test_tailer_sends_new_rows_once_and_not_the_old_ones(settings: Settings) -> None:
    notify(settings, "info", "before the start")
    with monitored_client(settings) as (client, service):
        subscription = service.notification_hub.subscribe()
        assert client.portal.call(service.tailer.poll) == 0
        for i in range(3):
            notify(settings, "info", f"new {i}")
        assert client.portal.call(service.tailer.poll) == 3
        assert client.portal.call(service.tailer.poll) == 0  # the look-back never repeats a row
        assert subscription.queue.qsize() == 3


def test_a_hot_gpu_raises_one_notification_and_it_is_pushed(settings: Settings) -> None:
    gpu = FakeGpu(temperature=70)
    with monitored_client(settings, FakeNvml([gpu])) as (client, service):
        with client.websocket_connect("/ws/notifications") as ws:
            for temperature in (70, 86, 87, 88, 86, 85):
                gpu.temperature = temperature
                client.portal.call(service.sample_once)
            client.portal.call(service.wait_pending)
            client.portal.call(service.tailer.poll)
            message = ws.receive_json()
        assert (message["level"], message["title"], message["source"]) == (
            "warning",
            "GPU 0: warning",
            "monitoring",
        )
        assert message["message"] == "GPU 0 at 86 C (the warning threshold is 80 C)."
        listed = client.get("/api/v1/notifications").json()
        assert listed["total"] == 1  # hysteresis: one notification while it stays hot
