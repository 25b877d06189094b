"""Dashboard: summary counts, recent trainings and the overall system status."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

GpuHealth = Literal["ok", "warning", "critical", "unavailable"]


class TrainingCounts(BaseModel):
    active: int = Field(description="Running now")
    queued: int
    completed: int
    failed: int
    total: int
    by_status: dict[str, int]


class GpuSummary(BaseModel):
    available: bool
    count: int
    status: GpuHealth
    reason: str | None = None
    names: list[str]


class DashboardSummary(BaseModel):
    trainings: TrainingCounts
    datasets: int
    models: int
    gpu: GpuSummary
    unread_notifications: int
    last_updated: datetime


class TrainingHistoryItem(BaseModel):
    id: str
    name: str
    framework: str
    model_arch: str
    dataset_id: str | None = None
    dataset_name: str | None = None
    status: str
    current_epoch: int
    total_epochs: int
    progress: float
    best_metric: float | None = None
    best_epoch: int | None = None
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    duration_s: float | None = None


class SystemIssue(BaseModel):
    level: Literal["info", "warning", "critical"]
    source: Literal["gpu", "host", "database", "monitoring"]
    message: str


class SystemStatus(BaseModel):
    status: Literal["ok", "warning", "critical"]
    issues: list[SystemIssue]
    gpu_available: bool
    gpu_count: int
    max_gpu_temperature_c: float | None = None
    avg_gpu_utilization_percent: float | None = None
    cpu_percent: float | None = None
    memory_percent: float | None = None
    disk_percent: float | None = None
    timestamp: datetime
