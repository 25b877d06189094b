"""WebSocket /ws/training/{session_id}: the session's history, then its live events.

Protocol (server -> client), every stored event as
    {"id": 42, "type": "training_metrics", "session_id": "...", "timestamp": "...", "data": {...}}
in id order, then a control message {"type": "history_end", "last_event_id": N, "status": "running"} after
the replay, and live events as they are stored. When the session is finished (completed, failed,
stopped, interrupted, cancelled) and the client has every event, the server closes with code 1000.
Reconnect with ?after=<last id seen> to get only what was missed: no gap, no duplicate. In the replay,
progress events superseded by a later one are skipped (only the latest progress matters).
Client -> server: {"action": "ping"} -> {"type": "pong"}; {"action": "get_status"} -> {"type":
"status", "data": {...}}. Unknown sessions get {"type": "error", ...} and close code 4404.

One poller per watched session in this process reads new events every POLL_INTERVAL_S (two indexed
Core queries, ~0.3 ms CPU: app/services/training_stream.py does every read) and fans them out to every
client of that session. With the celery runner, every stored event is also announced over Redis
(app/jobs/live.py): the poller reads as soon as its session's bell rings and otherwise only every
RELAY_FALLBACK_POLL_S.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from starlette.websockets import WebSocketState

from app.config import Settings
from app.domain.status import FINISHED_STATUSES
from app.jobs.live import LiveRelay
from app.services import training_stream

router = APIRouter()
log = logging.getLogger("app.ws.training")

POLL_INTERVAL_S = 0.05
RELAY_FALLBACK_POLL_S = 1.0  # with live announcements over Redis: a safety net only
FINISHED = object()  # sentinel: the session is finished and every event was delivered
CLOSE_NOT_FOUND = 4404


@dataclass
class _Tail:
    """Polls one session's new events and fans them out to subscriber queues."""

    settings: Settings
    session_id: str
    last_id: int = 0
    queues: set[asyncio.Queue[Any]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None
    relay: LiveRelay | None = None
    bell: asyncio.Event = field(default_factory=asyncio.Event)

    async def _wait(self) -> None:
        """Until the next poll: the poll interval, or until the session's bell rings (celery runner)."""
        if self.relay is None:
            await asyncio.sleep(POLL_INTERVAL_S)
            return
        timeout = RELAY_FALLBACK_POLL_S if self.relay.connected else POLL_INTERVAL_S
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.bell.wait(), timeout)
        self.bell.clear()

    async def run(self, hub: TrainingEventHub) -> None:
        unwatch = self.relay.watch(self.session_id, self.bell.set) if self.relay is not None else None
        try:
            while self.queues:
                status, messages = await asyncio.to_thread(
                    training_stream.poll, self.settings, self.session_id, self.last_id
                )
                for message in messages:
                    self.last_id = message["id"]
                    for queue in list(self.queues):
                        queue.put_nowait(message)
                # The status was read before the events, so a finished status with no new events
                # means the final events were already delivered.
                if (status is None or status in FINISHED_STATUSES) and not messages:
                    for queue in list(self.queues):
                        queue.put_nowait(FINISHED)
                    break
                await self._wait()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("event poller of session %s failed", self.session_id)
            for queue in list(self.queues):
                queue.put_nowait(FINISHED)
        finally:
            if unwatch is not None:
                unwatch()
            hub.forget(self)


class TrainingEventHub:
    """One tail per watched session, shared by all its clients (per app, in the API process)."""

    def __init__(self, settings: Settings, relay: LiveRelay | None = None) -> None:
        self.settings = settings
        self.relay = relay
        self.tails: dict[str, _Tail] = {}
        self.lock = asyncio.Lock()

    async def subscribe(self, session_id: str) -> asyncio.Queue[Any]:
        """A queue receiving every event stored after this call (and possibly a few before)."""
        async with self.lock:
            tail = self.tails.get(session_id)
            if tail is None:
                tail = _Tail(self.settings, session_id, relay=self.relay)
                tail.last_id = await asyncio.to_thread(
                    training_stream.last_event_id, self.settings, session_id
                )
                self.tails[session_id] = tail
            queue: asyncio.Queue[Any] = asyncio.Queue()
            tail.queues.add(queue)
            if tail.task is None:
                tail.task = asyncio.create_task(tail.run(self), name=f"training-tail-{session_id[:8]}")
            return queue

    def unsubscribe(self, session_id: str, queue: asyncio.Queue[Any]) -> None:
        tail = self.tails.get(session_id)
        if tail is not None:
            tail.queues.discard(queue)

    def forget(self, tail: _Tail) -> None:
        if self.tails.get(tail.session_id) is tail:
            del self.tails[tail.session_id]


def get_hub(websocket: WebSocket) -> TrainingEventHub:
    state = websocket.app.state
    hub: TrainingEventHub | None = getattr(state, "training_event_hub", None)
    if hub is None:
        relay = getattr(getattr(state, "runner", None), "relay", None)  # celery runner: live bells
        hub = TrainingEventHub(state.settings, relay if isinstance(relay, LiveRelay) else None)
        state.training_event_hub = hub
    return hub


async def _answer_client(websocket: WebSocket, settings: Settings, session_id: str) -> None:
    """Client messages: ping and get_status. Returns when the client disconnects."""
    while True:
        try:
            text = await websocket.receive_text()
        except (WebSocketDisconnect, RuntimeError):
            return
        try:
            action = json.loads(text).get("action")
        except (ValueError, AttributeError):
            action = None
        if action == "ping":
            await websocket.send_json({"type": "pong"})
        elif action == "get_status":
            await websocket.send_json(
                {
                    "type": "status",
                    "data": await asyncio.to_thread(training_stream.status, settings, session_id),
                }
            )
        elif action in ("subscribe", "unsubscribe", "get_history"):
            continue  # the connection itself is the subscription; history comes on connect
        else:
            await websocket.send_json({"type": "error", "message": "unknown action", "code": "bad_action"})


async def _send_events(websocket: WebSocket, queue: asyncio.Queue[Any], last_sent: int) -> None:
    while True:
        message = await queue.get()
        if message is FINISHED:
            return
        if message["id"] <= last_sent:
            continue  # already sent in the replay
        await websocket.send_json(message)
        last_sent = message["id"]


@router.websocket("/training/{session_id}")
async def training_events(websocket: WebSocket, session_id: str, after: int = Query(default=0, ge=0)) -> None:
    settings: Settings = websocket.app.state.settings
    await websocket.accept()
    hub = get_hub(websocket)
    queue = await hub.subscribe(session_id)  # subscribe first, then replay: nothing falls in between
    try:
        status, history = await asyncio.to_thread(training_stream.history, settings, session_id, after)
        if status is None:
            await websocket.send_json(
                {
                    "type": "error",
                    "message": f"Training session {session_id} does not exist",
                    "code": "not_found",
                }
            )
            await websocket.close(code=CLOSE_NOT_FOUND)
            return
        last_sent = after
        for message in history:
            await websocket.send_json(message)
            last_sent = message["id"]
        await websocket.send_json({"type": "history_end", "last_event_id": last_sent, "status": status})
        sender = asyncio.create_task(_send_events(websocket, queue, last_sent))
        receiver = asyncio.create_task(_answer_client(websocket, settings, session_id))
        done, pending = await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if (
            sender in done
            and sender.exception() is None
            and websocket.client_state == WebSocketState.CONNECTED
        ):
            await websocket.close(code=1000, reason="session finished")
    except WebSocketDisconnect:
        pass
    finally:
        hub.unsubscribe(session_id, queue)
