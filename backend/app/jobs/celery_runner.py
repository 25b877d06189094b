"""CeleryRunner (CRACKDET_RUNNER=celery): the API side of running jobs on worker slots over Redis.

Same interface and the same database queue as LocalRunner (see app/jobs/celery_app.py for the design).
One asyncio task dispatches and watches; another listens to Redis pub/sub:

- dispatch: live slots are the `crackdet:slot:*` heartbeat keys; a slot is busy while a job is
  `running` with `worker = "celery:<slot>"`. The next queued job of a free slot's queue (FIFO) is
  claimed in the database (a conditional UPDATE, so two API processes never claim one job), then sent
  to that slot's Celery queue. A Redis lock keeps two API processes from filling the same slot.
- lost workers: a running job whose database heartbeat is older than CRACKDET_WORKER_HEARTBEAT_TIMEOUT_S
  and whose slot no longer reports it becomes `interrupted` (resumable on any slot); its stop flag is
  set too, so a worker that was only cut off stops instead of finishing twice.
- live signals: training events ring the WebSocket tails, worker nodes' GPU samples feed the monitoring
  service, slot announcements trigger a dispatch at once (app/jobs/live.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job
from app.domain.status import JobStatus
from app.jobs.celery_app import TASK_NAME, WORKER_PREFIX, create_celery, job_worker_name, slot_queue
from app.jobs.live import (
    DISPATCH_LOCK_KEY,
    EVENTS_CHANNEL,
    HOSTS_CHANNEL,
    SLOT_KEY_PREFIX,
    SLOTS_CHANNEL,
    LiveRelay,
    install_event_publisher,
    redact_url,
    redis_client,
    uninstall_event_publisher,
)
from app.jobs.runner import DatabaseQueueRunner, LocalRunner, call_on_lost, snapshot_of
from app.jobs.storage import ensure_storage_marker
from app.services.ports import QueueHealth
from app.utils.clock import utc_now

log = logging.getLogger("app.jobs.celery_runner")


def live_slots(redis: Any) -> dict[str, dict[str, Any]]:
    """Every slot whose heartbeat key has not expired, by name."""
    keys = sorted(redis.scan_iter(match=SLOT_KEY_PREFIX + "*", count=500))
    if not keys:
        return {}
    slots: dict[str, dict[str, Any]] = {}
    for raw in redis.mget(keys):
        if raw is None:
            continue
        with contextlib.suppress(ValueError, TypeError):
            status = json.loads(raw)
            slots[str(status["name"])] = status
    return slots


def slot_gpu_count(settings: Settings) -> int:
    """The GPUs one training job may use with the celery runner: 1 when a live slot owns a GPU (each
    slot sees only its own, as cuda:0), else 0. Answers 0 when Redis does not."""
    try:
        slots = live_slots(redis_client(settings.redis_url)).values()
    except Exception:
        return 0
    return int(any(s.get("queue") == "gpu" and s.get("gpu") is not None for s in slots))


class CeleryRunner(DatabaseQueueRunner):
    POLL_INTERVAL_S = 0.5
    RECONNECT_S = 2.0

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.relay = LiveRelay(stale_after_s=settings.worker_heartbeat_timeout_s)
        self._redis: Any = None
        self._celery: Any = None
        self._tasks: list[asyncio.Task[None]] = []
        self._redis_failing = False

    def training_gpu_count(self) -> int:
        return slot_gpu_count(self.settings)

    def queue_health(self) -> QueueHealth:
        """Redis answers (2 s at most), and how many worker slots have a live heartbeat."""
        import redis

        url = self.settings.redis_url
        try:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            return QueueHealth(ok=True, live_slots=len(live_slots(client)))
        except Exception as exc:
            return QueueHealth(ok=False, detail=f"{redact_url(url)}: {type(exc).__name__}: {exc}"[:500])

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._loop_ref = asyncio.get_running_loop()
        self._redis = redis_client(self.settings.redis_url)
        self._celery = create_celery(self.settings)
        install_event_publisher(self.settings.redis_url)  # events the API writes ring the tails too
        try:
            await asyncio.to_thread(ensure_storage_marker, self.settings)
            # Jobs a previous *local* runner left running here are interrupted as usual.
            await asyncio.to_thread(LocalRunner(self.settings).recover)
        except Exception:  # keep serving: /health reports the database problem
            log.exception("could not prepare the celery runner at start-up")
        self._tasks = [
            asyncio.create_task(self._loop(), name="celery-runner"),
            asyncio.create_task(self._listen(), name="celery-runner-pubsub"),
        ]

    async def shutdown(self) -> None:
        """Jobs keep running on their workers: nothing is interrupted when the API stops."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        self._loop_ref = None
        uninstall_event_publisher()
        if self._celery is not None:
            with contextlib.suppress(Exception):
                self._celery.close()

    def slots(self) -> dict[str, dict[str, Any]]:
        return live_slots(self._redis) if self._redis is not None else {}

    # -- dispatch loop -----------------------------------------------------------------------------
    async def _loop(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.tick)
                if self._redis_failing:
                    log.info("Redis at %s answers again", redact_url(self.settings.redis_url))
                self._redis_failing = False
            except Exception as exc:
                if not self._redis_failing:
                    log.error("celery runner iteration failed: %s", exc, exc_info=True)
                self._redis_failing = True
            assert self._wake is not None
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.POLL_INTERVAL_S)

    def tick(self) -> None:
        slots = live_slots(self._redis)
        self.interrupt_lost(slots)
        token = secrets.token_hex(8)
        lock_ms = int(max(5.0, 4 * self.POLL_INTERVAL_S) * 1000)
        if not self._redis.set(DISPATCH_LOCK_KEY, token, nx=True, px=lock_ms):
            return  # another API process is dispatching right now
        try:
            self.dispatch(slots)
        finally:
            if self._redis.get(DISPATCH_LOCK_KEY) == token.encode():
                self._redis.delete(DISPATCH_LOCK_KEY)

    def _running_celery_jobs(self) -> list[Job]:
        with session_scope(self.settings.resolved_database_url) as db:
            jobs = db.scalars(
                select(Job).where(Job.status == JobStatus.RUNNING, Job.worker.like(WORKER_PREFIX + "%"))
            ).all()
            for job in jobs:
                db.expunge(job)
            return list(jobs)

    def interrupt_lost(self, slots: dict[str, dict[str, Any]]) -> list[str]:
        """Running jobs whose slot went silent become interrupted; returns their ids."""
        timeout = self.settings.worker_heartbeat_timeout_s
        cutoff = utc_now() - timedelta(seconds=timeout)
        lost: list[str] = []
        for job in self._running_celery_jobs():
            slot = (job.worker or "")[len(WORKER_PREFIX) :]
            beat = slots.get(slot)
            if beat is not None and beat.get("job_id") == job.id:
                continue  # the slot says it runs it
            last = job.heartbeat_at or job.started_at
            if last is not None and last.tzinfo is None:
                last = last.replace(tzinfo=cutoff.tzinfo)
            if last is not None and last >= cutoff:
                continue
            reason = (
                f"worker slot {slot} stopped answering (no heartbeat for {timeout:g} s: the machine, its "
                "worker or the network went down)"
            )
            if self._mark_interrupted(job.id, reason):
                lost.append(job.id)
        return lost

    def _mark_interrupted(self, job_id: str, reason: str) -> bool:
        with session_scope(self.settings.resolved_database_url) as db:
            job = db.get(Job, job_id)
            if job is None or job.status != JobStatus.RUNNING:
                return False
            job.status, job.finished_at, job.stop_requested = JobStatus.INTERRUPTED, utc_now(), True
            job.error = f"Interrupted: {reason}."
            snapshot = snapshot_of(job)
        log.warning("job %s: %s", job_id, reason)
        call_on_lost(self.settings, snapshot, reason, interrupted=True)
        return True

    def dispatch(self, slots: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
        """Claims the next queued job for each free slot and sends it there; returns (job, slot) pairs."""
        busy = {job.worker for job in self._running_celery_jobs()}
        free: dict[str, list[str]] = {}
        for name, status in sorted(slots.items()):
            if job_worker_name(name) not in busy and not status.get("job_id"):
                free.setdefault(str(status.get("queue", "gpu")), []).append(name)
        sent: list[tuple[str, str]] = []
        for queue, names in free.items():
            with session_scope(self.settings.resolved_database_url) as db:
                next_ids = db.scalars(
                    select(Job.id)
                    .where(Job.status == JobStatus.QUEUED, Job.queue == queue)
                    .order_by(Job.created_at, Job.id)
                    .limit(len(names))
                ).all()
            for job_id, slot in zip(next_ids, names, strict=False):
                if self._claim(job_id, slot):
                    self._send(job_id, slot)
                    sent.append((job_id, slot))
        return sent

    def _claim(self, job_id: str, slot: str) -> bool:
        now = utc_now()
        with session_scope(self.settings.resolved_database_url) as db:
            result = db.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
                .values(
                    status=JobStatus.RUNNING, worker=job_worker_name(slot), started_at=now, heartbeat_at=now
                )
            )
        return bool(getattr(result, "rowcount", 0))

    def _send(self, job_id: str, slot: str) -> None:
        try:
            self._celery.send_task(TASK_NAME, args=[job_id], queue=slot_queue(slot))
        except Exception:
            with session_scope(self.settings.resolved_database_url) as db:  # back in the queue
                db.execute(
                    update(Job)
                    .where(
                        Job.id == job_id, Job.status == JobStatus.RUNNING, Job.worker == job_worker_name(slot)
                    )
                    .values(status=JobStatus.QUEUED, worker=None, started_at=None, heartbeat_at=None)
                )
            raise
        log.info("job %s -> slot %s", job_id, slot)

    # -- Redis pub/sub -----------------------------------------------------------------------------
    async def _listen(self) -> None:
        import redis.asyncio as aioredis

        failing = False
        while True:
            client = aioredis.Redis.from_url(self.settings.redis_url, socket_connect_timeout=5)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(EVENTS_CHANNEL, HOSTS_CHANNEL, SLOTS_CHANNEL)
                    self.relay.connected = True
                    if failing:
                        log.info("Live events from workers flow again")
                    failing = False
                    async for message in pubsub.listen():
                        self._on_message(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not failing:
                    log.warning(
                        "Redis pub/sub at %s failed (%s); live events fall back to polling, retrying",
                        redact_url(self.settings.redis_url),
                        exc,
                    )
                failing = True
            finally:
                self.relay.connected = False
                with contextlib.suppress(Exception):
                    await client.aclose()
            await asyncio.sleep(self.RECONNECT_S)

    def _on_message(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
        try:
            data = json.loads(message["data"])
        except (TypeError, ValueError):
            return
        if not isinstance(data, dict):
            return
        if channel == EVENTS_CHANNEL:
            self.relay.training_event(str(data.get("session_id", "")))
        elif channel == HOSTS_CHANNEL:
            host, sample = data.get("host"), data.get("sample")
            if isinstance(host, str) and isinstance(sample, dict):
                slots = data.get("slots")
                self.relay.host_sample(host[:200], sample, slots if isinstance(slots, list) else [])
        elif channel == SLOTS_CHANNEL:
            self.wake()
