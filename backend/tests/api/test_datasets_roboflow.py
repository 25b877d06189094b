"""Roboflow imports through the API: the real `roboflow` client (in the job's worker process) against a
fake Roboflow server on 127.0.0.1; the stored key; and the key never appearing in any response, log,
job record or dataset row."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Dataset, Job
from tests.fakes.dataset_helpers import GOOD_KEY, dataset_rows, leftover_files, wait_for_dataset
from tests.fakes.roboflow_server import FakeRoboflowServer

pytest_plugins = ["tests.fakes.dataset_fixtures"]

API = "/api/v1/datasets"
KEY_API = "/api/v1/settings/roboflow-key"


def _request(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"workspace": "crack-lab", "project": "cracks", "version": 1, "format": "yolov8"}
    body.update(overrides)
    return body


def test_import_with_a_key_in_the_request(
    rf_client: TestClient, rf_settings: Settings, fake_roboflow: FakeRoboflowServer
) -> None:
    response = rf_client.post(API, json=_request(api_key=GOOD_KEY))
    assert response.status_code == 202, response.text
    started = response.json()
    assert started["status"] == "queued" and started["source"] == "roboflow"
    assert started["source_ref"] == "roboflow:crack-lab/cracks/1/yolov8"
    assert started["source_info"] == {
        "workspace": "crack-lab",
        "project": "cracks",
        "version": 1,
        "export_format": "yolov8",
    }
    body = wait_for_dataset(rf_client, started["id"])
    assert body["status"] == "ready", body
    assert (
        body["image_count"] == 12 and body["format"] == "yolo-seg" and body["validation_status"] == "passed"
    )
    assert GOOD_KEY in fake_roboflow.state.keys_seen
    assert leftover_files(rf_settings) == [f"datasets/{body['id']}"]
    assert rf_client.get(KEY_API).json() == {"configured": False}  # not stored unless asked


def test_the_same_version_is_never_imported_twice(
    rf_client: TestClient, rf_settings: Settings, fake_roboflow: FakeRoboflowServer
) -> None:
    first = rf_client.post(API, json=_request(api_key=GOOD_KEY)).json()
    wait_for_dataset(rf_client, first["id"])
    requests_before = len(fake_roboflow.state.requests)
    again = rf_client.post(API, json=_request(api_key=GOOD_KEY, name="another name"))
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    assert len(fake_roboflow.state.requests) == requests_before
    assert dataset_rows(rf_settings) == 1
    other_format = rf_client.post(API, json=_request(api_key=GOOD_KEY, format="coco-segmentation"))
    assert other_format.status_code == 202
    coco = wait_for_dataset(rf_client, other_format.json()["id"])
    assert coco["status"] == "ready" and coco["format"] == "coco" and dataset_rows(rf_settings) == 2


def test_the_stored_key_is_used_and_never_returned(
    rf_client: TestClient, fake_roboflow: FakeRoboflowServer
) -> None:
    assert rf_client.get(KEY_API).json() == {"configured": False}
    assert rf_client.post(API, json=_request()).status_code == 400  # no key anywhere
    stored = rf_client.put(KEY_API, json={"api_key": GOOD_KEY})
    assert stored.status_code == 200 and stored.json() == {"configured": True}
    assert rf_client.get(KEY_API).json() == {"configured": True}
    response = rf_client.post(API, json=_request())
    assert response.status_code == 202
    assert wait_for_dataset(rf_client, response.json()["id"])["status"] == "ready"
    assert rf_client.delete(KEY_API).json() == {"configured": False}


def test_save_api_key_stores_the_request_key(rf_client: TestClient) -> None:
    response = rf_client.post(API, json=_request(api_key=GOOD_KEY, save_api_key=True))
    assert response.status_code == 202
    assert rf_client.get(KEY_API).json() == {"configured": True}
    wait_for_dataset(rf_client, response.json()["id"])


def test_an_invalid_key_fails_clearly_and_a_retry_reuses_the_row(
    rf_client: TestClient, rf_settings: Settings
) -> None:
    bad_key = "invalidKey5555abcdef"
    response = rf_client.post(API, json=_request(api_key=bad_key))
    failed = wait_for_dataset(rf_client, response.json()["id"])
    assert failed["status"] == "failed"
    assert failed["error"].startswith("Roboflow rejected the API key: This API key does not exist")
    assert bad_key not in json.dumps(failed)
    assert leftover_files(rf_settings) == []  # a failed row, no files
    retry = rf_client.post(API, json=_request(api_key=GOOD_KEY))
    assert retry.status_code == 202 and retry.json()["id"] == failed["id"]
    assert wait_for_dataset(rf_client, failed["id"])["status"] == "ready"


def test_an_unknown_project_fails_with_the_reason(rf_client: TestClient) -> None:
    response = rf_client.post(API, json=_request(project="potholes", api_key=GOOD_KEY))
    failed = wait_for_dataset(rf_client, response.json()["id"])
    assert failed["status"] == "failed"
    assert (
        failed["error"]
        == "Roboflow failed while opening project crack-lab/potholes: project 'potholes' not found"
    )


@pytest.mark.parametrize(
    "body",
    [
        _request(workspace="../etc"),
        _request(version=0),
        _request(format="voc"),
        _request(api_key="has spaces in it"),
        _request(api_key="x" * 300),
    ],
)
def test_invalid_requests_are_422(rf_client: TestClient, rf_settings: Settings, body: dict[str, Any]) -> None:
    response = rf_client.post(API, json=body)
    assert response.status_code == 422
    assert "has spaces" not in response.text
    assert dataset_rows(rf_settings) == 0


def _database_text(settings: Settings) -> str:
    """Every dataset and job row as text (the settings table legitimately holds the stored key)."""
    with session_scope(settings.resolved_database_url) as db:
        rows: list[Any] = [*db.scalars(select(Dataset)).all(), *db.scalars(select(Job)).all()]
        return "\n".join(
            json.dumps({c.name: getattr(r, c.name) for c in r.__table__.columns}, default=str) for r in rows
        )


def test_the_key_never_appears_in_responses_logs_jobs_or_rows(
    rf_client: TestClient,
    rf_settings: Settings,
    fake_roboflow: FakeRoboflowServer,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    bad_key = "leakCheckBadKey77777"
    responses: list[str] = []

    def call(method: str, url: str, **kwargs: Any) -> Any:
        response = rf_client.request(method, url, **kwargs)
        responses.append(f"{response.status_code} {dict(response.headers)} {response.text}")
        return response

    call("PUT", KEY_API, json={"api_key": GOOD_KEY})
    call("GET", KEY_API)
    ok = call("POST", API, json=_request(api_key=GOOD_KEY)).json()
    bad = call("POST", API, json=_request(version=1, format="yolov11", api_key=bad_key)).json()
    for dataset_id in (ok["id"], bad["id"]):
        wait_for_dataset(rf_client, dataset_id)
        call("GET", f"{API}/{dataset_id}")
        call("GET", f"{API}/jobs/{call('GET', f'{API}/{dataset_id}').json()['job_id']}")
    call("GET", API)
    call("POST", API, json=_request(api_key="short!"))  # a 422 must not echo the key either
    call("GET", "/openapi.json")
    assert GOOD_KEY in fake_roboflow.state.keys_seen and bad_key in fake_roboflow.state.keys_seen

    job_logs = "\n".join(
        p.read_text(errors="replace") for p in (rf_settings.data_dir / "logs").rglob("*.log")
    )
    captured = capfd.readouterr()
    haystacks = {
        "responses": "\n".join(responses),
        "log records": caplog.text,
        "stdout/stderr": captured.out + captured.err,
        "job logs": job_logs,
        "database rows": _database_text(rf_settings),
    }
    assert "loading Roboflow workspace" in job_logs  # the client really ran in the worker
    for where, text in haystacks.items():
        for key in (GOOD_KEY, bad_key):
            assert key not in text, f"the API key leaked into {where}"
