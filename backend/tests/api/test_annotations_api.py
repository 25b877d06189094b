"""Annotations of dataset images (issue 17): the imported labels as initial state, saves with ETag /
If-Match (428 without, 409 with the current state when stale), two writers at once against the real
database (one 409, no lost update), validation refusals naming the field, brush masks (RLE) written to
the label file as outlines, and the review queue's order."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.core.prediction import rle
from app.data.validation import read_label_file
from app.schemas.annotations import AnnotationInstance, AnnotationsUpdate
from app.services import annotations as annotations_service
from tests.helpers.curation import annotations_url, images, import_dataset

pytest_plugins = ["tests.fakes.dataset_fixtures"]


@pytest.fixture
def dataset_id(settings: Settings, dataset_zips: dict[str, Path]) -> str:
    return import_dataset(settings, dataset_zips["roboflow"])


def _first_image(client: TestClient, dataset_id: str) -> dict[str, Any]:
    return images(client, dataset_id, "train")[0]


def _square(x: float, y: float, side: float) -> list[list[float]]:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side]]


def _instance(**values: Any) -> dict[str, Any]:
    return {"class_id": 0, "polygon": _square(4, 4, 10), "source": "drawn", **values}


def test_the_imported_labels_are_the_initial_state(client: TestClient, dataset_id: str) -> None:
    image = _first_image(client, dataset_id)
    response = client.get(annotations_url(dataset_id, image["id"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert response.headers["etag"] == body["etag"] and body["version"] == 1
    assert (body["width"], body["height"]) == (image["width"], image["height"]) == (64, 64)
    assert body["class_names"] == ["crack"] and body["reviewed"] is True
    assert len(body["instances"]) == len(image["annotations"]) > 0
    for instance, imported in zip(body["instances"], image["annotations"], strict=True):
        assert instance["source"] == "imported" and instance["reviewed"] is True and instance["score"] is None
        assert np.allclose(instance["polygon"], imported["points_px"], atol=0.01)
    # Reading again changes nothing: same ETag.
    assert client.get(annotations_url(dataset_id, image["id"])).headers["etag"] == body["etag"]


def test_a_save_needs_if_match_and_rewrites_the_label_file(
    client: TestClient, settings: Settings, dataset_id: str
) -> None:
    image = _first_image(client, dataset_id)
    url = annotations_url(dataset_id, image["id"])
    etag = client.get(url).headers["etag"]
    body = {"instances": [_instance(polygon=_square(8, 16, 32))], "reviewed": True}
    label = settings.datasets_dir / dataset_id / "labels" / "train" / f"{Path(image['file_name']).stem}.txt"
    ultralytics_cache = label.parent.with_suffix(".cache")  # what a training on the working copy left
    ultralytics_cache.write_bytes(b"parsed labels")
    missing = client.put(url, json=body)
    assert missing.status_code == 428 and "If-Match" in missing.json()["detail"]

    saved = client.put(url, json=body, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.text
    state = saved.json()
    assert state["version"] == 2 and saved.headers["etag"] == state["etag"] != etag
    assert [i["polygon"] for i in state["instances"]] == [_square(8, 16, 32)]
    assert state["instances"][0]["id"]  # the server named the new instance
    # The working copy's label file holds the edit (normalised): what training reads, its cache gone.
    assert not ultralytics_cache.exists()
    shapes = read_label_file(label, 1).shapes
    assert len(shapes) == 1 and np.allclose(
        shapes[0].points, [(0.125, 0.25), (0.625, 0.25), (0.625, 0.75), (0.125, 0.75)]
    )
    listed = next(i for i in images(client, dataset_id, "train") if i["id"] == image["id"])
    assert np.allclose(listed["annotations"][0]["points_px"], _square(8, 16, 32))


def test_a_stale_etag_is_answered_409_with_the_current_state(client: TestClient, dataset_id: str) -> None:
    image = _first_image(client, dataset_id)
    url = annotations_url(dataset_id, image["id"])
    old = client.get(url).headers["etag"]
    first = client.put(url, json={"instances": [_instance()]}, headers={"If-Match": old})
    assert first.status_code == 200
    stale = client.put(url, json={"instances": []}, headers={"If-Match": old})
    assert stale.status_code == 409
    conflict = stale.json()
    assert "saved by someone else" in conflict["detail"]
    assert conflict["current"] == first.json() and stale.headers["etag"] == first.headers["etag"]
    # A made-up ETag is stale too, never a 500.
    assert client.put(url, json={"instances": []}, headers={"If-Match": '"nonsense"'}).status_code == 409


def _two_writers(client: TestClient, url: str, etag: str, round_number: int) -> dict[int, Any]:
    """Both writers PUT with the same ETag, released together by a barrier."""
    barrier = threading.Barrier(2)
    answers: dict[int, Any] = {}

    def write(writer: int) -> None:
        body = {"instances": [_instance(polygon=_square(writer * 20 + 1, 2, 5 + round_number))]}
        barrier.wait()
        answers[writer] = client.put(url, json=body, headers={"If-Match": etag})

    threads = [threading.Thread(target=write, args=(writer,)) for writer in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_writers_with_one_etag_give_one_409_and_no_lost_update(
    client: TestClient, dataset_id: str
) -> None:
    image = _first_image(client, dataset_id)
    url = annotations_url(dataset_id, image["id"])
    for round_number in range(4):
        etag = client.get(url).headers["etag"]
        answers = _two_writers(client, url, etag, round_number)
        codes = sorted(answer.status_code for answer in answers.values())
        assert codes == [200, 409], [a.text for a in answers.values()]
        winner = next(a.json() for a in answers.values() if a.status_code == 200)
        loser = next(a.json() for a in answers.values() if a.status_code == 409)
        assert loser["current"] == winner == client.get(url).json()


def test_concurrent_read_modify_write_loses_no_instance(
    settings: Settings, dataset_id: str, client: TestClient
) -> None:
    """Eight threads each add three instances through the service, retrying on 409: all 24 remain."""
    image_id = _first_image(client, dataset_id)["id"]
    start = len(annotations_service.get_annotations(settings, dataset_id, image_id).instances)

    def add_instances(writer: int) -> None:
        for step in range(3):
            while True:
                state = annotations_service.get_annotations(settings, dataset_id, image_id)
                added = AnnotationInstance(
                    id=f"w{writer}s{step}", class_id=0, polygon=[(1, 1), (9, 1), (9, 9)]
                )
                update = AnnotationsUpdate(instances=[*state.instances, added])
                try:
                    annotations_service.save_annotations(settings, dataset_id, image_id, state.etag, update)
                    break
                except annotations_service.StaleAnnotations:
                    continue

    threads = [threading.Thread(target=add_instances, args=(writer,)) for writer in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = annotations_service.get_annotations(settings, dataset_id, image_id)
    ids = {instance.id for instance in final.instances}
    assert len(final.instances) == start + 24
    assert {f"w{w}s{s}" for w in range(8) for s in range(3)} <= ids
    assert final.version == 1 + 24


@pytest.mark.parametrize(
    ("instance", "field", "words"),
    [
        (
            _instance(polygon=[[1, 1], [70, 1], [1, 9]]),
            "instances[0].polygon[1]",
            "outside the 64 x 64 image",
        ),
        (_instance(polygon=[[1, 1], [9, 1]]), "instances[0].polygon", "at least 3 points"),
        (_instance(class_id=3), "instances[0].class_id", "not a class of this dataset"),
        ({"class_id": 0, "polygon": None, "rle": None}, "instances[0]", "polygon, an rle mask or both"),
        (
            _instance(polygon=None, rle={"size": [32, 32], "counts": "0"}),
            "instances[0].rle.size",
            "does not match",
        ),
        (
            _instance(polygon=None, rle={"size": [64, 64], "counts": "5"}),
            "instances[0].rle.counts",
            "not a valid",
        ),
    ],
)
def test_invalid_instances_are_refused_naming_the_field(
    client: TestClient, dataset_id: str, instance: dict[str, Any], field: str, words: str
) -> None:
    image = _first_image(client, dataset_id)
    url = annotations_url(dataset_id, image["id"])
    etag = client.get(url).headers["etag"]
    response = client.put(url, json={"instances": [instance]}, headers={"If-Match": etag})
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(field) and words in response.json()["detail"]
    assert client.get(url).headers["etag"] == etag  # nothing saved


def test_limits_on_points_instances_and_body_size(client: TestClient, dataset_id: str) -> None:
    image = _first_image(client, dataset_id)
    url = annotations_url(dataset_id, image["id"])
    etag = client.get(url).headers["etag"]
    many_points = _instance(polygon=[[1.0, 1.0 + (i % 50)] for i in range(10_001)])
    too_many_points = client.put(url, json={"instances": [many_points]}, headers={"If-Match": etag})
    assert too_many_points.status_code == 422
    assert too_many_points.json()["errors"][0]["field"] == "instances.0.polygon"
    too_many = client.put(url, json={"instances": [_instance()] * 1001}, headers={"If-Match": etag})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "instances"
    huge = {"instances": [_instance(polygon=[[1.123456789, 2.123456789]] * 9000) for _ in range(10)]}
    assert client.put(url, json=huge, headers={"If-Match": etag}).status_code == 413
    assert client.get(url).headers["etag"] == etag


def test_a_brush_mask_becomes_outlines_in_the_label_file(
    client: TestClient, settings: Settings, dataset_id: str
) -> None:
    image = _first_image(client, dataset_id)
    url = annotations_url(dataset_id, image["id"])
    mask = np.zeros((64, 64), dtype=bool)
    mask[10:20, 5:45] = True  # two separate strokes
    mask[40:50, 30:34] = True
    painted = {"class_id": 0, "rle": rle.encode(mask), "source": "drawn"}
    etag = client.get(url).headers["etag"]
    saved = client.put(url, json={"instances": [painted]}, headers={"If-Match": etag})
    assert saved.status_code == 200, saved.text
    assert (
        saved.json()["instances"][0]["rle"] == rle.encode(mask)
        and saved.json()["instances"][0]["polygon"] is None
    )
    label = settings.datasets_dir / dataset_id / "labels" / "train" / f"{Path(image['file_name']).stem}.txt"
    shapes = read_label_file(label, 1).shapes
    outlines = sorted([[(x * 64, y * 64) for x, y in shape.points] for shape in shapes], key=len)
    assert [sorted(o) for o in outlines] == [
        sorted([(5, 10), (45, 10), (45, 20), (5, 20)]),
        sorted([(30, 40), (34, 40), (34, 50), (30, 50)]),
    ]


def test_the_review_queue_puts_unreviewed_least_confident_images_first(
    client: TestClient, dataset_id: str
) -> None:
    train = images(client, dataset_id, "train")
    for image, score, reviewed in ((train[0], 0.9, False), (train[1], 0.3, False), (train[2], 0.1, True)):
        url = annotations_url(dataset_id, image["id"])
        etag = client.get(url).headers["etag"]
        body = {"instances": [_instance(source="predicted", score=score)], "reviewed": reviewed}
        assert client.put(url, json=body, headers={"If-Match": etag}).status_code == 200
    queue = client.get(f"/api/v1/datasets/{dataset_id}/review-queue?limit=3")
    assert queue.status_code == 200, queue.text
    body = queue.json()
    assert (
        body["total"] == 12 and body["unreviewed"] == 2 and body["reviewed"] == 10 and len(body["items"]) == 3
    )
    assert [item["image_id"] for item in body["items"][:2]] == [train[1]["id"], train[0]["id"]]
    assert [item["min_score"] for item in body["items"][:2]] == [0.3, 0.9]
    assert body["items"][2]["image_id"] == train[2]["id"]  # reviewed, but the lowest score of the rest


def test_unknown_datasets_and_images_are_404(client: TestClient, dataset_id: str) -> None:
    assert client.get(annotations_url("0" * 32, "dHJhaW4vYS5qcGc")).status_code == 404
    assert client.get(annotations_url(dataset_id, "dHJhaW4vbm9uZS5qcGc")).status_code == 404
    assert client.get(annotations_url(dataset_id, "..%2F..%2Fetc")).status_code == 404
