"""Prediction API end to end with a real model (`trained_yolo_weights`: a tiny yolov8n-seg trained on
synthetic cracks) running in a real prediction worker process.

The tiny model finds little, so these tests check structure and internal consistency (masks, areas,
selection, summaries, files, exports), not detection quality. Geometry is tested with a deterministic
fake predictor in tests/unit/test_tiling.py and test_predict_core.py.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.config import Settings
from app.core.prediction import filtering, rle
from app.db.migrate import upgrade
from app.db.session import dispose_engines, session_scope
from app.main import create_app
from app.services.prediction_export import CSV_COLUMNS
from tests.helpers.training import add_trained_model

LOW_CONF = {"conf": "0.001"}  # the tiny model's scores are low: keep whatever it finds


@dataclass
class Api:
    client: TestClient
    settings: Settings
    model_id: str
    dataset: Path


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, trained_yolo_weights: Path) -> Iterator[Api]:
    root = tmp_path_factory.mktemp("predict-api")
    settings = Settings(
        data_dir=root / "data",
        database_url=f"sqlite:///{root / 'test.db'}",
        prediction_sync_batch_max=2,
        url_fetch_allowed_networks=["127.0.0.0/8"],  # the test image server below runs on loopback
    )
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    model_id = add_trained_model(settings, trained_yolo_weights)
    with TestClient(create_app(settings)) as client:
        yield Api(client, settings, model_id, trained_yolo_weights.parents[3] / "dataset")
    dispose_engines()


def dataset_image(api: Api, index: int = 0) -> bytes:
    return sorted((api.dataset / "images" / "val").glob("*.jpg"))[index].read_bytes()


def encode(image: Image.Image, fmt: str, **kwargs: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def predict(api: Api, data: bytes, name: str = "wall.jpg", **params: str) -> dict:
    fields = {"model_id": api.model_id, **LOW_CONF, **params}
    response = api.client.post("/api/v1/predict", files={"file": (name, data, "image/jpeg")}, data=fields)
    assert response.status_code == 200, response.text
    return response.json()


def assert_consistent(body: dict) -> None:
    width, height = body["width"], body["height"]
    instances = body["instances"]
    for inst in instances:
        x1, y1, x2, y2 = inst["box"]
        assert -0.5 <= x1 <= x2 <= width + 0.5 and -0.5 <= y1 <= y2 <= height + 0.5
        assert inst["score"] >= body["score_floor"] - 1e-6
        if inst["rle"] is not None:
            assert inst["rle"]["size"] == [height, width]
            assert rle.area(inst["rle"]) == inst["area_px"] == inst["measurements"]["area_px"]
    kept = filtering.select_dicts(instances, body["params"]["conf"], body["params"]["iou"])
    assert {i for i, inst in enumerate(instances) if inst["selected"]} == kept
    assert body["summary"]["count"] == body["instance_count"] == len(kept)


# -- single images ---------------------------------------------------------------------------------


def test_predict_returns_every_instance_with_consistent_geometry(api: Api) -> None:
    body = predict(api, dataset_image(api), conf="0.001", mm_per_px="0.2")
    assert body["backend"] == "pytorch" and body["imgsz"] == 96 and body["tiles"] == 0
    assert (body["width"], body["height"]) == (96, 96)
    assert body["class_names"] == ["crack"] and body["model_name"] == "tiny"
    assert body["score_floor"] == pytest.approx(0.001) and body["candidate_iou"] >= body["params"]["iou"]
    assert body["severity_bands"] == {"narrow_max_mm": 1.6, "moderate_max_mm": 3.2, "width": "p95"}
    assert_consistent(body)
    assert api.client.get(f"/api/v1/predictions/{body['id']}").json() == body
    history = api.client.get("/api/v1/predictions", params={"limit": 200}).json()
    assert body["id"] in [item["id"] for item in history["items"]]


def test_tiled_prediction_of_a_larger_image(api: Api) -> None:
    from app.data.synthetic import render_crack_image

    image, _masks = render_crack_image(np.random.default_rng(3), 600, 400, n_cracks=3)
    body = predict(
        api, encode(Image.fromarray(image), "PNG"), "deck.png", tiling="true", tile_size="128", overlap="0.25"
    )
    assert body["tiles"] == 5 * 4 or body["tiles"] > 1
    assert (body["width"], body["height"]) == (600, 400)
    assert body["params"]["tiling"] is True
    assert_consistent(body)


def test_exif_rotated_photo_is_predicted_as_displayed(api: Api) -> None:
    stored = Image.open(io.BytesIO(dataset_image(api))).resize((160, 96))
    exif = Image.Exif()
    exif[0x0112] = 6  # viewers show it rotated 90 degrees clockwise: 96 wide, 160 high
    body = predict(api, encode(stored, "JPEG", exif=exif.tobytes(), quality=95), "phone.jpg")
    assert (body["width"], body["height"], body["orientation"]) == (96, 160, 6)
    assert_consistent(body)
    shown = api.client.get(body["image_url"])
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(shown.content)).size == (96, 160)
    overlay = api.client.get(body["annotated_url"])
    assert Image.open(io.BytesIO(overlay.content)).size == (96, 160)


def test_16_bit_and_greyscale_images(api: Api) -> None:
    grey = np.asarray(Image.open(io.BytesIO(dataset_image(api))).convert("L"))
    wide = grey.astype(np.uint16) * 16  # 12-bit values in a 16-bit PNG
    body = predict(api, encode(Image.fromarray(wide), "PNG"), "sensor.png")
    assert (body["width"], body["height"]) == (96, 96)
    shown = api.client.get(body["image_url"])
    assert shown.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(shown.content)).mode == "RGB"  # an 8-bit display copy
    body = predict(api, encode(Image.fromarray(grey, "L"), "TIFF"), "grey.tif")
    assert (body["width"], body["height"]) == (96, 96)
    assert api.client.get(body["image_url"]).headers["content-type"] == "image/png"


def _bomb() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 60_000, 60_000, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("payload", "fields", "status", "message"),
    [
        (_bomb(), {}, 413, "pixels"),
        (b"hello, I am text", {}, 422, "not an image"),
        (b"", {}, 422, "empty"),
        (encode(Image.new("RGB", (8, 8)), "GIF"), {}, 422, "GIF"),
        (b"x", {"model_id": "0" * 32}, 404, "does not exist"),
        (b"x", {"conf": "1.5"}, 422, "conf"),
        (b"x", {"backend": "onnx"}, 409, "ONNX export"),
        (b"x", {"narrow_max_mm": "3", "moderate_max_mm": "2"}, 422, "moderate_max_mm"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    api: Api, payload: bytes, fields: dict, status: int, message: str
) -> None:
    data = {"model_id": api.model_id, **fields}
    response = api.client.post("/api/v1/predict", files={"file": ("f.png", payload, "image/png")}, data=data)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_nothing_is_left_behind_by_refused_images(api: Api) -> None:
    before = set((api.settings.data_dir / "predictions").glob("*"))
    api.client.post(
        "/api/v1/predict", files={"file": ("b.png", _bomb(), "image/png")}, data={"model_id": api.model_id}
    )
    assert set((api.settings.data_dir / "predictions").glob("*")) == before


# -- overlays, history, delete -----------------------------------------------------------------------------


def test_annotated_overlay_options(api: Api) -> None:
    body = predict(api, dataset_image(api, 1))
    url = body["annotated_url"]
    png = api.client.get(url, params={"skeletons": "true", "conf": "0"})
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    jpeg = api.client.get(url, params={"format": "jpeg", "masks": "false", "labels": "false", "max_side": 64})
    assert jpeg.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(jpeg.content)).size) == 64
    plain = api.client.get(url, params={"masks": "false", "boxes": "false", "labels": "false"})
    original = Image.open(io.BytesIO(api.client.get(body["image_url"]).content)).convert("RGB")
    drawn = Image.open(io.BytesIO(plain.content)).convert("RGB")
    assert np.abs(np.asarray(drawn, int) - np.asarray(original, int)).max() <= 1  # nothing drawn
    assert api.client.get(url, params={"format": "gif"}).status_code == 422


def test_delete_removes_the_row_and_the_files(api: Api) -> None:
    body = predict(api, dataset_image(api, 2))
    folder = api.settings.data_dir / "predictions" / body["id"]
    assert folder.is_dir()
    assert api.client.delete(f"/api/v1/predictions/{body['id']}").json() == {
        "id": body["id"],
        "deleted": True,
    }
    assert not folder.exists()
    for path in ("", "/image", "/annotated"):
        assert api.client.get(f"/api/v1/predictions/{body['id']}{path}").status_code == 404
    assert api.client.get("/api/v1/predictions/../../etc/passwd/image").status_code == 404


def test_history_is_paged(api: Api) -> None:
    for index in range(3):
        predict(api, dataset_image(api, index))
    page = api.client.get("/api/v1/predictions", params={"limit": 2, "offset": 1}).json()
    assert len(page["items"]) == 2 and page["total"] >= 3 and page["offset"] == 1
    stamps = [item["created_at"] for item in page["items"]]
    assert stamps == sorted(stamps, reverse=True)


# -- batches ---------------------------------------------------------------------------------------


def test_small_batch_is_answered_directly(api: Api) -> None:
    files = [("files", (f"b{i}.jpg", dataset_image(api, i), "image/jpeg")) for i in range(2)]
    response = api.client.post(
        "/api/v1/predict/batch", files=files, data={"model_id": api.model_id, **LOW_CONF}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["mode"] == "sync" and body["job_id"] is None and len(body["predictions"]) == 2
    status = api.client.get(body["status_url"]).json()
    assert status["status"] == "completed" and status["done"] == 2
    listed = api.client.get("/api/v1/predictions", params={"batch_id": body["batch_id"]}).json()
    assert listed["total"] == 2


def test_large_batch_runs_as_a_job_with_progress(api: Api) -> None:
    files = [("files", (f"j{i}.jpg", dataset_image(api, i), "image/jpeg")) for i in range(3)]
    files.append(("files", ("broken.jpg", b"not an image", "image/jpeg")))
    response = api.client.post(
        "/api/v1/predict/batch", files=files, data={"model_id": api.model_id, **LOW_CONF}
    )
    body = response.json()
    assert body["mode"] == "job" and body["job_id"] and body["total"] == 4
    assert [f["image_name"] for f in body["failures"]] == ["broken.jpg"]
    deadline = time.monotonic() + 240
    status = api.client.get(body["status_url"]).json()
    while status["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        status = api.client.get(body["status_url"]).json()
    assert status["status"] == "completed", status
    assert status["done"] == 3 and status["progress"] == 1.0 and len(status["predictions"]) == 3
    assert [f["image_name"] for f in status["failures"]] == ["broken.jpg"]
    exported = api.client.post(
        "/api/v1/predict/export", json={"batch_id": body["batch_id"], "format": "json"}
    )
    assert len(exported.json()["predictions"]) == 3


def test_unknown_batch_is_404(api: Api) -> None:
    assert api.client.get("/api/v1/predict/batch/" + "f" * 32).status_code == 404


# -- exports ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported_ids(api: Api) -> list[str]:
    ids = [predict(api, dataset_image(api, i), f"e{i}.jpg", mm_per_px="0.5")["id"] for i in range(2)]
    total = sum(len(api.client.get(f"/api/v1/predictions/{i}").json()["instances"]) for i in ids)
    assert total > 0, "the tiny model found nothing even at conf 0.001"
    return ids


def export(api: Api, ids: list[str], fmt: str, **extra: object) -> bytes:
    response = api.client.post(
        "/api/v1/predict/export", json={"prediction_ids": ids, "format": fmt, "selected_only": False, **extra}
    )
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    return response.content


def test_formats_are_listed(api: Api) -> None:
    formats = api.client.get("/api/v1/predict/formats").json()["formats"]
    assert [f["id"] for f in formats] == ["json", "csv", "coco", "images"]


def test_json_export(api: Api, exported_ids: list[str]) -> None:
    data = json.loads(export(api, exported_ids, "json"))
    assert [p["id"] for p in data["predictions"]] == exported_ids
    assert all("summary" in p and "instances" in p for p in data["predictions"])


def test_csv_export_has_one_row_per_crack(api: Api, exported_ids: list[str]) -> None:
    rows = list(csv.DictReader(io.StringIO(export(api, exported_ids, "csv").decode())))
    instances = [
        i for pid in exported_ids for i in api.client.get(f"/api/v1/predictions/{pid}").json()["instances"]
    ]
    assert len(rows) == len(instances)
    assert list(rows[0].keys()) == CSV_COLUMNS
    masked = [r for r in rows if r["length_px"]]
    assert all(float(r["length_mm"]) == pytest.approx(float(r["length_px"]) * 0.5, abs=0.01) for r in masked)
    assert {r["mm_per_px"] for r in rows} == {"0.5"}


def test_coco_export_round_trips_through_pycocotools(
    api: Api, exported_ids: list[str], tmp_path: Path
) -> None:
    from pycocotools.coco import COCO

    path = tmp_path / "coco.json"
    path.write_bytes(export(api, exported_ids, "coco"))
    coco = COCO(str(path))
    assert len(coco.getImgIds()) == 2 and coco.loadCats(1)[0]["name"] == "crack"
    stored = {pid: api.client.get(f"/api/v1/predictions/{pid}").json() for pid in exported_ids}
    for ann in coco.loadAnns(coco.getAnnIds()):
        image = coco.loadImgs(ann["image_id"])[0]
        instance = next(
            i
            for i in stored[image["prediction_id"]]["instances"]
            if rle.area(i["rle"]) == ann["area"] and i["score"] == ann["score"]
        )
        assert (coco.annToMask(ann).astype(bool) == rle.decode(instance["rle"])).all()
    results = coco.loadRes(json.loads(path.read_text())["annotations"])  # as detection results
    assert len(results.getAnnIds()) == len(coco.getAnnIds())


def test_images_export_is_a_zip_of_overlays(api: Api, exported_ids: list[str]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(export(api, exported_ids, "images")))
    assert sorted(archive.namelist()) == ["e0_annotated.jpg", "e1_annotated.jpg"]
    assert Image.open(archive.open("e0_annotated.jpg")).size == (96, 96)


def test_export_refilters_like_the_ui(api: Api, exported_ids: list[str]) -> None:
    everything = json.loads(export(api, exported_ids, "json", selected_only=False))
    nothing = json.loads(export(api, exported_ids, "json", selected_only=True, conf=1.0))
    assert sum(len(p["instances"]) for p in everything["predictions"]) > 0
    assert sum(len(p["instances"]) for p in nothing["predictions"]) == 0


def test_export_request_validation(api: Api) -> None:
    post = api.client.post
    assert post("/api/v1/predict/export", json={"format": "csv"}).status_code == 422
    assert post("/api/v1/predict/export", json={"format": "xml", "batch_id": "x"}).status_code == 422
    missing = post("/api/v1/predict/export", json={"format": "csv", "prediction_ids": ["a" * 32]})
    assert missing.status_code == 404


# -- URL input -------------------------------------------------------------------------------------


class _ImageHandler(BaseHTTPRequestHandler):
    image = b""

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        targets = {"/to-private": "http://10.0.0.9/a.jpg", "/to-metadata": "http://169.254.169.254/latest/"}
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(self.image)))
        self.end_headers()
        self.wfile.write(self.image)


@pytest.fixture(scope="module")
def image_server(api: Api) -> Iterator[str]:
    _ImageHandler.image = dataset_image(api)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _ImageHandler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_predict_from_url(api: Api, image_server: str) -> None:
    params = {"model_id": api.model_id, "conf": 0.001}
    response = api.client.post(
        "/api/v1/predict/url", json={"url": f"{image_server}/photos/wall.jpg", "params": params}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["source"] == "url" and body["source_url"].endswith("/photos/wall.jpg")
    assert body["image_name"] == "wall.jpg"
    assert_consistent(body)
    for path, reason in (("/to-private", "10.0.0.9 is a private"), ("/to-metadata", "metadata")):
        refused = api.client.post("/api/v1/predict/url", json={"url": image_server + path, "params": params})
        assert refused.status_code == 400 and reason in refused.json()["detail"]


def test_url_refusals_with_default_settings(sqlite_settings: Settings, trained_yolo_weights: Path) -> None:
    model_id = add_trained_model(sqlite_settings, trained_yolo_weights)
    with TestClient(create_app(sqlite_settings)) as client:
        for url in (
            "http://127.0.0.1:9/a.jpg",
            "http://localhost/a.jpg",
            "http://[::1]/a.jpg",
            "http://10.1.1.1/a.jpg",
            "http://169.254.169.254/latest/meta-data/",
            "file:///etc/passwd",
        ):
            response = client.post("/api/v1/predict/url", json={"url": url, "params": {"model_id": model_id}})
            assert response.status_code == 400, (url, response.text)
        pool = client.app.state.prediction_pool  # type: ignore[attr-defined]
        assert all(worker.process is None for worker in pool.workers)  # refused before any worker started


# -- backends --------------------------------------------------------------------------------------

EXPORT_ONNX = """
import sys
from pathlib import Path
from app.core.training.offline import prepare_ultralytics_env
prepare_ultralytics_env(Path(sys.argv[2]))
from ultralytics import YOLO
print(YOLO(sys.argv[1]).export(format="onnx", imgsz=96))
"""


def test_auto_backend_prefers_a_completed_onnx_export(api: Api, tmp_path: Path) -> None:
    from app.db.tables import ModelExport

    weights = api.settings.models_dir / "tiny" / "best.pt"
    folder = api.settings.models_dir / "tiny" / "exports" / "e1"
    folder.mkdir(parents=True)
    source = tmp_path / "best.pt"
    shutil.copy(weights, source)
    out = subprocess.run(
        [sys.executable, "-c", EXPORT_ONNX, str(source), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    shutil.copy(Path(out.stdout.strip().splitlines()[-1]), folder / "best.onnx")
    image = dataset_image(api)
    before = predict(api, image)
    assert before["backend"] == "pytorch"
    with session_scope(api.settings.resolved_database_url) as db:
        db.add(
            ModelExport(
                model_id=api.model_id,
                format="onnx",
                status="completed",
                path="models/tiny/exports/e1/best.onnx",
                options={"imgsz": 96},
            )
        )
    onnx = predict(api, image)
    forced = predict(api, image, backend="pytorch")
    assert onnx["backend"] == "onnx" and forced["backend"] == "pytorch"
    assert_consistent(onnx)
    assert len(onnx["instances"]) == len(forced["instances"])  # the exported model gives the same answer
    for a, b in zip(onnx["instances"], forced["instances"], strict=True):
        assert a["score"] == pytest.approx(b["score"], abs=0.01)
    assert predict(api, image, backend="onnx")["backend"] == "onnx"
    assert (
        api.client.post(
            "/api/v1/predict",
            files={"file": ("a.jpg", image, "image/jpeg")},
            data={"model_id": api.model_id, "backend": "openvino"},
        ).status_code
        == 409
    )


# -- worker pool -----------------------------------------------------------------------------------


def test_a_crashed_worker_is_restarted_and_its_request_fails_clearly(api: Api) -> None:
    from app.core.prediction.worker import PredictionWorkerError

    predict(api, dataset_image(api))
    pool = api.client.app.state.prediction_pool  # type: ignore[attr-defined]
    with pytest.raises(PredictionWorkerError, match=r"stopped unexpectedly.*restarted"):
        pool.call({"op": "crash"})
    assert predict(api, dataset_image(api))["id"]  # the next request gets a fresh worker


def test_models_stay_loaded_between_requests(api: Api) -> None:
    predict(api, dataset_image(api), backend="pytorch")
    pool = api.client.app.state.prediction_pool  # type: ignore[attr-defined]
    before = pool.call({"op": "ping"})
    predict(api, dataset_image(api, 1), backend="pytorch")
    after = pool.call({"op": "ping"})
    assert after["loads"] == before["loads"] and after["pid"] == before["pid"]
    assert [api.model_id, "pytorch"] in [key[:2] for key in after["models"]]


def test_api_process_never_imports_heavy_libraries(api: Api) -> None:
    """Predict, then call every GET route (ids filled in) in a fresh API process: no torch/cv2 in it."""
    code = f"""
import sys
from fastapi.testclient import TestClient
from app.config import Settings
from app.main import create_app
s = Settings(data_dir={str(api.settings.data_dir)!r}, database_url={api.settings.resolved_database_url!r})
image = open({str(sorted((api.dataset / "images" / "val").glob("*.jpg"))[0])!r}, 'rb').read()
with TestClient(create_app(s)) as c:
    body = c.post('/api/v1/predict', files={{'file': ('a.jpg', image, 'image/jpeg')}},
                  data={{'model_id': {api.model_id!r}}}).json()
    batch = c.post('/api/v1/predict/batch', files=[('files', ('a.jpg', image, 'image/jpeg'))],
                   data={{'model_id': {api.model_id!r}}}).json()
    ids = {{'prediction_id': body['id'], 'batch_id': batch['batch_id'], 'id': body['id']}}
    for path, item in c.app.openapi()['paths'].items():
        if 'get' in item:
            url = path
            for key, value in ids.items():
                url = url.replace('{{' + key + '}}', value)
            if '{{' not in url:
                assert c.get(url).status_code < 500, url
    for fmt in ('json', 'csv', 'coco', 'images'):
        exported = c.post('/api/v1/predict/export', json={{'prediction_ids': [body['id']], 'format': fmt}})
        assert exported.status_code == 200
heavy = ('torch', 'ultralytics', 'rfdetr', 'torchvision', 'cv2', 'skimage')
print(','.join(m for m in heavy if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().splitlines()[-1:] in ([], [""]), out.stdout


def _latency_count(api: Api) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    text = api.client.get("/metrics").text
    for family in text_string_to_metric_families(text):
        if family.name == "crackdet_prediction_latency_seconds":
            return sum(s.value for s in family.samples if s.name.endswith("_count"))
    raise AssertionError("no prediction latency histogram in /metrics")


def test_each_prediction_is_counted_in_the_latency_histogram(api: Api) -> None:
    before = _latency_count(api)
    predict(api, dataset_image(api))
    assert _latency_count(api) == before + 1
