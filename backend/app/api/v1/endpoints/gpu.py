"""GET /api/v1/system/gpu and the monitoring settings (thresholds and sampling interval)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app.schemas.monitoring import GpuInfo, MonitoringSettings
from app.services.monitoring import MonitoringService, get_service


def get_monitoring(request: Request) -> MonitoringService:
    return get_service(request.app)


MonitoringDep = Annotated[MonitoringService, Depends(get_monitoring)]

router = APIRouter(prefix="/system", tags=["system"])
settings_router = APIRouter(prefix="/settings", tags=["settings"])


@router.get("/gpu", response_model=GpuInfo)
async def get_gpu(monitoring: MonitoringDep) -> GpuInfo:
    """Whether NVIDIA GPUs are usable (and if not, why), with the current GPU and host readings."""
    return await monitoring.gpu_info()


@settings_router.get("/monitoring", response_model=MonitoringSettings)
def get_monitoring_settings(monitoring: MonitoringDep) -> MonitoringSettings:
    return monitoring.config


@settings_router.put("/monitoring", response_model=MonitoringSettings)
async def put_monitoring_settings(body: MonitoringSettings, monitoring: MonitoringDep) -> MonitoringSettings:
    """Store the thresholds and interval; they apply to the running sampler at once."""
    return await monitoring.update_settings(body)
