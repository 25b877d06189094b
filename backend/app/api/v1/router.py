"""All v1 HTTP routers. Each area adds one include line here."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.api.auth import AccessPolicy
from app.api.v1.endpoints import annotations as annotations_endpoints
from app.api.v1.endpoints import auth as auth_endpoints
from app.api.v1.endpoints import dashboard, datasets, gpu, notifications, system, training, users
from app.api.v1.endpoints import dataset_versions as dataset_versions_endpoints
from app.api.v1.endpoints import inspections as inspections_endpoints
from app.api.v1.endpoints import jobs as jobs_endpoints
from app.api.v1.endpoints import models as models_endpoints
from app.api.v1.endpoints import prediction as prediction_endpoints

# Access control (docs/SECURITY.md), when on: every route included below needs a session or an API
# token, except the public endpoints listed here; the role a route needs follows from these routers.
access_policy = AccessPolicy(
    public=[system.get_health, auth_endpoints.get_status, auth_endpoints.login],
    self_service=[auth_endpoints.router],
    admin=[users.router],
    admin_writes=[gpu.settings_router, datasets.settings_router],
)

api_router = APIRouter(prefix="/api/v1", dependencies=[Depends(access_policy.enforce)])
api_router.include_router(auth_endpoints.router)
api_router.include_router(users.router)
api_router.include_router(system.router)
api_router.include_router(gpu.router)
api_router.include_router(gpu.settings_router)
api_router.include_router(dashboard.router)
api_router.include_router(notifications.router)
api_router.include_router(training.router)
api_router.include_router(annotations_endpoints.router)  # before datasets: /datasets/from-predictions
api_router.include_router(datasets.router)
api_router.include_router(dataset_versions_endpoints.router)
api_router.include_router(models_endpoints.router)
api_router.include_router(jobs_endpoints.router)
api_router.include_router(prediction_endpoints.router)
api_router.include_router(prediction_endpoints.history_router)
api_router.include_router(inspections_endpoints.router)
