"""Dashboard: summary, recent trainings, GPU/host history and system status."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import SettingsDep
from app.api.v1.endpoints.gpu import MonitoringDep
from app.schemas.dashboard import DashboardSummary, SystemStatus, TrainingHistoryItem
from app.schemas.monitoring import GpuMetricsResponse
from app.services import dashboard
from app.services.monitoring import MAX_HISTORY_MINUTES, thresholds_of

router = APIRouter(prefix="/dashboard", tags=["dashboard"])


@router.get("/summary", response_model=DashboardSummary)
async def get_summary(settings: SettingsDep, monitoring: MonitoringDep) -> DashboardSummary:
    sample = await monitoring.current()
    return await asyncio.to_thread(dashboard.summary, settings, sample, thresholds_of(monitoring.config))


@router.get("/training-history", response_model=list[TrainingHistoryItem])
async def get_training_history(
    settings: SettingsDep, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> list[TrainingHistoryItem]:
    """The most recent training sessions, newest first, with their best metric."""
    return await asyncio.to_thread(dashboard.training_history, settings, limit)


@router.get("/gpu-metrics", response_model=GpuMetricsResponse)
async def get_gpu_metrics(
    monitoring: MonitoringDep,
    history_minutes: Annotated[int, Query(ge=1, le=MAX_HISTORY_MINUTES)] = 10,
) -> GpuMetricsResponse:
    """Every sample for windows up to 10 minutes, one-minute averages beyond (up to 7 days)."""
    return await monitoring.gpu_metrics(history_minutes)


@router.get("/system-status", response_model=SystemStatus)
async def get_system_status(settings: SettingsDep, monitoring: MonitoringDep) -> SystemStatus:
    """ok, warning or critical, with each issue in words ("GPU 0 at 88 C", "Disk 95% full")."""
    sample = await monitoring.current()
    return await asyncio.to_thread(
        dashboard.system_status,
        settings,
        sample,
        thresholds_of(monitoring.config),
        stale=monitoring.is_stale(),
    )
