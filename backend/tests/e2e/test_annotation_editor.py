"""The mask editor in a real Chromium against the real server: from the demo dataset's image browser the
user opens an image in the editor, draws a polygon with the mouse (P, three clicks, Enter), saves, reloads
and sees it again (and the API returns it as a drawn instance); undo and redo work from the keyboard; a save
from a stale ETag shows the saved state instead of overwriting it; a version is created from the dataset
page with its message and counts."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import ExpectedErrorStatus, LiveServer, checked_page, import_model

pytestmark = pytest.mark.e2e

DEMO_DATASET = "Demo: synthetic concrete cracks"
# Where the three clicks land, as fractions of the canvas (the image is fitted in the middle).
TRIANGLE = [(0.45, 0.40), (0.58, 0.40), (0.58, 0.58)]


def open_first_image_in_editor(page: Page) -> str:
    """Dataset list -> demo dataset -> first thumbnail -> "Edit annotations"; returns the editor URL."""
    page.goto("/datasets")
    page.get_by_role("link", name=DEMO_DATASET).first.click()
    first = page.get_by_test_id("dataset-image").first
    expect(first.locator("img")).to_be_visible()
    first.get_by_role("button").click()
    page.get_by_role("link", name="Edit annotations").click()
    expect(page.get_by_test_id("page-annotation-editor")).to_be_visible()
    expect(page.get_by_test_id("editor-canvas")).to_be_visible()
    return page.url


def instance_rows(page: Page):
    return page.get_by_test_id("editor-instance")


def click_canvas(page: Page, fx: float, fy: float) -> None:
    box = page.get_by_test_id("editor-canvas").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)


def backdrop_drawn(page: Page) -> bool:
    """Whether the canvas shows the photo (pixels other than the editor's dark background)."""
    return bool(
        page.evaluate(
            """() => {
              const canvas = document.querySelector('[data-testid="editor-canvas"]');
              const ctx = canvas.getContext('2d');
              const { data } = ctx.getImageData(canvas.width / 2 - 20, canvas.height / 2 - 20, 40, 40);
              for (let i = 0; i < data.length; i += 4) {
                const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
                if (Math.abs(r - 15) + Math.abs(g - 23) + Math.abs(b - 42) > 30) return true;
              }
              return false;
            }"""
        )
    )


@pytest.fixture
def first_image_url(live_server: LiveServer) -> Iterator[str]:
    """The annotations URL of the demo dataset's first image; its annotations are put back afterwards, so
    the other browser tests of this server see the demo dataset as it was."""
    base = live_server.base_url
    datasets = httpx.get(f"{base}/api/v1/datasets", timeout=10).json()["items"]
    dataset_id = next(item["id"] for item in datasets if item["name"] == DEMO_DATASET)
    images = httpx.get(f"{base}/api/v1/datasets/{dataset_id}/images", params={"limit": 1}, timeout=10)
    image_id = images.json()["items"][0]["id"]
    url = f"{base}/api/v1/datasets/{dataset_id}/images/{image_id}/annotations"
    original = httpx.get(url, timeout=10).json()
    yield url
    current = httpx.get(url, timeout=10)
    restored = httpx.put(
        url,
        json={"instances": original["instances"], "reviewed": original["reviewed"]},
        headers={"If-Match": current.headers["ETag"]},
        timeout=10,
    )
    assert restored.status_code == 200, restored.text


@pytest.fixture
def conflict_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """Chromium logs the expected 409 answer as a console error; anything else counts."""
    problems = ExpectedErrorStatus(status=409, url_suffix="/annotations")
    with checked_page(browser, live_server, problems) as new_page:
        yield new_page


def test_draw_a_polygon_save_reload_and_see_it(page: Page, first_image_url: str) -> None:
    editor_url = open_first_image_in_editor(page)
    assert first_image_url.endswith(
        editor_url.split("/datasets/", 1)[1].removesuffix("/edit") + "/annotations"
    )
    expect(page.get_by_text("Loading the image…")).to_have_count(0)
    page.wait_for_function("() => document.querySelector('[data-testid=\"editor-canvas\"]').width > 0")
    assert backdrop_drawn(page)
    before = instance_rows(page).count()

    page.keyboard.press("p")
    expect(page.get_by_role("button", name="Polygon")).to_have_attribute("aria-pressed", "true")
    for fx, fy in TRIANGLE:
        click_canvas(page, fx, fy)
    page.keyboard.press("Enter")
    expect(instance_rows(page)).to_have_count(before + 1)
    expect(instance_rows(page).last).to_contain_text("drawn")
    expect(page.get_by_text("Unsaved changes")).to_be_visible()

    # undo / redo from the keyboard
    page.keyboard.press("Control+z")
    expect(instance_rows(page)).to_have_count(before)
    page.keyboard.press("Control+Shift+Z")
    expect(instance_rows(page)).to_have_count(before + 1)

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    expect(page.get_by_text("Unsaved changes")).to_have_count(0)

    page.reload()
    expect(page.get_by_test_id("page-annotation-editor")).to_be_visible()
    expect(instance_rows(page)).to_have_count(before + 1)
    expect(instance_rows(page).last).to_contain_text("drawn")

    # the server holds it: a drawn triangle inside the image
    answer = httpx.get(first_image_url, timeout=10)
    assert answer.status_code == 200
    state = answer.json()
    drawn = [item for item in state["instances"] if item["source"] == "drawn"]
    assert len(drawn) == 1
    polygon = drawn[0]["polygon"]
    assert len(polygon) == 3
    assert all(0 <= x <= state["width"] and 0 <= y <= state["height"] for x, y in polygon)
    # clicks left to right then down: the first two points share a row, the last two a column
    assert polygon[0][1] == pytest.approx(polygon[1][1], abs=1.0)
    assert polygon[1][0] == pytest.approx(polygon[2][0], abs=1.0)
    assert polygon[1][0] > polygon[0][0] and polygon[2][1] > polygon[1][1]


def test_a_stale_save_shows_the_saved_state(conflict_page: Page, first_image_url: str) -> None:
    page = conflict_page
    open_first_image_in_editor(page)
    url = first_image_url
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    count = instance_rows(page).count()

    # someone else saves first (through the API, with the current ETag)
    current = httpx.get(url, timeout=10)
    body = current.json()
    theirs = httpx.put(
        url,
        json={"instances": body["instances"][:0], "reviewed": True},
        headers={"If-Match": current.headers["ETag"]},
        timeout=10,
    )
    assert theirs.status_code == 200, theirs.text

    page.keyboard.press("p")
    for fx, fy in TRIANGLE:
        click_canvas(page, fx, fy)
    page.keyboard.press("Enter")
    expect(instance_rows(page)).to_have_count(count + 1)
    page.get_by_role("button", name="Save").click()

    conflict = page.get_by_test_id("annotation-conflict")
    expect(conflict).to_contain_text("0 instances")
    expect(conflict).to_contain_text("· reviewed")
    # nothing was overwritten
    assert httpx.get(url, timeout=10).json()["instances"] == []
    page.get_by_role("button", name="Reload the saved state").click()
    expect(instance_rows(page)).to_have_count(0)


def test_create_a_version_from_the_dataset_page(page: Page) -> None:
    page.goto("/datasets")
    page.get_by_role("link", name=DEMO_DATASET).first.click()
    versions = page.get_by_test_id("dataset-versions")
    expect(versions).to_be_visible()
    versions.get_by_label("Message").fill("E2E snapshot")
    versions.get_by_role("button", name="Create version").click()
    row = versions.get_by_role("row").filter(has_text="E2E snapshot")
    expect(row).to_be_visible()
    expect(row).to_contain_text(re.compile(r"v\d+"))
    expect(row.get_by_role("link", name=re.compile(r"Download v\d+ as yolo-seg"))).to_have_attribute(
        "href", re.compile(r"/versions/[^/]+/download\?format=yolo-seg$")
    )


PREDICT_TIMEOUT_MS = 180_000
FLOW_DATASET = "E2E pre-labels"


def run_and_wait(page: Page, base_url: str) -> None:
    """Click Run for the chosen image and wait until its prediction is stored and shown."""

    def stored() -> int:
        return len(httpx.get(f"{base_url}/api/v1/predictions", timeout=10.0).json()["items"])

    before = stored()
    page.get_by_role("button", name="Run", exact=True).click()
    deadline = time.monotonic() + PREDICT_TIMEOUT_MS / 1000
    while stored() == before:
        assert time.monotonic() < deadline, "the prediction did not finish"
        time.sleep(0.5)
    expect(page.get_by_test_id("results-panel")).to_be_visible(timeout=PREDICT_TIMEOUT_MS)
    expect(page.get_by_test_id("batch-processor")).to_contain_text("1 of 1 images processed")


def test_predict_add_to_dataset_correct_and_version(
    page: Page, live_server: LiveServer, trained_yolo_weights: Path
) -> None:
    """The loop in the browser: a prediction becomes pre-labels in a new dataset, the review queue opens
    the image in the editor, one predicted mask is replaced by a drawn one, the save accepts the image,
    and a version of the corrected dataset is created with its counts."""
    base = live_server.base_url
    model_id = import_model(base, trained_yolo_weights, "e2e curation model")
    photo = sorted((trained_yolo_weights.parents[3] / "dataset" / "images" / "val").glob("*.jpg"))[0]

    # predict at the lowest confidence (the tiny model's scores are low)
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto("/prediction")
    root = page.get_by_test_id("page-prediction")
    root.get_by_role("combobox").first.select_option(model_id)
    page.get_by_label("Images", exact=True).set_input_files(str(photo))
    page.get_by_label("Image size (px)").fill("96")
    run_and_wait(page, base)
    # the confidence slider sits next to the results; its value goes with the next run
    page.get_by_label("Confidence").fill("0")
    run_and_wait(page, base)
    panel = page.get_by_test_id("results-panel")

    # add to a new dataset as pre-labels
    panel.get_by_role("button", name="Add to dataset").click()
    dialog = page.get_by_role("dialog", name="Add to dataset")
    dialog.get_by_label("Confidence threshold").fill("0")
    dialog.get_by_label("New dataset name").fill(FLOW_DATASET)
    dialog.get_by_role("button", name="Add", exact=True).click()
    result = dialog.get_by_test_id("add-to-dataset-result")
    expect(result).to_contain_text(re.compile(r"Added 1 image with \d+ instances?\."))
    added = re.search(r"with (\d+) instance", result.inner_text())
    assert added is not None
    predicted = int(added.group(1))
    assert predicted >= 1, "the tiny model's pre-labels of its own val image are empty"
    dialog.get_by_role("link", name="Open the review queue").click()

    # the review queue opens it in the editor; one predicted mask is replaced by a drawn polygon
    queue = page.get_by_test_id("page-review-queue")
    expect(queue).to_contain_text("1 of 1 images to review")
    page.keyboard.press("e")
    expect(page.get_by_test_id("page-annotation-editor")).to_be_visible()
    expect(instance_rows(page)).to_have_count(predicted)
    expect(instance_rows(page).first).to_contain_text("predicted")
    instance_rows(page).first.get_by_role("button", name=re.compile(r"^#1")).click()
    page.keyboard.press("Delete")
    expect(instance_rows(page)).to_have_count(predicted - 1)
    page.keyboard.press("p")
    for fx, fy in TRIANGLE:
        click_canvas(page, fx, fy)
    page.keyboard.press("Enter")
    expect(instance_rows(page)).to_have_count(predicted)
    page.get_by_role("button", name="Save and accept").click()
    expect(queue).to_contain_text("0 of 1 images to review")
    expect(queue).to_contain_text("Everything is reviewed")

    # a version of the corrected dataset
    page.get_by_role("link", name=FLOW_DATASET).click()
    versions = page.get_by_test_id("dataset-versions")
    versions.get_by_label("Message").fill("corrected one mask")
    versions.get_by_role("button", name="Create version").click()
    row = versions.get_by_role("row").filter(has_text="corrected one mask")
    expect(row).to_contain_text("v1")
    expect(row).to_contain_text(f"1 / {predicted}")
    expect(row).to_contain_text("First version")

    datasets = httpx.get(f"{base}/api/v1/datasets", timeout=10).json()["items"]
    dataset_id = next(item["id"] for item in datasets if item["name"] == FLOW_DATASET)
    image_id = httpx.get(f"{base}/api/v1/datasets/{dataset_id}/images", timeout=10).json()["items"][0]["id"]
    state = httpx.get(f"{base}/api/v1/datasets/{dataset_id}/images/{image_id}/annotations", timeout=10).json()
    assert state["reviewed"] is True
    sources = sorted(item["source"] for item in state["instances"])
    assert sources == ["drawn"] + ["predicted"] * (predicted - 1)


TRAINING_TIMEOUT_MS = 240_000


def test_train_on_a_version_and_see_it_in_the_lineage(page: Page, live_server: LiveServer) -> None:
    """The training form picks a version of the demo dataset; the tiny run's model names it."""
    base = live_server.base_url
    datasets = httpx.get(f"{base}/api/v1/datasets", timeout=10).json()["items"]
    dataset_id = next(item["id"] for item in datasets if item["name"] == DEMO_DATASET)
    created = httpx.post(
        f"{base}/api/v1/datasets/{dataset_id}/versions", json={"message": "e2e training snapshot"}, timeout=60
    )
    assert created.status_code == 201, created.text
    version = created.json()

    page.goto("/training/new")
    expect(page.get_by_test_id("page-training-new")).to_be_visible()
    page.get_by_role("radiogroup", name="Dataset").get_by_text(DEMO_DATASET).click()
    page.get_by_role("radiogroup", name="Model family").get_by_text("YOLOv8", exact=True).click()
    page.get_by_role("radiogroup", name="Model size").get_by_text("yolov8n-seg", exact=True).click()
    page.get_by_role("radiogroup", name="Starting weights").get_by_text("From scratch", exact=True).click()
    picker = page.get_by_label("Dataset version")
    option = f"v{version['number']} · e2e training snapshot"
    expect(picker.locator("option", has_text=option)).to_have_count(1)
    picker.select_option(version["id"])
    for label, value in (("Epochs", 1), ("Image size", 64), ("Batch size", 4)):
        page.get_by_label(label, exact=True).fill(str(value))
    page.get_by_label("Device", exact=True).select_option("cpu")
    page.get_by_text("Advanced settings").click()
    page.get_by_label("Data-loader workers", exact=True).fill("0")
    page.get_by_role("button", name="Start training").click()

    expect(page).to_have_url(re.compile(r"/training/active/[0-9a-f]{32}$"))
    status = page.get_by_test_id("session-monitor").get_by_test_id("training-status").first
    expect(status).to_have_attribute("data-status", "completed", timeout=TRAINING_TIMEOUT_MS)
    page.get_by_role("link", name="Open the registered model").click()
    lineage = page.get_by_test_id("lineage-dataset-version")
    expect(lineage).to_have_text(re.compile(rf"^v{version['number']}\b"))
