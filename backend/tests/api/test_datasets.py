"""Datasets API: zip uploads (both YOLO layouts, COCO, one top-level folder) run through the real job
runner (worker processes), browsing (list, detail, stats, images, thumbnails, files), validation,
quota, deletion (409 / force), enhancement, and every refusal leaving no files and no rows."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from app.config import Settings
from app.data.demo import DEMO_SPEC, generate_demo_files
from app.db.session import session_scope
from app.db.tables import Dataset, TrainingSession
from app.services import dataset_imports as imports
from app.services.dataset_storage import upload_zip_path
from app.services.demo import ensure_demo_dataset
from tests.fakes.dataset_helpers import (
    dataset_rows,
    leftover_files,
    upload,
    wait_for_dataset,
    wait_for_job,
)
from tests.fakes.dataset_zips import minimal_yolo_entries, zip_bytes

pytest_plugins = ["tests.fakes.dataset_fixtures"]

API = "/api/v1/datasets"


def _import(client: TestClient, data: bytes, filename: str = "dataset.zip", **fields: str) -> dict[str, Any]:
    response = upload(client, data, filename, **fields)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    return wait_for_dataset(client, response.json()["id"])


@pytest.fixture
def ready_dataset(client: TestClient, settings: Settings, dataset_zips: dict[str, Path]) -> dict[str, Any]:
    """An imported dataset, made by the import pipeline in this process (faster than a worker; the
    upload tests above cover the path through the API and the job runner)."""
    with session_scope(settings.resolved_database_url) as db:
        row = Dataset(name="Bridge cracks", source="upload", status="queued")
        db.add(row)
        db.flush()
        dataset_id = row.id
    upload_zip_path(settings, dataset_id).write_bytes(dataset_zips["roboflow"].read_bytes())
    imports.import_upload(settings, dataset_id)
    body: dict[str, Any] = client.get(f"{API}/{dataset_id}").json()
    assert body["status"] == "ready", body
    return body


@pytest.mark.parametrize("layout", ["ultralytics", "roboflow", "wrapped", "coco"])
def test_a_zip_upload_becomes_a_ready_dataset(
    client: TestClient, settings: Settings, dataset_zips: dict[str, Path], layout: str
) -> None:
    body = _import(client, dataset_zips[layout].read_bytes(), f"{layout}.zip")
    assert body["status"] == "ready" and body["progress"] == 1.0, body
    assert body["name"] == layout
    assert body["format"] == ("coco" if layout == "coco" else "yolo-seg")
    assert body["source"] == "upload" and body["source_info"]["file_name"] == f"{layout}.zip"
    assert body["image_count"] == 12 and body["class_names"] == ["crack"]
    assert body["splits"]["train"]["images"] == 8 and body["splits"]["val"]["images"] == 2
    assert body["validation_status"] == "passed" and body["validation"]["valid"] is True
    assert leftover_files(settings) == [f"datasets/{body['id']}"]
    # The dataset is ready a moment before its worker records the job's outcome.
    job = wait_for_job(client, body["job_id"])
    assert job["status"] == "completed" and job["kind"] == "dataset_upload" and job["message"] == "Ready"
    assert _is_utc(job["created_at"]) and _is_utc(job["finished_at"])


def test_list_detail_stats_and_validate(client: TestClient, ready_dataset: dict[str, Any]) -> None:
    dataset_id = ready_dataset["id"]
    listing = client.get(API).json()
    assert [item["id"] for item in listing["items"]] == [dataset_id]
    assert listing["total"] == 1 and listing["used_bytes"] == ready_dataset["size_bytes"] > 0
    assert "validation" not in listing["items"][0]

    stats = client.get(f"{API}/{dataset_id}/stats").json()
    assert [split["split"] for split in stats["splits"]] == ["train", "val", "test"]
    assert stats["totals"]["images"] == 12
    assert stats["totals"]["classes"][0]["instances"] == stats["instance_count"] > 0
    assert stats["totals"]["image_sizes"]["max_width"] == 64

    stored = client.get(f"{API}/{dataset_id}/validate").json()
    fresh = client.post(f"{API}/{dataset_id}/validate")
    assert fresh.status_code == 200
    assert fresh.json()["status"] == stored["status"] == "passed"
    assert fresh.json()["checked_at"] >= stored["checked_at"]


def _is_utc(moment: str) -> bool:
    return datetime.fromisoformat(moment).utcoffset() == timedelta(0)


def test_list_items_carry_report_counts_utc_times_and_the_upload_limit(
    client: TestClient, settings: Settings, ready_dataset: dict[str, Any]
) -> None:
    with session_scope(settings.resolved_database_url) as db:
        db.add(Dataset(name="busy", source="upload", status="extracting"))
    listing = client.get(API).json()
    assert listing["max_upload_bytes"] == settings.max_upload_bytes
    items = {item["name"]: item for item in listing["items"]}
    ready, busy = items["Bridge cracks"], items["busy"]
    assert (ready["error_count"], ready["warning_count"]) == (0, 0)
    assert (busy["error_count"], busy["warning_count"]) == (None, None)  # not validated
    detail = client.get(f"{API}/{ready['id']}").json()
    for item in (ready, busy, detail):  # SQLite hands back naive times: they must leave as UTC
        assert _is_utc(item["created_at"]) and _is_utc(item["updated_at"]), item

    label = sorted((settings.datasets_dir / ready["id"]).glob("labels/train/*.txt"))[0]
    label.write_text(label.read_text() + "0 0.1 0.1 1.5 0.1 0.2 0.2\n0 0.1 0.1\n")
    (label.parent / "ghost.txt").write_text("")
    assert client.post(f"{API}/{ready['id']}/validate").status_code == 200
    item = next(item for item in client.get(API).json()["items"] if item["id"] == ready["id"])
    assert (item["validation_status"], item["error_count"], item["warning_count"]) == ("errors", 2, 1)


def test_images_are_paged_with_polygons(client: TestClient, ready_dataset: dict[str, Any]) -> None:
    dataset_id = ready_dataset["id"]
    first = client.get(f"{API}/{dataset_id}/images", params={"limit": 5}).json()
    assert first["total"] == 12 and len(first["items"]) == 5 and first["split"] is None
    second = client.get(f"{API}/{dataset_id}/images", params={"offset": 10, "limit": 5}).json()
    assert [item["split"] for item in second["items"]] == ["test", "test"]
    val = client.get(f"{API}/{dataset_id}/images", params={"split": "val"}).json()
    assert val["total"] == 2 and {item["split"] for item in val["items"]} == {"val"}
    annotated = next(item for item in first["items"] if item["annotations"])
    shape = annotated["annotations"][0]
    assert annotated["width"] == annotated["height"] == 64
    assert shape["class_name"] == "crack" and len(shape["points"]) >= 3
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in shape["points"])
    x, y = shape["points"][0]
    assert shape["points_px"][0] == pytest.approx([x * 64, y * 64], abs=0.01)
    assert client.get(f"{API}/{dataset_id}/images", params={"limit": 101}).status_code == 422
    assert client.get(f"{API}/{dataset_id}/images", params={"split": "nope"}).status_code == 422


def test_thumbnails_draw_the_masks_and_are_cached(
    client: TestClient, settings: Settings, ready_dataset: dict[str, Any]
) -> None:
    dataset_id = ready_dataset["id"]
    items = client.get(f"{API}/{dataset_id}/images").json()["items"]
    annotated = next(item for item in items if item["annotations"])
    plain = client.get(annotated["thumbnail_url"], params={"size": 48})
    overlay = client.get(annotated["thumbnail_url"], params={"size": 48, "overlay": "true"})
    assert plain.status_code == overlay.status_code == 200
    assert plain.headers["content-type"] == "image/jpeg"
    plain_image, overlay_image = (
        Image.open(io.BytesIO(plain.content)),
        Image.open(io.BytesIO(overlay.content)),
    )
    assert plain_image.size == overlay_image.size == (48, 48)
    red = [r - g for r, g, _b in overlay_image.convert("RGB").getdata()]
    assert max(red) > 60  # the crack mask is drawn in red over the grey concrete
    assert max(r - g for r, g, _b in plain_image.convert("RGB").getdata()) < 40
    cached = list((settings.datasets_dir / dataset_id / ".thumbs").rglob("*.jpg"))
    assert len(cached) == 2
    again = client.get(annotated["thumbnail_url"], params={"size": 48, "overlay": "true"})
    assert again.content == overlay.content


def test_the_original_file_is_served(
    client: TestClient, settings: Settings, ready_dataset: dict[str, Any]
) -> None:
    item = client.get(f"{API}/{ready_dataset['id']}/images", params={"limit": 1}).json()["items"][0]
    response = client.get(item["file_url"])
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    stored = settings.datasets_dir / ready_dataset["id"] / "images" / item["split"] / item["file_name"]
    assert response.content == stored.read_bytes()


UNSAFE_IMAGE_NAMES = [
    "train/../../data.yaml",
    "train/../labels/train/x.txt",
    "../data.yaml",
    "train/.hidden.jpg",
    "other/a.jpg",
    "train/missing.jpg",
    "train/sub\\x.jpg",
]


def test_image_ids_never_reach_outside_the_images(client: TestClient, ready_dataset: dict[str, Any]) -> None:
    base = f"{API}/{ready_dataset['id']}/images"
    for raw_id in UNSAFE_IMAGE_NAMES:
        image_id = base64.urlsafe_b64encode(raw_id.encode()).decode().rstrip("=")
        for suffix in ("thumbnail", "file"):
            assert client.get(f"{base}/{image_id}/{suffix}").status_code == 404, raw_id
    for image_id in ("..", "%2E%2E%2Fdata.yaml", "not base64!", "a" * 1500):
        assert client.get(f"{base}/{image_id}/file").status_code in (404, 422), image_id


def test_unknown_dataset_is_404(client: TestClient) -> None:
    for path in ("", "/stats", "/images", "/validate"):
        assert client.get(f"{API}/nope{path}").status_code == 404
    assert client.delete(f"{API}/nope").status_code == 404


# --------------------------------------------------------------------------------------------------
# Refusals: synchronous, no files, no rows
# --------------------------------------------------------------------------------------------------


def _hostile(small_dataset: Path, **extra: bytes | str) -> bytes:
    entries = minimal_yolo_entries(small_dataset)
    entries.update(extra)
    return zip_bytes(entries)


@pytest.mark.parametrize(
    ("case", "status", "words"),
    [
        ("not_a_zip", 415, "not a readable zip"),
        ("zip_slip", 400, "'..'"),
        ("absolute", 400, "absolute path"),
        ("symlink", 400, "symbolic link"),
        ("bomb", 413, "zip bomb"),
        ("unknown_layout", 422, "Unknown dataset layout"),
    ],
)
def test_refused_uploads_leave_nothing(
    client: TestClient, settings: Settings, small_dataset: Path, case: str, status: int, words: str
) -> None:
    payloads = {
        "not_a_zip": b"%PDF-1.4 definitely not a zip" * 100,
        "zip_slip": _hostile(small_dataset, **{"images/../../evil.txt": b"x"}),
        "absolute": _hostile(small_dataset, **{"/tmp/evil.txt": b"x"}),
        "symlink": zip_bytes(
            minimal_yolo_entries(small_dataset), symlinks={"images/train/l.jpg": "/etc/passwd"}
        ),
        "bomb": _hostile(small_dataset, **{"images/train/zeros.bin": b"\0" * (8 * 1024 * 1024)}),
        "unknown_layout": zip_bytes({"pictures/a.jpg": b"x", "readme.md": "hello"}),
    }
    response = upload(client, payloads[case])
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_an_oversize_upload_is_cut_off_while_streaming(
    client: TestClient, settings: Settings, dataset_zips: dict[str, Path]
) -> None:
    settings.max_upload_bytes = 20_000
    data = dataset_zips["ultralytics"].read_bytes() + b"\0" * 100_000  # over the limit and its slack
    response = upload(client, data)
    assert response.status_code == 413 and "20000 bytes" in response.json()["detail"]
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_a_chunked_upload_without_length_is_cut_off_at_the_limit(
    client: TestClient, settings: Settings, dataset_zips: dict[str, Path]
) -> None:
    settings.max_upload_bytes = 20_000
    boundary = "bench-boundary-42"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:  # no Content-Length: the server must count while it streams
        yield head
        payload = dataset_zips["ultralytics"].read_bytes() + b"\0" * 200_000
        for start in range(0, len(payload), 8192):
            yield payload[start : start + 8192]
        yield f"\r\n--{boundary}--\r\n".encode()

    response = client.post(
        f"{API}/upload", content=body(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert response.status_code == 413 and "20000 bytes" in response.json()["detail"]
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_too_many_files_is_refused(
    client: TestClient, settings: Settings, dataset_zips: dict[str, Path]
) -> None:
    settings.zip_max_entries = 10
    response = upload(client, dataset_zips["ultralytics"].read_bytes())
    assert response.status_code == 413 and "more than the limit of 10" in response.json()["detail"]
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_an_upload_over_the_quota_is_refused_with_the_numbers(
    client: TestClient, settings: Settings, dataset_zips: dict[str, Path]
) -> None:
    settings.storage_quota_bytes = 30_000  # the zip (about 30 kB) streams, but expands past the quota
    response = upload(client, dataset_zips["ultralytics"].read_bytes())
    assert response.status_code == 507, response.text
    detail = response.json()["detail"]
    assert "Storage quota exceeded" in detail and "30000 bytes" in detail
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_a_request_without_a_zip_is_400(client: TestClient, settings: Settings) -> None:
    assert client.post(f"{API}/upload", data={"name": "x"}).status_code == 400
    assert (
        client.post(f"{API}/upload", content=b"PK", headers={"content-type": "application/zip"}).status_code
        == 400
    )
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_an_upload_that_fails_in_the_job_leaves_nothing_but_the_reason(
    client: TestClient, settings: Settings, small_dataset: Path
) -> None:
    entries = minimal_yolo_entries(small_dataset)
    entries["data.yaml"] = "train: images/train\nval: images/val\n"  # no class names
    response = upload(client, zip_bytes(entries))
    assert response.status_code == 202
    dataset = response.json()
    assert wait_for_dataset(client, dataset["id"]) == {"status": "gone"}
    job = wait_for_job(client, dataset["job_id"])
    assert job["status"] == "failed" and job["dataset_exists"] is False
    assert job["error"] == "The dataset cannot be read: data.yaml has no class `names`"
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


# --------------------------------------------------------------------------------------------------
# Deletion, enhancement, the demo dataset
# --------------------------------------------------------------------------------------------------


def _add_session(settings: Settings, dataset_id: str, status: str) -> str:
    with session_scope(settings.resolved_database_url) as db:
        session = TrainingSession(
            name=f"run-{status}",
            dataset_id=dataset_id,
            framework="ultralytics",
            model_arch="yolov8n-seg",
            status=status,
        )
        db.add(session)
        db.flush()
        return session.id


def test_delete_removes_files_and_row(
    client: TestClient, settings: Settings, ready_dataset: dict[str, Any]
) -> None:
    from app.core.families.registry import dataset_cache_dirs

    # a model family's derived copy of the dataset (RF-DETR's COCO layout) goes with it
    cache = dataset_cache_dirs(settings.data_dir, ready_dataset["id"])[0]
    (cache / "train").mkdir(parents=True)
    (cache / "train" / "_annotations.coco.json").write_text("{}")
    # so does any other derived copy under cache/<kind>/<dataset id>; other datasets' copies stay
    other_kind = settings.data_dir / "cache" / "another-kind" / ready_dataset["id"] / "v1"
    other_kind.mkdir(parents=True)
    other_dataset = cache.parent / "0123456789abcdef0123456789abcdef"
    other_dataset.mkdir()
    response = client.delete(f"{API}/{ready_dataset['id']}")
    assert response.status_code == 200
    assert not cache.exists() and not other_kind.parent.exists()
    assert other_dataset.is_dir()
    other_dataset.rmdir()
    assert response.json() == {
        "id": ready_dataset["id"],
        "freed_bytes": ready_dataset["size_bytes"],
        "detached_training_sessions": 0,
    }
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_deleting_an_import_in_progress_stops_it_and_leaves_nothing(
    client: TestClient, settings: Settings, dataset_zips: dict[str, Path]
) -> None:
    started = upload(client, dataset_zips["roboflow"].read_bytes()).json()
    assert client.delete(f"{API}/{started['id']}").status_code == 200  # queued or already running
    job = wait_for_job(client, started["job_id"])
    assert job["status"] in ("cancelled", "stopped", "completed"), job
    assert leftover_files(settings) == [] and dataset_rows(settings) == 0


def test_delete_of_a_dataset_used_by_training_needs_force(
    client: TestClient, settings: Settings, ready_dataset: dict[str, Any]
) -> None:
    dataset_id = ready_dataset["id"]
    session_id = _add_session(settings, dataset_id, "completed")
    refused = client.delete(f"{API}/{dataset_id}")
    assert refused.status_code == 409
    assert "1 training session(s) ('run-completed')" in refused.json()["detail"]
    assert "force=true" in refused.json()["detail"]
    forced = client.delete(f"{API}/{dataset_id}", params={"force": "true"})
    assert forced.status_code == 200 and forced.json()["detached_training_sessions"] == 1
    with session_scope(settings.resolved_database_url) as db:
        session = db.get(TrainingSession, session_id)
        assert session is not None and session.dataset_id is None
    assert leftover_files(settings) == []


def test_a_dataset_used_by_a_running_training_is_never_deleted(
    client: TestClient, settings: Settings, ready_dataset: dict[str, Any]
) -> None:
    _add_session(settings, ready_dataset["id"], "running")
    response = client.delete(f"{API}/{ready_dataset['id']}", params={"force": "true"})
    assert response.status_code == 409 and "stop them" in response.json()["detail"]
    assert dataset_rows(settings) == 1


def test_enhance_creates_a_derived_dataset_once(
    client: TestClient, settings: Settings, ready_dataset: dict[str, Any]
) -> None:
    parent_id = ready_dataset["id"]
    response = client.post(f"{API}/{parent_id}/enhance", json={"clip_limit": 3, "tile_grid_size": 4})
    assert response.status_code == 202, response.text
    derived = wait_for_dataset(client, response.json()["id"])
    assert derived["status"] == "ready" and derived["parent_id"] == parent_id
    assert derived["source"] == "derived" and derived["image_count"] == 12
    assert derived["source_info"] == {
        "method": "clahe",
        "clip_limit": 3.0,
        "tile_grid_size": 4,
        "parent_id": parent_id,
    }
    again = client.post(f"{API}/{parent_id}/enhance", json={"clip_limit": 3, "tile_grid_size": 4})
    assert again.status_code == 200 and again.json()["id"] == derived["id"]
    assert client.get(f"{API}/{parent_id}").json()["status"] == "ready"
    assert client.post(f"{API}/{parent_id}/enhance", json={"clip_limit": 99}).status_code == 422


def test_an_unfinished_dataset_cannot_be_browsed_or_enhanced(client: TestClient, settings: Settings) -> None:
    with session_scope(settings.resolved_database_url) as db:
        row = Dataset(name="busy", source="upload", status="extracting")
        db.add(row)
        db.flush()
        dataset_id = row.id
    assert client.get(f"{API}/{dataset_id}/images").status_code == 409
    assert client.post(f"{API}/{dataset_id}/validate").status_code == 409
    assert client.post(f"{API}/{dataset_id}/enhance", json={}).status_code == 409
    assert client.get(f"{API}/{dataset_id}/validate").status_code == 409


def test_the_demo_dataset_is_browsable(client: TestClient, settings: Settings) -> None:
    ensure_demo_dataset(settings, generate_demo_files)
    demo = client.get(API).json()["items"][0]
    assert demo["source"] == "demo" and demo["validation_status"] == "passed"
    page = client.get(f"{API}/{demo['id']}/images", params={"split": "test", "limit": 3}).json()
    assert page["total"] == DEMO_SPEC.test and len(page["items"]) == 3
    assert client.get(page["items"][0]["thumbnail_url"], params={"overlay": "true"}).status_code == 200
    assert client.get(f"{API}/{demo['id']}/stats").json()["totals"]["images"] == DEMO_SPEC.total_images


def test_openapi_documents_every_dataset_route(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    upload_body = paths["/api/v1/datasets/upload"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload_body["schema"]["required"] == ["file"]
    for path, methods in paths.items():
        if path.startswith(("/api/v1/datasets", "/api/v1/settings/roboflow-key")):
            for operation in methods.values():
                assert operation.get("summary"), path
                assert {"200", "201", "202"} & set(operation["responses"]), path


def test_zip_fixture_sanity(dataset_zips: dict[str, Path]) -> None:
    with zipfile.ZipFile(dataset_zips["coco"]) as archive:
        assert "train/_annotations.coco.json" in archive.namelist()
