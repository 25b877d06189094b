"""Dataset versions (issue 17): immutable snapshots with content-addressed images (stored once across
versions and datasets), counts and change summaries, split editing, YOLO-seg and COCO downloads that the
zip import reads back to the same images and instances, and deletion refused while a model uses it."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Model
from tests.helpers.curation import API, annotations_url, images, import_dataset

pytest_plugins = ["tests.fakes.dataset_fixtures"]


@pytest.fixture
def dataset_id(settings: Settings, dataset_zips: dict[str, Path]) -> str:
    return import_dataset(settings, dataset_zips["roboflow"])


def _objects(settings: Settings) -> set[str]:
    root = settings.data_dir / "objects"
    return {p.name for p in root.glob("*/*") if p.is_file() and not p.name.startswith(".")}


def _new_version(client: TestClient, dataset_id: str, message: str = "") -> dict[str, Any]:
    response = client.post(f"{API}/{dataset_id}/versions", json={"message": message})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _save(
    client: TestClient, dataset_id: str, image_id: str, instances: list[dict[str, Any]]
) -> dict[str, Any]:
    url = annotations_url(dataset_id, image_id)
    etag = client.get(url).headers["etag"]
    response = client.put(url, json={"instances": instances}, headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _state(client: TestClient, dataset_id: str) -> dict[str, tuple[str, list[tuple[int, list[list[float]]]]]]:
    """file name -> (sha256 of the image file, [(class, pixel polygon)] sorted): what a round trip keeps."""
    state = {}
    for image in images(client, dataset_id):
        data = client.get(image["file_url"]).content
        shapes = sorted((a["class_id"], a["points_px"]) for a in image["annotations"])
        state[image["file_name"]] = (hashlib.sha256(data).hexdigest(), shapes)
    return state


def test_a_version_snapshots_counts_and_stores_each_image_once(
    client: TestClient, settings: Settings, dataset_id: str, dataset_zips: dict[str, Path]
) -> None:
    first = _new_version(client, dataset_id, "imported")
    assert first["number"] == 1 and first["message"] == "imported" and first["models"] == []
    counts = first["counts"]
    assert counts["images"] == 12 and counts["splits"]["train"]["images"] == 8
    assert counts["instances"] == sum(len(i["annotations"]) for i in images(client, dataset_id)) > 0
    assert (
        counts["classes"][0]["name"] == "crack" and counts["classes"][0]["instances"] == counts["instances"]
    )
    assert first["changes"]["images_added"] == 12 and first["changes"]["previous_number"] is None
    stored = _objects(settings)
    assert len(stored) == 12 + 1  # the images and the manifest

    # Nothing changed: a second version stores only nothing new and says so.
    second = _new_version(client, dataset_id)
    assert second["number"] == 2 and second["changes"]["previous_number"] == 1
    assert {
        k: v for k, v in second["changes"].items() if k.startswith(("images", "instances"))
    } == dict.fromkeys(
        [
            "images_added",
            "images_removed",
            "images_changed",
            "images_moved",
            "instances_added",
            "instances_removed",
        ],
        0,
    )
    assert _objects(settings) == stored  # same manifest bytes, same images

    # A second dataset with the same images shares their stored copies.
    other = import_dataset(settings, dataset_zips["roboflow"], "Copy")
    _new_version(client, other)
    assert len(_objects(settings)) == 12 + 2  # one more manifest (it names another dataset), no image


def test_edits_and_split_moves_show_in_the_change_summary(client: TestClient, dataset_id: str) -> None:
    _new_version(client, dataset_id)
    train = images(client, dataset_id, "train")
    before = len(train[0]["annotations"])
    square = [[4.0, 4.0], [20.0, 4.0], [20.0, 20.0], [4.0, 20.0]]
    _save(client, dataset_id, train[0]["id"], [{"class_id": 0, "polygon": square}])
    moved = client.patch(f"{API}/{dataset_id}/images", json={"image_ids": [train[1]["id"]], "split": "test"})
    assert moved.status_code == 200, moved.text
    new_id = moved.json()["moved"][0]["new_id"]
    assert moved.json()["moved"][0]["old_id"] == train[1]["id"] and new_id != train[1]["id"]
    assert new_id in {i["id"] for i in images(client, dataset_id, "test")}
    assert client.get(annotations_url(dataset_id, train[1]["id"])).status_code == 404

    version = _new_version(client, dataset_id, "one mask corrected, one image to test")
    changes = version["changes"]
    assert changes["images_changed"] == 1 and changes["images_moved"] == 1
    assert changes["images_added"] == 0 and changes["images_removed"] == 0
    assert changes["instances_added"] == 1 and changes["instances_removed"] == before  # the move is no edit
    assert (
        version["counts"]["splits"]["test"]["images"] == 3
        and version["counts"]["splits"]["train"]["images"] == 7
    )


@pytest.mark.parametrize("fmt", ["yolo-seg", "coco"])
def test_a_downloaded_version_imports_back_to_the_same_images_and_instances(
    client: TestClient, settings: Settings, dataset_id: str, tmp_path: Path, fmt: str
) -> None:
    train = images(client, dataset_id, "train")
    painted = np.zeros((64, 64), dtype=bool)
    painted[30:40, 2:60] = True  # a brush mask: it travels as its outline
    from app.core.prediction import rle

    _save(client, dataset_id, train[0]["id"], [{"class_id": 0, "rle": rle.encode(painted)}])
    version = _new_version(client, dataset_id)
    expected = _state(client, dataset_id)
    # The version stays as it was when the working copy changes afterwards.
    _save(client, dataset_id, train[1]["id"], [])

    response = client.get(f"{API}/{dataset_id}/versions/{version['id']}/download?format={fmt}")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert f"-v1-{fmt}.zip" in response.headers["content-disposition"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert archive.testzip() is None
    target = tmp_path / "download.zip"
    target.write_bytes(response.content)
    copy = import_dataset(settings, target, "Round trip")
    detail = client.get(f"{API}/{copy}").json()
    assert detail["status"] == "ready" and detail["class_names"] == ["crack"], detail
    got = _state(client, copy)
    assert got.keys() == expected.keys()
    for name, (sha, shapes) in expected.items():
        assert got[name][0] == sha, name
        assert [c for c, _ in got[name][1]] == [c for c, _ in shapes], name
        for (_, polygon), (_, original) in zip(got[name][1], shapes, strict=True):
            assert np.allclose(polygon, original, atol=0.02), name
    painted_shapes = got[train[0]["file_name"]][1]
    assert [sorted(map(tuple, p)) for _, p in painted_shapes] == [
        sorted([(2, 30), (60, 30), (60, 40), (2, 40)])
    ]


def test_a_version_a_model_was_trained_on_cannot_be_deleted(
    client: TestClient, settings: Settings, dataset_id: str
) -> None:
    first = _new_version(client, dataset_id)
    train = images(client, dataset_id, "train")
    extra = client.get(train[0]["file_url"]).content
    second = _new_version(client, dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        db.add(
            Model(
                name="crack-v1",
                source="trained",
                framework="ultralytics",
                path="models/x/best.pt",
                dataset_id=dataset_id,
                dataset_version_id=first["id"],
            )
        )
    refused = client.delete(f"{API}/{dataset_id}/versions/{first['id']}")
    assert refused.status_code == 409 and "'crack-v1'" in refused.json()["detail"]
    assert client.get(f"{API}/{dataset_id}/versions").json()["items"][1]["models"] == ["crack-v1"]
    stored = _objects(settings)
    deleted = client.delete(f"{API}/{dataset_id}/versions/{second['id']}")
    assert deleted.status_code == 200, deleted.text
    # Only its manifest goes: version 1 still needs every image (and the working copy is unchanged).
    assert deleted.json()["removed_objects"] == 0 and _objects(settings) == stored
    assert hashlib.sha256(extra).hexdigest() in stored
    assert [v["number"] for v in client.get(f"{API}/{dataset_id}/versions").json()["items"]] == [1]
    assert client.get(f"{API}/{dataset_id}/versions/{second['id']}").status_code == 404


def test_objects_only_a_deleted_version_named_are_removed(
    client: TestClient, settings: Settings, dataset_id: str
) -> None:
    version = _new_version(client, dataset_id)
    moved_away = images(client, dataset_id, "test")[0]
    path = settings.datasets_dir / dataset_id / "images" / "test" / moved_away["file_name"]
    path.unlink()  # the image leaves the working copy: only version 1 holds it now
    deleted = client.delete(f"{API}/{dataset_id}/versions/{version['id']}")
    assert deleted.status_code == 200 and deleted.json()["removed_objects"] == 12 + 1
    assert _objects(settings) == set()


def test_split_moves_refuse_name_clashes_and_unknown_ids(client: TestClient, dataset_id: str) -> None:
    train = images(client, dataset_id, "train")
    unknown = client.patch(
        f"{API}/{dataset_id}/images", json={"image_ids": [train[0]["id"], "dHJhaW4veC5qcGc"], "split": "val"}
    )
    assert unknown.status_code == 404
    assert train[0]["id"] in {i["id"] for i in images(client, dataset_id, "train")}  # nothing moved
    same = client.patch(f"{API}/{dataset_id}/images", json={"image_ids": [train[0]["id"]], "split": "train"})
    assert same.status_code == 200 and same.json()["unchanged"] == 1 and same.json()["moved"] == []


def test_deleting_a_dataset_removes_its_versions_and_the_images_only_they_stored(
    client: TestClient, settings: Settings, dataset_id: str, dataset_zips: dict[str, Path]
) -> None:
    other = import_dataset(settings, dataset_zips["roboflow"], "Copy")
    _new_version(client, dataset_id)
    kept = _new_version(client, other)
    assert client.delete(f"{API}/{dataset_id}").status_code == 200
    # The copy's version still names the same images: only the deleted dataset's manifest goes.
    assert len(_objects(settings)) == 12 + 1
    assert client.get(f"{API}/{other}/versions/{kept['id']}/download").status_code == 200
    assert client.delete(f"{API}/{other}").status_code == 200
    assert _objects(settings) == set()


def test_training_on_a_version_of_another_dataset_is_refused(
    client: TestClient, settings: Settings, dataset_id: str, dataset_zips: dict[str, Path]
) -> None:
    other = import_dataset(settings, dataset_zips["roboflow"], "Copy")
    foreign = _new_version(client, other)
    for version_id in (foreign["id"], "0" * 32):
        body = {"dataset_id": dataset_id, "dataset_version_id": version_id, "epochs": 1, "device": "cpu"}
        response = client.post("/api/v1/training/sessions", json=body)
        assert response.status_code == 404 and "No version" in response.json()["detail"], response.text
    assert client.get("/api/v1/training/sessions").json()["total"] == 0
