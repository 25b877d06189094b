"""Inspections in a real Chromium against the real server: a structure with one inspection whose photo
carries EXIF GPS and a printed marker; the user opens it from the Inspections page, sees the photo on the
(offline) map with a scale bar and coloured by its worst severity, sees the marker scale with its
uncertainty on the inspection page, builds the report and downloads the PDF, which reads back."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from app.config import Settings
from app.db.session import dispose_engines
from tests.helpers.inspection_photos import MARKER_SIDE_MM, marked_photo

from .conftest import LiveServer

pytestmark = pytest.mark.e2e

JOB_TIMEOUT_S = 180.0


def _api(server: LiveServer, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, f"{server.base_url}/api/v1{path}", timeout=30.0, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def _wait_analysed(server: LiveServer, image_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while time.monotonic() < deadline:
        image = _api(server, "GET", f"/inspections/images/{image_id}")
        if image["analysis_status"] not in ("queued", "running"):
            return dict(image)
        time.sleep(0.5)
    pytest.fail(f"the analysis of {image_id} did not finish in {JOB_TIMEOUT_S} s")


def _screenshot(page: Page, tmp_path: Path, name: str) -> None:
    """Kept in tmp_path; also in CRACKDET_E2E_SCREENSHOT_DIR when set (for reviewing the page)."""
    target = Path(os.environ.get("CRACKDET_E2E_SCREENSHOT_DIR") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / name), full_page=True)


@pytest.fixture
def inspection(live_server: LiveServer) -> dict[str, Any]:
    """A structure with one inspection holding the marked, located photo (analysed)."""
    settings = Settings(data_dir=live_server.data_dir)
    prediction_id = marked_photo(settings)  # written straight into the server's database
    dispose_engines()
    structure = _api(
        live_server, "POST", "/structures", json={"name": "E2E Viaduct", "marker_side_mm": MARKER_SIDE_MM}
    )
    created = _api(
        live_server,
        "POST",
        f"/structures/{structure['id']}/inspections",
        json={"inspected_on": "2026-05-04", "inspector": "E2E Inspector"},
    )
    added = _api(
        live_server,
        "POST",
        f"/inspections/{created['id']}/images",
        json={"prediction_ids": [prediction_id], "element_label": "Pier 3"},
    )
    image = _wait_analysed(live_server, added["images"][0]["id"])
    assert image["analysis_status"] == "completed", image
    return {"structure": structure, "inspection": created, "image": image}


def test_map_and_report_download(
    page: Page, live_server: LiveServer, inspection: dict[str, Any], tmp_path: Path
) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inspections").click()
    page.get_by_role("link", name="E2E Viaduct").click()

    # The map: offline (no tile source set), one point coloured by the worst severity, a scale bar.
    map_region = page.get_by_test_id("structure-map")
    expect(map_region).to_be_visible()
    expect(map_region).to_have_attribute("data-points", "1")
    severity = inspection["image"]["worst_severity"] or "none"
    expect(map_region.locator(f"path.map-point.severity-{severity}")).to_have_count(1)
    expect(map_region.locator(".leaflet-control-scale-line")).to_be_visible()
    expect(map_region.locator(".leaflet-tile")).to_have_count(0)
    expect(page.get_by_text("offline map (no tile source set)", exact=False)).to_be_visible()
    _screenshot(page, tmp_path, "inspections-structure.png")

    # The inspection: the marker scale with its uncertainty and the crack in mm.
    page.get_by_role("link", name="2026-05-04").click()
    expect(page.get_by_role("heading", name="Inspection 2026-05-04")).to_be_visible()
    card = page.get_by_test_id(f"inspection-image-{inspection['image']['id']}")
    expect(card.get_by_test_id("scale-value")).to_contain_text("0.25")
    expect(card.get_by_test_id("scale-value")).to_contain_text("mm/px ±")
    expect(card.get_by_text("from Marker", exact=False)).to_be_visible()
    expect(card.get_by_role("table", name="Cracks of pier-3.jpg")).to_contain_text("narrow")

    # The report: built in a job, then downloaded from the page.
    page.get_by_role("button", name="Build report").click()
    download_link = page.get_by_role("link", name="Download PDF")
    expect(download_link).to_be_visible(timeout=JOB_TIMEOUT_S * 1000)
    with page.expect_download() as download_info:
        download_link.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    _screenshot(page, tmp_path, "inspections-inspection.png")
    assert saved.suffix == ".pdf" and saved.read_bytes().startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(saved).pages)
    for expected in ("E2E Viaduct", "E2E Inspector", "pier-3.jpg", "2026-05-04"):
        assert expected in text, expected
