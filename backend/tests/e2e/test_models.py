"""Models in a real Chromium against the real server: a real tiny trained best.pt dropped on the import
dialog's drop zone is checked by a worker and listed; its page exports it to ONNX, and the download link
serves a non-empty .onnx file."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer

pytestmark = pytest.mark.e2e

MODEL_NAME = "E2E tiny cracks"
# Import: a worker loads the checkpoint with Ultralytics (first import of torch in that process).
IMPORT_TIMEOUT_MS = 90_000
# Export: Ultralytics ONNX export of a 96 px yolov8n-seg, a few seconds once the worker has started.
EXPORT_TIMEOUT_MS = 90_000


def test_import_a_pt_then_export_it_to_onnx_and_download(
    page: Page, live_server: LiveServer, trained_yolo_weights: Path
) -> None:
    page.goto("/models")
    expect(page.get_by_role("heading", level=1)).to_have_text("Models")
    page.get_by_role("button", name="Import model").click()
    dialog = page.get_by_role("dialog", name="Import a model")
    dialog.get_by_label("Model name").fill(MODEL_NAME)
    page.get_by_test_id("model-dropzone").locator("input[type=file]").set_input_files(trained_yolo_weights)

    expect(dialog).to_be_hidden(timeout=IMPORT_TIMEOUT_MS)
    row = page.get_by_test_id("model-row").filter(has_text=MODEL_NAME)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Imported")
    expect(row).to_contain_text("Segmentation")
    expect(row).to_contain_text("crack")

    row.get_by_role("link", name=MODEL_NAME).click()
    expect(page).to_have_url(re.compile(r"/models/[0-9a-f]+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(MODEL_NAME)

    page.get_by_role("button", name="Export", exact=True).first.click()
    export = page.get_by_role("dialog", name="Export model")
    expect(export.get_by_role("radio", name=re.compile(r"^TensorRT"))).to_be_disabled()
    expect(export.get_by_role("radio", name=re.compile(r"^ONNX"))).to_be_checked()
    export.get_by_role("button", name="Export to ONNX").click()

    download = export.get_by_role("link", name=re.compile(r"^Download model\.onnx"))
    expect(download).to_be_visible(timeout=EXPORT_TIMEOUT_MS)
    href = download.get_attribute("href")
    assert href is not None and href.endswith("/download")

    response = httpx.get(f"{live_server.base_url}{href}", timeout=30.0)
    assert response.status_code == 200
    assert len(response.content) > 1000, "the ONNX export is empty or truncated"
    assert ".onnx" in response.headers.get("content-disposition", "")

    export.get_by_role("button", name="Close").click()
    exports = page.get_by_role("table", name="Exports")
    expect(exports.get_by_test_id("export-row").filter(has_text="ONNX")).to_contain_text("Completed")
    expect(exports.get_by_role("link", name="Download")).to_have_attribute("href", href)
