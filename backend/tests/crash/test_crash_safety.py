"""Crash safety: SIGKILL the real server in the middle of a training, a dataset import and a batch
prediction, start it again, and check that what the API shows is consistent.

No fakes: `crackdet serve` in a subprocess (tests/crash/server.py), jobs in the real worker processes
its runner starts (they die with the server: PR_SET_PDEATHSIG), a real tiny YOLO training and real
predictions. After the restart:
- the training is `interrupted`, resumable, keeps the metrics of every finished epoch, and a resume
  continues at the next epoch and completes;
- an import that was running leaves no dataset (an upload's row goes, with the reason on its job) and
  no files; an upload cut off while it was still being received leaves no partial file;
- the batch is `interrupted` with a reason, lists only the images it finished (each complete), and
  the images it never reached are gone from disk.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from app.data.synthetic import SyntheticSpec, generate_dataset
from app.db.session import dispose_engines, session_scope
from app.db.tables import EpochMetric, Prediction
from tests.crash.server import CrashServer, wait_for
from tests.helpers.training import add_dataset, add_trained_model

pytestmark = pytest.mark.crash

JOB_START_TIMEOUT_S = 120.0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[CrashServer]:
    crash_server = CrashServer(tmp_path, extra_env={"CRACKDET_PREDICTION_SYNC_BATCH_MAX": "0"})
    crash_server.start()
    try:
        yield crash_server
    finally:
        crash_server.stop()
        dispose_engines()


def _get(client: httpx.Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code} {response.text}"
    return response.json()


def _files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")) if folder.is_dir() else []


# -- training --------------------------------------------------------------------------------------


def _epochs_in_db(server: CrashServer, session_id: str) -> list[int]:
    with session_scope(server.settings.resolved_database_url) as db:
        return sorted(db.scalars(select(EpochMetric.epoch).where(EpochMetric.session_id == session_id)))


def test_training_killed_mid_run_is_interrupted_and_resumes(server: CrashServer) -> None:
    dataset_id = add_dataset(server.settings)
    body = {
        "dataset_id": dataset_id,
        "name": "crash test",
        "pretrained": False,
        "image_size": 64,
        "epochs": 8,
        "batch_size": 4,
        "num_workers": 0,
        "device": "cpu",
        "augmentation_level": "none",
    }
    with server.client() as client:
        response = client.post("/api/v1/training/sessions", json=body)
        assert response.status_code == 201, response.text
        session_id = response.json()["id"]
        url = f"/api/v1/training/sessions/{session_id}"
        wait_for(lambda: _get(client, url)["current_epoch"] >= 2, JOB_START_TIMEOUT_S, "two finished epochs")

    finished = _epochs_in_db(server, session_id)
    workers = server.kill()
    assert workers, "the training ran in a worker process"
    # Whatever was written before the kill is still there (nothing is lost, nothing half-written).
    assert _epochs_in_db(server, session_id)[: len(finished)] == finished
    killed_at = _epochs_in_db(server, session_id)
    assert killed_at and killed_at[-1] < 8, "killed before the training ended"

    server.start()
    with server.client() as client:
        session = _get(client, url)
        assert session["status"] == "interrupted", session
        assert session["resumable"] is True
        assert "Resume it" in session["error"]
        metrics = _get(client, f"{url}/metrics")
        assert [epoch["epoch"] for epoch in metrics["epochs"]] == killed_at
        assert (server.data_dir / "runs" / session_id / "train" / "weights" / "last.pt").is_file()

        response = client.post(f"{url}/resume")
        assert response.status_code == 200, response.text
        done = wait_for(
            lambda: (s := _get(client, url))["status"] in ("completed", "failed") and s,
            JOB_START_TIMEOUT_S,
            "the resumed training to end",
            interval=0.2,
        )
        assert done["status"] == "completed", done
        assert done["resume_count"] == 1 and done["model_id"]
        epochs = [epoch["epoch"] for epoch in _get(client, f"{url}/metrics")["epochs"]]
        assert epochs == list(range(1, 9)), "every epoch once: the resume went on after the last finished one"
        logs = [line["message"] for line in _get(client, f"{url}/logs")["lines"]]
        assert any(f"resuming at epoch {killed_at[-1] + 1}" in line for line in logs), logs


# -- dataset import --------------------------------------------------------------------------------


def _big_dataset_zip(workdir: Path, copies: int) -> bytes:
    """A valid YOLO-seg zip with many images (copies of a few synthetic ones: cheap to make, as slow to
    import as distinct ones)."""
    root = generate_dataset(
        workdir / "base", SyntheticSpec(seed=5, train=10, val=4, test=0, image_size=96)
    ).root
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("data.yaml", "train: images/train\nval: images/val\nnames: [crack]\n")
        for split in ("train", "val"):
            images = sorted((root / "images" / split).iterdir())
            for copy in range(copies):
                for image in images:
                    name = f"{image.stem}_{copy}"
                    archive.writestr(f"images/{split}/{name}{image.suffix}", image.read_bytes())
                    label = root / "labels" / split / f"{image.stem}.txt"
                    archive.writestr(f"labels/{split}/{name}.txt", label.read_text())
    shutil.rmtree(workdir / "base")
    return buffer.getvalue()


def _leftovers(server: CrashServer) -> list[str]:
    data = server.data_dir
    return [f"uploads/{name}" for name in _files_under(data / "uploads")] + [
        f"tmp/{name}" for name in _files_under(data / "tmp")
    ]


def test_dataset_import_killed_mid_import_leaves_no_dataset_and_no_files(
    server: CrashServer, tmp_path: Path
) -> None:
    archive = _big_dataset_zip(tmp_path, copies=150)  # 2,100 images
    with server.client() as client:
        response = client.post(
            "/api/v1/datasets/upload", files={"file": ("big.zip", archive, "application/zip")}
        )
        assert response.status_code == 202, response.text
        dataset_id, job_id = response.json()["id"], response.json()["job_id"]
        status = wait_for(
            lambda: (s := _get(client, f"/api/v1/datasets/{dataset_id}")["status"]) != "queued" and s,
            JOB_START_TIMEOUT_S,
            "the import to start",
            interval=0.02,
        )
        assert status in ("extracting", "validating"), f"import already {status}: make the zip bigger"

    server.kill()
    server.start()
    with server.client() as client:
        assert client.get(f"/api/v1/datasets/{dataset_id}").status_code == 404
        assert dataset_id not in [d["id"] for d in _get(client, "/api/v1/datasets")["items"]]
        job = _get(client, f"/api/v1/datasets/jobs/{job_id}")
        assert job["status"] == "interrupted" and job["error"], job
        assert job["dataset_exists"] is False
    assert _files_under(server.data_dir / "datasets") == []
    assert _leftovers(server) == []


def test_upload_cut_off_by_a_crash_leaves_no_partial_file(server: CrashServer, tmp_path: Path) -> None:
    archive = _big_dataset_zip(tmp_path, copies=10)
    boundary = "crash-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    release = threading.Event()

    def body() -> Iterator[bytes]:
        yield head + archive[: len(archive) // 2]
        release.wait(30)  # the server dies while it waits for the rest
        yield archive[len(archive) // 2 :] + f"\r\n--{boundary}--\r\n".encode()

    def send() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server dies mid-request
            httpx.post(
                f"{server.base_url}/api/v1/datasets/upload",
                content=body(),
                headers={"content-type": f"multipart/form-data; boundary={boundary}"},
                timeout=30,
            )

    sender = threading.Thread(target=send)
    sender.start()
    partial = wait_for(
        lambda: list((server.data_dir / "uploads").glob("*.part")), 30, "a partial upload file"
    )
    assert partial
    server.kill()
    release.set()
    sender.join(30)

    server.start()
    with server.client() as client:
        assert _get(client, "/api/v1/datasets")["items"] == []
    assert _leftovers(server) == []


# -- batch prediction ------------------------------------------------------------------------------


def _png(index: int, size: int = 320) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size), (index % 255, 128, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def test_batch_prediction_killed_mid_job_is_interrupted_and_keeps_only_finished_images(
    server: CrashServer, trained_yolo_weights: Path
) -> None:
    model_id = add_trained_model(server.settings, trained_yolo_weights, source="imported")
    images = [("files", (f"img{i:03d}.png", _png(i), "image/png")) for i in range(150)]
    with server.client() as client:
        response = client.post("/api/v1/predict/batch", files=images, data={"model_id": model_id})
        assert response.status_code == 200, response.text
        batch = response.json()
        assert batch["mode"] == "job"
        status_url = batch["status_url"]
        wait_for(lambda: _get(client, status_url)["done"] >= 2, JOB_START_TIMEOUT_S, "two predicted images")

    server.kill()
    with session_scope(server.settings.resolved_database_url) as db:
        saved_before_restart = set(
            db.scalars(select(Prediction.id).where(Prediction.batch_id == batch["batch_id"]))
        )
    server.start()
    with server.client() as client:
        status = _get(client, status_url)
        assert status["status"] == "interrupted", status
        assert status["error"], "the reason is kept"
        assert 2 <= status["done"] < status["total"] == 150
        listed = {p["id"] for p in status["predictions"]}
        assert listed == saved_before_restart and len(listed) == status["done"]
        for prediction_id in list(listed)[:3]:  # each listed one is whole: its result and its image
            assert _get(client, f"/api/v1/predictions/{prediction_id}")["id"] == prediction_id
            assert client.get(f"/api/v1/predictions/{prediction_id}/image").status_code == 200
    on_disk = {path.name for path in (server.data_dir / "predictions").iterdir()}
    assert on_disk == listed, "images the batch never reached are removed"
    assert _leftovers(server) == []
