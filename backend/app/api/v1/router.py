"""All v1 HTTP routers. Each area adds one include line here."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.v1.endpoints import dashboard, datasets, gpu, notifications, system, training
from app.api.v1.endpoints import jobs as jobs_endpoints
from app.api.v1.endpoints import models as models_endpoints
from app.api.v1.endpoints import prediction as prediction_endpoints

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(system.router)
api_router.include_router(gpu.router)
api_router.include_router(gpu.settings_router)
api_router.include_router(dashboard.router)
api_router.include_router(notifications.router)
api_router.include_router(training.router)
api_router.include_router(datasets.router)
api_router.include_router(models_endpoints.router)
api_router.include_router(jobs_endpoints.router)
api_router.include_router(prediction_endpoints.router)
api_router.include_router(prediction_endpoints.history_router)
