"""System health and installation facts (never imports the heavy ML packages)."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version
from typing import Literal

from sqlalchemy.engine import make_url

from app import __version__
from app.config import Settings
from app.db.session import check_database
from app.schemas.system import DatabaseHealth, HealthResponse, PackageVersions, RedisHealth, SystemInfo

TRACKED_PACKAGES = ("torch", "torchvision", "ultralytics", "rfdetr", "onnxruntime", "roboflow")


def installed_version(distribution: str) -> str | None:
    """Version from package metadata: cheap, and does not import the package."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def redis_health(settings: Settings) -> RedisHealth:
    """Celery runner: Redis answers (2 s at most), and how many worker slots have a live heartbeat."""
    import redis

    from app.jobs.celery_runner import live_slots
    from app.jobs.live import redact_url

    try:
        client = redis.Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return RedisHealth(ok=True, live_slots=len(live_slots(client)))
    except Exception as exc:
        return RedisHealth(
            ok=False, detail=f"{redact_url(settings.redis_url)}: {type(exc).__name__}: {exc}"[:500]
        )


def health(settings: Settings) -> HealthResponse:
    ok, detail = check_database(settings.resolved_database_url)
    queue = redis_health(settings) if settings.runner == "celery" else None
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
