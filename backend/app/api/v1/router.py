"""All v1 HTTP routers. Each area adds one include line here."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.v1.endpoints import system

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(system.router)
