"""The mask editor on a 6000x4000 photo, timed in a real Chromium against the real server: time from
opening the editor to the photo on the canvas, frame times while zooming in to full resolution and
panning, and the time a brush stroke takes to become a polygon (mask, trace, simplify) on the big image.

    .venv/bin/python bench/bench_annotation_editor.py [--instances 40] [--json out.json]

Needs the built front end (frontend/dist) and Chromium at /usr/bin/chromium, like the browser tests.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import httpx
import numpy as np
from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

from tests.e2e.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    _crackdet_executable,
    _run_cli,
    _server_env,
    serving,
)

WIDTH, HEIGHT = 6000, 4000
POINTS_PER_INSTANCE = 400


def crack_polygon(rng: np.random.Generator) -> list[tuple[float, float]]:
    """A thin wandering crack outline (a polyline thickened both sides), POINTS_PER_INSTANCE points."""
    half = POINTS_PER_INSTANCE // 2
    x, y = rng.uniform(200, WIDTH - 1200), rng.uniform(200, HEIGHT - 200)
    spine = []
    angle = rng.uniform(-0.5, 0.5)
    for _ in range(half):
        angle += rng.normal(0, 0.15)
        x = min(WIDTH - 5, max(5, x + 5 * math.cos(angle)))
        y = min(HEIGHT - 5, max(5, y + 5 * math.sin(angle)))
        spine.append((x, y))
    top = [(px, max(0.0, py - 3)) for px, py in spine]
    bottom = [(px, min(HEIGHT, py + 3)) for px, py in reversed(spine)]
    return top + bottom


def make_zip(instances: int) -> bytes:
    rng = np.random.default_rng(7)
    noise = rng.integers(90, 170, size=(HEIGHT // 8, WIDTH // 8, 3), dtype=np.uint8)
    photo = Image.fromarray(noise).resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)
    draw = ImageDraw.Draw(photo)
    lines = []
    for _ in range(instances):
        polygon = crack_polygon(rng)
        draw.polygon(polygon, fill=(40, 40, 40))
        coords = " ".join(f"{px / WIDTH:.6f} {py / HEIGHT:.6f}" for px, py in polygon)
        lines.append(f"0 {coords}")
    jpeg = io.BytesIO()
    photo.save(jpeg, "JPEG", quality=88)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr(
            "data.yaml", "names:\n  0: crack\ntrain: images/train\nval: images/val\n"
        )
        bundle.writestr("images/train/big.jpg", jpeg.getvalue())
        bundle.writestr("labels/train/big.txt", "\n".join(lines) + "\n")
        bundle.writestr("images/val/big_val.jpg", jpeg.getvalue())
        bundle.writestr("labels/val/big_val.txt", lines[0] + "\n")
    return archive.getvalue()


def upload(base: str, payload: bytes) -> tuple[str, str]:
    answer = httpx.post(
        f"{base}/api/v1/datasets/upload",
        files={"file": ("big.zip", payload, "application/zip")},
        data={"name": "Big photo"},
        timeout=120,
    )
    assert answer.status_code in (200, 201, 202), answer.text
    dataset_id = answer.json()["id"]
    deadline = time.monotonic() + 300
    while (
        httpx.get(f"{base}/api/v1/datasets/{dataset_id}", timeout=10).json()["status"]
        != "ready"
    ):
        assert time.monotonic() < deadline, "the upload did not become ready"
        time.sleep(0.5)
    images = httpx.get(
        f"{base}/api/v1/datasets/{dataset_id}/images",
        params={"split": "train"},
        timeout=30,
    )
    return dataset_id, images.json()["items"][0]["id"]


FRAME_PROBE = """async (steps) => {
  // time from a key press to the frame after the redraw, per step
  const times = [];
  for (const key of steps) {
    const start = performance.now();
    window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    times.push(performance.now() - start);
  }
  return times;
}"""


def run(instances: int) -> dict[str, object]:
    crackdet = _crackdet_executable()
    with tempfile.TemporaryDirectory() as workdir_name:
        workdir = Path(workdir_name)
        env = _server_env(workdir / "data")
        _run_cli(crackdet, ["migrate"], env, workdir)
        with (
            serving(crackdet, env, workdir, workdir / "data") as server,
            sync_playwright() as playwright,
        ):
            dataset_id, image_id = upload(server.base_url, make_zip(instances))
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
            )
            page = browser.new_page(
                base_url=server.base_url, viewport={"width": 1440, "height": 960}
            )
            started = time.perf_counter()
            page.goto(f"/datasets/{dataset_id}/images/{image_id}/edit")
            page.get_by_test_id("editor-canvas").wait_for()
            page.wait_for_function(
                "() => !document.body.textContent.includes('Loading the image')",
                timeout=120_000,
            )
            page.evaluate(
                "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
            )
            first_draw_s = time.perf_counter() - started
            rows = page.get_by_test_id("editor-instance").count()
            page.get_by_test_id("editor-canvas").hover()
            zoom_in = page.evaluate(
                FRAME_PROBE, ["+"] * 16
            )  # fit (~0.2) -> ~7x: full-res region reads
            zoom_out = page.evaluate(FRAME_PROBE, ["-"] * 16)
            # a brush stroke across the first instance's region at fit zoom: mask, trace, simplify
            page.keyboard.press("0")
            page.keyboard.press("b")
            box = page.get_by_test_id("editor-canvas").bounding_box()
            assert box is not None
            before = page.get_by_test_id("editor-instance").count()
            page.mouse.move(
                box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5
            )
            page.mouse.down()
            for step in range(1, 21):
                page.mouse.move(
                    box["x"] + box["width"] * (0.3 + step * 0.02),
                    box["y"] + box["height"] * 0.5,
                )
            stroke_start = time.perf_counter()
            page.mouse.up()
            page.wait_for_function(
                f"() => document.querySelectorAll('[data-testid=\"editor-instance\"]').length !== {before}"
            )
            stroke_s = time.perf_counter() - stroke_start
            browser.close()
    frames = zoom_in + zoom_out
    return {
        "photo": f"{WIDTH}x{HEIGHT} JPEG",
        "instances": rows,
        "points_per_instance": POINTS_PER_INSTANCE,
        "open_to_first_draw_s": round(first_draw_s, 2),
        "zoom_frame_ms": {
            "median": round(statistics.median(frames), 1),
            "p90": round(sorted(frames)[int(len(frames) * 0.9)], 1),
            "max": round(max(frames), 1),
            "steps": len(frames),
        },
        "brush_stroke_to_polygon_s": round(stroke_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=40)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.instances)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json is not None:
        args.json.write_text(text + "\n")


if __name__ == "__main__":
    main()
