"""FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app import __version__
from app.api.errors import document_errors_in_openapi, install_error_handlers
from app.api.middleware import RequestLimitsMiddleware, RequestLogMiddleware
from app.api.spa import mount_spa
from app.api.v1.endpoints.metrics import router as metrics_router
from app.api.v1.router import access_policy, api_router
from app.api.v1.websockets.router import ws_router
from app.config import Settings, get_settings
from app.core.prediction.worker import close_pool
from app.jobs.runners import forget_runner, get_runner
from app.services.auth import check_serving_policy
from app.services.housekeeping import remove_leftovers
from app.services.monitoring import start_monitoring, stop_monitoring

log = logging.getLogger("app")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    settings.ensure_dirs()
    check_serving_policy(settings)  # refuses a network bind without access control (also `crackdet serve`)
    log.info("Data directory: %s", settings.data_dir)
    runner = get_runner(settings)
    await runner.start()
    app.state.runner = runner
    await _remove_leftovers(settings)
    await start_monitoring(app)
    try:
        yield
    finally:
        await stop_monitoring(app)
        await close_pool(app.state)  # prediction workers, if any were started
        await runner.shutdown()
        forget_runner(settings)


async def _remove_leftovers(settings: Settings) -> None:
    """Partial files of a server that died (after the runner has recovered its jobs)."""
    try:
        await asyncio.to_thread(remove_leftovers, settings)
    except Exception:  # keep serving: a leftover file is not worth refusing to start
        log.exception("could not remove the leftovers of a previous run")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Crack Detection Training Client",
        version=__version__,
        description="Train, evaluate and deploy crack-segmentation models on your own hardware.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    document_errors_in_openapi(app)
    app.add_middleware(RequestLimitsMiddleware, settings=settings)
    app.add_middleware(RequestLogMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.include_router(api_router)
    app.include_router(ws_router)
    app.include_router(metrics_router, dependencies=[Depends(access_policy.enforce)])  # Prometheus: a token
    mount_spa(app, settings.frontend_dist)
    return app
