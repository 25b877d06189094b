from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class DatabaseHealth(BaseModel):
    ok: bool
    detail: str | None = None


class RedisHealth(BaseModel):
    """The celery runner's Redis (CRACKDET_RUNNER=celery) and the worker slots heard from."""

    ok: bool
    detail: str | None = None
    live_slots: int = 0


class HealthResponse(BaseModel):
    status: Literal["healthy", "degraded", "unhealthy"]
    database: DatabaseHealth
    redis: RedisHealth | None = None
    version: str


class PackageVersions(BaseModel):
    torch: str | None = None
    torchvision: str | None = None
    ultralytics: str | None = None
    rfdetr: str | None = None
    onnxruntime: str | None = None
    roboflow: str | None = None


class SystemInfo(BaseModel):
    app_version: str
    python_version: str
    platform: str
    data_dir: str
    database_backend: str
    packages: PackageVersions
