"""GPU API, monitoring settings, history across a restart, /ws/gpu fan-out and /metrics.

NVML is FAKED where a test needs GPUs (this machine has none): see tests/helpers/monitoring.py. Tests
without a fake use the real NVML here, which finds no GPU.
"""

from __future__ import annotations

import pynvml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import TrainingSession
from app.services.metrics import observe_prediction_latency
from tests.helpers.monitoring import FakeClock, FakeGpu, FakeNvml, monitored_client, two_gpus


def test_gpu_endpoint_on_this_machine_says_no_gpu(client: TestClient) -> None:
    body = client.get("/api/v1/system/gpu").json()
    assert body["available"] is False
    assert body["reason"].startswith("No NVIDIA GPU found")
    assert body["gpu_count"] == 0 and body["sample"]["gpus"] == []
    assert body["sample"]["host"]["memory_total_bytes"] > 0


def test_gpu_endpoint_with_two_fake_gpus(settings: Settings) -> None:
    with monitored_client(settings, FakeNvml(two_gpus())) as (client, _):
        body = client.get("/api/v1/system/gpu").json()
    assert body["available"] is True and body["reason"] is None
    assert body["gpu_count"] == 2 and body["driver_version"] == "550.54.15"
    first, second = body["sample"]["gpus"]
    assert first["fan_percent"] == 40.0 and second["fan_percent"] is None
    assert first["processes"][0]["pid"] == 4242
    assert second["memory_used_percent"] == 50.0


def test_nvml_failure_mid_run_shows_in_the_api_then_recovers(settings: Settings) -> None:
    nvml = FakeNvml(two_gpus())
    with monitored_client(settings, nvml) as (client, service):
        client.portal.call(service.sample_once)
        assert client.get("/api/v1/system/gpu").json()["available"] is True

        nvml.read_error = pynvml.NVMLError_GpuIsLost()
        client.portal.call(service.sample_once)
        body = client.get("/api/v1/system/gpu").json()
        assert body["available"] is False and "retrying" in body["reason"]
        status = client.get("/api/v1/dashboard/system-status").json()
        assert status["status"] == "warning"
        assert any(i["source"] == "gpu" and "GpuIsLost" in i["message"] for i in status["issues"])

        nvml.read_error = None
        client.portal.call(service.sample_once)  # retry delay is 0 in these tests
        assert client.get("/api/v1/system/gpu").json()["gpu_count"] == 2


def test_monitoring_settings_are_validated_stored_and_applied(settings: Settings) -> None:
    with monitored_client(settings, FakeNvml()) as (client, service):
        assert client.get("/api/v1/settings/monitoring").json()["temperature_warning_c"] == 80.0
        bad = client.put("/api/v1/settings/monitoring", json={"temperature_warning_c": 95})
        assert bad.status_code == 422 and "below its critical threshold" in bad.json()["detail"]
        assert client.put("/api/v1/settings/monitoring", json={"interval_s": 0.01}).status_code == 422
        assert client.put("/api/v1/settings/monitoring", json={"fan_rpm": 3}).status_code == 422
        new = {"interval_s": 5, "temperature_warning_c": 70, "temperature_critical_c": 85}
        saved = client.put("/api/v1/settings/monitoring", json=new).json()
        assert saved["interval_s"] == 5.0 and saved["memory_warning_percent"] == 90.0
        assert service.config.temperature_warning_c == 70
    with monitored_client(settings, FakeNvml()) as (client, service):  # after a restart
        assert client.get("/api/v1/settings/monitoring").json()["temperature_critical_c"] == 85.0
        assert service.config.interval_s == 5.0


def test_live_history_then_downsampled_history_survives_a_restart(settings: Settings) -> None:
    clock = FakeClock()
    gpu = FakeGpu(util_gpu=10)
    with monitored_client(settings, FakeNvml([gpu]), clock) as (client, service):
        for i in range(90):  # three minutes at 2 s; utilisation 10 % in minute 0, then 20, then 30
            gpu.util_gpu = 10 * (1 + i // 30)
            client.portal.call(service.sample_once)
            clock.advance(2)
        live = client.get("/api/v1/dashboard/gpu-metrics", params={"history_minutes": 2}).json()
        assert live["source"] == "live" and live["resolution_s"] == 2.0
        assert len(live["history"]) == 60
        assert live["current"]["gpus"][0]["utilization_gpu_percent"] == 30.0

    clock.advance(60)
    with monitored_client(settings, FakeNvml([gpu]), clock) as (client, service):
        long = client.get("/api/v1/dashboard/gpu-metrics", params={"history_minutes": 60}).json()
        assert long["source"] == "downsampled" and long["resolution_s"] == 60.0
        # Minutes 0 and 1 were stored when the next minute began, minute 2 at shutdown.
        assert [p["gpus"][0]["utilization_percent"] for p in long["history"]] == [10.0, 20.0, 30.0]
        short = client.get("/api/v1/dashboard/gpu-metrics", params={"history_minutes": 10}).json()
        assert len(short["history"]) == 3  # the ring is empty after the restart: stored minutes fill in
        too_long = client.get("/api/v1/dashboard/gpu-metrics", params={"history_minutes": 10081})
        assert too_long.status_code == 422


def test_one_minute_written_twice_is_merged(settings: Settings) -> None:
    """A restart inside a minute stores that minute twice: the rows merge, weighted by samples."""
    clock = FakeClock()
    gpu = FakeGpu(util_gpu=10)
    for utilisation, samples in ((10, 3), (40, 1)):
        gpu.util_gpu = utilisation
        with monitored_client(settings, FakeNvml([gpu]), clock) as (client, service):
            for _ in range(samples):
                client.portal.call(service.sample_once)
                clock.advance(1)
    with monitored_client(settings, FakeNvml([gpu]), clock) as (client, _):
        history = client.get("/api/v1/dashboard/gpu-metrics", params={"history_minutes": 30}).json()[
            "history"
        ]
    assert [p["gpus"][0]["utilization_percent"] for p in history] == [17.5]


def test_fifty_websocket_clients_get_the_same_samples(settings: Settings) -> None:
    clock = FakeClock()
    with monitored_client(settings, FakeNvml(two_gpus()), clock) as (client, service):
        client.portal.call(service.sample_once)
        sockets = [client.websocket_connect("/ws/gpu").__enter__() for _ in range(50)]
        try:
            firsts = [ws.receive_json() for ws in sockets]  # each gets the latest sample on connect
            assert service.gpu_hub.subscriber_count == 50
            for _ in range(3):
                clock.advance(2)
                client.portal.call(service.sample_once)
            seen = [
                [m["timestamp"]] + [ws.receive_json()["timestamp"] for _ in range(3)]
                for m, ws in zip(firsts, sockets, strict=True)
            ]
        finally:
            for ws in sockets:
                ws.__exit__(None, None, None)
        assert len({tuple(s) for s in seen}) == 1 and len(set(seen[0])) == 4
        assert firsts[0]["type"] == "gpu_stats" and len(firsts[0]["gpus"]) == 2
        assert "host" in firsts[0]
        assert service.samples_taken == 4  # one sampler, however many clients


def test_metrics_parse_with_prometheus_parser(settings: Settings) -> None:
    with session_scope(settings.resolved_database_url) as session:
        for status in ("queued", "queued", "running", "completed", "failed"):
            session.add(
                TrainingSession(name=status, framework="ultralytics", model_arch="yolov8n-seg", status=status)
            )
    observe_prediction_latency(0.12)
    with monitored_client(settings, FakeNvml(two_gpus())) as (client, service):
        client.portal.call(service.sample_once)
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}

    def values(name: str, label: str) -> dict[str, float]:
        return {s.labels[label]: s.value for s in families[name].samples}

    assert values("crackdet_gpu_temperature_celsius", "gpu") == {"0": 45.0, "1": 60.0}
    assert values("crackdet_gpu_fan_percent", "gpu") == {"0": 40.0}  # GPU 1 has no fan reading
    assert families["crackdet_gpu_available"].samples[0].value == 1.0
    sessions = values("crackdet_training_sessions", "state")
    assert sessions["queued"] == 2 and sessions["running"] == 1 and sessions["stopped"] == 0
    assert families["crackdet_training_queue_length"].samples[0].value == 2
    assert families["crackdet_host_memory_total_bytes"].samples[0].value > 0
    histogram = {s.name: s.value for s in families["crackdet_prediction_latency_seconds"].samples}
    assert histogram["crackdet_prediction_latency_seconds_count"] >= 1
    assert families["crackdet_monitor_samples"].samples[0].value == 1


def test_metrics_without_gpu_on_this_machine(client: TestClient) -> None:
    families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    assert families["crackdet_gpu_available"].samples[0].value == 0.0
    assert families["crackdet_gpu_temperature_celsius"].samples == []
    assert families["crackdet_database_up"].samples[0].value == 1.0
