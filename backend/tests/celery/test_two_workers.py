"""Two Celery worker nodes, real trainings: parallel slots, live metrics, stop, and resume elsewhere after
one node is killed (kill -9).

The API runs in this process (TestClient, CRACKDET_RUNNER=celery); the nodes are `crackdet worker`
subprocesses, one training slot each with a made-up GPU id ("0", "1": this machine has no GPU, the
trainings run on the CPU), on the machine's Redis and PostgreSQL and one shared data directory. The
tests run in file order: the last one kills a node.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from app.core.training import events
from app.data.synthetic import SyntheticSpec
from app.db.session import session_scope
from app.db.tables import Dataset, Job
from app.repositories import training as repo
from tests.celery.conftest import HEARTBEAT_TIMEOUT_S, Cluster, worker_env
from tests.helpers.training import (
    add_dataset,
    read_ws_until_close,
    session,
    tiny_config,
    wait_for,
    wait_status,
)

pytestmark = [pytest.mark.slow, pytest.mark.celery, pytest.mark.timeout(420)]
API = "/api/v1/training"
SMALL = SyntheticSpec(seed=3, train=8, val=4, test=0, image_size=96)
# 12 images in batches of 2: six batches per epoch, so a stop or a kill lands mid-run
LONGER = SyntheticSpec(seed=5, train=12, val=4, test=0, image_size=96)
SLOTS = {"w1:gpu0", "w2:gpu1"}


@pytest.fixture(scope="module")
def nodes(cluster: Cluster) -> Iterator[Cluster]:
    cluster.start_node("w1", "--gpus", "0", "--cpu-slots", "0")
    cluster.start_node("w2", "--gpus", "1", "--cpu-slots", "0")
    cluster.wait_slots(SLOTS)
    yield cluster


def _create(cluster: Cluster, dataset_id: str, **overrides: Any) -> str:
    body = tiny_config(dataset_id, image_size=96, **overrides)
    response = cluster.api.post(f"{API}/sessions", json=body)
    assert response.status_code == 201, response.text
    session_id: str = response.json()["id"]
    return session_id


def _jobs(cluster: Cluster, session_id: str) -> list[Job]:
    with session_scope(cluster.settings.resolved_database_url) as db:
        rows = list(
            db.query(Job)
            .filter(Job.kind == repo.TRAINING_JOB_KIND, Job.subject_id == session_id)
            .order_by(Job.created_at)
            .all()
        )
        for row in rows:
            db.expunge(row)
    return rows


def _epochs(cluster: Cluster, session_id: str) -> list[int]:
    body = cluster.api.get(f"{API}/sessions/{session_id}/metrics").json()
    return [e["epoch"] for e in body["epochs"]]


def _wait_status(cluster: Cluster, session_id: str, *statuses: str, timeout: float = 150) -> dict[str, Any]:
    try:
        return wait_status(cluster.api, session_id, *statuses, timeout=timeout)
    except AssertionError:
        detail = session(cluster.api, session_id)
        raise AssertionError(f"session {detail['status']}: {detail.get('error')}\n{cluster.logs()}") from None


def test_trainings_run_in_parallel_on_both_workers_and_stream_metrics(nodes: Cluster) -> None:
    dataset = add_dataset(nodes.settings, SMALL)
    first = _create(nodes, dataset, name="parallel a")
    second = _create(nodes, dataset, name="parallel b")
    with nodes.api.websocket_connect(f"/ws/training/{first}") as ws:
        messages = read_ws_until_close(ws)
    done = [_wait_status(nodes, sid, "completed", "failed") for sid in (first, second)]
    assert [d["status"] for d in done] == ["completed", "completed"], [d.get("error") for d in done]

    jobs = [_jobs(nodes, sid)[-1] for sid in (first, second)]
    assert {job.worker for job in jobs} == {f"celery:{slot}" for slot in SLOTS}  # one on each node
    starts = [job.started_at for job in jobs]
    ends = [job.finished_at for job in jobs]
    assert all(starts) and all(ends)
    assert max(s for s in starts if s) < min(e for e in ends if e), "the two trainings did not overlap"

    stored = [m for m in messages if "id" in m]
    ids = [m["id"] for m in stored]
    assert ids == sorted(set(ids))  # in order, no duplicates
    states = [m["data"]["status"] for m in stored if m["type"] == events.STATE]
    assert states == ["queued", "running", "completed"]
    assert [m["data"]["epoch"] for m in stored if m["type"] == events.METRICS] == [1, 2]
    assert any(m["type"] == events.PROGRESS for m in stored)
    # The worker announced its events over Redis and the API's tail read them on the bell.
    assert nodes.api.app.state.runner.relay.events_received >= len(stored) - 2
    assert done[0]["model_id"] and done[1]["model_id"]


def test_worker_nodes_and_their_gpus_reach_the_dashboard(nodes: Cluster) -> None:
    """Each node publishes its readings; a third publisher with two (fake) GPUs stands for a GPU box."""
    from app.jobs.worker_node import HostPublisher
    from tests.helpers.monitoring import FakeGpu, FakeNvml

    box = HostPublisher(
        nodes.settings,
        "gpu-box",
        lambda: [{"name": "gpu-box:gpu0", "queue": "gpu", "gpu": "0", "alive": True}],
        nvml_module=FakeNvml([FakeGpu(uuid="GPU-aaaa"), FakeGpu(uuid="GPU-bbbb", temperature=71)]),
    )

    def merged() -> dict[str, Any] | None:
        box.publish_once()
        sample: dict[str, Any] = nodes.api.get("/api/v1/system/gpu").json()["sample"]
        hosts = {w["host"] for w in sample["workers"]}
        return sample if {"w1", "w2", "gpu-box"} <= hosts and sample["gpus"] else None

    sample = wait_for(merged, timeout=30, interval=0.3)
    assert sample["gpu_available"] is True
    assert [(g["host"], g["index"], g["uuid"]) for g in sample["gpus"]] == [
        ("gpu-box", 0, "GPU-aaaa"),
        ("gpu-box", 1, "GPU-bbbb"),
    ]
    workers = {w["host"]: w for w in sample["workers"]}
    assert [s["name"] for s in workers["w1"]["slots"]] == ["w1:gpu0"]
    assert workers["w1"]["slots"][0]["alive"] is True and workers["w1"]["gpu_available"] is False
    assert workers["gpu-box"]["gpu_available"] is True
    with nodes.api.websocket_connect("/ws/gpu") as ws:
        live = ws.receive_json()
    assert live["type"] == "gpu_stats" and {g["host"] for g in live["gpus"]} == {"gpu-box"}
    health = nodes.api.get("/api/v1/system/health").json()
    assert health["status"] == "healthy" and health["redis"] == {"ok": True, "detail": None, "live_slots": 2}

    listed = subprocess.run(
        [sys.executable, "-m", "app.cli", "workers", "--node", "w1"],
        env=worker_env(nodes.settings),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr  # the worker container's health check
    assert listed.stdout.split("\t")[:3] == ["w1:gpu0", "gpu", "GPU 0"]


def test_worker_refuses_a_dataset_the_shared_storage_does_not_hold(nodes: Cluster) -> None:
    """The database says 100 images; the mount holds 12: the worker fails the job, naming the path."""
    dataset = add_dataset(nodes.settings, SMALL)
    with session_scope(nodes.settings.resolved_database_url) as db:
        row = db.get(Dataset, dataset)
        assert row is not None
        row.image_count = 100
    session_id = _create(nodes, dataset, name="partial copy")
    failed = _wait_status(nodes, session_id, "failed", "completed", timeout=60)
    assert failed["status"] == "failed"
    root = nodes.settings.datasets_dir / dataset
    assert f"at {root} has {SMALL.train + SMALL.val} images; the database recorded 100" in failed["error"]
    assert f"mounted at {nodes.settings.data_dir}" in failed["error"]
    job = _jobs(nodes, session_id)[-1]
    assert job.status == "failed" and job.worker in {f"celery:{slot}" for slot in SLOTS}


def test_stop_and_resume_on_the_other_worker_after_one_is_killed(nodes: Cluster) -> None:
    dataset = add_dataset(nodes.settings, LONGER)
    stopped_id = _create(nodes, dataset, name="to stop", epochs=30, batch_size=2, save_period=0)
    killed_id = _create(nodes, dataset, name="to kill", epochs=5, batch_size=2, save_period=1)

    def running_on() -> dict[str, str] | None:
        workers = {sid: _jobs(nodes, sid)[-1].worker or "" for sid in (stopped_id, killed_id)}
        return workers if all(w.startswith("celery:") for w in workers.values()) else None

    workers = wait_for(running_on, timeout=60)
    victim = workers[killed_id].split(":")[1]  # node name of "celery:<node>:<slot>"
    survivor = workers[stopped_id].split(":")[1]
    assert victim != survivor

    wait_for(lambda: _epochs(nodes, killed_id), timeout=150, interval=0.2)
    nodes.nodes[victim].kill()  # kill -9: no goodbye, only the heartbeat goes silent

    wait_for(lambda: _epochs(nodes, stopped_id), timeout=150, interval=0.2)
    stopping = nodes.api.post(f"{API}/sessions/{stopped_id}/stop").json()
    assert stopping["stop_requested"] is True
    stopped = _wait_status(nodes, stopped_id, "stopped", "completed")
    assert stopped["status"] == "stopped" and 1 <= stopped["current_epoch"] < 30 and stopped["resumable"]

    interrupted = _wait_status(nodes, killed_id, "interrupted", timeout=HEARTBEAT_TIMEOUT_S + 30)
    done_before = interrupted["current_epoch"]
    assert interrupted["resumable"] and 1 <= done_before < 5
    lost = _jobs(nodes, killed_id)[-1]
    assert lost.status == "interrupted" and "stopped answering" in (lost.error or "")

    resumed = nodes.api.post(f"{API}/sessions/{killed_id}/resume")
    assert resumed.status_code == 200, resumed.text
    completed = _wait_status(nodes, killed_id, "completed", "failed")
    assert completed["status"] == "completed", completed.get("error")
    attempts = _jobs(nodes, killed_id)
    assert attempts[-1].worker == f"celery:{survivor}:{'gpu0' if survivor == 'w1' else 'gpu1'}"
    assert _epochs(nodes, killed_id) == [1, 2, 3, 4, 5]
    logs = nodes.api.get(f"{API}/sessions/{killed_id}/logs", params={"tail": 500}).json()["lines"]
    assert any("Resuming from last.pt" in line["message"] for line in logs)
