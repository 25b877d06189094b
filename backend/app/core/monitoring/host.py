"""Host readings through psutil: CPU, load, RAM, swap and the disk holding the data directory."""

from __future__ import annotations

import os
from pathlib import Path

import psutil

from app.core.monitoring.readings import HostReading


def _load_average() -> tuple[float, float, float] | None:
    try:
        one, five, fifteen = psutil.getloadavg()
    except (AttributeError, OSError):
        return None
    return round(one, 2), round(five, 2), round(fifteen, 2)


def _busy_and_total(times: object) -> tuple[float, float]:
    values = times._asdict()  # type: ignore[attr-defined]
    # On Linux guest time is already counted in user/nice time.
    total = sum(values.values()) - values.get("guest", 0.0) - values.get("guest_nice", 0.0)
    idle = values.get("idle", 0.0) + values.get("iowait", 0.0)
    return total - idle, total


class CpuMeter:
    """CPU percent per core since the previous reading, from its own copy of the CPU times.

    Unlike psutil.cpu_percent(interval=None) it shares no state with other callers, and when two
    readings come too close together to measure (under MIN_ELAPSED_S of CPU time per core) it repeats
    the last values and keeps measuring from the older baseline instead of reporting 0 % or 100 %.
    """

    MIN_ELAPSED_S = 0.05

    def __init__(self) -> None:
        self._baseline: list[tuple[float, float]] | None = None
        self._percents: list[float] = []

    def read(self) -> list[float]:
        now = [_busy_and_total(t) for t in psutil.cpu_times(percpu=True)]
        baseline = self._baseline
        if baseline is None or len(baseline) != len(now):
            self._baseline, self._percents = now, [0.0] * len(now)
            return self._percents
        if (
            min(total - total0 for (_, total), (_, total0) in zip(now, baseline, strict=True))
            < self.MIN_ELAPSED_S
        ):
            return self._percents
        self._percents = [
            round(min(max(100.0 * (busy - busy0) / (total - total0), 0.0), 100.0), 1)
            for (busy, total), (busy0, total0) in zip(now, baseline, strict=True)
        ]
        self._baseline = now
        return self._percents


def read_host(data_dir: Path, cpu: CpuMeter | None = None) -> HostReading:
    """Non-blocking: CPU percentages are measured since the meter's previous reading (the first reads 0)."""
    per_core = (cpu or CpuMeter()).read()
    total = round(sum(per_core) / len(per_core), 1) if per_core else 0.0
    memory = psutil.virtual_memory()
    swap = psutil.swap_memory()
    try:
        disk = psutil.disk_usage(str(data_dir))
        disk_values: tuple[int | None, int | None, int | None, float | None] = (
            disk.total,
            disk.used,
            disk.free,
            round(disk.percent, 1),
        )
    except OSError:
        disk_values = (None, None, None, None)
    return HostReading(
        cpu_percent=total,
        cpu_per_core_percent=per_core,
        cpu_count=len(per_core) or (os.cpu_count() or 1),
        load_average=_load_average(),
        memory_total_bytes=memory.total,
        memory_used_bytes=memory.total - memory.available,
        memory_available_bytes=memory.available,
        memory_percent=round(memory.percent, 1),
        swap_total_bytes=swap.total,
        swap_used_bytes=swap.used,
        swap_percent=round(swap.percent, 1),
        disk_path=str(data_dir),
        disk_total_bytes=disk_values[0],
        disk_used_bytes=disk_values[1],
        disk_free_bytes=disk_values[2],
        disk_percent=disk_values[3],
    )
