"""Models end to end through the API with the real job runner: every check, evaluation and export runs
in a worker process (torch and ultralytics never load into this pytest process).

Uses the session's tiny trained yolov8n-seg (`trained_yolo_weights`) as "a user's model".
"""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Dataset
from app.main import create_app
from app.services.models.registry import export_artifact
from tests.helpers.jobs import wait_for_job

API = "/api/v1/models"
BACKEND = Path(__file__).resolve().parents[2]


@pytest.fixture
def live(sqlite_settings: Settings) -> Iterator[TestClient]:
    """A client with its lifespan: the local runner starts a worker process per job."""
    with TestClient(create_app(sqlite_settings)) as client:
        yield client


def upload(client: TestClient, path: Path, file_name: str, name: str | None = None) -> dict[str, Any]:
    with path.open("rb") as handle:
        response = client.post(
            f"{API}/import", files={"file": (file_name, handle)}, data={"name": name} if name else None
        )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def register_dataset(settings: Settings, source: Path) -> str:
    shutil.copytree(source, settings.datasets_dir / "tiny")
    with session_scope(settings.resolved_database_url) as db:
        dataset = Dataset(
            name="tiny cracks",
            source="upload",
            status="ready",
            path="tiny",
            class_names=["crack"],
            format="yolo-seg",
        )
        db.add(dataset)
        db.flush()
        return dataset.id


@pytest.fixture(scope="module")
def classify_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A yolov8n-cls model saved as .pt (a real Ultralytics model, wrong task), made in a subprocess."""
    out = tmp_path_factory.mktemp("cls")
    code = (
        "import sys\nfrom pathlib import Path\n"
        "from app.core.training.offline import prepare_ultralytics_env\n"
        "prepare_ultralytics_env(Path(sys.argv[1]))\n"
        "from ultralytics import YOLO\n"
        "YOLO('yolov8n-cls.yaml').save(str(Path(sys.argv[1]) / 'classifier.pt'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(out)], cwd=BACKEND, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out / "classifier.pt"


def test_import_evaluate_export_download_delete(
    live: TestClient, sqlite_settings: Settings, trained_yolo_weights: Path
) -> None:
    settings = sqlite_settings
    # Import: checked in a worker, registered with what the file says.
    accepted = upload(live, trained_yolo_weights, "best.pt", name="Tiny cracks")
    job = wait_for_job(live, accepted["job_id"])
    assert job["status"] == "completed", job
    imported = live.get(f"{API}/imports/{accepted['job_id']}").json()
    model_id = imported["model_id"]
    model = live.get(f"{API}/{model_id}").json()
    assert model["name"] == "Tiny cracks" and model["source"] == "imported"
    assert model["task"] == "segment" and model["class_names"] == ["crack"] and model["image_size"] == 96
    assert model["model_arch"] == "yolov8n-seg" and model["family"] == "yolov8"
    assert model["size_bytes"] == trained_yolo_weights.stat().st_size
    assert list((settings.uploads_dir / "models").iterdir()) == []
    assert live.get(f"{API}/{model_id}/download").content == trained_yolo_weights.read_bytes()

    # Evaluate on the validation split of the data it was trained on.
    dataset_id = register_dataset(settings, trained_yolo_weights.parents[3] / "dataset")
    evaluation = live.post(f"{API}/{model_id}/evaluate", json={"dataset_id": dataset_id, "split": "val"})
    assert evaluation.status_code == 202, evaluation.text
    assert wait_for_job(live, evaluation.json()["job_id"])["status"] == "completed"
    stored = live.get(f"{API}/{model_id}/evaluations").json()[0]
    assert stored["status"] == "completed" and stored["split"] == "val"
    assert stored["dataset_name"] == "tiny cracks"
    for key in (
        "box_precision",
        "box_recall",
        "box_map50",
        "box_map50_95",
        "mask_precision",
        "mask_recall",
        "mask_map50",
        "mask_map50_95",
    ):
        assert 0.0 <= stored["metrics"][key] <= 1.0, key
    assert stored["progress"] == 1.0

    # Export to ONNX, list it with its size, download it.
    export = live.post(f"{API}/{model_id}/export", json={"format": "onnx"})
    assert export.status_code == 202, export.text
    assert wait_for_job(live, export.json()["job_id"])["status"] == "completed"
    exports = live.get(f"{API}/{model_id}/exports").json()
    onnx = exports[0]
    assert onnx["status"] == "completed" and onnx["file_name"] == "model.onnx"
    assert onnx["size_bytes"] > 100_000
    assert onnx["options"]["imgsz"] == 96
    artefact = settings.models_dir / model_id / "exports" / onnx["id"]
    assert [p.name for p in artefact.iterdir()] == ["model.onnx"]  # the weights copy is gone
    download = live.get(onnx["download_url"])
    assert download.status_code == 200 and len(download.content) == onnx["size_bytes"]
    assert 'filename="tiny-cracks-onnx.onnx"' in download.headers["content-disposition"]
    assert export_artifact(settings, model_id, "onnx") == artefact / "model.onnx"

    # A folder export (OpenVINO) downloads as a zip.
    if importlib.util.find_spec("openvino") is not None:
        export = live.post(f"{API}/{model_id}/export", json={"format": "openvino", "imgsz": 64})
        assert wait_for_job(live, export.json()["job_id"])["status"] == "completed"
        openvino = live.get(f"{API}/{model_id}/exports/{export.json()['id']}").json()
        assert openvino["is_directory"] and openvino["file_name"] == "model_openvino_model"
        archive = zipfile.ZipFile(io.BytesIO(live.get(openvino["download_url"]).content))
        assert {"model_openvino_model/model.xml", "model_openvino_model/model.bin"} <= set(archive.namelist())
        assert list(settings.tmp_dir.glob("export-*.zip")) == []  # the zip made for the download is removed

    # Delete: the row, its exports and evaluations, and every file.
    assert live.delete(f"{API}/{model_id}").status_code == 200
    assert not (settings.models_dir / model_id).exists()
    assert live.get(f"{API}/{model_id}").status_code == 404
    assert export_artifact(settings, model_id, "onnx") is None


def test_import_refusals_leave_no_model_and_no_file(
    live: TestClient, sqlite_settings: Settings, classify_weights: Path, tmp_path: Path
) -> None:
    random_bytes = tmp_path / "random.pt"
    random_bytes.write_bytes(bytes(range(256)) * 64)
    not_torch_zip = tmp_path / "archive.pt"
    with zipfile.ZipFile(not_torch_zip, "w") as archive:
        archive.writestr("notes/readme.txt", "not a model")
    cases = {
        "random.pt": (random_bytes, "not a PyTorch model"),
        "archive.pt": (not_torch_zip, "not one written by torch.save"),
        "classifier.pt": (classify_weights, "This is a classify model"),
    }
    jobs = {name: upload(live, path, name)["job_id"] for name, (path, _) in cases.items()}
    for name, job_id in jobs.items():
        assert wait_for_job(live, job_id)["status"] == "failed"
        outcome = live.get(f"{API}/imports/{job_id}").json()
        assert outcome["model_id"] is None
        assert cases[name][1] in outcome["error"], outcome["error"]
        assert "Traceback" not in outcome["error"]
    assert live.get(API).json()["total"] == 0
    assert list((sqlite_settings.uploads_dir / "models").iterdir()) == []
    assert list(sqlite_settings.models_dir.iterdir()) == []
