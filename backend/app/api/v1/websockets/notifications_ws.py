"""/ws/notifications: each new notification as {"type": "notification", "id", "level", "title", ...}.

One tailer per API process reads new rows (from this process or any worker) and fans them out here.
"""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from app.api.v1.websockets.gpu_ws import relay
from app.services.monitoring import get_service

router = APIRouter()


@router.websocket("/notifications")
async def notification_stream(websocket: WebSocket) -> None:
    service = get_service(websocket.app)
    await websocket.accept()
    await relay(websocket, service.notification_hub.subscribe())
