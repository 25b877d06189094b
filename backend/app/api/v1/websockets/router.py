"""All WebSocket routes, under /ws. Each area adds one include line here."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.api.auth import enforce_ws_access
from app.api.v1.websockets import gpu_ws, notifications_ws, training_ws

# Access control, when on: a session cookie or an API token and an allowed Origin (else close 4401/4403).
ws_router = APIRouter(prefix="/ws", dependencies=[Depends(enforce_ws_access)])
ws_router.include_router(gpu_ws.router)
ws_router.include_router(notifications_ws.router)
ws_router.include_router(training_ws.router)
