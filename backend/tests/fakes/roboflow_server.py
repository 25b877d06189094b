"""A small fake of the Roboflow REST API on 127.0.0.1, for the real `roboflow` client (1.7.3).

It answers the calls the client makes to find and export a dataset version (see STACK-NOTES):

    POST /?api_key=K                       -> {"workspace": ws}         (401 for an unknown key)
    GET  /{ws}?api_key=K                   -> {"workspace": {...}}
    GET  /{ws}/{project}?api_key=K         -> {"project": {...}, "versions": [...]}
    GET  /{ws}/{project}/{v}?api_key=K     -> {"version": {...}}
    GET  /{ws}/{project}/{v}/{fmt}?api_key=K -> {"export": {"link": URL}}  (202 while "exporting")
    GET  /download/{token}.zip             -> the zip, with Content-Length

Every request's path (never its query, which holds the key) is recorded in `requests`; keys seen are
recorded in `keys_seen` so tests can prove the key reached the server. Nothing is logged.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

INVALID_KEY_MESSAGE = "This API key does not exist (or has been revoked)."


@dataclass
class FakeVersion:
    exports: dict[str, bytes]  # export format -> zip bytes
    images: int = 12
    pending_polls: int = 0  # answers 202 ("exporting") this many times first


@dataclass
class FakeRoboflowState:
    api_keys: set[str] = field(default_factory=set)
    workspace: str = "crack-lab"
    projects: dict[str, dict[int, FakeVersion]] = field(default_factory=dict)
    downloads: dict[str, bytes] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    keys_seen: set[str] = field(default_factory=set)


class FakeRoboflowServer:
    def __init__(self) -> None:
        self.state = FakeRoboflowState()
        self._lock = threading.Lock()
        server = self

        class Handler(_Handler):
            fake = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-roboflow", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeRoboflowServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def reset(self) -> None:
        with self._lock:
            self.state = FakeRoboflowState()

    def add_version(self, project: str, version: int, exports: dict[str, bytes], **kwargs: Any) -> None:
        with self._lock:
            self.state.projects.setdefault(project, {})[version] = FakeVersion(exports, **kwargs)

    def export_link(self, data: bytes) -> str:
        token = uuid.uuid4().hex
        with self._lock:
            self.state.downloads[token] = data
        return f"{self.url}/download/{token}.zip"


def _version_info(ws: str, project: str, number: int, version: FakeVersion) -> dict[str, Any]:
    return {
        "id": f"{ws}/{project}/{number}",
        "name": project,
        "version": str(number),
        "images": version.images,
        "generating": False,
        "progress": 1.0,
        "model": None,
        "augmentation": {},
        "preprocessing": {},
        "created": 1_700_000_000.0,
        "splits": {"train": 8, "valid": 2, "test": 2},
        "exports": sorted(version.exports),
    }


def _project_info(ws: str, project: str, versions: dict[int, FakeVersion]) -> dict[str, Any]:
    return {
        "id": f"{ws}/{project}",
        "name": project,
        "type": "instance-segmentation",
        "annotation": "cracks",
        "classes": {"crack": 24},
        "colors": {},
        "created": 1_700_000_000.0,
        "updated": 1_700_000_000.0,
        "images": 12,
        "public": False,
        "splits": {"train": 8, "valid": 2, "test": 2},
        "unannotated": 0,
        "versions": len(versions),
    }


class _Handler(BaseHTTPRequestHandler):
    fake: FakeRoboflowServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # silent: request lines carry the API key

    # -- helpers ----------------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        self._send(status, json.dumps(payload).encode())

    def _error(self, status: int, message: str) -> None:
        self._json(status, {"error": {"message": message, "type": "GraphMethodException"}})

    def _authorised(self) -> bool:
        query = parse_qs(urlsplit(self.path).query)
        key = (query.get("api_key") or [""])[0]
        state = self.fake.state
        state.keys_seen.add(key)
        if key not in state.api_keys:
            self._error(401, INVALID_KEY_MESSAGE)
            return False
        return True

    # -- routes -----------------------------------------------------------------------------------
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urlsplit(self.path).path
        self.fake.state.requests.append(f"POST {path}")
        if path != "/":
            self._error(404, "not found")
        elif self._authorised():
            self._json(200, {"workspace": self.fake.state.workspace})

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        state = self.fake.state
        state.requests.append(f"GET {path}")
        parts = [part for part in path.split("/") if part]
        if len(parts) == 2 and parts[0] == "download":
            data = state.downloads.get(parts[1].removesuffix(".zip"))
            if data is None:
                self._error(404, "no such export")
            else:
                self._send(200, data, "application/zip")
            return
        if not self._authorised():
            return
        if not parts or parts[0] != state.workspace:
            self._error(404, f"workspace {parts[0] if parts else ''!r} not found")
            return
        self._route_workspace(parts[1:])

    def _route_workspace(self, parts: list[str]) -> None:
        state = self.fake.state
        ws = state.workspace
        if not parts:
            projects = [_project_info(ws, name, versions) for name, versions in state.projects.items()]
            self._json(200, {"workspace": {"name": ws, "url": ws, "projects": projects, "members": []}})
            return
        versions = state.projects.get(parts[0])
        if versions is None:
            self._error(404, f"project {parts[0]!r} not found")
            return
        if len(parts) == 1:
            infos = [_version_info(ws, parts[0], n, v) for n, v in sorted(versions.items())]
            self._json(
                200,
                {
                    "workspace": {"name": ws, "url": ws},
                    "project": _project_info(ws, parts[0], versions),
                    "versions": infos,
                },
            )
            return
        number = int(parts[1]) if parts[1].isdigit() else -1
        version = versions.get(number)
        if version is None:
            self._error(404, f"version {parts[1]!r} not found")
        elif len(parts) == 2:
            self._json(200, {"version": _version_info(ws, parts[0], number, version)})
        elif len(parts) == 3:
            self._export(version, parts[2])
        else:
            self._error(404, "not found")

    def _export(self, version: FakeVersion, export_format: str) -> None:
        data = version.exports.get(export_format)
        if data is None:
            self._error(400, f"format {export_format!r} is not available for this version")
        elif version.pending_polls > 0:
            version.pending_polls -= 1
            self._json(202, {"progress": 0.5})
        else:
            self._json(200, {"export": {"link": self.fake.export_link(data), "format": export_format}})
