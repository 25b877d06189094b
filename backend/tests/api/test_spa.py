from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app


def _dist(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<html>APP SHELL</html>")
    (dist / "assets" / "main.js").write_text("console.log(1)")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside dist")
    return dist


def test_client_side_routes_fall_back_to_index(sqlite_settings: Settings, tmp_path: Path) -> None:
    s = sqlite_settings.model_copy(update={"frontend_dist": _dist(tmp_path)})
    with TestClient(create_app(s)) as c:
        for route in ("/", "/training/history", "/datasets/abc", "/settings"):
            response = c.get(route)
            assert response.status_code == 200, route
            assert "APP SHELL" in response.text
        assert c.get("/assets/main.js").text == "console.log(1)"
        assert c.get("/favicon.svg").text == "<svg/>"
        assert "outside dist" not in c.get("/..%2Fsecret.txt").text
        assert c.get("/api/v1/unknown").status_code == 404


def test_missing_build_says_how_to_build(sqlite_settings: Settings, tmp_path: Path) -> None:
    s = sqlite_settings.model_copy(update={"frontend_dist": tmp_path / "nope"})
    with TestClient(create_app(s)) as c:
        response = c.get("/")
    assert response.status_code == 503
    assert "make install" in response.text
