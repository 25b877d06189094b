"""All WebSocket routes, under /ws. Each area adds one include line here."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.v1.websockets import gpu_ws, notifications_ws, training_ws

ws_router = APIRouter(prefix="/ws")
ws_router.include_router(gpu_ws.router)
ws_router.include_router(notifications_ws.router)
ws_router.include_router(training_ws.router)
