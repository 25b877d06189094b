"""Datasets in a real Chromium against the real server: the demo dataset is listed; a synthetic zip dropped
on the import dialog's drop zone is uploaded, extracted and validated, and its detail page shows the
split statistics, the validation report and thumbnails that really load; a file that is not a zip is
refused with the server's message; the uploaded dataset is deleted through the confirmation dialog."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from app.data.demo import DEMO_SPEC
from app.data.synthetic import SyntheticSpec, generate_dataset, write_yolo_zip

from .conftest import ExpectedErrorStatus, LiveServer, checked_page

pytestmark = pytest.mark.e2e

DEMO_DATASET = "Demo: synthetic concrete cracks"
UPLOAD_NAME = "E2E synthetic cracks"
# 8 train + 2 val + 2 test images of 112 px: small enough to extract and validate in a second.
UPLOAD_SPEC = SyntheticSpec(seed=31, train=8, val=2, test=2, image_size=112)
UPLOAD_IMAGES = UPLOAD_SPEC.train + UPLOAD_SPEC.val + UPLOAD_SPEC.test
IMPORT_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def dataset_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Roboflow-style YOLO-seg export (train/ valid/ test/, `../train/images` paths in data.yaml)."""
    workdir = tmp_path_factory.mktemp("dataset-zip")
    generate_dataset(workdir / "dataset", UPLOAD_SPEC)
    return write_yolo_zip(workdir / "dataset", workdir / "synthetic-cracks.zip", layout="roboflow")


def open_import_dialog(page: Page) -> None:
    page.goto("/datasets")
    page.get_by_role("button", name="Import dataset").first.click()
    expect(page.get_by_role("dialog", name="Import a dataset")).to_be_visible()


def drop_zone_input(page: Page) -> Locator:
    return page.get_by_test_id("dataset-dropzone").locator("input[type=file]")


def test_demo_dataset_is_listed(page: Page) -> None:
    page.goto("/datasets")
    row = page.get_by_test_id("dataset-row").filter(has_text=DEMO_DATASET)
    expect(row).to_be_visible()
    expect(row).to_contain_text("Ready")
    expect(row).to_contain_text(f"train {DEMO_SPEC.train}")
    expect(row).to_contain_text("Demo · YOLO-seg")
    expect(page.get_by_test_id("storage-usage")).to_contain_text("Storage:")


def test_upload_a_zip_and_browse_its_thumbnails(page: Page, dataset_zip: Path) -> None:
    open_import_dialog(page)
    dialog = page.get_by_role("dialog", name="Import a dataset")
    dialog.get_by_label("Dataset name").fill(UPLOAD_NAME)
    drop_zone_input(page).set_input_files(dataset_zip)

    expect(dialog).to_be_hidden(timeout=IMPORT_TIMEOUT_MS)
    row = page.get_by_test_id("dataset-row").filter(has_text=UPLOAD_NAME)
    expect(row).to_be_visible()
    expect(row.get_by_text("Ready", exact=True)).to_be_visible(timeout=IMPORT_TIMEOUT_MS)
    expect(row).to_contain_text("Zip upload · YOLO-seg")
    expect(row).to_contain_text("train 8")
    expect(row).to_contain_text("Passed")

    row.get_by_role("link", name=UPLOAD_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(UPLOAD_NAME)
    expect(page).to_have_url(re.compile(r"/datasets/[0-9a-f]+$"))

    stats = page.get_by_role("table", name="Split statistics")
    expect(stats.get_by_role("row", name=re.compile(r"^Train"))).to_contain_text("8")
    expect(stats.get_by_role("row", name=re.compile(r"^Total"))).to_contain_text(str(UPLOAD_IMAGES))

    report = page.get_by_test_id("validation-report")
    expect(report).to_contain_text("Passed")
    expect(report).to_contain_text("Every image and label passed all checks.")

    thumbnails = page.get_by_test_id("dataset-image").locator("img")
    expect(thumbnails).to_have_count(UPLOAD_IMAGES)
    page.wait_for_function(
        """() => {
            const images = [...document.querySelectorAll('[data-testid="dataset-image"] img')];
            return images.length > 0 && images.every((img) => img.complete && img.naturalWidth > 0);
        }"""
    )
    assert page.get_by_test_id("mask-overlay").count() > 0
    page.get_by_role("switch", name="Show masks").click()
    expect(page.get_by_test_id("mask-overlay")).to_have_count(0)

    page.get_by_role("button", name=re.compile(r"^Validation 2")).click()
    expect(page.get_by_test_id("dataset-image")).to_have_count(UPLOAD_SPEC.val)

    page.get_by_role("button", name="Delete", exact=True).click()
    confirm = page.get_by_role("dialog", name="Delete dataset")
    confirm.get_by_role("button", name="Delete dataset").click()
    expect(page).to_have_url(re.compile(r"/datasets$"))
    expect(page.get_by_test_id("dataset-row").filter(has_text=UPLOAD_NAME)).to_have_count(0)
    expect(page.get_by_test_id("dataset-row").filter(has_text=DEMO_DATASET)).to_be_visible()


@pytest.fixture
def refusal_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """Chromium logs the expected 415 answer as a console error; anything else counts."""
    problems = ExpectedErrorStatus(status=415, url_suffix="/api/v1/datasets/upload")
    with checked_page(browser, live_server, problems) as new_page:
        yield new_page


def test_a_file_that_is_not_a_zip_is_refused_with_the_servers_message(
    refusal_page: Page, tmp_path: Path
) -> None:
    fake = tmp_path / "holiday-photos.zip"
    fake.write_bytes(b"this is not a zip archive\n" * 64)
    open_import_dialog(refusal_page)
    drop_zone_input(refusal_page).set_input_files(fake)

    alert = refusal_page.get_by_role("dialog", name="Import a dataset").get_by_role("alert")
    expect(alert).to_contain_text("This is not a zip archive")
    expect(alert).to_contain_text("not a readable zip archive")
    refusal_page.keyboard.press("Escape")
    expect(refusal_page.get_by_test_id("dataset-row").filter(has_text="holiday-photos")).to_have_count(0)
