"""Training through the web app, in a real Chromium against the real server (real Ultralytics on CPU).

Starts a tiny yolov8n-seg run from scratch on the demo dataset from the New form, follows it on the
Active view until it completes (the loss chart has one point per epoch), then finds it in the History.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

DEMO_DATASET = "Demo: synthetic concrete cracks"
EPOCHS = 2
# Two epochs of the demo's 64 training images at 64 px take seconds; importing torch/Ultralytics in the
# worker and the final validation take longer. CPU is shared in CI: be generous.
TRAINING_TIMEOUT_MS = 240_000


RECORD_POINT_COUNTS = """() => {
    const chart = document.querySelector('[data-testid="loss-chart"]');
    window.__pointCounts = [chart.getAttribute('data-points')];
    new MutationObserver(() => {
        const count = chart.getAttribute('data-points');
        if (window.__pointCounts.at(-1) !== count) window.__pointCounts.push(count);
    }).observe(chart, { attributes: true, attributeFilter: ['data-points'] });
}"""


def fill_number(page: Page, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    expect(field).to_have_value(str(value))


def start_tiny_run(page: Page) -> None:
    page.goto("/training/new")
    expect(page.get_by_test_id("page-training-new")).to_be_visible()

    page.get_by_role("radiogroup", name="Dataset").get_by_text(DEMO_DATASET).click()
    expect(page.get_by_role("radio", name=DEMO_DATASET)).to_be_checked()
    page.get_by_role("radiogroup", name="Model family").get_by_text("YOLOv8", exact=True).click()
    page.get_by_role("radiogroup", name="Model size").get_by_text("yolov8n-seg", exact=True).click()
    expect(page.get_by_role("radio", name="yolov8n-seg")).to_be_checked()
    page.get_by_role("radiogroup", name="Starting weights").get_by_text("From scratch", exact=True).click()
    expect(page.get_by_role("radio", name="From scratch")).to_be_checked()

    # The form starts from the server's defaults (machine-aware: the CPU recipe here).
    epochs = page.request.get("/api/v1/training/defaults").json()["config"]["epochs"]
    expect(page.get_by_label("Epochs", exact=True)).to_have_value(str(epochs))
    fill_number(page, "Epochs", EPOCHS)
    fill_number(page, "Image size", 64)
    fill_number(page, "Batch size", 4)
    page.get_by_label("Device", exact=True).select_option("cpu")
    page.get_by_text("Advanced settings").click()
    fill_number(page, "Data-loader workers", 0)

    page.get_by_role("button", name="Start training").click()


def test_training_from_the_form_to_a_completed_run(page: Page) -> None:
    start_tiny_run(page)

    expect(page).to_have_url(re.compile(r"/training/active/[0-9a-f]{32}$"))
    monitor = page.get_by_test_id("session-monitor")
    expect(monitor).to_be_visible()
    expect(page.get_by_test_id("session-name")).to_have_text(f"yolov8n-seg on {DEMO_DATASET}")

    loss_chart = page.get_by_test_id("loss-chart")
    expect(loss_chart).to_be_visible()
    # Record every point count the chart shows, to see it grow one epoch at a time.
    page.evaluate(RECORD_POINT_COUNTS)
    expect(loss_chart).to_have_attribute("data-points", str(EPOCHS), timeout=TRAINING_TIMEOUT_MS)
    status = monitor.get_by_test_id("training-status").first
    expect(status).to_have_attribute("data-status", "completed", timeout=TRAINING_TIMEOUT_MS)

    counts = page.evaluate("window.__pointCounts")
    assert [count for count in counts if count != "0"] == ["1", "2"], counts

    # The chart really draws a line through both points, and the rest of the view agrees.
    expect(loss_chart.locator(".recharts-line-curve").first).to_be_visible()
    expect(loss_chart.locator(".recharts-line-dots").first.locator("circle")).to_have_count(EPOCHS)
    expect(page.get_by_test_id("map-chart")).to_have_attribute("data-points", str(EPOCHS))
    expect(page.get_by_test_id("progress-percent")).to_have_text("100.0%")
    expect(page.get_by_test_id("card-epoch")).to_contain_text(f"{EPOCHS} / {EPOCHS}")
    expect(page.get_by_role("log", name="Training log")).to_contain_text("Completed")
    expect(page.get_by_test_id("checkpoint-row").first).to_be_visible()
    expect(page.get_by_role("link", name="Open the registered model")).to_be_visible()

    # Reopening the page replays the whole history from the server: the same two points.
    page.reload()
    expect(page.get_by_test_id("loss-chart")).to_have_attribute("data-points", str(EPOCHS))
    expect(page.get_by_test_id("training-status").first).to_have_attribute("data-status", "completed")

    # The run is in the history with its outcome and a CSV export.
    page.get_by_role("navigation", name="Training sections").get_by_role("link", name="History").click()
    row = page.get_by_test_id("session-row").filter(has_text=f"yolov8n-seg on {DEMO_DATASET}").first
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text(f"{EPOCHS} / {EPOCHS}")
    csv_link = row.get_by_role("link", name=re.compile("Download the metrics"))
    href = csv_link.get_attribute("href")
    assert href is not None
    csv = page.request.get(href)
    assert csv.ok
    lines = csv.text().strip().splitlines()
    assert lines[0].startswith("epoch,")
    assert [line.split(",")[0] for line in lines[1:]] == ["1", "2"]
