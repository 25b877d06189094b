"""Calls every route of the API once, as a client with fake ids and empty or invalid bodies would, then
prints which heavy ML libraries the process has imported (a JSON report on the last line).

Run in its own process by tests/api/test_system.py: `python -m tests.helpers.exercise_routes`. Answers
are expected to be 4xx (nothing exists, bodies are invalid): the point is that no route, whatever it is
sent, makes the API process import torch, ultralytics, rfdetr, OpenCV, ONNX or OpenVINO.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
import typing
from typing import Any

from fastapi.routing import APIRoute, APIWebSocketRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

HEAVY_MODULES = ("torch", "torchvision", "ultralytics", "rfdetr", "cv2", "onnx", "onnxruntime", "openvino")
FAKE_ID = "0123456789abcdef0123456789abcdef"
BODY_METHODS = {"POST", "PUT", "PATCH"}
_PARAM = re.compile(r"{([^}:]+)(:[^}]+)?}")


def _fake_value(annotation: Any) -> str:
    """A syntactically plausible value for a path parameter of this type (an id nothing has)."""
    base = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation
    if base is int:
        return "1"
    return FAKE_ID


def fill_path(path: str, annotations: dict[str, Any]) -> str:
    return _PARAM.sub(lambda m: _fake_value(annotations.get(m.group(1), str)), path)


def _path_annotations(route: APIRoute | APIWebSocketRoute) -> dict[str, Any]:
    return {param.name: param.field_info.annotation for param in route.dependant.path_params}


def exercise(client: TestClient) -> list[tuple[str, str, int]]:
    """(method, route path, status) of one call of every HTTP route and every WebSocket route (method
    "WS", status 101 for a WebSocket that was accepted, 0 for one refused at the handshake)."""
    calls: list[tuple[str, str, int]] = []
    # Included routers are nested in this FastAPI: iter_route_contexts flattens them (full paths).
    for context in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        route, path = context.route, str(context.path)
        if isinstance(route, APIRoute):
            url = fill_path(path, _path_annotations(route))
            for method in sorted(context.methods or route.methods or ()):
                kwargs: dict[str, Any] = {"json": {}} if method in BODY_METHODS else {}
                calls.append((method, path, client.request(method, url, **kwargs).status_code))
        elif isinstance(route, APIWebSocketRoute):
            url = fill_path(path, _path_annotations(route))
            status = 0
            try:
                with client.websocket_connect(url) as websocket:
                    status = 101
                    websocket.send_text(json.dumps({"action": "ping"}))
                    websocket.receive_text()
            except (WebSocketDisconnect, RuntimeError):
                pass
            calls.append(("WS", path, status))
    return calls


def main() -> int:
    from app.config import Settings
    from app.db.migrate import upgrade
    from app.main import create_app

    settings = Settings(data_dir=tempfile.mkdtemp(prefix="crackdet-routes-"))
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        calls = exercise(client)
    heavy = sorted(name for name in HEAVY_MODULES if name in sys.modules)
    print(json.dumps({"calls": calls, "heavy": heavy}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
