"""Models API without ML work: registry rows are written directly, jobs stay queued (no runner loop).

The flows that run real Ultralytics jobs (import, evaluate, export) are in test_models_flow.py.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Dataset, Job, Model, ModelEvaluation, ModelExport, TrainingSession
from app.jobs.runner import submit_job
from app.main import create_app

API = "/api/v1/models"


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    """A client without the lifespan: no job runner, so submitted jobs stay queued."""
    yield TestClient(create_app(settings))


def add_model(settings: Settings, name: str = "crack-v1", **fields: Any) -> str:
    with session_scope(settings.resolved_database_url) as db:
        model = Model(
            name=name,
            source=fields.pop("source", "trained"),
            framework="ultralytics",
            model_arch=fields.pop("model_arch", "yolov8n-seg"),
            task=fields.pop("task", "segment"),
            class_names=fields.pop("class_names", ["crack"]),
            image_size=fields.pop("image_size", 96),
            path="placeholder",
            size_bytes=0,
            **fields,
        )
        db.add(model)
        db.flush()
        folder = settings.models_dir / model.id
        folder.mkdir(parents=True)
        weights = folder / "best.pt"
        weights.write_bytes(b"weights of " + name.encode())
        model.path = f"models/{model.id}/best.pt"
        model.size_bytes = weights.stat().st_size
        return model.id


def add_dataset(
    settings: Settings,
    name: str = "cracks",
    class_names: list[str] | None = None,
    splits: tuple[str, ...] = ("train", "val"),
) -> str:
    root = settings.datasets_dir / name
    lines = [f"{split}: images/{split}" for split in splits]
    for split in splits:
        (root / "images" / split).mkdir(parents=True)
        (root / "labels" / split).mkdir(parents=True)
    names = class_names or ["crack"]
    (root / "data.yaml").write_text("\n".join([*lines, f"nc: {len(names)}", f"names: {names}"]) + "\n")
    with session_scope(settings.resolved_database_url) as db:
        dataset = Dataset(
            name=name, source="upload", status="ready", path=name, class_names=names, format="yolo-seg"
        )
        db.add(dataset)
        db.flush()
        return dataset.id


# -- registry ----------------------------------------------------------------------------------------


def test_list_filters_and_pages(api: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    first = add_model(
        settings,
        "alpha",
        dataset_id=dataset_id,
        tags=["prod"],
        metrics={"mask_map50_95": 0.4, "box_map50_95": 0.5},
    )
    add_model(settings, "beta", source="imported", model_arch="yolo11s-seg")
    add_model(settings, "gamma", task="detect", model_arch="yolov8n")

    body = api.get(API).json()
    assert body["total"] == 3 and len(body["items"]) == 3
    by_name = {item["name"]: item for item in body["items"]}
    alpha = by_name["alpha"]
    assert alpha["family"] == "yolov8" and alpha["scale"] == "n" and alpha["num_classes"] == 1
    assert alpha["dataset_name"] == "cracks" and alpha["primary_metric"] == 0.4
    assert alpha["size_bytes"] == len(b"weights of alpha")
    assert by_name["beta"]["family"] == "yolo11" and by_name["beta"]["scale"] == "s"

    assert [i["name"] for i in api.get(API, params={"source": "imported"}).json()["items"]] == ["beta"]
    assert [i["name"] for i in api.get(API, params={"task": "detect"}).json()["items"]] == ["gamma"]
    assert [i["id"] for i in api.get(API, params={"dataset_id": dataset_id}).json()["items"]] == [first]
    assert [i["name"] for i in api.get(API, params={"tag": "PROD"}).json()["items"]] == ["alpha"]
    assert [i["name"] for i in api.get(API, params={"search": "yolo11"}).json()["items"]] == ["beta"]
    assert [i["name"] for i in api.get(API, params={"search": "AMM"}).json()["items"]] == ["gamma"]
    page = api.get(API, params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert api.get(API, params={"limit": 0}).status_code == 422
    assert api.get(API, params={"search": "%"}).json()["total"] == 0  # LIKE wildcards are literal


def test_detail_shows_lineage(api: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    with session_scope(settings.resolved_database_url) as db:
        session = TrainingSession(
            name="run 1",
            dataset_id=dataset_id,
            framework="ultralytics",
            model_arch="yolov8n-seg",
            status="completed",
            total_epochs=5,
            config={"epochs": 5, "batch_size": 4, "augmentation": {"nested": 1}},
        )
        db.add(session)
        db.flush()
        session_id = session.id
    model_id = add_model(settings, dataset_id=dataset_id, session_id=session_id)
    body = api.get(f"{API}/{model_id}").json()
    assert body["dataset"]["name"] == "cracks"
    assert body["session"]["name"] == "run 1" and body["session_name"] == "run 1"
    assert body["session"]["config"] == {"epochs": 5, "batch_size": 4}
    assert body["exports"] == [] and body["evaluations"] == [] and body["in_use"] is None
    assert body["file_name"] == "best.pt"
    assert api.get(f"{API}/nope").status_code == 404


def test_rename_and_tag_with_validation(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings)
    response = api.patch(f"{API}/{model_id}", json={"name": "  crack   v2 ", "tags": ["prod", "Prod", "v2"]})
    assert response.status_code == 200
    assert response.json()["name"] == "crack v2" and response.json()["tags"] == ["prod", "v2"]
    for bad in (
        {"name": ""},
        {"name": "x" * 201},
        {"name": "   "},
        {"tags": ["x" * 41]},
        {"tags": [f"t{i}" for i in range(21)]},
        {"tags": ['bad"quote']},
        {"colour": "red"},
    ):
        assert api.patch(f"{API}/{model_id}", json=bad).status_code == 422, bad
    assert api.get(f"{API}/{model_id}").json()["name"] == "crack v2"


def test_download_weights(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings, "Crack V1")
    response = api.get(f"{API}/{model_id}/download")
    assert response.status_code == 200
    assert response.content == b"weights of Crack V1"
    assert 'filename="crack-v1.pt"' in response.headers["content-disposition"]


def test_delete_removes_files_and_rows(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings)
    with session_scope(settings.resolved_database_url) as db:
        db.add(
            ModelExport(
                model_id=model_id,
                format="onnx",
                options={},
                status="completed",
                path=f"models/{model_id}/exports/x/model.onnx",
            )
        )
    response = api.delete(f"{API}/{model_id}")
    assert response.status_code == 200 and response.json()["deleted"] is True
    assert response.json()["freed_bytes"] > 0
    assert not (settings.models_dir / model_id).exists()
    with session_scope(settings.resolved_database_url) as db:
        assert db.get(Model, model_id) is None
        assert db.query(ModelExport).count() == 0
    assert api.delete(f"{API}/{model_id}").status_code == 404


def test_delete_refused_while_a_job_uses_the_model(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings)
    job_id = submit_job(settings, "model_export", {"export_id": "x"}, subject_id=model_id)
    response = api.delete(f"{API}/{model_id}")
    assert response.status_code == 409
    assert "an export" in response.json()["detail"] and job_id in response.json()["detail"]
    assert api.get(f"{API}/{model_id}").json()["in_use"] is not None
    assert (settings.models_dir / model_id / "best.pt").is_file()
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        assert job is not None
        job.status = "completed"
    assert api.delete(f"{API}/{model_id}").status_code == 200


def test_delete_refused_while_a_training_starts_from_it(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings)
    with session_scope(settings.resolved_database_url) as db:
        db.add(
            TrainingSession(
                name="fine-tune",
                framework="ultralytics",
                model_arch="yolov8n-seg",
                status="running",
                config={"weights": model_id},
            )
        )
    response = api.delete(f"{API}/{model_id}")
    assert response.status_code == 409 and "fine-tune" in response.json()["detail"]


def test_compare_models_and_shared_evaluations(api: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    a = add_model(settings, "a", metrics={"box_map50": 0.5})
    b = add_model(settings, "b", metrics={"mask_map50": 0.3})
    c = add_model(settings, "c")
    with session_scope(settings.resolved_database_url) as db:
        for model_id, value in ((a, 0.1), (b, 0.2), (a, 0.15)):  # a's newer evaluation wins
            db.add(
                ModelEvaluation(
                    model_id=model_id,
                    dataset_id=dataset_id,
                    dataset_name="cracks",
                    split="val",
                    params={},
                    metrics={"mask_map50_95": value},
                    status="completed",
                )
            )
        db.add(
            ModelEvaluation(
                model_id=a,
                dataset_id=dataset_id,
                dataset_name="cracks",
                split="test",
                params={},
                metrics={"mask_map50_95": 0.9},
                status="completed",
            )
        )
    body = api.get(f"{API}/compare", params={"ids": f"{a},{b},{c}"}).json()
    assert [m["name"] for m in body["models"]] == ["a", "b", "c"]
    assert body["metric_keys"][:2] == ["box_map50", "mask_map50"] and "mask_map50_95" in body["metric_keys"]
    assert len(body["evaluations"]) == 1  # the test split has one model only
    group = body["evaluations"][0]
    assert group["split"] == "val" and group["dataset_name"] == "cracks"
    values = {r["model_id"]: r["metrics"]["mask_map50_95"] for r in group["results"]}
    assert values[b] == 0.2 and values[a] in (0.1, 0.15)
    assert api.get(f"{API}/compare", params={"ids": a}).status_code == 400
    assert api.get(f"{API}/compare", params={"ids": f"{a},missing"}).status_code == 404


# -- import refusals answered at once ---------------------------------------------------------------------


def test_import_refuses_other_extensions_and_empty_files(api: TestClient, settings: Settings) -> None:
    response = api.post(f"{API}/import", files={"file": ("model.onnx", io.BytesIO(b"abc"))})
    assert response.status_code == 415 and ".pt" in response.json()["detail"]
    response = api.post(f"{API}/import", files={"file": ("model.pt", io.BytesIO(b""))})
    assert response.status_code == 400
    response = api.post(f"{API}/import", data={"name": "x"})
    assert response.status_code == 400
    assert list((settings.uploads_dir / "models").iterdir()) == []


def test_import_size_limit(tmp_path: Path, settings: Settings) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 1000})
    client = TestClient(create_app(small))
    response = client.post(f"{API}/import", files={"file": ("big.pt", io.BytesIO(b"x" * 5000))})
    assert response.status_code == 413
    assert list((settings.uploads_dir / "models").iterdir()) == []


def test_import_queues_a_check_job(api: TestClient, settings: Settings) -> None:
    response = api.post(
        f"{API}/import",
        files={"file": ("my weights.pt", io.BytesIO(b"not yet checked"))},
        data={"name": "Mine"},
    )
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["file_name"] == "my weights.pt" and body["size_bytes"] == 15
    assert api.get(f"{API}/imports/{body['job_id']}").json()["job_id"] == body["job_id"]
    assert [i["job_id"] for i in api.get(f"{API}/imports").json()] == [body["job_id"]]
    job = api.get(f"/api/v1/jobs/{body['job_id']}").json()
    assert job["kind"] == "model_import" and job["status"] == "queued"
    assert api.get(API).json()["total"] == 0  # registered only once the worker checked it
    assert api.get("/api/v1/jobs/nope").status_code == 404
    assert api.get(f"{API}/imports/nope").status_code == 404


# -- export and evaluation requests ----------------------------------------------------------------------


def test_export_formats_list_availability(api: TestClient) -> None:
    body = api.get(f"{API}/export-formats").json()
    formats = {f["name"]: f for f in body["formats"]}
    assert formats["onnx"]["available"] is True and formats["onnx"]["options"]["opset"] is True
    engine = formats["engine"]
    assert body["gpu_count"] == 0  # this machine has no GPU
    assert engine["available"] is False and "NVIDIA GPU" in engine["reason"]
    torchscript = formats["torchscript"]
    assert torchscript["options"]["half"] is False and "GPU" in torchscript["half_reason"]


def test_export_refusals(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings)
    url = f"{API}/{model_id}/export"
    unknown = api.post(url, json={"format": "tflite"})
    assert unknown.status_code == 422 and "format" in unknown.json()["detail"]
    tensorrt = api.post(url, json={"format": "engine"})
    assert tensorrt.status_code == 409 and "NVIDIA GPU" in tensorrt.json()["detail"]
    assert "Traceback" not in tensorrt.text
    half = api.post(url, json={"format": "torchscript", "half": True})
    assert half.status_code == 409 and "GPU" in half.json()["detail"]
    assert api.post(url, json={"format": "torchscript", "opset": 12}).status_code == 422
    assert api.post(url, json={"format": "onnx", "imgsz": 100}).status_code == 422
    assert api.post(url, json={"format": "onnx", "imgsz": 8192}).status_code == 422
    assert api.post(f"{API}/missing/export", json={"format": "onnx"}).status_code == 404
    assert api.get(f"{API}/{model_id}/exports").json() == []


def test_export_request_creates_a_queued_export(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings, image_size=160)
    response = api.post(f"{API}/{model_id}/export", json={"format": "onnx", "half": True, "dynamic": True})
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["download_url"] is None and body["job_id"]
    assert body["options"] == {"imgsz": 160, "half": True, "dynamic": True, "simplify": True, "opset": None}
    assert api.get(f"{API}/{model_id}/exports/{body['id']}/download").status_code == 409
    assert api.get(f"{API}/{model_id}").json()["exports"][0]["id"] == body["id"]
    assert api.delete(f"{API}/{model_id}").status_code == 409  # its export job is queued
    assert api.delete(f"{API}/{model_id}/exports/{body['id']}").status_code == 204  # cancels the job
    assert api.get(f"/api/v1/jobs/{body['job_id']}").json()["status"] == "cancelled"
    assert api.delete(f"{API}/{model_id}").status_code == 200


def test_evaluation_request_checks_dataset_split_and_classes(api: TestClient, settings: Settings) -> None:
    model_id = add_model(settings)
    url = f"{API}/{model_id}/evaluate"
    assert api.post(url, json={"dataset_id": "missing"}).status_code == 404
    dataset_id = add_dataset(settings)
    no_test = api.post(url, json={"dataset_id": dataset_id, "split": "test"})
    assert no_test.status_code == 422 and "no test split" in no_test.json()["detail"]
    assert api.post(url, json={"dataset_id": dataset_id, "split": "holdout"}).status_code == 422
    two_classes = add_dataset(settings, "two", class_names=["crack", "spall"])
    mismatch = api.post(url, json={"dataset_id": two_classes})
    assert mismatch.status_code == 422 and "classes" in mismatch.json()["detail"]
    ok = api.post(url, json={"dataset_id": dataset_id, "split": "val", "conf": 0.01})
    assert ok.status_code == 202
    body = ok.json()
    assert body["status"] == "queued" and body["params"] == {"imgsz": 96, "conf": 0.01, "iou": 0.7}
    assert api.get(f"{API}/{model_id}/evaluations").json()[0]["id"] == body["id"]
