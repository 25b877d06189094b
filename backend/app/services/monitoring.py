"""The monitoring service of the API process: ONE sampler loop, its fan-out, history and thresholds.

However many clients watch, one asyncio task samples every `interval_s` (NVML and psutil run in a thread)
and each sample is serialised once and offered to every /ws/gpu client. Samples also feed a ten-minute
ring buffer, one-minute averages persisted in `monitoring_history` (kept 7 days), and the threshold watch
that raises notifications. `start_monitoring(app)` / `stop_monitoring(app)` run from the app's lifespan.
What it stores: monitoring_store.py; worker nodes' readings (celery runner): monitoring_hosts.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI

from app.config import Settings
from app.core.monitoring.broadcast import Broadcaster
from app.core.monitoring.history import (
    RING_WINDOW,
    HistoryPoint,
    MinuteAggregator,
    MinuteAverage,
    RingHistory,
    minute_start,
    to_point,
)
from app.core.monitoring.nvml import NvmlAdapter
from app.core.monitoring.readings import Sample
from app.core.monitoring.sampler import Sampler
from app.core.monitoring.thresholds import Alert, Thresholds, ThresholdWatch
from app.schemas import monitoring as schemas
from app.services import monitoring_store as store
from app.services import notifications
from app.services.monitoring_hosts import RemoteHostSource, local_hostname, merge_worker_hosts
from app.utils.clock import utc_now

log = logging.getLogger(__name__)

MAX_HISTORY_MINUTES = 7 * 24 * 60
PRUNE_EVERY = timedelta(hours=1)
ALERT_LEVELS = {"critical": "error", "warning": "warning", "recovered": "info"}


@dataclass
class MonitoringOptions:
    """Knobs for tests and benchmarks (set `app.state.monitoring_options` before the app starts)."""

    nvml_module: Any | None = None  # a fake NVML module; None = the real pynvml
    clock: Callable[[], datetime] = utc_now
    run_loops: bool = True  # False: nothing samples by itself; tests call sample_once()
    nvml_retry_s: float = 15.0
    notification_poll_s: float = 1.0
    gpu_queue_size: int = 8


def thresholds_of(config: schemas.MonitoringSettings) -> Thresholds:
    return Thresholds(**config.model_dump(exclude={"interval_s"}))


class MonitoringService:
    def __init__(
        self,
        settings: Settings,
        options: MonitoringOptions | None = None,
        relay: RemoteHostSource | None = None,
    ) -> None:
        self.settings = settings
        self.options = options or MonitoringOptions()
        self.relay = relay
        self.hostname = local_hostname()
        self.config = store.default_settings(settings)
        self.sampler = Sampler(
            NvmlAdapter(self.options.nvml_module),
            settings.data_dir,
            retry_s=self.options.nvml_retry_s,
            clock=self.options.clock,
        )
        self.gpu_hub = Broadcaster(queue_size=self.options.gpu_queue_size)
        self.notification_hub = Broadcaster(queue_size=256)
        self.tailer = notifications.NotificationTailer(
            settings, self.notification_hub, self.options.notification_poll_s
        )
        self.ring = RingHistory()
        self.latest: Sample | None = None
        self.latest_message: str | None = None
        self.samples_taken = 0
        self.sample_seconds_total = 0.0
        self._minutes = MinuteAggregator()
        self._watch = ThresholdWatch(thresholds_of(self.config))
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[Any]] = set()
        self._wake = asyncio.Event()
        self._loop_failing = False
        self._last_prune: datetime | None = None

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.options.clock

    # --- life cycle -------------------------------------------------------------------------------
    async def start(self) -> None:
        try:
            self.apply_settings(await asyncio.to_thread(store.load_settings, self.settings))
        except Exception as exc:  # no database yet: defaults, and /health says what is wrong
            log.warning("Monitoring settings not readable (%s); using the defaults", exc)
        await self.tailer.poll()  # marks where "new" notifications start
        if self.options.run_loops:
            self._tasks = [
                asyncio.create_task(self._sample_loop(), name="monitoring-sampler"),
                asyncio.create_task(self.tailer.run(), name="notification-tailer"),
            ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        partial = self._minutes.flush()
        if partial is not None:
            self._spawn(asyncio.to_thread(self._persist_minute_safely, partial))
        await self.wait_pending()
        await asyncio.to_thread(self.sampler.close)

    def apply_settings(self, config: schemas.MonitoringSettings) -> None:
        self.config = config
        self._watch.thresholds = thresholds_of(config)
        self._wake.set()  # a shorter interval takes effect now, not after the current wait

    async def update_settings(self, config: schemas.MonitoringSettings) -> schemas.MonitoringSettings:
        await asyncio.to_thread(store.save_settings, self.settings, config)
        self.apply_settings(config)
        return config

    # --- sampling ---------------------------------------------------------------------------------
    async def sample_once(self) -> Sample:
        started = time.perf_counter()
        sample = await asyncio.to_thread(self.sampler.collect)
        sample = merge_worker_hosts(sample, self.hostname, self.relay.hosts() if self.relay else ())
        self._record(sample)
        self.samples_taken += 1
        self.sample_seconds_total += time.perf_counter() - started
        return sample

    async def current(self) -> Sample:
        """The latest sample (taking one if none was taken yet)."""
        return self.latest if self.latest is not None else await self.sample_once()

    async def _sample_loop(self) -> None:
        while True:
            started = time.monotonic()
            self._wake.clear()
            try:
                await self.sample_once()
                self._loop_failing = False
            except Exception:
                if not self._loop_failing:
                    log.exception("Monitoring sample failed; trying again next interval")
                self._loop_failing = True
            wait = max(0.05, self.config.interval_s - (time.monotonic() - started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    def _record(self, sample: Sample) -> None:
        self.latest = sample
        message = schemas.GpuStatsMessage.model_validate(sample, from_attributes=True)
        self.latest_message = message.model_dump_json()
        self.gpu_hub.publish(self.latest_message)
        point = to_point(sample)
        self.ring.append(point)
        finished = self._minutes.add(point)
        if finished is not None:
            self._spawn(asyncio.to_thread(self._persist_minute_safely, finished))
        alerts = self._watch.check(sample)
        if alerts:
            self._spawn(asyncio.to_thread(self._notify, alerts))

    async def wait_pending(self) -> None:
        """Wait for the history and notification writes started so far."""
        await asyncio.gather(*self._background, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.ensure_future(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # --- persistence and notifications (run in threads) ---------------------------------------------
    def _notify(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            try:
                notifications.notify(
                    self.settings, ALERT_LEVELS[alert.level], alert.title, alert.message, source="monitoring"
                )
            except Exception as exc:
                log.warning("Could not record the notification %r: %s", alert.title, exc)

    def _persist_minute_safely(self, average: MinuteAverage) -> None:
        try:
            self.persist_minute(average)
            self._prune_if_due(average.point.timestamp)
        except Exception as exc:
            log.warning("Could not store the monitoring history for %s: %s", average.point.timestamp, exc)

    def persist_minute(self, average: MinuteAverage) -> None:
        store.persist_minute(self.settings, average)

    def _prune_if_due(self, now: datetime) -> None:
        if self._last_prune is not None and now - self._last_prune < PRUNE_EVERY:
            return
        self._last_prune = now
        removed = store.prune_history(self.settings, now)
        notifications.prune(self.settings, now)
        if removed:
            log.info("Monitoring history: removed %d minutes older than 7 days", removed)

    # --- queries ------------------------------------------------------------------------------------
    async def gpu_metrics(self, history_minutes: int) -> schemas.GpuMetricsResponse:
        """Every sample of the ring for windows up to 10 minutes; one-minute averages beyond."""
        history_minutes = max(1, min(history_minutes, MAX_HISTORY_MINUTES))
        now = self.clock()
        cutoff = now - timedelta(minutes=history_minutes)
        live = timedelta(minutes=history_minutes) <= RING_WINDOW
        recent = self.ring.since(cutoff) if live else []
        stored_until = minute_start(recent[0].timestamp) if recent else now
        stored = await asyncio.to_thread(self._stored_points, minute_start(cutoff), stored_until)
        if not live and (partial := self._minutes.peek()) is not None:
            stored = [p for p in stored if p.timestamp < partial.point.timestamp] + [partial.point]
        current = self.latest
        return schemas.GpuMetricsResponse(
            current=schemas.GpuSample.model_validate(current, from_attributes=True) if current else None,
            history=[schemas.HistoryPoint.model_validate(p, from_attributes=True) for p in stored + recent],
            history_minutes=history_minutes,
            resolution_s=self.config.interval_s if live else 60.0,
            interval_s=self.config.interval_s,
            source="live" if live else "downsampled",
        )

    def _stored_points(self, start: datetime, end: datetime) -> list[HistoryPoint]:
        try:
            return store.stored_points(self.settings, start, end)
        except Exception as exc:
            log.warning("Monitoring history not readable: %s", exc)
            return []

    async def gpu_info(self) -> schemas.GpuInfo:
        sample = await self.current()
        return schemas.GpuInfo(
            available=sample.gpu_available,
            reason=sample.gpu_reason,
            gpu_count=len(sample.gpus),
            driver_version=sample.driver_version,
            interval_s=self.config.interval_s,
            sample=schemas.GpuSample.model_validate(sample, from_attributes=True),
        )

    def is_stale(self) -> bool:
        """True when the loop should have sampled by now and has not (e.g. it keeps failing)."""
        if self.latest is None or not self._tasks:
            return False
        age = (self.clock() - self.latest.timestamp).total_seconds()
        return age > max(3 * self.config.interval_s, 10.0)


def get_service(app: FastAPI) -> MonitoringService:
    service: MonitoringService = app.state.monitoring
    return service


async def start_monitoring(app: FastAPI) -> None:
    options = getattr(app.state, "monitoring_options", None)
    relay = getattr(getattr(app.state, "runner", None), "relay", None)  # worker nodes (celery runner)
    service = MonitoringService(app.state.settings, options, relay)
    app.state.monitoring = service
    await service.start()


async def stop_monitoring(app: FastAPI) -> None:
    service: MonitoringService | None = getattr(app.state, "monitoring", None)
    if service is not None:
        await service.stop()
