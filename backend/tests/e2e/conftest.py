"""Browser end-to-end fixtures: the real `crackdet` server (subprocess) and a real Chromium.

The server runs exactly as a user runs it (`crackdet migrate`, `crackdet demo-data`, `crackdet serve`)
against a temporary data directory and the built front end (frontend/dist: build it first with
`npm run build` in frontend/). Chromium is the Debian package at /usr/bin/chromium; Playwright's own
browser download is never used.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[3]
FRONTEND_DIST = REPO_ROOT / "frontend" / "dist"
CHROMIUM = Path(os.environ.get("CRACKDET_E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60.0
COMMAND_TIMEOUT_S = 300.0


def _crackdet_executable() -> Path:
    """The `crackdet` script of the environment running pytest, else the repo's .venv."""
    for candidate in (Path(sys.executable).parent / "crackdet", REPO_ROOT / ".venv" / "bin" / "crackdet"):
        if candidate.is_file():
            return candidate
    pytest.fail("The `crackdet` command is not installed (run `make install`).")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path) -> dict[str, str]:
    # Drop inherited CRACKDET_* settings (e.g. a developer's database URL) so the run is hermetic.
    env = {key: value for key, value in os.environ.items() if not key.startswith("CRACKDET_")}
    env["CRACKDET_DATA_DIR"] = str(data_dir)
    env["CRACKDET_FRONTEND_DIST"] = str(FRONTEND_DIST)
    env["CRACKDET_LOG_LEVEL"] = "warning"
    env["CRACKDET_OFFLINE"] = "1"  # never probe the internet for official weights
    return env


def _run_cli(crackdet: Path, args: list[str], env: dict[str, str], cwd: Path) -> None:
    result = subprocess.run(
        [str(crackdet), *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`crackdet {' '.join(args)}` failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )


def _wait_until_healthy(base_url: str, process: subprocess.Popen[str], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(f"{base_url}/api/v1/system/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(
        f"The server did not become healthy in {SERVER_START_TIMEOUT_S:.0f} s:\n{log_path.read_text()}"
    )


def _stop(process: subprocess.Popen[str]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    data_dir: Path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_built_frontend()
    crackdet = _crackdet_executable()
    workdir = tmp_path_factory.mktemp("e2e")
    data_dir = workdir / "data"
    env = _server_env(data_dir)
    _run_cli(crackdet, ["migrate"], env, workdir)
    _run_cli(crackdet, ["demo-data"], env, workdir)
    with serving(crackdet, env, workdir, data_dir) as server:
        yield server


def require_built_frontend() -> None:
    if not (FRONTEND_DIST / "index.html").is_file():
        pytest.fail(
            f"The front end is not built ({FRONTEND_DIST} has no index.html): "
            "run `npm run build` in frontend/."
        )


@contextmanager
def serving(crackdet: Path, env: dict[str, str], workdir: Path, data_dir: Path) -> Iterator[LiveServer]:
    """`crackdet serve` on a free loopback port until the block ends (its output in workdir/server.log)."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(crackdet), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_until_healthy(base_url, process, log_path)
            yield LiveServer(base_url=base_url, data_dir=data_dir)
        finally:
            _stop(process)


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file() and shutil.which(str(CHROMIUM)) is None:
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it with `apt-get install -y chromium`.")
    browser = playwright_instance.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _is_handled_api_not_found(message: ConsoleMessage) -> bool:
    """Chromium logs every 4xx answer as a console error. A 404 from the API is a state the pages show
    (e.g. /datasets/1: "Dataset not found"), not a fault; a 404 for anything else still counts."""
    return "status of 404" in message.text and "/api/v1/" in message.location.get("url", "")


@dataclass
class BrowserProblems:
    """Console errors, uncaught exceptions and failed requests seen by one page."""

    messages: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not _is_handled_api_not_found(message):
            self.messages.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_page_error(self, error: Exception) -> None:
        self.messages.append(f"uncaught exception: {error}")

    def on_request_failed(self, request: Request) -> None:
        # A navigation or reload cancels requests still in flight (favicon, a health poll): benign.
        if request.failure != "net::ERR_ABORTED":
            self.messages.append(f"request failed: {request.method} {request.url} ({request.failure})")


@dataclass
class ExpectedErrorStatus(BrowserProblems):
    """Chromium logs an expected error answer (`status`, from a URL ending in `url_suffix`) as a console
    error; that one is ignored, anything else counts."""

    status: int = 0
    url_suffix: str = ""

    def on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if f"status of {self.status}" in message.text and url.endswith(self.url_suffix):
            return
        super().on_console(message)


@contextmanager
def checked_page(browser: Browser, live_server: LiveServer, problems: BrowserProblems) -> Iterator[Page]:
    """A fresh browser context; fails the test if the page reported anything `problems` counts."""
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 1366, "height": 860})
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    new_page.on("console", problems.on_console)
    new_page.on("pageerror", problems.on_page_error)
    new_page.on("requestfailed", problems.on_request_failed)
    try:
        yield new_page
    finally:
        context.close()
    assert problems.messages == [], "The browser reported errors:\n" + "\n".join(problems.messages)


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context per test; fails the test if the page logged any error."""
    with checked_page(browser, live_server, BrowserProblems()) as new_page:
        yield new_page


IMPORT_TIMEOUT_S = 180.0


def import_model(base_url: str, weights: Path, name: str) -> str:
    """POST /models/import (as the Models page does) and wait for the job; returns the model's id."""
    with weights.open("rb") as handle:
        response = httpx.post(
            f"{base_url}/api/v1/models/import",
            files={"file": (weights.name, handle, "application/octet-stream")},
            data={"name": name},
            timeout=60.0,
        )
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    deadline = time.monotonic() + IMPORT_TIMEOUT_S
    while time.monotonic() < deadline:
        job = httpx.get(f"{base_url}/api/v1/models/imports/{job_id}", timeout=10.0).json()
        if job["status"] == "completed":
            return str(job["model_id"])
        assert job["status"] in ("queued", "running"), job
        time.sleep(0.5)
    pytest.fail(f"model import {job_id} did not finish in {IMPORT_TIMEOUT_S} s")
