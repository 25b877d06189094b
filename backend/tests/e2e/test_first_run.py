"""A newcomer's first run, in a real Chromium against the real server (CPU only, offline):

demo dataset -> the training form with the settings it chose for this machine (only the epochs shortened,
to keep the test short) -> Start -> completed -> open the model -> predict a demo test image at the
default confidence -> the crack table has at least one row with a length and a width.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200)]

DEMO_DATASET = "Demo: synthetic concrete cracks"
SHORT_EPOCHS = 3
TRAINING_TIMEOUT_MS = 600_000
PREDICT_TIMEOUT_S = 180.0


def _demo_test_images(data_dir: Path) -> list[Path]:
    images = sorted((data_dir / "datasets").glob("*/images/test/*.jpg"))
    assert images, "the demo dataset has no test images"
    return images


def _labelled(image: Path) -> bool:
    label = image.parents[2] / "labels" / "test" / f"{image.stem}.txt"
    return label.is_file() and label.read_text().strip() != ""


def _latest_prediction(base_url: str, before: int) -> dict[str, object]:
    deadline = time.monotonic() + PREDICT_TIMEOUT_S
    while True:
        items = httpx.get(f"{base_url}/api/v1/predictions", timeout=10.0).json()["items"]
        if len(items) > before:
            detail = httpx.get(f"{base_url}/api/v1/predictions/{items[0]['id']}", timeout=10.0).json()
            assert isinstance(detail, dict)
            return detail
        assert time.monotonic() < deadline, "the prediction did not finish"
        time.sleep(0.5)


def test_first_run_with_the_forms_defaults_finds_demo_cracks(page: Page, live_server: LiveServer) -> None:
    defaults = httpx.get(f"{live_server.base_url}/api/v1/training/defaults", timeout=30.0).json()
    config = defaults["config"]

    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto("/training/new")
    expect(page.get_by_test_id("page-training-new")).to_be_visible()
    page.get_by_role("radiogroup", name="Dataset").get_by_text(DEMO_DATASET).click()
    expect(page.get_by_role("radio", name=DEMO_DATASET)).to_be_checked()

    # The form chose this machine's settings, says why, and estimates the duration before Start.
    expect(page.get_by_label("Epochs", exact=True)).to_have_value(str(config["epochs"]))
    expect(page.get_by_label("Image size", exact=True)).to_have_value(str(config["image_size"]))
    expect(page.get_by_test_id("run-reason")).to_contain_text("CPU only, offline")
    expect(page.get_by_test_id("run-duration")).to_contain_text("Estimated duration: about")
    if config["weights"] == "starter":
        expect(page.get_by_role("radio", name="Starter crack model")).to_be_checked()

    page.get_by_label("Epochs", exact=True).fill(str(SHORT_EPOCHS))
    expect(page.get_by_label("Epochs", exact=True)).to_have_value(str(SHORT_EPOCHS))
    page.get_by_role("button", name="Start training").click()

    expect(page).to_have_url(re.compile(r"/training/active/[0-9a-f]{32}$"))
    status = page.get_by_test_id("session-monitor").get_by_test_id("training-status").first
    expect(status).to_have_attribute("data-status", "completed", timeout=TRAINING_TIMEOUT_MS)

    page.get_by_role("link", name="Open the registered model").click()
    expect(page).to_have_url(re.compile(r"/models/[0-9a-f]{32}$"))
    model_id = page.url.rsplit("/", 1)[-1]

    image = next(path for path in _demo_test_images(live_server.data_dir) if _labelled(path))
    before = len(httpx.get(f"{live_server.base_url}/api/v1/predictions", timeout=10.0).json()["items"])
    page.goto("/prediction")
    model_select = page.get_by_test_id("page-prediction").get_by_role("combobox").first
    model_select.select_option(model_id)
    page.get_by_label("Images", exact=True).set_input_files(str(image))
    expect(page.get_by_role("list", name="Chosen images")).to_contain_text(image.name)
    page.get_by_role("button", name="Run", exact=True).click()
    detail = _latest_prediction(live_server.base_url, before)
    assert detail["params"]["conf"] == 0.25, detail["params"]  # type: ignore[index]

    rows = page.get_by_test_id("crack-row")
    expect(rows.first).to_be_visible(timeout=30_000)
    cells = rows.first.locator("td")
    expect(cells.nth(2)).to_have_text(re.compile(r"^\d+\.\d$"))  # length px
    expect(cells.nth(3)).to_have_text(re.compile(r"^\d+\.\d / \d+\.\d / \d+\.\d$"))  # width px
