"""Every route of the web app, in a real Chromium against the real server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer

pytestmark = pytest.mark.e2e

# path, data-testid of the page root, h1 text
ROUTES = [
    ("/", "page-dashboard", "Dashboard"),
    ("/training/new", "page-training-new", "Training"),
    ("/training/active", "page-training-active", "Training"),
    ("/training/history", "page-training-history", "Training"),
    ("/prediction", "page-prediction", "Prediction"),
    ("/datasets", "page-datasets", "Datasets"),
    ("/datasets/1", "page-dataset-detail", "Dataset"),
    ("/models", "page-models", "Models"),
    ("/models/1", "page-model-detail", "Model"),
    ("/settings", "page-settings", "Settings"),
    ("/this/route/does/not/exist", "page-not-found", "Page not found"),
]

SIDEBAR = ["Dashboard", "Training", "Prediction", "Datasets", "Models", "Settings"]


def expect_backend_healthy(page: Page) -> None:
    expect(page.get_by_test_id("backend-status")).to_have_text("Backend: healthy")


@pytest.mark.parametrize(("path", "test_id", "heading"), ROUTES, ids=[route[0] for route in ROUTES])
def test_route_loads_directly(page: Page, path: str, test_id: str, heading: str) -> None:
    page.goto(path)
    expect(page.get_by_test_id(test_id)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect_backend_healthy(page)


def test_sidebar_navigates_without_reloading(page: Page) -> None:
    page.goto("/")
    expect_backend_healthy(page)
    page.evaluate("window.__loadedOnce = true")
    nav = page.get_by_role("navigation", name="Main")
    for label in SIDEBAR:
        nav.get_by_role("link", name=label).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        expect(nav.get_by_role("link", name=label)).to_have_attribute("aria-current", "page")
    # A full page load would have dropped the marker.
    assert page.evaluate("window.__loadedOnce") is True


def test_training_index_redirects_to_new_run(page: Page) -> None:
    page.goto("/training")
    expect(page.get_by_test_id("page-training-new")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/training/new$"))


def test_deep_link_to_training_history(page: Page) -> None:
    page.goto("/training/history")
    expect(page.get_by_test_id("page-training-history")).to_be_visible()
    tabs = page.get_by_role("navigation", name="Training sections")
    expect(tabs.get_by_role("link", name="History")).to_have_attribute("aria-current", "page")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Training")
    ).to_have_attribute("aria-current", "page")
    tabs.get_by_role("link", name="Active").click()
    expect(page.get_by_test_id("page-training-active")).to_be_visible()
    page.go_back()
    expect(page.get_by_test_id("page-training-history")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("page-training-history")).to_be_visible()
    expect_backend_healthy(page)


def test_settings_shows_the_servers_real_system_info(page: Page, live_server: LiveServer) -> None:
    page.goto("/settings")
    settings = page.get_by_test_id("page-settings")
    expect(settings.get_by_text(str(live_server.data_dir), exact=True)).to_be_visible()
    expect(settings.get_by_text("sqlite", exact=True)).to_be_visible()
    expect(page.get_by_test_id("app-version")).to_have_text(re.compile(r"^v\d+\.\d+"))


def test_backend_status_dialog_shows_database_state(page: Page) -> None:
    page.goto("/")
    expect_backend_healthy(page)
    page.get_by_test_id("backend-status").click()
    dialog = page.get_by_role("dialog", name="Backend status")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Database")
    expect(dialog).to_contain_text("OK")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
