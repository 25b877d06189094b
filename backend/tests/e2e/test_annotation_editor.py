"""The mask editor in a real Chromium against the real server: from the demo dataset's image browser the
user opens an image in the editor, draws a polygon with the mouse (P, three clicks, Enter), saves, reloads
and sees it again (and the API returns it as a drawn instance); undo and redo work from the keyboard; a save
from a stale ETag shows the saved state instead of overwriting it; a version is created from the dataset
page with its message and counts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from .conftest import BrowserProblems, LiveServer

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


class ConflictExpected(BrowserProblems):
    """Chromium logs the expected 409 answer to the stale save as a console error; anything else counts."""

    def on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if "status of 409" in message.text and url.endswith("/annotations"):
            return
        super().on_console(message)


@pytest.fixture
def conflict_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.base_url, viewport={"width": 1366, "height": 860})
    context.set_default_timeout(15_000)
    new_page = context.new_page()
    problems = ConflictExpected()
    new_page.on("console", problems.on_console)
    new_page.on("pageerror", problems.on_page_error)
    new_page.on("requestfailed", problems.on_request_failed)
    try:
        yield new_page
    finally:
        context.close()
    assert problems.messages == [], "The browser reported errors:\n" + "\n".join(problems.messages)


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
