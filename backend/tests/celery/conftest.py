"""A real Celery cluster for the scale-out tests: the API (TestClient, CRACKDET_RUNNER=celery) and worker
nodes (`crackdet worker` subprocesses) on the machine's Redis (DB 5, flushed before and after) and
PostgreSQL (a throw-away schema), sharing one data directory.

CRACKDET_TEST_REDIS_URL and CRACKDET_TEST_POSTGRES_URL name them (.ci/run exports both). When one is set
but does not answer, the tests FAIL; when it is not set (a developer machine), they are skipped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import session_scope
from app.db.tables import Job
from app.main import create_app
from tests.conftest import _postgres_schema_url

BACKEND = Path(__file__).resolve().parents[2]
REDIS_DB = 5  # this suite's own Redis database: flushed, never DB 0
HEARTBEAT_INTERVAL_S = 0.5
HEARTBEAT_TIMEOUT_S = 6.0


def _redis_url() -> str:
    url = os.environ.get("CRACKDET_TEST_REDIS_URL")
    if not url:
        pytest.skip("CRACKDET_TEST_REDIS_URL is not set (CI sets it): the Celery tests need a real Redis")
    import redis
    from redis.connection import parse_url

    base = url.split("?", 1)[0]
    if parse_url(base).get("db") is not None:
        base = base.rsplit("/", 1)[0]
    own = f"{base}/{REDIS_DB}"
    try:
        redis.Redis.from_url(own, socket_connect_timeout=3).ping()
    except Exception as exc:
        pytest.fail(f"Redis at {own} (CRACKDET_TEST_REDIS_URL) does not answer: {exc}. Start redis-server.")
    return own


def _postgres_url() -> str:
    url = os.environ.get("CRACKDET_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("CRACKDET_TEST_POSTGRES_URL is not set (CI sets it): the Celery tests need PostgreSQL")
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        pytest.fail(f"PostgreSQL at CRACKDET_TEST_POSTGRES_URL does not answer: {exc}")
    return url


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()  # DB 5 only


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    url = _redis_url()
    flush_redis(url)
    yield url
    flush_redis(url)


@pytest.fixture(scope="module")
def cluster_settings(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    root = tmp_path_factory.mktemp("celery-cluster")
    for database_url in _postgres_schema_url(_postgres_url()):
        settings = Settings(
            data_dir=root / "data",
            database_url=database_url,
            runner="celery",
            redis_url=redis_url,
            worker_heartbeat_interval_s=HEARTBEAT_INTERVAL_S,
            worker_heartbeat_timeout_s=HEARTBEAT_TIMEOUT_S,
            monitor_interval_s=0.5,
            cpu_job_slots=1,
        )
        settings.ensure_dirs()
        upgrade(database_url)
        yield settings


@dataclass
class Node:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def kill(self) -> None:
        """kill -9 of the whole node: supervisor, slot processes and the job processes they run."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process.poll() is not None:
            with contextlib.suppress(ProcessLookupError):  # leftovers of its group (never expected)
                os.killpg(self.process.pid, signal.SIGKILL)


def worker_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "CRACKDET_DATA_DIR": str(settings.data_dir),
        "CRACKDET_DATABASE_URL": settings.resolved_database_url,
        "CRACKDET_RUNNER": "celery",
        "CRACKDET_REDIS_URL": settings.redis_url,
        "CRACKDET_WORKER_HEARTBEAT_INTERVAL_S": str(settings.worker_heartbeat_interval_s),
        "CRACKDET_WORKER_HEARTBEAT_TIMEOUT_S": str(settings.worker_heartbeat_timeout_s),
        "CRACKDET_MONITOR_INTERVAL_S": str(settings.monitor_interval_s),
        "CRACKDET_DB_POOL_SIZE": "2",
    }


@dataclass
class Cluster:
    settings: Settings
    api: TestClient
    root: Path
    nodes: dict[str, Node] = field(default_factory=dict)

    def start_node(self, name: str, *args: str) -> Node:
        log_path = self.root / f"node-{name}.log"
        with log_path.open("ab") as log_file:
            process = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker", "--name", name, *args],
                cwd=BACKEND,
                env=worker_env(self.settings),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own process group: kill -9 reaches the whole node
            )
        node = Node(name, process, log_path)
        self.nodes[name] = node
        return node

    def slots(self) -> dict[str, dict[str, Any]]:
        from app.jobs.celery_runner import live_slots
        from app.jobs.live import redis_client

        return live_slots(redis_client(self.settings.redis_url))

    def wait_slots(self, names: set[str], timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not names <= set(self.slots()):
            for node in self.nodes.values():
                if node.process.poll() is not None:
                    raise AssertionError(f"worker {node.name} exited:\n{node.log_tail()}")
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {n.name}\n{n.log_tail()}" for n in self.nodes.values())
                raise AssertionError(f"slots {sorted(names)} not live within {timeout} s:\n{logs}")
            time.sleep(0.2)

    def job(self, job_id: str) -> Job:
        with session_scope(self.settings.resolved_database_url) as db:
            job = db.get(Job, job_id)
            assert job is not None
            db.expunge(job)
            return job

    def logs(self) -> str:
        return "\n".join(f"--- {n.name}\n{n.log_tail()}" for n in self.nodes.values())


@pytest.fixture(scope="module")
def cluster(cluster_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("celery-nodes")
    with TestClient(create_app(cluster_settings)) as api:
        state = Cluster(cluster_settings, api, root)
        try:
            yield state
        finally:
            for node in state.nodes.values():
                node.stop()
