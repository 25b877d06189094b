"""Roboflow: resolve a dataset version's export with the real `roboflow` client, then download it.

Runs in a worker process only: the client reads its base URL from the environment variable API_URL
when it is imported, so `resolve_export` sets API_URL first and refuses to run if the package was
already imported with another URL. The client resolves the API key, workspace, project, version
and export link; the zip itself is streamed here (not by `Version.download`) so that the size
limits, the quota, progress, stop requests and the zip safety checks of uploads apply to it too.

The API key never appears in an error message: every message is scrubbed before it leaves.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.utils.logger import redact

EXPORT_POLL_S = 2.0
EXPORT_WAIT_S = 600.0
DOWNLOAD_CHUNK = 1024 * 1024
DOWNLOAD_TIMEOUT_S = 60.0

StopFn = Callable[[], bool]
ProgressFn = Callable[[float], None]
SizeCheck = Callable[[int], None]


class RoboflowImportError(Exception):
    """A Roboflow step failed; the message is safe to show (no API key)."""


@dataclass(frozen=True)
class ExportLink:
    url: str
    project_name: str
    images: int | None


def scrub(text: str, secret: str) -> str:
    """Removes the secret (and any `api_key=...`) from a message."""
    if secret:
        text = text.replace(secret, "***")
    return redact(text)[:1000]


def _import_client(api_url: str) -> Any:
    os.environ["API_URL"] = api_url
    os.environ.setdefault("TQDM_DISABLE", "1")
    if "roboflow" in sys.modules:
        from roboflow import config

        if api_url != config.API_URL:
            raise RoboflowImportError(
                f"The roboflow package was loaded for {config.API_URL}, not {api_url}: restart the worker"
            )
    import roboflow

    return roboflow


def _readable(text: str) -> str:
    """Roboflow answers errors as JSON text ({"error": {"message": ...}}): keep the message."""
    try:
        payload = json.loads(text)
    except ValueError:
        return text
    if isinstance(payload, dict):
        error = payload.get("error", payload)
        message = error.get("message") if isinstance(error, dict) else error
        if isinstance(message, str) and message:
            return message
    return text


def _stage_error(stage: str, exc: BaseException, api_key: str) -> RoboflowImportError:
    text = scrub(_readable(f"{exc}".strip()) or type(exc).__name__, api_key)
    if stage == "checking the API key":
        return RoboflowImportError(f"Roboflow rejected the API key: {text.rstrip('.')}. Check the key.")
    return RoboflowImportError(f"Roboflow failed while {stage}: {text}")


def _wait_for_export(
    rfapi: Any,
    api_key: str,
    workspace: str,
    project: str,
    version: int,
    export_format: str,
    should_stop: StopFn,
) -> dict[str, Any]:
    deadline = time.monotonic() + EXPORT_WAIT_S
    while True:
        info = rfapi.get_version_export(api_key, workspace, project, str(version), export_format)
        if not (isinstance(info, dict) and info.get("ready") is False):
            return info if isinstance(info, dict) else {}
        if should_stop():
            raise InterruptedError("stopped")
        if time.monotonic() > deadline:
            raise RoboflowImportError(
                f"Roboflow did not finish the {export_format} export in {EXPORT_WAIT_S:.0f} s"
            )
        time.sleep(EXPORT_POLL_S)


def resolve_export(
    api_url: str,
    api_key: str,
    workspace: str,
    project: str,
    version: int,
    export_format: str,
    *,
    should_stop: StopFn,
) -> ExportLink:
    """Checks the key, finds the version and returns its export link (asking Roboflow to export)."""
    if not any(ch.islower() for ch in api_key):
        # The client treats such keys as "onboarding" placeholders and never checks them.
        raise RoboflowImportError(
            "The Roboflow API key looks invalid (Roboflow keys contain lowercase letters)."
        )
    client = _import_client(api_url)
    from roboflow.adapters import rfapi

    stage = "checking the API key"
    try:
        rf = client.Roboflow(api_key=api_key)
        stage = f"opening workspace {workspace!r}"
        ws = rf.workspace(workspace)
        stage = f"opening project {workspace}/{project}"
        proj = ws.project(project)
        stage = f"opening version {version} of {workspace}/{project}"
        found = proj.version(version)
        if found is None:
            raise RoboflowImportError(f"Project {workspace}/{project} has no version {version}")
        stage = f"exporting version {version} as {export_format}"
        info = _wait_for_export(rfapi, api_key, workspace, project, version, export_format, should_stop)
        link = (info.get("export") or {}).get("link")
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            raise RoboflowImportError(f"Roboflow returned no download link for the {export_format} export")
    except (RoboflowImportError, InterruptedError):
        raise
    except Exception as exc:
        raise _stage_error(stage, exc, api_key) from None
    images = getattr(found, "images", None)
    return ExportLink(link, str(getattr(found, "name", project)), images if isinstance(images, int) else None)


def download(
    url: str,
    target: Path,
    *,
    size_check: SizeCheck,
    progress: ProgressFn,
    should_stop: StopFn,
    secret: str = "",
) -> int:
    """Streams `url` to `target`; `size_check(bytes)` raises when a size is over a limit."""
    import httpx

    written = 0
    try:
        with httpx.stream("GET", url, follow_redirects=True, timeout=DOWNLOAD_TIMEOUT_S) as response:
            if response.status_code != 200:
                raise RoboflowImportError(f"The dataset download answered HTTP {response.status_code}")
            expected = int(response.headers.get("content-length") or 0)
            if expected:
                size_check(expected)
            with target.open("wb") as sink:
                for chunk in response.iter_bytes(DOWNLOAD_CHUNK):
                    written += len(chunk)
                    size_check(written)
                    sink.write(chunk)
                    if should_stop():
                        raise InterruptedError("stopped")
                    if expected:
                        progress(min(written / expected, 1.0))
    except httpx.HTTPError as exc:
        raise RoboflowImportError(f"The dataset download failed: {scrub(str(exc), secret)}") from None
    return written
