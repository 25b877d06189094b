"""The celery runner's dispatch and live announcements on the real Redis (DB 5), without worker nodes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job, TrainingSession
from app.jobs.celery_app import create_celery, slot_queue
from app.jobs.celery_runner import CeleryRunner
from app.jobs.live import EVENTS_CHANNEL, install_event_publisher, redis_client, uninstall_event_publisher
from app.jobs.runner import submit_job
from app.repositories import training as repo
from tests.celery.conftest import flush_redis

pytestmark = pytest.mark.celery


@pytest.fixture
def redis_settings(settings: Settings, redis_url: str) -> Iterator[Settings]:
    flush_redis(redis_url)
    yield settings.model_copy(update={"runner": "celery", "redis_url": redis_url})
    uninstall_event_publisher()
    flush_redis(redis_url)


def _slot(name: str, queue: str, job_id: str | None = None) -> dict[str, Any]:
    return {"name": name, "host": name.split(":")[0], "queue": queue, "job_id": job_id}


def test_each_free_slot_gets_the_oldest_job_of_its_queue_once(redis_settings: Settings) -> None:
    runner = CeleryRunner(redis_settings)
    runner._celery = create_celery(redis_settings)
    redis = redis_client(redis_settings.redis_url)
    jobs = [submit_job(redis_settings, "sleep_gpu", {"n": i}) for i in range(3)]
    cpu_job = submit_job(redis_settings, "sleep", {})
    slots = {
        "a:gpu0": _slot("a:gpu0", "gpu"),
        "b:gpu0": _slot("b:gpu0", "gpu"),
        "b:cpu0": _slot("b:cpu0", "cpu", job_id="something-else"),  # busy by its own report
    }
    sent = runner.dispatch(slots)
    assert sent == [(jobs[0], "a:gpu0"), (jobs[1], "b:gpu0")]  # FIFO, one per slot
    assert runner.dispatch(slots) == []  # both GPU slots hold a running job now
    for job_id, slot in sent:
        with session_scope(redis_settings.resolved_database_url) as db:
            job = db.get(Job, job_id)
            assert job is not None and (job.status, job.worker) == ("running", f"celery:{slot}")
        messages = redis.lrange(slot_queue(slot), 0, -1)
        assert len(messages) == 1 and json.loads(messages[0])["headers"]["argsrepr"] == repr([job_id])
    with session_scope(redis_settings.resolved_database_url) as db:
        waiting = {j.id: j.status for j in db.query(Job).filter(Job.id.in_([jobs[2], cpu_job]))}
    assert waiting == {jobs[2]: "queued", cpu_job: "queued"}
    assert runner.cancel(jobs[2]) is True and runner.cancel(jobs[0]) is False  # dispatched: stop it


def test_committed_training_events_are_announced_and_rolled_back_ones_are_not(
    redis_settings: Settings,
) -> None:
    install_event_publisher(redis_settings.redis_url)
    pubsub = redis_client(redis_settings.redis_url).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(EVENTS_CHANNEL)
    with session_scope(redis_settings.resolved_database_url) as db:
        session = TrainingSession(name="s", framework="ultralytics", model_arch="yolov8n-seg")
        db.add(session)
        db.flush()
        session_id = session.id
    with pytest.raises(RuntimeError), session_scope(redis_settings.resolved_database_url) as db:
        repo.add_event(db, session_id, "training_log", {"message": "never committed"})
        db.flush()
        raise RuntimeError("rolled back")
    with session_scope(redis_settings.resolved_database_url) as db:
        event = repo.add_event(db, session_id, "training_log", {"message": "committed"})
        db.flush()
        event_id = event.id
    received: list[dict[str, Any]] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not received:
        message = pubsub.get_message(timeout=0.5)
        if message and message["type"] == "message":
            received.append(json.loads(message["data"]))
    time.sleep(0.3)
    while (message := pubsub.get_message(timeout=0.1)) is not None:
        if message["type"] == "message":
            received.append(json.loads(message["data"]))
    pubsub.close()
    assert received == [{"session_id": session_id, "id": event_id, "type": "training_log"}]


def test_a_training_job_sees_one_gpu_when_a_live_slot_owns_one(redis_settings: Settings) -> None:
    from app.jobs.celery_runner import slot_gpu_count
    from app.jobs.live import SLOT_KEY_PREFIX

    redis = redis_client(redis_settings.redis_url)
    assert slot_gpu_count(redis_settings) == 0
    cpu_only = {**_slot("laptop:train0", "gpu"), "gpu": None}
    redis.set(SLOT_KEY_PREFIX + "laptop:train0", json.dumps(cpu_only), px=5000)
    assert slot_gpu_count(redis_settings) == 0
    redis.set(SLOT_KEY_PREFIX + "box:gpu1", json.dumps({**_slot("box:gpu1", "gpu"), "gpu": "1"}), px=5000)
    assert slot_gpu_count(redis_settings) == 1
    # the training form and its validation follow the workers' GPUs, not the API host's (none here)
    from app.jobs.celery_runner import CeleryRunner
    from app.services.training.catalogue import defaults
    from app.services.training.resolution import validate_device

    runner = CeleryRunner(redis_settings)
    assert "0" in defaults(redis_settings, runner).devices
    assert validate_device(runner, "0") == "0"
