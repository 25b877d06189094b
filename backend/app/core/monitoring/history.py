"""History of the readings: a ring buffer of recent points and one-minute averages for the long view."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.core.monitoring.readings import Sample

RING_WINDOW = timedelta(minutes=10)
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class GpuPoint:
    index: int
    utilization_percent: float | None
    memory_used_percent: float | None
    temperature_c: float | None
    power_w: float | None
    host: str = ""  # "" in rows stored before hosts were recorded


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """The chartable part of a sample (or the average of several)."""

    timestamp: datetime
    cpu_percent: float | None
    memory_percent: float | None
    disk_percent: float | None
    gpus: tuple[GpuPoint, ...]


@dataclass(frozen=True, slots=True)
class MinuteAverage:
    point: HistoryPoint  # timestamp = start of the minute
    sample_count: int


def to_point(sample: Sample) -> HistoryPoint:
    return HistoryPoint(
        timestamp=sample.timestamp,
        cpu_percent=sample.host.cpu_percent,
        memory_percent=sample.host.memory_percent,
        disk_percent=sample.host.disk_percent,
        gpus=tuple(
            GpuPoint(
                index=gpu.index,
                utilization_percent=gpu.utilization_gpu_percent,
                memory_used_percent=gpu.memory_used_percent,
                temperature_c=gpu.temperature_c,
                power_w=gpu.power_draw_w,
                host=gpu.host,
            )
            for gpu in sample.gpus
        ),
    )


def minute_start(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _weighted_mean(values: Iterable[tuple[float | None, int]]) -> float | None:
    total = weight = 0.0
    for value, count in values:
        if value is not None:
            total += value * count
            weight += count
    return round(total / weight, 2) if weight else None


def combine(weighted: list[tuple[HistoryPoint, int]], timestamp: datetime) -> HistoryPoint:
    """The weighted average of points (weights are sample counts); GPUs are matched by host and index."""
    by_gpu: dict[tuple[str, int], list[tuple[GpuPoint, int]]] = defaultdict(list)
    for point, count in weighted:
        for gpu in point.gpus:
            by_gpu[(gpu.host, gpu.index)].append((gpu, count))
    return HistoryPoint(
        timestamp=timestamp,
        cpu_percent=_weighted_mean((p.cpu_percent, n) for p, n in weighted),
        memory_percent=_weighted_mean((p.memory_percent, n) for p, n in weighted),
        disk_percent=_weighted_mean((p.disk_percent, n) for p, n in weighted),
        gpus=tuple(
            GpuPoint(
                index=index,
                utilization_percent=_weighted_mean((g.utilization_percent, n) for g, n in gpus),
                memory_used_percent=_weighted_mean((g.memory_used_percent, n) for g, n in gpus),
                temperature_c=_weighted_mean((g.temperature_c, n) for g, n in gpus),
                power_w=_weighted_mean((g.power_w, n) for g, n in gpus),
                host=host,
            )
            for (host, index), gpus in sorted(by_gpu.items())
        ),
    )


class RingHistory:
    """The last ten minutes of points (bounded in count too, whatever the interval)."""

    def __init__(self, window: timedelta = RING_WINDOW, max_points: int = 3000) -> None:
        self.window = window
        self._points: deque[HistoryPoint] = deque(maxlen=max_points)

    def __len__(self) -> int:
        return len(self._points)

    def append(self, point: HistoryPoint) -> None:
        self._points.append(point)
        cutoff = point.timestamp - self.window
        while self._points and self._points[0].timestamp < cutoff:
            self._points.popleft()

    def since(self, cutoff: datetime) -> list[HistoryPoint]:
        return [p for p in self._points if p.timestamp >= cutoff]

    def oldest(self) -> datetime | None:
        return self._points[0].timestamp if self._points else None


class MinuteAggregator:
    """Averages the points of each calendar minute; hands back a minute once the next one starts."""

    def __init__(self) -> None:
        self._bucket: datetime | None = None
        self._points: list[HistoryPoint] = []

    def add(self, point: HistoryPoint) -> MinuteAverage | None:
        bucket = minute_start(point.timestamp)
        finished = self.flush() if self._bucket is not None and bucket != self._bucket else None
        self._bucket = bucket
        self._points.append(point)
        return finished

    def peek(self) -> MinuteAverage | None:
        """The average of the minute in progress, without closing it."""
        if self._bucket is None or not self._points:
            return None
        return MinuteAverage(combine([(p, 1) for p in self._points], self._bucket), len(self._points))

    def flush(self) -> MinuteAverage | None:
        """The minute so far (e.g. at shutdown), or None when empty."""
        average = self.peek()
        self._bucket, self._points = None, []
        return average
