"""System health and installation facts (never imports the heavy ML packages)."""

from __future__ import annotations

import platform
import sys
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy.engine import make_url

from app import __version__
from app.config import Settings
from app.db.session import check_database
from app.schemas.system import DatabaseHealth, HealthResponse, PackageVersions, SystemInfo

TRACKED_PACKAGES = ("torch", "torchvision", "ultralytics", "rfdetr", "onnxruntime", "roboflow")


def installed_version(distribution: str) -> str | None:
    """Version from package metadata: cheap, and does not import the package."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def health(settings: Settings) -> HealthResponse:
    ok, detail = check_database(settings.resolved_database_url)
    return HealthResponse(
        status="healthy" if ok else "unhealthy",
        database=DatabaseHealth(ok=ok, detail=detail),
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
