"""Crack measurements on synthetic cracks of known geometry (app/core/measure.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from app.core.measure import SeverityBands, measure_crack, summarize, worst_severity

SIZE = 400


def straight_crack(width: float, length: float, angle_deg: float) -> np.ndarray:
    """Pixels whose centre lies within width/2 of a centred segment of `length` at `angle_deg`."""
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    cx, cy = SIZE / 2 + 0.3, SIZE / 2 + 0.1
    dx, dy = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    along = (xs - cx) * dx + (ys - cy) * dy
    across = -(xs - cx) * dy + (ys - cy) * dx
    return (np.abs(across) < width / 2) & (np.abs(along) < length / 2)


def arc_crack(radius: float, width: float, start_deg: float, end_deg: float) -> np.ndarray:
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    r = np.hypot(xs - SIZE / 2, ys - SIZE / 2)
    angle = np.degrees(np.arctan2(ys - SIZE / 2, xs - SIZE / 2)) % 360
    return (np.abs(r - radius) < width / 2) & (angle >= start_deg) & (angle <= end_deg)


def test_straight_crack_200_by_6_measures_its_length_and_width() -> None:
    m = measure_crack(straight_crack(6, 200, 0))
    assert m["length_px"] == pytest.approx(200, rel=0.03)
    for key in ("width_max_px", "width_mean_px", "width_p95_px"):
        assert abs(m[key] - 6) <= 1, (key, m[key])
    assert m["area_px"] == 1200
    assert m["orientation_deg"] == pytest.approx(0, abs=1) or m["orientation_deg"] == pytest.approx(
        180, abs=1
    )
    assert m["bbox"][2:] == [200, 6]


@pytest.mark.parametrize("angle", [10, 22.5, 30, 45, 60, 90, 135])
def test_oblique_cracks_keep_their_length_width_and_orientation(angle: float) -> None:
    m = measure_crack(straight_crack(6, 200, angle))
    # Counting 8-connected steps would read a 22.5 degree line ~8 % long; the simplified path does not.
    assert m["length_px"] == pytest.approx(200, rel=0.03)
    assert abs(m["width_mean_px"] - 6) <= 1
    assert abs(m["width_p95_px"] - 6) <= 1.1  # a rasterised oblique band is up to ~0.4 px wider
    # image y points down: a line drawn at +angle (clockwise on screen) has orientation 180 - angle
    assert m["orientation_deg"] == pytest.approx((180 - angle) % 180, abs=1)


@pytest.mark.parametrize(("radius", "width"), [(60, 4), (100, 6), (150, 8)])
def test_curved_crack_length_follows_the_arc(radius: float, width: float) -> None:
    m = measure_crack(arc_crack(radius, width, 0, 180))
    assert m["length_px"] == pytest.approx(math.pi * radius, rel=0.03)
    assert abs(m["width_mean_px"] - width) <= 1
    assert len(m["skeleton"]) == 1  # one centre line, no spurs


def test_branching_crack_sums_its_branches() -> None:
    trunk = straight_crack(6, 200, 0)
    ys, xs = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    branch = (
        (np.abs(xs - SIZE / 2) < 3) & (ys >= SIZE / 2) & (ys < SIZE / 2 + 80)
    )  # 80 px down from the trunk
    m = measure_crack(trunk | branch)
    assert m["length_px"] == pytest.approx(200 + 80, rel=0.04)
    assert len(m["skeleton"]) >= 3


def test_origin_places_the_measurement_in_image_coordinates() -> None:
    crop = straight_crack(6, 200, 0)[190:210, 90:310]
    m = measure_crack(crop, origin=(1000, 500))
    x, y, _w, _h = m["bbox"]
    first_row, first_col = np.flatnonzero(crop.any(axis=1))[0], np.flatnonzero(crop.any(axis=0))[0]
    assert (x, y) == (1000 + first_col, 500 + first_row)
    xs = m["skeleton"][0][0::2]
    assert min(xs) >= 1000 and max(xs) <= 1000 + 220


def test_mm_values_and_severity_from_p95_width() -> None:
    mask = straight_crack(6, 200, 0)
    m = measure_crack(mask, mm_per_px=0.5)  # a 6 px crack at 0.5 mm/px is ~3 mm: moderate
    assert m["length_mm"] == pytest.approx(m["length_px"] * 0.5, abs=0.01)
    assert m["area_mm2"] == pytest.approx(1200 * 0.25)
    assert m["width_p95_mm"] == pytest.approx(m["width_p95_px"] * 0.5, abs=0.01)
    assert m["severity"] == "moderate"
    assert measure_crack(mask, mm_per_px=0.1)["severity"] == "narrow"
    assert measure_crack(mask, mm_per_px=1.0)["severity"] == "wide"
    custom = SeverityBands(narrow_max_mm=10, moderate_max_mm=20)
    assert measure_crack(mask, mm_per_px=1.0, bands=custom)["severity"] == "narrow"
    assert measure_crack(mask)["severity"] is None and measure_crack(mask)["length_mm"] is None


def test_severity_bands_boundaries() -> None:
    bands = SeverityBands()
    assert bands.classify(1.59) == "narrow"
    assert bands.classify(1.6) == "moderate"
    assert bands.classify(3.2) == "moderate"
    assert bands.classify(3.21) == "wide"


def test_image_summary_totals_and_worst_severity() -> None:
    a = measure_crack(straight_crack(4, 100, 0), mm_per_px=0.5)
    b = measure_crack(straight_crack(10, 150, 90), mm_per_px=0.5)
    summary = summarize([a, b], 0.5)
    assert summary["count"] == 2
    assert summary["total_length_px"] == pytest.approx(a["length_px"] + b["length_px"], abs=0.02)
    assert summary["total_area_px"] == a["area_px"] + b["area_px"]
    assert summary["max_width_px"] == max(a["width_max_px"], b["width_max_px"])
    assert summary["worst_severity"] == "wide"
    assert worst_severity([None, "narrow", "moderate"]) == "moderate"
    assert summarize([], None)["count"] == 0


def test_tiny_and_empty_masks() -> None:
    dot = np.zeros((5, 5), bool)
    dot[2, 2] = True
    m = measure_crack(dot)
    assert m["area_px"] == 1 and m["length_px"] >= 0.5 and m["orientation_deg"] is None
    with pytest.raises(ValueError, match="empty"):
        measure_crack(np.zeros((5, 5), bool))
