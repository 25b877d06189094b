"""Scale-out runner parts that need neither Redis nor worker processes: slot planning, settings, GPU
visibility, shared-storage checks, lost-worker detection and the merging of worker nodes' readings."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from app.config import Settings
from app.core.monitoring.history import HistoryPoint, combine
from app.core.monitoring.nvml import NvmlAdapter
from app.core.monitoring.sampler import Sampler
from app.core.monitoring.thresholds import Thresholds, ThresholdWatch
from app.db.session import session_scope
from app.db.tables import Job, Model, TrainingSession
from app.domain.status import SessionStatus
from app.jobs.celery_runner import CeleryRunner
from app.jobs.live import LiveRelay, RemoteHost, redact_url
from app.jobs.runner import LocalRunner, gpu_count
from app.jobs.runners import forget_runner, get_runner
from app.jobs.storage import (
    MARKER_NAME,
    StorageError,
    ensure_storage_marker,
    verify_job_inputs,
    verify_storage,
)
from app.jobs.worker_node import NodeError, interrupt_jobs_of, parse_gpus, plan_slots
from app.schemas.monitoring import GpuSample
from app.services.monitoring_hosts import merge_worker_hosts
from app.utils.clock import utc_now
from tests.helpers.monitoring import FakeClock, FakeGpu, FakeNvml
from tests.helpers.training import add_dataset

# --- slots and settings -------------------------------------------------------------------------------


def test_one_slot_per_gpu_plus_cpu_slots() -> None:
    specs = plan_slots("box", parse_gpus("0,1", detected=0), 2, {"gpu", "cpu"})
    assert [(s.name, s.queue, s.gpu) for s in specs] == [
        ("box:gpu0", "gpu", "0"),
        ("box:gpu1", "gpu", "1"),
        ("box:cpu0", "cpu", None),
        ("box:cpu1", "cpu", None),
    ]
    assert [s.name for s in plan_slots("box", parse_gpus(None, detected=2), 0, {"gpu"})] == [
        "box:gpu0",
        "box:gpu1",
    ]
    cpu_training = plan_slots("laptop", parse_gpus(None, detected=0), 1, {"gpu", "cpu"})
    assert [(s.name, s.gpu) for s in cpu_training] == [("laptop:train0", None), ("laptop:cpu0", None)]
    assert [s.queue for s in plan_slots("box", ["0"], 3, {"cpu"})] == ["cpu"] * 3


@pytest.mark.parametrize(
    ("gpus", "cpu_slots", "queues", "message"),
    [
        ("0,x", 0, {"gpu"}, "'x' is not a GPU index"),
        ("0,0", 0, {"gpu"}, "each GPU may appear once"),
        ("0", 0, {"tpu"}, "unknown queue 'tpu'"),
        ("0", 0, {"cpu"}, "No slots"),
    ],
)
def test_bad_worker_options_say_what_to_fix(
    gpus: str, cpu_slots: int, queues: set[str], message: str
) -> None:
    with pytest.raises(NodeError, match=message):
        plan_slots("box", parse_gpus(gpus, detected=0), cpu_slots, queues)


def test_worker_command_refuses_bad_gpus_with_a_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "worker", "--gpus", "zero", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "--gpus: 'zero' is not a GPU index" in result.stderr


def test_heartbeat_timeout_must_cover_two_beats(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="at least twice"):
        Settings(data_dir=tmp_path, worker_heartbeat_interval_s=5, worker_heartbeat_timeout_s=8)


def test_runner_is_chosen_by_configuration(tmp_path: Path) -> None:
    local = Settings(data_dir=tmp_path / "a")
    celery = Settings(data_dir=tmp_path / "b", runner="celery", redis_url="redis://127.0.0.1:1/0")
    try:
        assert isinstance(get_runner(local), LocalRunner)
        assert isinstance(get_runner(celery), CeleryRunner)  # created without connecting
    finally:
        forget_runner(local)
        forget_runner(celery)


def test_health_is_degraded_while_the_celery_runners_redis_is_down(sqlite_settings: Settings) -> None:
    from app.services.system import health

    down = sqlite_settings.model_copy(update={"runner": "celery", "redis_url": "redis://:pw@127.0.0.1:1/0"})
    report = health(down, CeleryRunner(down))
    assert report.status == "degraded" and report.database.ok
    assert report.redis is not None and not report.redis.ok
    assert (report.redis.detail or "").startswith("redis://***@127.0.0.1:1/0: ConnectionError")
    local = health(sqlite_settings, LocalRunner(sqlite_settings))
    assert local.redis is None  # local runner: no Redis involved


def test_redis_passwords_never_reach_messages() -> None:
    assert redact_url("redis://:s3cret@redis:6379/0") == "redis://***@redis:6379/0"
    assert redact_url("redis://127.0.0.1:6379/5") == "redis://127.0.0.1:6379/5"


class _FourGpus:
    """FAKE pynvml (no GPU here): a driver that reports four devices."""

    def nvmlInit(self) -> None:
        pass

    def nvmlShutdown(self) -> None:
        pass

    def nvmlDeviceGetCount(self) -> int:
        return 4


@pytest.mark.parametrize(("visible", "expected"), [(None, 4), ("1", 1), ("2,3", 2), ("", 0), ("-1", 0)])
def test_a_slot_counts_only_the_gpus_it_may_see(
    monkeypatch: pytest.MonkeyPatch, visible: str | None, expected: int
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", _FourGpus())
    if visible is None:
        monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    else:
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    assert gpu_count() == expected


# --- shared storage -------------------------------------------------------------------------------------


def test_storage_marker_is_recorded_once_and_checked_by_workers(settings: Settings, tmp_path: Path) -> None:
    identity = ensure_storage_marker(settings)
    assert ensure_storage_marker(settings) == identity  # never re-created
    verify_storage(settings)

    elsewhere = settings.model_copy(update={"data_dir": tmp_path / "not-mounted"})
    with pytest.raises(StorageError) as missing:
        verify_storage(elsewhere)
    assert f"{elsewhere.data_dir / MARKER_NAME} is missing" in str(missing.value)
    assert f"mounted at {elsewhere.data_dir}" in str(missing.value)

    (elsewhere.data_dir).mkdir(parents=True)
    (elsewhere.data_dir / MARKER_NAME).write_text(json.dumps({"id": "another"}))
    with pytest.raises(StorageError, match="belongs to another installation"):
        verify_storage(elsewhere)

    (elsewhere.data_dir / MARKER_NAME).write_text(json.dumps(identity))  # a copy, at another path
    with pytest.raises(StorageError, match="at the same path on every node"):
        verify_storage(elsewhere)


def _training_job(settings: Settings, session_id: str, *, resume: bool) -> str:
    with session_scope(settings.resolved_database_url) as db:
        job = Job(
            kind="training",
            queue="gpu",
            params={"session_id": session_id, "resume": resume},
            subject_id=session_id,
            status="running",
        )
        db.add(job)
        db.flush()
        return job.id


def test_job_inputs_are_checked_against_what_the_database_recorded(settings: Settings) -> None:
    ensure_storage_marker(settings)
    dataset = add_dataset(settings)
    weights = settings.models_dir / "m" / "best.pt"
    weights.parent.mkdir(parents=True)
    weights.write_bytes(b"x" * 100)
    with session_scope(settings.resolved_database_url) as db:
        model = Model(name="start", source="trained", framework="ultralytics", path="models/m/best.pt")
        model.size_bytes = 120  # the file on this mount has 100
        db.add(model)
        db.flush()
        session = TrainingSession(
            name="run",
            dataset_id=dataset,
            framework="ultralytics",
            model_arch="yolov8n-seg",
            config={"weights": model.id},
            status=SessionStatus.INTERRUPTED,
            current_epoch=3,
        )
        db.add(session)
        db.flush()
        session_id = session.id
    job_id = _training_job(settings, session_id, resume=True)
    with pytest.raises(StorageError) as wrong_size:
        verify_job_inputs(settings, job_id)
    assert f"Model 'start' at {weights} has 100 bytes; the database recorded 120" in str(wrong_size.value)

    weights.write_bytes(b"x" * 120)
    with pytest.raises(StorageError) as no_resume_point:
        verify_job_inputs(settings, job_id)
    last = settings.runs_dir / session_id / "train" / "weights" / "last.pt"
    assert f"The resume point of 'run' (3 epochs done) not found at {last}" in str(no_resume_point.value)

    last.parent.mkdir(parents=True)
    last.write_bytes(b"checkpoint")
    verify_job_inputs(settings, job_id)  # everything is where the database says


# --- lost workers ---------------------------------------------------------------------------------------


def _running_session_job(settings: Settings, slot: str, heartbeat_age_s: float) -> tuple[str, str]:
    dataset = add_dataset(settings)
    with session_scope(settings.resolved_database_url) as db:
        session = TrainingSession(
            name="remote", dataset_id=dataset, framework="ultralytics", model_arch="yolov8n-seg"
        )
        session.status = SessionStatus.RUNNING
        db.add(session)
        db.flush()
        job = Job(
            kind="training",
            queue="gpu",
            params={"session_id": session.id},
            subject_id=session.id,
            status="running",
            worker=f"celery:{slot}",
            started_at=utc_now() - timedelta(seconds=heartbeat_age_s),
            heartbeat_at=utc_now() - timedelta(seconds=heartbeat_age_s),
        )
        db.add(job)
        db.flush()
        return session.id, job.id


def test_a_silent_slot_interrupts_its_job_and_the_session_becomes_resumable(settings: Settings) -> None:
    settings = settings.model_copy(update={"worker_heartbeat_timeout_s": 10.0})
    runner = CeleryRunner(settings)
    session_id, job_id = _running_session_job(settings, "box:gpu0", heartbeat_age_s=30)
    alive_id = _running_session_job(settings, "box:gpu1", heartbeat_age_s=1)[1]
    reported_id = _running_session_job(settings, "box:gpu2", heartbeat_age_s=30)[1]
    slots = {"box:gpu2": {"name": "box:gpu2", "queue": "gpu", "job_id": reported_id}}

    assert runner.interrupt_lost(slots) == [job_id]
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        session = db.get(TrainingSession, session_id)
        assert job is not None and session is not None
        assert (job.status, job.stop_requested) == ("interrupted", True)
        assert "worker slot box:gpu0 stopped answering (no heartbeat for 10 s" in (job.error or "")
        assert session.status == SessionStatus.INTERRUPTED and "Resume it" in (session.error or "")
        statuses = {j.id: j.status for j in db.query(Job).filter(Job.id.in_([alive_id, reported_id]))}
    assert statuses == {alive_id: "running", reported_id: "running"}


def test_stopping_a_node_interrupts_what_its_slots_ran(settings: Settings) -> None:
    session_id, job_id = _running_session_job(settings, "box:gpu0", heartbeat_age_s=0)
    assert interrupt_jobs_of(settings, ["box:gpu0", "box:cpu0"], "worker box was stopped") == [job_id]
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(TrainingSession, session_id)
        assert session is not None and session.status == SessionStatus.INTERRUPTED
        assert "worker box was stopped" in (session.error or "")


# --- live relay and worker nodes' readings ------------------------------------------------------------


def test_relay_rings_only_the_watched_session_until_unwatched() -> None:
    relay = LiveRelay(stale_after_s=30)
    rung: list[str] = []
    unwatch = relay.watch("a", lambda: rung.append("a"))
    relay.training_event("a")
    relay.training_event("b")
    unwatch()
    relay.training_event("a")
    assert rung == ["a"] and relay.events_received == 3


def _sample_json(tmp_path: Path, gpus: list[FakeGpu]) -> dict[str, Any]:
    sample = Sampler(NvmlAdapter(FakeNvml(gpus)), tmp_path, clock=FakeClock()).collect()
    return GpuSample.model_validate(sample, from_attributes=True).model_dump(mode="json")


def test_worker_nodes_gpus_are_merged_with_their_host(tmp_path: Path) -> None:
    local = Sampler(
        NvmlAdapter(FakeNvml([FakeGpu(uuid="GPU-shared")])), tmp_path, clock=FakeClock()
    ).collect()
    remote = [
        RemoteHost(
            "box-b", 0.0, _sample_json(tmp_path, [FakeGpu(uuid="GPU-b0"), FakeGpu(uuid="GPU-b1")]), []
        ),
        RemoteHost("api-box", 0.0, _sample_json(tmp_path, [FakeGpu(uuid="GPU-shared")]), []),  # same card
        RemoteHost("broken", 0.0, {"gpus": "not a list"}, []),  # skipped, with a warning
        RemoteHost(
            "cpu-box",
            0.0,
            _sample_json(tmp_path, []),
            [{"name": "cpu-box:cpu0", "queue": "cpu", "gpu": None, "alive": True}],
        ),
    ]
    merged = merge_worker_hosts(local, "api", remote)
    assert [(g.host, g.index, g.uuid) for g in merged.gpus] == [
        ("box-b", 0, "GPU-b0"),
        ("box-b", 1, "GPU-b1"),
        ("api-box", 0, "GPU-shared"),  # listed once, as the worker's
    ]
    assert merged.hostname == "api" and merged.gpu_available
    assert [w.host for w in merged.workers] == ["box-b", "api-box", "cpu-box"]
    assert merged.workers[2].slots[0].name == "cpu-box:cpu0" and not merged.workers[2].gpu_available

    alerts = ThresholdWatch(Thresholds()).check(
        dataclasses.replace(merged, gpus=[dataclasses.replace(merged.gpus[0], temperature_c=95.0)])
    )
    assert alerts[0].title == "GPU 0 on box-b: critical"


def test_history_keeps_gpus_of_different_hosts_apart() -> None:
    from app.core.monitoring.history import GpuPoint

    t = FakeClock().now
    a = HistoryPoint(
        t, 1.0, 1.0, 1.0, (GpuPoint(0, 10.0, 1.0, 50.0, 1.0, "a"), GpuPoint(0, 90.0, 1, 70.0, 1, "b"))
    )
    merged = combine([(a, 1), (a, 1)], t)
    assert [(g.host, g.index, g.utilization_percent) for g in merged.gpus] == [("a", 0, 10.0), ("b", 0, 90.0)]


def test_relay_forgets_silent_hosts() -> None:
    relay = LiveRelay(stale_after_s=0.0)
    relay.host_sample("gone", {}, [])
    assert relay.hosts() == []
    relay = LiveRelay(stale_after_s=60.0)
    relay.host_sample("here", {}, [])
    assert [h.host for h in relay.hosts()] == ["here"]
    assert isinstance(relay.hosts()[0], RemoteHost)
