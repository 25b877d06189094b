"""Live signals of the celery runner over Redis: what workers on other machines tell the API process.

Workers keep writing progress, events and outcomes to the shared database (the job code is the same
as with the local runner); Redis pub/sub only carries what must arrive *now*:

- `crackdet:training-events`: {"session_id", "id", "type"} after every committed training event, from
  any process (a SQLAlchemy listener installed by `install_event_publisher`). The API rings the bell of
  that session's WebSocket tail, which reads the new rows in id order: no gap, no duplicate, and the
  tail polls the database once a second instead of twenty times when the bell works.
- `crackdet:hosts`: a worker node's monitoring sample ({"host", "sample", "slots"}), every interval.
- `crackdet:slots`: a slot started, finished a job or stopped: the API dispatches at once.

Slot heartbeats are keys `crackdet:slot:<name>` holding JSON, with a TTL of the heartbeat timeout.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("app.jobs.live")

EVENTS_CHANNEL = "crackdet:training-events"
HOSTS_CHANNEL = "crackdet:hosts"
SLOTS_CHANNEL = "crackdet:slots"
SLOT_KEY_PREFIX = "crackdet:slot:"
HOST_KEY_PREFIX = "crackdet:host:"
DISPATCH_LOCK_KEY = "crackdet:dispatch-lock"
_PENDING = "crackdet_new_training_events"


def redact_url(url: str) -> str:
    """redis://:secret@host:6379/0 -> redis://***@host:6379/0 (for logs and error messages)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def redis_client(url: str) -> Any:
    """A synchronous client with short timeouts (a dead Redis must not hang a job or the API)."""
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)


def check_redis(url: str) -> None:
    """Raises RuntimeError naming the URL (password hidden) when Redis does not answer."""
    try:
        redis_client(url).ping()
    except Exception as exc:
        raise RuntimeError(
            f"Redis at {redact_url(url)} does not answer ({type(exc).__name__}: {exc}). Start it, or fix "
            "CRACKDET_REDIS_URL."
        ) from exc


# --- training events: publisher (any process) -------------------------------------------------------


class EventPublisher:
    """Publishes every committed TrainingEvent; failures are logged once a minute and never raised."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._client = redis_client(url)
        self._warned_at = 0.0

    def publish(self, messages: list[dict[str, Any]]) -> None:
        try:
            pipe = self._client.pipeline(transaction=False)
            for message in messages:
                pipe.publish(EVENTS_CHANNEL, json.dumps(message))
            pipe.execute()
        except Exception as exc:  # the WebSocket tail falls back to polling the database
            now = time.monotonic()
            if now - self._warned_at > 60:
                self._warned_at = now
                log.warning("Could not publish live training events to %s: %s", redact_url(self.url), exc)


_publisher: EventPublisher | None = None
_publisher_lock = threading.Lock()


def _collect(session: Session, _context: Any) -> None:
    from app.db.tables import TrainingEvent

    new = [
        {"session_id": obj.session_id, "id": obj.id, "type": obj.type}
        for obj in session.new
        if isinstance(obj, TrainingEvent)
    ]
    if new:  # ids are assigned by now; announced only once the transaction commits
        session.info.setdefault(_PENDING, []).extend(new)


def _publish(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending and _publisher is not None:
        _publisher.publish(pending)


def _forget(session: Session, *_args: Any) -> None:
    session.info.pop(_PENDING, None)


def install_event_publisher(url: str) -> None:
    """From now on, every training event committed by this process is announced on Redis (idempotent)."""
    global _publisher
    with _publisher_lock:
        if _publisher is not None:
            _publisher = EventPublisher(url) if _publisher.url != url else _publisher
            return
        _publisher = EventPublisher(url)
        event.listen(Session, "after_flush", _collect)
        event.listen(Session, "after_commit", _publish)
        event.listen(Session, "after_soft_rollback", _forget)


def uninstall_event_publisher() -> None:
    global _publisher
    with _publisher_lock:
        if _publisher is None:
            return
        _publisher = None
        event.remove(Session, "after_flush", _collect)
        event.remove(Session, "after_commit", _publish)
        event.remove(Session, "after_soft_rollback", _forget)


# --- the API side: what arrived, for the WebSocket tails and the monitoring service ------------------


@dataclass
class RemoteHost:
    """The latest monitoring message of one worker node."""

    host: str
    received_at: float  # time.monotonic() in the API process
    sample: dict[str, Any]  # a GpuSample as JSON (schemas.monitoring)
    slots: list[dict[str, Any]]


class LiveRelay:
    """Fan-in of the Redis channels for this API process. Bells are rung on the event loop thread."""

    def __init__(self, stale_after_s: float) -> None:
        self.stale_after_s = stale_after_s
        self._bells: dict[str, set[Callable[[], None]]] = {}
        self._hosts: dict[str, RemoteHost] = {}
        self._lock = threading.Lock()
        self.connected = False
        self.events_received = 0

    def watch(self, session_id: str, ring: Callable[[], None]) -> Callable[[], None]:
        """Calls `ring()` whenever an event of the session is announced; returns the unsubscribe."""
        self._bells.setdefault(session_id, set()).add(ring)

        def unwatch() -> None:
            bells = self._bells.get(session_id)
            if bells is not None:
                bells.discard(ring)
                if not bells:
                    del self._bells[session_id]

        return unwatch

    def training_event(self, session_id: str) -> None:
        self.events_received += 1
        for ring in list(self._bells.get(session_id, ())):
            ring()

    def host_sample(self, host: str, sample: dict[str, Any], slots: list[dict[str, Any]]) -> None:
        with self._lock:
            self._hosts[host] = RemoteHost(host, time.monotonic(), sample, slots)

    def hosts(self) -> list[RemoteHost]:
        """Worker nodes heard from within the heartbeat timeout, by name."""
        cutoff = time.monotonic() - self.stale_after_s
        with self._lock:
            for name in [n for n, h in self._hosts.items() if h.received_at < cutoff]:
                del self._hosts[name]
            return sorted(self._hosts.values(), key=lambda h: h.host)
