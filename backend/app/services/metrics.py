"""Prometheus metrics at GET /metrics, from the app's own CollectorRegistry (never the global one).

GPU and host gauges come from the monitoring service's latest sample (no extra NVML call per scrape);
training counts and the queue length are counted in the database at scrape time. The prediction area
records its latencies with `observe_prediction_latency(seconds)` (in the API process, where /metrics is
served).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Histogram, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from app.core.monitoring.readings import GpuReading, HostReading
from app.domain.status import JobStatus
from app.services import dashboard
from app.services.monitoring import MonitoringService, get_service

TRAINING_STATES = tuple(str(status) for status in JobStatus)

PREDICTION_LATENCY = Histogram(
    "crackdet_prediction_latency_seconds",
    "Time to run one prediction request, model inference included",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=None,
)


def observe_prediction_latency(seconds: float) -> None:
    """Record how long one prediction took (seconds); call it once per prediction."""
    if math.isfinite(seconds) and seconds >= 0:
        PREDICTION_LATENCY.observe(seconds)


def _gauge(name: str, doc: str, labels: list[str] | None = None) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"crackdet_{name}", doc, labels=labels or [])


_GPU_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("gpu_temperature_celsius", "GPU temperature", "temperature_c"),
    ("gpu_utilization_percent", "GPU compute utilisation", "utilization_gpu_percent"),
    ("gpu_memory_utilization_percent", "GPU memory controller utilisation", "utilization_memory_percent"),
    ("gpu_memory_used_bytes", "GPU memory in use", "memory_used_bytes"),
    ("gpu_memory_total_bytes", "GPU memory in total", "memory_total_bytes"),
    ("gpu_power_watts", "GPU power draw", "power_draw_w"),
    ("gpu_power_limit_watts", "GPU enforced power limit", "power_limit_w"),
    ("gpu_fan_percent", "GPU fan speed (absent when the GPU has no readable fan)", "fan_percent"),
    ("gpu_clock_sm_mhz", "GPU SM clock", "clock_sm_mhz"),
    ("gpu_clock_memory_mhz", "GPU memory clock", "clock_mem_mhz"),
)

_HOST_GAUGES: tuple[tuple[str, str, str], ...] = (
    ("host_cpu_percent", "CPU utilisation, all cores", "cpu_percent"),
    ("host_memory_used_bytes", "RAM in use", "memory_used_bytes"),
    ("host_memory_total_bytes", "RAM in total", "memory_total_bytes"),
    ("host_memory_percent", "RAM in use, percent", "memory_percent"),
    ("host_swap_used_bytes", "Swap in use", "swap_used_bytes"),
    ("host_disk_used_bytes", "Used bytes on the disk of the data directory", "disk_used_bytes"),
    ("host_disk_total_bytes", "Size of the disk of the data directory", "disk_total_bytes"),
    ("host_disk_percent", "Used percent of the disk of the data directory", "disk_percent"),
)


def _gpu_metrics(gpus: list[GpuReading]) -> Iterator[Metric]:
    labels = ["gpu", "name", "uuid", "host"]  # host: the API's or a celery worker node's
    for name, doc, attribute in _GPU_GAUGES:
        family = _gauge(name, doc, labels)
        for gpu in gpus:
            value = getattr(gpu, attribute)
            if value is not None:
                family.add_metric([str(gpu.index), gpu.name, gpu.uuid or "", gpu.host], float(value))
        yield family


def _host_metrics(host: HostReading) -> Iterator[Metric]:
    for name, doc, attribute in _HOST_GAUGES:
        value = getattr(host, attribute)
        if value is not None:
            yield GaugeMetricFamily(f"crackdet_{name}", doc, value=float(value))
    if host.load_average is not None:
        load = _gauge("host_load_average", "Load average", ["period"])
        for period, value in zip(("1m", "5m", "15m"), host.load_average, strict=True):
            load.add_metric([period], value)
        yield load


class MonitoringCollector(Collector):
    """Reads the latest sample and the database at each scrape."""

    def __init__(self, service: MonitoringService) -> None:
        self._service = service

    def collect(self) -> Iterator[Metric]:
        service = self._service
        sample = service.latest
        yield GaugeMetricFamily(
            "crackdet_gpu_available",
            "1 when NVIDIA GPUs are readable through NVML",
            value=1.0 if sample and sample.gpu_available else 0.0,
        )
        yield GaugeMetricFamily(
            "crackdet_gpu_count", "NVIDIA GPUs found", value=len(sample.gpus) if sample else 0
        )
        if sample is not None:
            yield from _gpu_metrics(sample.gpus)
            yield from _host_metrics(sample.host)
        yield CounterMetricFamily(
            "crackdet_monitor_samples", "Samples taken by the monitoring sampler", value=service.samples_taken
        )
        yield CounterMetricFamily(
            "crackdet_monitor_sample_seconds",
            "Wall time spent taking samples",
            value=service.sample_seconds_total,
        )
        clients = _gauge("websocket_clients", "Connected WebSocket clients", ["channel"])
        clients.add_metric(["gpu"], service.gpu_hub.subscriber_count)
        clients.add_metric(["notifications"], service.notification_hub.subscriber_count)
        yield clients
        yield from self._database_metrics()

    def _database_metrics(self) -> Iterator[Metric]:
        try:
            by_status, unread = dashboard.counts_for_metrics(self._service.settings)
        except Exception:
            yield GaugeMetricFamily("crackdet_database_up", "1 when the database answers", value=0)
            return
        yield GaugeMetricFamily("crackdet_database_up", "1 when the database answers", value=1)
        sessions = _gauge("training_sessions", "Training sessions by state", ["state"])
        for state in sorted(set(TRAINING_STATES) | set(by_status)):
            sessions.add_metric([state], by_status.get(state, 0))
        yield sessions
        yield GaugeMetricFamily(
            "crackdet_training_queue_length",
            "Training sessions waiting to start",
            value=by_status.get(JobStatus.QUEUED, 0),
        )
        yield GaugeMetricFamily("crackdet_notifications_unread", "Unread notifications", value=unread)


def registry_for(app: FastAPI) -> CollectorRegistry:
    """The app's registry, built on first use."""
    registry: CollectorRegistry | None = getattr(app.state, "metrics_registry", None)
    if registry is None:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(PREDICTION_LATENCY)
        registry.register(MonitoringCollector(get_service(app)))
        ProcessCollector(namespace="crackdet", registry=registry)
        app.state.metrics_registry = registry
    return registry


def render(app: FastAPI) -> bytes:
    return generate_latest(registry_for(app))
