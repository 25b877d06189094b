"""/ws/gpu: every sample of the shared sampler, as {"type": "gpu_stats", "timestamp", "gpus", "host", ...}.

Each client has its own bounded queue (oldest readings dropped when it falls behind), so a slow client
never holds back the others or the sampler. A client may send {"action": "ping"} and gets {"type": "pong"}.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from app.core.monitoring.broadcast import Subscription
from app.services.monitoring import get_service

router = APIRouter()

PONG = json.dumps({"type": "pong"})
MAX_CLIENT_MESSAGE = 1024


async def _send_queued(websocket: WebSocket, subscription: Subscription) -> None:
    while True:
        await websocket.send_text(await subscription.get())


async def _answer_pings(websocket: WebSocket, subscription: Subscription) -> None:
    """Reads the client's messages (this is also how a disconnect is noticed)."""
    while True:
        text = await websocket.receive_text()
        if len(text) > MAX_CLIENT_MESSAGE:
            continue
        with contextlib.suppress(ValueError):
            message = json.loads(text)
            if isinstance(message, dict) and message.get("action") == "ping":
                subscription.offer(PONG)  # sent by the one task that writes to this socket


async def relay(websocket: WebSocket, subscription: Subscription, first: str | None = None) -> None:
    """Forward the subscription to the socket until either side stops (then both stop)."""
    if first is not None:
        subscription.offer(first)
    try:
        async with anyio.create_task_group() as group:

            async def until_closed(part: Callable[[WebSocket, Subscription], Awaitable[None]]) -> None:
                with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):
                    await part(websocket, subscription)
                group.cancel_scope.cancel()

            group.start_soon(until_closed, _send_queued)
            group.start_soon(until_closed, _answer_pings)
    finally:
        subscription.close()


@router.websocket("/gpu")
async def gpu_stream(websocket: WebSocket) -> None:
    service = get_service(websocket.app)
    await websocket.accept()
    subscription = service.gpu_hub.subscribe()
    await relay(websocket, subscription, first=service.latest_message)
