"""System health and installation facts (never imports the heavy ML packages)."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Literal

from sqlalchemy.engine import make_url

from app import __version__
from app.config import Settings
from app.core.families.registry import families
from app.db.session import check_database
from app.schemas.system import DatabaseHealth, HealthResponse, PackageVersions, RedisHealth, SystemInfo
from app.services.ports import JobRunner

# The model families' libraries sit between the ML runtime and the other tools (PackageVersions' order).
TRACKED_PACKAGES = (
    "torch",
    "torchvision",
    *(f.distribution for f in families() if f.distribution),
    "onnxruntime",
    "roboflow",
)


def installed_version(distribution: str) -> str | None:
    """Version from package metadata: cheap, and does not import the package."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def health(settings: Settings, runner: JobRunner) -> HealthResponse:
    """The database answers; with the Celery runner, Redis too (the runner probes it)."""
    ok, detail = check_database(settings.resolved_database_url)
    broker = runner.queue_health()
    queue = (
        None
        if broker is None
        else RedisHealth(ok=broker.ok, live_slots=broker.live_slots, detail=broker.detail)
    )
    status: Literal["healthy", "degraded", "unhealthy"] = "healthy" if ok else "unhealthy"
    if ok and queue is not None and not queue.ok:
        status = "degraded"  # the API answers; jobs wait until Redis is back
    return HealthResponse(
        status=status,
        database=DatabaseHealth(ok=ok, detail=detail),
        redis=queue,
        version=__version__,
    )


def info(settings: Settings) -> SystemInfo:
    return SystemInfo(
        app_version=__version__,
        python_version=sys.version.split()[0],
        platform=platform.platform(),
        data_dir=str(settings.data_dir),
        database_backend=make_url(settings.resolved_database_url).get_backend_name(),
        packages=PackageVersions(**{name: installed_version(name) for name in TRACKED_PACKAGES}),
    )
