"""The local job runner with real worker processes (the built-in `sleep` job kinds)."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import time
from collections.abc import Callable
from typing import Any

import pytest

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job
from app.jobs import registry
from app.jobs.registry import JobSnapshot
from app.jobs.runner import LocalRunner, run_job_inline, submit_job
from app.utils.process import describe_exit


def _job(settings: Settings, job_id: str) -> Job:
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        assert job is not None
        db.expunge(job)
        return job


async def _wait_for(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


def _status(settings: Settings, job_id: str) -> str:
    return _job(settings, job_id).status


@pytest.fixture
def one_slot(sqlite_settings: Settings) -> Settings:
    return sqlite_settings.model_copy(update={"cpu_job_slots": 1, "training_slots": 1})


def test_jobs_in_one_slot_run_one_at_a_time_in_fifo_order(one_slot: Settings) -> None:
    async def scenario() -> list[Job]:
        runner = LocalRunner(one_slot)
        await runner.start()
        try:
            ids = [runner.submit("sleep", {"steps": 2, "step_seconds": 0.05}) for _ in range(3)]
            await _wait_for(lambda: all(_status(one_slot, i) == "completed" for i in ids))
            return [_job(one_slot, i) for i in ids]
        finally:
            await runner.shutdown()

    jobs = asyncio.run(scenario())
    for earlier, later in itertools.pairwise(jobs):
        assert earlier.finished_at is not None and later.started_at is not None
        assert earlier.finished_at <= later.started_at  # never overlapping, in submission order
    assert all(job.progress == 1.0 and job.result and job.result["steps"] == 2 for job in jobs)


def test_stop_request_reaches_a_running_job(one_slot: Settings) -> None:
    async def scenario() -> Job:
        runner = LocalRunner(one_slot)
        await runner.start()
        try:
            job_id = runner.submit("sleep", {"steps": 600, "step_seconds": 0.05})
            await _wait_for(lambda: _job(one_slot, job_id).progress > 0)
            runner.request_stop(job_id)
            await _wait_for(lambda: _status(one_slot, job_id) == "stopped", timeout=10)
            return _job(one_slot, job_id)
        finally:
            await runner.shutdown()

    job = asyncio.run(scenario())
    assert job.progress < 0.5


def test_a_queued_job_can_be_cancelled(one_slot: Settings) -> None:
    async def scenario() -> tuple[str, str]:
        runner = LocalRunner(one_slot)
        await runner.start()
        try:
            first = runner.submit("sleep", {"steps": 20, "step_seconds": 0.05})
            second = runner.submit("sleep", {"steps": 1})
            assert runner.cancel(second)
            await _wait_for(lambda: _status(one_slot, first) == "completed")
            return _status(one_slot, first), _status(one_slot, second)
        finally:
            await runner.shutdown()

    assert asyncio.run(scenario()) == ("completed", "cancelled")


def test_a_failing_handler_marks_the_job_failed_with_its_message(one_slot: Settings) -> None:
    job_id = submit_job(one_slot, "sleep", {"steps": 1, "step_seconds": 0, "fail": "disk on fire"})
    assert run_job_inline(one_slot, job_id) == "failed"
    assert _job(one_slot, job_id).error == "RuntimeError: disk on fire"


def test_a_killed_worker_fails_its_job_with_the_reason_and_calls_on_lost(
    one_slot: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost: list[tuple[str, str, bool]] = []

    def on_lost(_s: Settings, job: JobSnapshot, reason: str, interrupted: bool) -> None:
        lost.append((job.id, reason, interrupted))

    kind = registry.get_kind("sleep")
    monkeypatch.setitem(registry._KINDS, "sleep", registry.JobKind("sleep", kind.function, "cpu", on_lost))

    async def scenario() -> str:
        runner = LocalRunner(one_slot)
        await runner.start()
        try:
            job_id = runner.submit("sleep", {"steps": 1, "step_seconds": 0.01, "kill_self": True})
            await _wait_for(lambda: _status(one_slot, job_id) == "failed")
            return job_id
        finally:
            await runner.shutdown()

    job_id = asyncio.run(scenario())
    error = _job(one_slot, job_id).error or ""
    assert "killed by SIGKILL" in error
    assert lost == [
        (job_id, "worker process was killed by SIGKILL (killed: out of memory, or stopped by someone)", False)
    ]


def test_restart_interrupts_jobs_left_running_and_kills_orphans(
    one_slot: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost: list[tuple[str, bool]] = []

    def on_lost(_s: Settings, job: JobSnapshot, _reason: str, interrupted: bool) -> None:
        lost.append((job.id, interrupted))

    kind = registry.get_kind("sleep")
    monkeypatch.setitem(registry._KINDS, "sleep", registry.JobKind("sleep", kind.function, "cpu", on_lost))

    async def first_server() -> tuple[str, int]:
        runner = LocalRunner(one_slot)
        await runner.start()
        job_id = runner.submit("sleep", {"steps": 600, "step_seconds": 0.05})
        await _wait_for(lambda: _job(one_slot, job_id).progress > 0)
        pid = runner._running[job_id].process.pid
        # Simulate a crash of the API process: its loop stops, nothing is cleaned up.
        assert runner._task is not None
        runner._task.cancel()
        runner._running.clear()
        return job_id, pid

    job_id, pid = asyncio.run(first_server())
    assert _status(one_slot, job_id) == "running"

    async def second_server() -> None:
        runner = LocalRunner(one_slot)
        await runner.start()
        await runner.shutdown()

    asyncio.run(second_server())
    assert _status(one_slot, job_id) == "interrupted"
    assert lost == [(job_id, True)]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)
            os.kill(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            break
        time.sleep(0.1)
    else:
        os.kill(pid, signal.SIGKILL)
        raise AssertionError("the orphaned worker was left running")


def test_exit_descriptions_say_what_happened() -> None:
    assert "SIGKILL" in describe_exit(-9) and "out of memory" in describe_exit(-9)
    assert "code 3" in describe_exit(3)


def test_unknown_job_kind_is_refused(one_slot: Settings) -> None:
    with pytest.raises(KeyError, match="Unknown job kind"):
        submit_job(one_slot, "no-such-kind", {})


def test_handler_params_round_trip(one_slot: Settings) -> None:
    params: dict[str, Any] = {"steps": 1, "step_seconds": 0, "nested": {"a": [1, 2]}}
    job_id = submit_job(one_slot, "sleep", params)
    assert _job(one_slot, job_id).params == params
    assert run_job_inline(one_slot, job_id) == "completed"
