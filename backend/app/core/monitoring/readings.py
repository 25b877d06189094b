"""Plain data read from NVML and psutil, one sample at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class GpuProcess:
    pid: int
    used_memory_bytes: int | None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class GpuReading:
    index: int
    uuid: str | None
    name: str
    temperature_c: float | None
    utilization_gpu_percent: float | None
    utilization_memory_percent: float | None
    memory_used_bytes: int | None
    memory_total_bytes: int | None
    memory_free_bytes: int | None
    power_draw_w: float | None
    power_limit_w: float | None
    fan_percent: float | None
    clock_sm_mhz: int | None
    clock_mem_mhz: int | None
    processes: list[GpuProcess] = field(default_factory=list)
    host: str = ""  # the machine it is in (the API host, or a worker node of the celery runner)

    @property
    def memory_used_percent(self) -> float | None:
        if self.memory_used_bytes is None or not self.memory_total_bytes:
            return None
        return round(100.0 * self.memory_used_bytes / self.memory_total_bytes, 2)


@dataclass(frozen=True, slots=True)
class HostReading:
    cpu_percent: float
    cpu_per_core_percent: list[float]
    cpu_count: int
    load_average: tuple[float, float, float] | None
    memory_total_bytes: int
    memory_used_bytes: int
    memory_available_bytes: int
    memory_percent: float
    swap_total_bytes: int
    swap_used_bytes: int
    swap_percent: float
    disk_path: str
    disk_total_bytes: int | None
    disk_used_bytes: int | None
    disk_free_bytes: int | None
    disk_percent: float | None


@dataclass(frozen=True, slots=True)
class WorkerSlot:
    name: str
    queue: str  # gpu | cpu
    gpu: str | None
    alive: bool


@dataclass(frozen=True, slots=True)
class WorkerHost:
    """A worker node of the celery runner, as its latest message described it."""

    host: str
    timestamp: datetime
    gpu_available: bool
    gpu_reason: str | None
    driver_version: str | None
    cpu_percent: float | None
    memory_percent: float | None
    slots: list[WorkerSlot] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Sample:
    """Everything the sampler read at one instant."""

    timestamp: datetime
    gpu_available: bool
    gpu_reason: str | None  # why no GPU readings, in words, when gpu_available is False
    driver_version: str | None
    gpus: list[GpuReading]
    host: HostReading
    gpu_failing: bool = False  # NVML worked earlier in this run and is failing now
    hostname: str = ""  # the machine that took it
    workers: list[WorkerHost] = field(default_factory=list)  # worker nodes merged in (celery runner)
