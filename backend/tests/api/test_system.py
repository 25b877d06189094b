from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from app.config import Settings
from app.main import create_app


def test_health_reports_healthy_with_a_working_database(client: TestClient) -> None:
    body = client.get("/api/v1/system/health").json()
    assert body["status"] == "healthy"
    assert body["database"] == {"ok": True, "detail": None}


def test_health_reports_unhealthy_when_the_database_is_unreachable(tmp_path: Path) -> None:
    broken = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/missing/dir/x.db")
    with TestClient(create_app(broken)) as c:
        body = c.get("/api/v1/system/health").json()
    assert body["status"] == "unhealthy"
    assert body["database"]["ok"] is False
    assert "unable to open database" in body["database"]["detail"]


def test_info_reads_package_versions_from_metadata(client: TestClient, settings: Settings) -> None:
    body = client.get("/api/v1/system/info").json()
    assert body["packages"]["torch"] == version("torch")
    assert body["packages"]["ultralytics"] == version("ultralytics")
    assert body["data_dir"] == str(settings.data_dir)
    assert body["database_backend"] in {"sqlite", "postgresql"}


def test_no_route_makes_the_api_process_import_heavy_ml_libraries(client: TestClient) -> None:
    """Every route, every method, with fake ids and empty bodies, in a fresh API process: afterwards
    torch, ultralytics, rfdetr, OpenCV, ONNX (Runtime) and OpenVINO are still not imported."""
    backend = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-m", "tests.helpers.exercise_routes"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=backend,
    )
    assert out.returncode == 0, out.stderr[-4000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    calls = [tuple(call) for call in report["calls"]]
    called = {(method, path) for method, path, _status in calls}
    operations = {
        (method.upper(), path)
        for path, item in client.app.openapi()["paths"].items()  # type: ignore[attr-defined]
        for method in item
    }
    assert operations <= called, f"routes not exercised: {sorted(operations - called)}"
    assert {path for method, path, _ in calls if method == "WS"} >= {"/ws/gpu", "/ws/training/{session_id}"}
    assert [call for call in calls if call[2] >= 500] == []
    assert report["heavy"] == []


def test_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert "detail" in response.json()


class _ProbeBody(BaseModel):
    epochs: int = Field(ge=1, le=10)


_probe_router = APIRouter()


@_probe_router.post("/api/v1/_probe")
def _probe(body: _ProbeBody) -> dict[str, int]:
    return {"epochs": body.epochs}


def test_validation_errors_name_the_field(client: TestClient) -> None:
    client.app.include_router(_probe_router)  # type: ignore[attr-defined]
    response = client.post("/api/v1/_probe", json={"epochs": 99})
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "epochs"
    assert "epochs" in body["detail"] and "less than or equal to 10" in body["detail"]


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert "/api/v1/system/health" in client.get("/openapi.json").json()["paths"]
