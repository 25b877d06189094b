"""RF-DETR in the web app, in a real Chromium against the real server (real rfdetr on CPU).

The New form offers RF-DETR beside the YOLO families with its resolution rule and, offline without its
weights, says the run will train from scratch; a run started from it converts the demo dataset to COCO
and starts training. It is stopped right away so the single training slot is free for the other tests
(test_rfdetr_training.py covers a full run).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

DEMO_DATASET = "Demo: synthetic concrete cracks"
START_TIMEOUT_MS = 240_000  # importing rfdetr and torch in the worker, on a shared CPU


def fill_number(page: Page, label: str, value: int) -> None:
    field = page.get_by_label(label, exact=True)
    field.fill(str(value))
    expect(field).to_have_value(str(value))


def test_rfdetr_from_the_form_to_a_started_run(page: Page) -> None:
    page.goto("/training/new")
    expect(page.get_by_test_id("page-training-new")).to_be_visible()
    page.get_by_role("radiogroup", name="Dataset").get_by_text(DEMO_DATASET).click()

    page.get_by_role("radiogroup", name="Model family").get_by_text("RF-DETR Seg", exact=True).click()
    sizes = page.get_by_role("radiogroup", name="Model size")
    for name in ("rfdetr-seg-nano", "rfdetr-seg-small", "rfdetr-seg-2xlarge"):
        expect(sizes.get_by_text(name, exact=True)).to_be_visible()
    expect(page.get_by_role("radio", name="rfdetr-seg-nano")).to_be_checked()
    # RF-DETR's own defaults and resolution rule replace YOLO's.
    expect(page.get_by_label("Image size", exact=True)).to_have_value("312")
    expect(page.get_by_label("Initial learning rate (lr0)", exact=True)).to_have_value("0.0001")
    expect(page.get_by_label("Optimizer", exact=True)).to_have_count(0)
    # The family's own offline notice, as the API describes the family.
    expect(page.get_by_test_id("family-description")).to_contain_text("RF-DETR")
    notice = page.get_by_test_id("official-missing-notice")
    expect(notice).to_contain_text("RF-DETR weights cache: the run will train from scratch")

    fill_number(page, "Image size", 100)
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text("Must be a multiple of 12 (nearest: 96 or 108)")).to_be_visible()

    fill_number(page, "Image size", 96)
    fill_number(page, "Epochs", 1)
    fill_number(page, "Batch size", 2)
    page.get_by_label("Device", exact=True).select_option("cpu")
    page.get_by_text("Advanced settings").click()
    fill_number(page, "Data-loader workers", 0)
    page.get_by_role("button", name="Start training").click()

    expect(page).to_have_url(re.compile(r"/training/active/[0-9a-f]{32}$"))
    expect(page.get_by_test_id("session-name")).to_have_text(f"rfdetr-seg-nano on {DEMO_DATASET}")
    log = page.get_by_role("log", name="Training log")
    expect(log).to_contain_text("COCO layout for RF-DETR built", timeout=START_TIMEOUT_MS)
    expect(log).to_contain_text("Training 1 epochs", timeout=START_TIMEOUT_MS)

    page.get_by_role("button", name="Stop", exact=True).click()
    status = page.get_by_test_id("session-monitor").get_by_test_id("training-status").first
    expect(status).to_have_attribute("data-status", "stopped", timeout=START_TIMEOUT_MS)
