"""Ring buffer, one-minute averages, thresholds with hysteresis, and the fan-out hub."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.core.monitoring.broadcast import Broadcaster
from app.core.monitoring.history import GpuPoint, HistoryPoint, MinuteAggregator, RingHistory, combine
from app.core.monitoring.nvml import NvmlAdapter
from app.core.monitoring.readings import Sample
from app.core.monitoring.sampler import Sampler
from app.core.monitoring.thresholds import Thresholds, ThresholdWatch, current_issues
from tests.helpers.monitoring import GIB, FakeClock, FakeGpu, FakeNvml

T0 = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)


def _point(seconds: float, cpu: float, gpu_util: float | None = None) -> HistoryPoint:
    gpus = () if gpu_util is None else (GpuPoint(0, gpu_util, 50.0, 60.0, 100.0),)
    return HistoryPoint(T0 + timedelta(seconds=seconds), cpu, 40.0, 30.0, gpus)


def test_ring_keeps_ten_minutes() -> None:
    ring = RingHistory()
    for i in range(400):  # 800 s at 2 s
        ring.append(_point(i * 2, 1.0))
    assert len(ring) == 301  # 600 s window, both ends included
    assert ring.oldest() == T0 + timedelta(seconds=198)  # newest is 798 s
    assert len(ring.since(T0 + timedelta(seconds=700))) == 50


def test_minute_aggregator_averages_each_minute() -> None:
    minutes = MinuteAggregator()
    finished = [m for i in range(60) if (m := minutes.add(_point(i * 2, cpu=float(i), gpu_util=10.0)))]
    assert len(finished) == 1  # seconds 0..58 closed when 60 arrived
    first = finished[0]
    assert first.sample_count == 30 and first.point.timestamp == T0
    assert first.point.cpu_percent == sum(range(30)) / 30
    assert first.point.gpus[0].utilization_percent == 10.0
    partial = minutes.flush()
    assert partial is not None and partial.sample_count == 30
    assert partial.point.timestamp == T0 + timedelta(minutes=1)
    assert minutes.flush() is None


def test_combine_weights_by_sample_count_and_skips_missing_values() -> None:
    a = HistoryPoint(T0, 10.0, None, 50.0, (GpuPoint(0, 100.0, None, 80.0, None),))
    b = HistoryPoint(T0, 40.0, 20.0, 50.0, (GpuPoint(0, 0.0, 30.0, 60.0, None), GpuPoint(1, 5.0, 1, 1, 1)))
    merged = combine([(a, 1), (b, 3)], T0)
    assert merged.cpu_percent == 32.5
    assert merged.memory_percent == 20.0
    assert merged.gpus[0] == GpuPoint(0, 25.0, 30.0, 65.0, None)
    assert [g.index for g in merged.gpus] == [0, 1]


def _hot_sample(tmp_path: Path, temperature: int, memory_used_gib: int = 6) -> Sample:
    nvml = FakeNvml([FakeGpu(temperature=temperature, memory_used=memory_used_gib * GIB)])
    sample = Sampler(NvmlAdapter(nvml), tmp_path, clock=FakeClock()).collect()
    host = replace(sample.host, memory_percent=50.0, disk_percent=40.0)
    return replace(sample, host=host)


def test_threshold_watch_raises_one_alert_while_it_stays_hot(tmp_path: Path) -> None:
    watch = ThresholdWatch(Thresholds())  # 80/90 C
    levels = []
    for temperature in (70, 82, 85, 84, 86, 79, 91, 92, 88, 86, 80, 76, 74, 70, 82):
        levels += [a.level for a in watch.check(_hot_sample(tmp_path, temperature))]
    # warning at 82; nothing while 85..79 (above 80 - 5); critical at 91; nothing down to 86; 80 < 85 drops
    # to warning silently; 74 < 75 is back to normal; 82 warns again.
    assert levels == ["warning", "critical", "recovered", "warning"]


def test_threshold_alert_says_what_and_how_hot(tmp_path: Path) -> None:
    alerts = ThresholdWatch(Thresholds()).check(_hot_sample(tmp_path, 93, memory_used_gib=23))
    assert [(a.level, a.title) for a in alerts] == [
        ("critical", "GPU 0: critical"),
        ("warning", "GPU 0 memory: warning"),  # 23/24 GiB = 95.8 %: over 90, under 97
    ]
    assert alerts[0].message == "GPU 0 at 93 C (the critical threshold is 90 C)."


def test_current_issues_are_plain_words(tmp_path: Path) -> None:
    sample = _hot_sample(tmp_path, 88)
    sample = replace(sample, host=replace(sample.host, disk_percent=95.4))
    issues = [(i.level, i.source, i.message) for i in current_issues(sample, Thresholds())]
    assert issues == [("warning", "gpu", "GPU 0 at 88 C"), ("warning", "host", "Disk 95% full")]


def test_slow_subscriber_loses_its_oldest_messages_only() -> None:
    # Synchronous on purpose: publish/offer never wait, and the queues are read with get_nowait.
    hub = Broadcaster(queue_size=3)
    slow, fast = hub.subscribe(), hub.subscribe()
    received: list[str] = []
    for i in range(10):
        hub.publish(str(i))
        received.append(fast.queue.get_nowait())  # a client that keeps up
    assert received == [str(i) for i in range(10)]
    assert [slow.queue.get_nowait() for _ in range(3)] == ["7", "8", "9"]  # the newest survive
    assert slow.dropped == 7 and fast.dropped == 0
    slow.close()
    assert hub.subscriber_count == 1
