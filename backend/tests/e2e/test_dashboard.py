"""The dashboard, header GPU status, notifications and Settings > GPU in a real Chromium against the real
server on this machine (no GPU: the real NVML finds none, and the pages must say so)."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from app.config import Settings
from app.services.notifications import notify

from .conftest import LiveServer

pytestmark = pytest.mark.e2e


def _server_settings(live_server: LiveServer) -> Settings:
    database = live_server.data_dir / "crackdet.db"
    return Settings(data_dir=live_server.data_dir, database_url=f"sqlite:///{database}")


def test_dashboard_is_live_and_says_there_is_no_gpu(page: Page, live_server: LiveServer) -> None:
    summary = httpx.get(f"{live_server.base_url}/api/v1/dashboard/summary").json()
    page.goto("/")

    header_gpu = page.get_by_test_id("header-gpu-status")
    expect(header_gpu).to_contain_text("CPU only", timeout=20_000)  # first /ws/gpu sample
    expect(page.get_by_test_id("no-gpu")).to_contain_text("No NVIDIA GPU found: training runs on the CPU.")
    expect(page.get_by_test_id("summary-gpu")).to_contain_text("CPU only")
    expect(page.get_by_test_id("summary-datasets")).to_contain_text(str(summary["datasets"]))
    expect(page.get_by_role("meter", name="RAM")).to_be_visible()
    expect(page.get_by_role("meter", name="Disk (data directory)")).to_be_visible()
    issues = page.get_by_role("list", name="System issues")
    expect(issues).to_contain_text("No NVIDIA GPU found: training runs on the CPU")

    # The CPU chart grows with the live samples (one every 2 s).
    chart = page.get_by_test_id("gpu-metric-chart-cpu")
    expect(chart).to_be_visible()
    first = int(chart.get_attribute("data-points") or "0")
    expect(chart).not_to_have_attribute("data-points", str(first), timeout=10_000)

    page.get_by_role("button", name="7 days").click()
    expect(page.get_by_text(re.compile("one-minute averages"))).to_be_visible()


def test_notification_pops_up_and_is_kept_in_the_list(page: Page, live_server: LiveServer) -> None:
    page.goto("/")
    expect(page.get_by_test_id("header-gpu-status")).to_contain_text("CPU only", timeout=20_000)
    # As a training worker would: another process writes the row, the server pushes it.
    notify(
        _server_settings(live_server),
        "success",
        "Training finished: e2e-run",
        "Best mask mAP50 0.61",
        source="training",
    )

    toast = page.get_by_text("Training finished: e2e-run", exact=True)  # not the screen-reader echo
    expect(toast).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("unread-count")).to_be_visible()

    page.get_by_role("button", name=re.compile(r"^Notifications")).click()
    centre = page.get_by_role("dialog", name="Notification centre")
    expect(centre.get_by_text("Training finished: e2e-run")).to_be_visible()
    centre.get_by_role("button", name="Mark all read").click()
    expect(page.get_by_test_id("unread-count")).to_have_count(0)


def test_gpu_thresholds_are_edited_in_settings(page: Page, live_server: LiveServer) -> None:
    page.goto("/settings")
    warning = page.get_by_label("Temperature warning (°C)")
    expect(warning).to_have_value("80")
    warning.fill("95")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The temperature warning must be below the critical threshold")).to_be_visible()

    warning.fill("75")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Monitoring settings saved", exact=True)).to_be_visible()
    stored = httpx.get(f"{live_server.base_url}/api/v1/settings/monitoring").json()
    assert stored["temperature_warning_c"] == 75

    page.reload()
    expect(page.get_by_label("Temperature warning (°C)")).to_have_value("75")
    httpx.put(
        f"{live_server.base_url}/api/v1/settings/monitoring", json={**stored, "temperature_warning_c": 80}
    )
