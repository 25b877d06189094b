"""Access control in a real Chromium against a real server started with CRACKDET_AUTH=required: the login
page, a wrong password, the user menu, an admin creating a viewer and an API token (shown once, and usable
by a script), and signing out.

The server has its own data directory and an admin created beforehand with `crackdet create-admin
--password-stdin`, exactly as an operator would do before serving a team.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from .conftest import (
    COMMAND_TIMEOUT_S,
    BrowserProblems,
    LiveServer,
    _crackdet_executable,
    _run_cli,
    _server_env,
    require_built_frontend,
    serving,
)

pytestmark = pytest.mark.e2e

ADMIN_NAME = "admin"
ADMIN_PASSWORD = "e2e admin password"
VIEWER_NAME = "vera.viewer"
VIEWER_PASSWORD = "e2e viewer password"


@pytest.fixture(scope="module")
def auth_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    require_built_frontend()
    crackdet = _crackdet_executable()
    workdir = tmp_path_factory.mktemp("e2e-auth")
    data_dir = workdir / "data"
    env = {**_server_env(data_dir), "CRACKDET_AUTH": "required"}
    _run_cli(crackdet, ["migrate"], env, workdir)
    created = subprocess.run(
        [str(crackdet), "create-admin", "--username", ADMIN_NAME, "--password-stdin"],
        input=f"{ADMIN_PASSWORD}\n",
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    assert created.returncode == 0, f"create-admin failed:\n{created.stdout}\n{created.stderr}"
    assert ADMIN_PASSWORD not in created.stdout + created.stderr

    with serving(crackdet, env, workdir, data_dir) as server:
        yield server


class AuthBrowserProblems(BrowserProblems):
    """Also accepts the API's 401 answers: a wrong password is one, and so are the data requests of
    the first page a new browser renders before the app learns it must sign in (they route to the
    login page). Any other console error still fails the test."""

    def on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if "status of 401" in message.text and "/api/v1/" in url:
            return
        super().on_console(message)


@pytest.fixture
def auth_page(browser: Browser, auth_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=auth_server.base_url, viewport={"width": 1366, "height": 860})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = AuthBrowserProblems()
    page.on("console", problems.on_console)
    page.on("pageerror", problems.on_page_error)
    page.on("requestfailed", problems.on_request_failed)
    try:
        yield page
    finally:
        context.close()
    assert problems.messages == [], "The browser reported errors:\n" + "\n".join(problems.messages)


def _sign_in(page: Page, username: str, password: str) -> None:
    form = page.get_by_role("form", name="Sign in")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(password)
    form.get_by_role("button", name="Sign in").click()


def _open_user_menu(page: Page) -> None:
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("menu", name="Account")).to_be_visible()


def test_login_user_admin_api_token_and_logout(auth_page: Page, auth_server: LiveServer) -> None:
    page = auth_page
    # Unauthenticated: the login page, remembering where the visit was going.
    page.goto("/settings")
    expect(page.get_by_test_id("page-login")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login\?next=" + re.escape(quote("/settings", safe=""))))
    expect(page.get_by_test_id("page-settings")).to_have_count(0)

    _sign_in(page, ADMIN_NAME, "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_test_id("page-login")).to_be_visible()

    _sign_in(page, ADMIN_NAME, ADMIN_PASSWORD)
    expect(page.get_by_test_id("page-settings")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_test_id("user-menu")).to_contain_text(ADMIN_NAME)
    expect(page.get_by_test_id("user-menu")).to_contain_text("Admin")

    # The dashboard works with the session (its data requests and WebSockets are authenticated).
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_test_id("page-dashboard")).to_be_visible()
    expect(page.get_by_test_id("backend-status")).to_have_text("Backend: healthy")
    expect(page.get_by_test_id("header-gpu-status")).to_contain_text("CPU only", timeout=20_000)

    # The admin creates a viewer from the user menu's Users link.
    _open_user_menu(page)
    page.get_by_role("menuitem", name="Users").click()
    users = page.get_by_test_id("users-panel")
    users.get_by_role("button", name="Add user").click()
    form = users.get_by_role("form", name="New account")
    form.get_by_label("Username").fill(VIEWER_NAME)
    form.get_by_label("Initial password").fill(VIEWER_PASSWORD)
    form.get_by_label("Role").select_option("viewer")
    form.get_by_role("button", name="Create account").click()
    viewer_row = users.get_by_test_id(f"user-row-{VIEWER_NAME}")
    expect(viewer_row.get_by_role("combobox", name=f"Role of {VIEWER_NAME}")).to_have_value("viewer")

    # An API token: its secret is shown once, works for a script, and is gone after dismissing it.
    tokens = page.get_by_test_id("api-tokens-panel")
    tokens.get_by_label("Token name").fill("e2e script")
    tokens.get_by_role("button", name="Create token").click()
    secret_box = tokens.get_by_test_id("new-token-secret")
    expect(secret_box).to_have_text(re.compile(r"^cdt_\S{20,}$"))
    secret = secret_box.inner_text().strip()
    as_script = httpx.get(
        f"{auth_server.base_url}/api/v1/auth/status", headers={"Authorization": f"Bearer {secret}"}
    )
    assert as_script.json()["user"]["username"] == ADMIN_NAME
    assert httpx.get(f"{auth_server.base_url}/api/v1/datasets").status_code == 401
    tokens.get_by_role("button", name="I have saved it").click()
    expect(tokens.get_by_test_id("new-token-secret")).to_have_count(0)
    expect(tokens.get_by_role("row").filter(has_text="e2e script")).to_contain_text(secret[:8])
    page.reload()
    expect(page.get_by_test_id("api-tokens-panel")).to_contain_text("e2e script")
    expect(page.get_by_text(secret)).to_have_count(0)

    # Sign out: back to the login page, and the app stays closed.
    _open_user_menu(page)
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page.get_by_test_id("page-login")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_have_count(0)
    page.goto("/datasets")
    expect(page.get_by_test_id("page-login")).to_be_visible()
    expect(page.get_by_test_id("page-datasets")).to_have_count(0)

    # The new viewer signs in: read only, and no user administration.
    _sign_in(page, VIEWER_NAME, VIEWER_PASSWORD)
    expect(page.get_by_test_id("page-datasets")).to_be_visible()
    expect(page.get_by_test_id("user-menu")).to_contain_text("Read only")
    page.goto("/settings")
    expect(page.get_by_test_id("api-tokens-panel")).to_be_visible()
    expect(page.get_by_test_id("users-panel")).to_have_count(0)
    expect(page.get_by_text("Only admins can change these settings.")).to_be_visible()
