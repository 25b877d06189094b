"""GPU and host readings, their history, and the monitoring settings (thresholds, interval)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class GpuProcessStats(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    pid: int
    used_memory_bytes: int | None = None
    name: str | None = None


class GpuStats(BaseModel):
    """One GPU at one instant; a reading the device does not support is null (e.g. fan on many GPUs)."""

    model_config = ConfigDict(from_attributes=True)

    index: int
    uuid: str | None = None
    name: str
    temperature_c: float | None = None
    utilization_gpu_percent: float | None = None
    utilization_memory_percent: float | None = None
    memory_used_bytes: int | None = None
    memory_total_bytes: int | None = None
    memory_free_bytes: int | None = None
    memory_used_percent: float | None = None
    power_draw_w: float | None = None
    power_limit_w: float | None = None
    fan_percent: float | None = None
    clock_sm_mhz: int | None = None
    clock_mem_mhz: int | None = None
    processes: list[GpuProcessStats] = Field(default_factory=list)
    host: str = Field(default="", description="The machine the GPU is in: the API's or a worker node's")


class HostStats(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    cpu_percent: float
    cpu_per_core_percent: list[float]
    cpu_count: int
    load_average: list[float] | None = Field(default=None, description="1, 5 and 15 minutes")
    memory_total_bytes: int
    memory_used_bytes: int
    memory_available_bytes: int
    memory_percent: float
    swap_total_bytes: int
    swap_used_bytes: int
    swap_percent: float
    disk_path: str = Field(description="The data directory, whose disk is measured")
    disk_total_bytes: int | None = None
    disk_used_bytes: int | None = None
    disk_free_bytes: int | None = None
    disk_percent: float | None = None


class WorkerSlotStats(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    queue: str = Field(description="gpu (trainings) or cpu (imports, exports, evaluations)")
    gpu: str | None = Field(default=None, description="The GPU the slot owns; null for a CPU slot")
    alive: bool


class WorkerHostStats(BaseModel):
    """A worker node of the celery runner (CRACKDET_RUNNER=celery): its latest readings and slots."""

    model_config = ConfigDict(from_attributes=True)

    host: str
    timestamp: datetime
    gpu_available: bool
    gpu_reason: str | None = None
    driver_version: str | None = None
    cpu_percent: float | None = None
    memory_percent: float | None = None
    slots: list[WorkerSlotStats] = Field(default_factory=list)


class GpuSample(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    timestamp: datetime
    gpu_available: bool
    gpu_reason: str | None = Field(default=None, description="Why there are no GPU readings, in words")
    driver_version: str | None = None
    gpus: list[GpuStats] = Field(description="Every GPU: the API host's and the worker nodes' (see `host`)")
    host: HostStats
    hostname: str = Field(default="", description="The API host's name (the `host` of its own GPUs)")
    workers: list[WorkerHostStats] = Field(
        default_factory=list, description="Worker nodes heard from recently (celery runner only)"
    )


class GpuStatsMessage(GpuSample):
    """Sent on /ws/gpu for every sample."""

    type: Literal["gpu_stats"] = "gpu_stats"


class GpuInfo(BaseModel):
    """GET /api/v1/system/gpu: whether NVIDIA GPUs are usable, and the current sample."""

    available: bool
    reason: str | None = Field(default=None, description='e.g. "No NVIDIA GPU found: ..."')
    gpu_count: int
    driver_version: str | None = None
    interval_s: float
    sample: GpuSample


class GpuPoint(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    index: int
    host: str = ""
    utilization_percent: float | None = None
    memory_used_percent: float | None = None
    temperature_c: float | None = None
    power_w: float | None = None


class HistoryPoint(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    timestamp: datetime
    cpu_percent: float | None = None
    memory_percent: float | None = None
    disk_percent: float | None = None
    gpus: list[GpuPoint]


class GpuMetricsResponse(BaseModel):
    current: GpuSample | None
    history: list[HistoryPoint] = Field(description="Oldest first")
    history_minutes: int
    resolution_s: float = Field(description="Seconds between points: the sampling interval or 60")
    interval_s: float
    source: Literal["live", "downsampled"] = Field(
        description="live: every sample (windows up to 10 minutes); downsampled: one-minute averages"
    )


class MonitoringSettings(BaseModel):
    """Sampling interval and the thresholds that raise warning/critical notifications."""

    model_config = ConfigDict(extra="forbid")

    interval_s: float = Field(default=2.0, ge=0.2, le=60, description="Seconds between samples")
    temperature_warning_c: float = Field(default=80.0, ge=30, le=120)
    temperature_critical_c: float = Field(default=90.0, ge=30, le=120)
    memory_warning_percent: float = Field(default=90.0, ge=10, le=100, description="GPU memory and host RAM")
    memory_critical_percent: float = Field(default=97.0, ge=10, le=100)
    disk_warning_percent: float = Field(
        default=90.0, ge=10, le=100, description="The disk holding the data directory"
    )
    disk_critical_percent: float = Field(default=97.0, ge=10, le=100)

    @model_validator(mode="after")
    def _warning_below_critical(self) -> MonitoringSettings:
        pairs = (
            ("temperature", self.temperature_warning_c, self.temperature_critical_c),
            ("memory", self.memory_warning_percent, self.memory_critical_percent),
            ("disk", self.disk_warning_percent, self.disk_critical_percent),
        )
        for name, warning, critical in pairs:
            if warning >= critical:
                raise ValueError(f"the {name} warning threshold must be below its critical threshold")
        return self
