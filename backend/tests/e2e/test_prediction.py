"""The Prediction page in a real Chromium against the real server: a user imports a model (the session's
tiny synthetic-trained YOLO weights, over HTTP as the Models page does), drops a synthetic crack photo,
runs the model and sees the crack overlay and the crack table; the sliders re-filter in the browser."""

from __future__ import annotations

import os
import time
from pathlib import Path

import cv2
import httpx
import numpy as np
import pytest
from playwright.sync_api import Page, expect

from app.data.synthetic import render_crack_image

from .conftest import LiveServer

pytestmark = pytest.mark.e2e

IMPORT_TIMEOUT_S = 180.0
PREDICT_TIMEOUT_MS = 180_000


def _import_model(base_url: str, weights: Path) -> str:
    """POST /models/import and wait for the import job; returns the new model's id."""
    with weights.open("rb") as handle:
        response = httpx.post(
            f"{base_url}/api/v1/models/import",
            files={"file": (weights.name, handle, "application/octet-stream")},
            data={"name": "e2e tiny crack model"},
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


def _crack_photo(directory: Path) -> Path:
    image, _ = render_crack_image(np.random.default_rng(7), 640, 480, n_cracks=2, min_width=4, max_width=8)
    path = directory / "wall.png"
    assert cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


def _screenshot(page: Page, tmp_path: Path, name: str) -> None:
    """Kept in tmp_path; also in CRACKDET_E2E_SCREENSHOT_DIR when set (for reviewing the page)."""
    target = Path(os.environ.get("CRACKDET_E2E_SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / name), full_page=True)


def test_upload_run_and_see_overlay_and_crack_table(
    page: Page, live_server: LiveServer, trained_yolo_weights: Path, tmp_path: Path
) -> None:
    model_id = _import_model(live_server.base_url, trained_yolo_weights)
    photo = _crack_photo(tmp_path)

    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto("/prediction")
    root = page.get_by_test_id("page-prediction")
    expect(root.get_by_role("combobox").first).to_have_value(model_id, timeout=20_000)

    page.get_by_label("Images", exact=True).set_input_files(str(photo))
    expect(page.get_by_role("list", name="Chosen images")).to_contain_text("wall.png")
    page.get_by_label("Scale (mm per px)").fill("0.5")
    page.get_by_role("button", name="Run", exact=True).click()

    panel = page.get_by_test_id("results-panel")
    expect(panel).to_be_visible(timeout=PREDICT_TIMEOUT_MS)
    expect(page.get_by_test_id("batch-processor")).to_contain_text("1 of 1 images processed")
    overlay = page.get_by_test_id("prediction-overlay")
    expect(overlay).to_be_attached()
    expect(panel.get_by_role("img", name="wall.png")).to_be_visible()

    # The tiny model is weak: show every instance the server returned (its floor is 0.05).
    page.get_by_label("Confidence").fill("0.05")
    result = httpx.get(f"{live_server.base_url}/api/v1/predictions", timeout=10.0).json()["items"][0]
    detail = httpx.get(f"{live_server.base_url}/api/v1/predictions/{result['id']}", timeout=10.0).json()
    returned = len(detail["instances"])
    expect(page.get_by_test_id("image-summary")).to_be_visible()
    if returned > 0:
        rows = page.get_by_test_id("crack-row")
        expect(rows.first).to_be_visible()
        assert 1 <= rows.count() <= returned
        expect(page.locator("[data-testid^='overlay-instance-']").first).to_be_attached()
        expect(page.get_by_test_id("crack-table")).to_contain_text("mm")
    else:
        expect(page.get_by_test_id("crack-table-empty")).to_be_visible()

    # The export goes through POST /predict/export and arrives as a file download.
    page.get_by_label("Export format").select_option("csv")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    assert download_info.value.suggested_filename.endswith(".csv")

    expect(page.get_by_test_id("prediction-history")).to_contain_text("wall.png")
    _screenshot(page, tmp_path, "prediction-results.png")
