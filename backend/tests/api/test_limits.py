"""Limits on every input: body sizes, JSON depth and encoding, NUL characters, pagination, string lengths
and image pixel counts. Each is answered with a 4xx and a message saying what to change, never a 500."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.middleware import upload_route_limits
from app.config import Settings
from app.main import create_app
from tests.fakes.dataset_zips import make_small_dataset, minimal_yolo_entries, zip_bytes
from tests.helpers.training import add_dataset

SMALL_BODY_LIMIT = 2048


@pytest.fixture
def limited_client(settings: Settings) -> Iterator[TestClient]:
    """The app with a 2 KiB limit for bodies without files (uploads keep their own limits)."""
    limited = settings.model_copy(update={"max_request_bytes": SMALL_BODY_LIMIT, "max_json_depth": 8})
    with TestClient(create_app(limited)) as test_client:
        yield test_client


def png_declaring(width: int, height: int) -> bytes:
    """A few-byte PNG whose header declares width x height pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def _error(response: object, status: int) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith("application/json")  # type: ignore[attr-defined]
    detail: str = response.json()["detail"]  # type: ignore[attr-defined]
    return detail


# -- request bodies --------------------------------------------------------------------------------


def test_json_body_over_the_limit_is_refused_before_it_is_read(limited_client: TestClient) -> None:
    body = {"name": "x" * SMALL_BODY_LIMIT}
    detail = _error(limited_client.put("/api/v1/settings/monitoring", json=body), 413)
    assert f"{SMALL_BODY_LIMIT:,} bytes" in detail and "CRACKDET_MAX_REQUEST_BYTES" in detail


def test_chunked_body_without_length_is_cut_off_at_the_limit(limited_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"interval_s": 2, "padding": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    response = limited_client.put(
        "/api/v1/settings/monitoring", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert "limit" in _error(response, 413)


def test_upload_routes_keep_their_own_larger_limits(limited_client: TestClient, tmp_path: Path) -> None:
    dataset_zip = zip_bytes(minimal_yolo_entries(make_small_dataset(tmp_path / "small")))
    assert len(dataset_zip) > 4 * SMALL_BODY_LIMIT
    response = limited_client.post(
        "/api/v1/datasets/upload", files={"file": ("small.zip", dataset_zip, "application/zip")}
    )
    assert response.status_code == 202, response.text

    image = png_declaring(64, 64) + b"\0" * (4 * SMALL_BODY_LIMIT)  # trailing bytes: a larger file
    response = limited_client.post(
        "/api/v1/predict", files={"file": ("a.png", image, "image/png")}, data={"model_id": "0" * 32}
    )
    assert response.status_code == 404, response.text  # reached the route: the model does not exist


def test_upload_route_limits_name_existing_routes(settings: Settings) -> None:
    paths = create_app(settings).openapi()["paths"]
    for method, path in upload_route_limits(settings):
        assert method.lower() in paths.get(path, {}), f"{method} {path} is not a route any more"


def test_json_nested_too_deeply_is_refused(limited_client: TestClient) -> None:
    nested = json.dumps({"interval_s": 2, "x": [[[[[[[[[[1]]]]]]]]]]})
    response = limited_client.put(
        "/api/v1/settings/monitoring", content=nested, headers={"content-type": "application/json"}
    )
    assert "nested more than 8 levels" in _error(response, 422)


def test_json_deeper_than_the_parser_goes_is_refused(client: TestClient) -> None:
    deeper_than_python_parses = "[" * 5000 + "]" * 5000  # RecursionError in json.loads
    response = client.put(
        "/api/v1/settings/monitoring",
        content=deeper_than_python_parses,
        headers={"content-type": "application/json"},
    )
    assert "nested more than 20 levels" in _error(response, 422)


def test_json_that_is_not_utf8_is_refused(client: TestClient) -> None:
    response = client.put(
        "/api/v1/settings/monitoring",
        content=b'{"interval_s": "\xff\xfe"}',
        headers={"content-type": "application/json"},
    )
    assert "UTF-8" in _error(response, 422)


def test_nul_characters_are_refused_in_urls_and_json(client: TestClient) -> None:
    assert "NUL" in _error(client.get("/api/v1/models?dataset_id=%00"), 422)
    assert "NUL" in _error(client.get("/api/v1/datasets/a%00b"), 422)
    response = client.post(
        "/api/v1/predict/url", json={"url": "http://example.com/a.jpg", "params": {"model_id": "\0"}}
    )
    assert "NUL" in _error(response, 422)


def test_malformed_multipart_says_what_to_send(client: TestClient) -> None:
    response = client.post(
        "/api/v1/predict",
        content=b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc',
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code in (400, 422), response.text
    assert "error parsing the body" not in response.text


# -- pagination and numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/predictions?limit=201", "limit"),
        ("/api/v1/predictions?offset=1000001", "offset"),
        ("/api/v1/notifications?limit=101", "limit"),
        ("/api/v1/models?limit=201", "limit"),
        ("/api/v1/training/sessions?limit=201", "limit"),
        ("/api/v1/datasets/x/images?limit=101", "limit"),
        (f"/api/v1/training/sessions/{'a' * 32}/events?after={2**31}", "after"),
        (f"/api/v1/notifications/{2**31}/read", "notification_id"),
    ],
)
def test_pagination_and_ids_are_capped(client: TestClient, url: str, field: str) -> None:
    method = client.post if url.endswith("/read") else client.get
    response = method(url)
    detail = _error(response, 422)
    assert field in detail and "less than or equal" in detail
    assert response.json()["errors"][0]["field"] == field


# -- string lengths --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("post", "/api/v1/training/sessions", {"dataset_id": "d", "name": "n" * 201}, "name"),
        ("post", "/api/v1/training/sessions", {"dataset_id": "d", "model_arch": "m" * 65}, "model_arch"),
        ("post", "/api/v1/training/sessions", {"dataset_id": "d" * 33}, "dataset_id"),
        (
            "post",
            "/api/v1/datasets",
            {"workspace": "w", "project": "p", "version": 1, "name": "n" * 201},
            "name",
        ),
        ("post", "/api/v1/datasets/x/enhance", {"name": "n" * 201}, "name"),
        ("patch", f"/api/v1/models/{'0' * 32}", {"tags": ["t" * 201]}, "tags.0"),
        (
            "post",
            "/api/v1/predict/export",
            {"prediction_ids": ["p" * 65], "format": "json"},
            "prediction_ids.0",
        ),
        ("post", "/api/v1/predict/url", {"url": "h" * 2049, "params": {"model_id": "m"}}, "url"),
        ("put", "/api/v1/settings/roboflow-key", {"api_key": "k" * 201}, "api_key"),
    ],
)
def test_string_fields_are_length_limited(
    client: TestClient, method: str, url: str, body: dict[str, object], field: str
) -> None:
    response = getattr(client, method)(url, json=body)
    detail = _error(response, 422)
    assert field in detail, detail
    assert "\n" not in detail and len(detail) < 1000  # never echoes the long value back in full


def test_path_ids_are_length_limited(client: TestClient) -> None:
    for url in (
        f"/api/v1/predictions/{'p' * 65}",
        f"/api/v1/predict/batch/{'b' * 65}",
        f"/api/v1/models/{'m' * 65}",
    ):
        assert "at most 64 characters" in _error(client.get(url), 422)


# -- images (prediction's own pixel limit is tested in test_predict_api.py) --------------------------


def test_thumbnail_of_a_pixel_bomb_is_refused_without_decoding(
    client: TestClient, settings: Settings
) -> None:
    dataset_id = add_dataset(settings)
    image = client.get(f"/api/v1/datasets/{dataset_id}/images?limit=1").json()["items"][0]
    path = next((settings.datasets_dir / dataset_id).rglob(image["file_name"]))
    path.write_bytes(png_declaring(100_000, 100_000))  # 10 billion pixels in 60 bytes

    detail = _error(client.get(f"/api/v1/datasets/{dataset_id}/images/{image['id']}/thumbnail"), 413)
    assert "100000 x 100000" in detail and "CRACKDET_DATASET_MAX_IMAGE_PIXELS" in detail
    # The original can still be downloaded as it is (nothing is decoded for that).
    assert client.get(f"/api/v1/datasets/{dataset_id}/images/{image['id']}/file").status_code == 200


def test_thumbnail_pixel_limit_follows_the_setting(settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    strict = settings.model_copy(update={"dataset_max_image_pixels": 100})
    with TestClient(create_app(strict)) as strict_client:
        image = strict_client.get(f"/api/v1/datasets/{dataset_id}/images?limit=1").json()["items"][0]
        response = strict_client.get(f"/api/v1/datasets/{dataset_id}/images/{image['id']}/thumbnail")
        assert "thumbnails are made for images up to 100 pixels" in _error(response, 413)


# -- methods and the schema ------------------------------------------------------------------------


def test_wrong_method_gets_405_naming_the_documented_methods(client: TestClient) -> None:
    response = client.put("/api/v1/notifications")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD"
    assert "use GET" in response.json()["detail"]
    # A path the front-end fallback route would otherwise answer with a 404.
    response = client.get("/api/v1/notifications/read-all")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    # Several routes at one path: every method is named (Starlette names only the first route's).
    response = client.post("/api/v1/settings/monitoring")
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD, PUT"


def test_openapi_documents_the_error_bodies_the_api_sends(settings: Settings) -> None:
    schema = create_app(settings).openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if "422" in responses:
                ref = responses["422"]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorResponse"), f"{method} {path}"
            if "requestBody" in operation:
                assert "413" in responses, f"{method} {path} takes a body but does not document 413"
