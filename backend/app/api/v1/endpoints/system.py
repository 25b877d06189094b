from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import RunnerDep, SettingsDep
from app.schemas.system import HealthResponse, SystemInfo
from app.services import system as system_service

router = APIRouter(prefix="/system", tags=["system"])


@router.get("/health", response_model=HealthResponse)
def get_health(settings: SettingsDep, runner: RunnerDep) -> HealthResponse:
    return system_service.health(settings, runner)


@router.get("/info", response_model=SystemInfo)
def get_info(settings: SettingsDep) -> SystemInfo:
    return system_service.info(settings)
