"""Automatic scale: ArUco markers rendered into generated concrete photos, camera GSD, choosing a source."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from app.core.inspection.metadata import PhotoMetadata
from app.core.inspection.scale import (
    ScaleEstimate,
    ScaleUnavailable,
    disagree,
    exif_scale,
    manual_scale,
    marker_scale,
    reconcile,
)
from tests.helpers.inspection_images import (
    concrete,
    marker_corners_homography,
    similarity,
    tilted_square,
    with_marker,
)

MARKER_PX = 240  # the marker as generated, before it is placed into the photo
SIDE_MM = 50.0


@pytest.fixture(scope="module")
def wall() -> np.ndarray:
    return concrete(3, 800, 600)


def _placed(wall: np.ndarray, scale: float, angle: float, tx: float = 300.0, ty: float = 180.0) -> np.ndarray:
    side = MARKER_PX
    pad_shift = similarity(
        1.0, 0.0, -round(0.2 * side), -round(0.2 * side)
    )  # the quiet zone sits before the marker
    return with_marker(wall, similarity(scale, angle, tx, ty) @ pad_shift, side)


@pytest.mark.parametrize(
    ("scale", "angle", "tx", "ty"),
    [(0.5, 17.0, 300, 180), (0.73, 0.0, 300, 180), (0.31, 40.0, 300, 180), (1.12, -63.0, 250, 330)],
)
def test_marker_scale_within_two_percent(
    wall: np.ndarray, scale: float, angle: float, tx: int, ty: int
) -> None:
    photo = _placed(wall, scale, angle, tx, ty)
    estimate = marker_scale(photo, SIDE_MM)
    assert isinstance(estimate, ScaleEstimate), estimate
    true_mm_per_px = SIDE_MM / (MARKER_PX * scale)
    assert estimate.mm_per_px == pytest.approx(true_mm_per_px, rel=0.02)
    assert estimate.source == "marker" and estimate.marker_id == 7
    assert estimate.uncertainty_pct is not None and 0 < estimate.uncertainty_pct < 2.0
    assert estimate.warning is None
    assert estimate.tilt_deg is not None and estimate.tilt_deg < 10.0
    assert estimate.corners is not None and len(estimate.corners) == 4
    assert "DICT_4X4_50" in estimate.detail


def test_tilted_marker_gives_a_tilt_warning(wall: np.ndarray) -> None:
    corners = tilted_square(45.0, half_side=120.0, focal=800.0, distance=1000.0, centre=(400.0, 300.0))
    photo = with_marker(wall, marker_corners_homography(MARKER_PX, corners), MARKER_PX)
    estimate = marker_scale(photo, SIDE_MM)
    assert isinstance(estimate, ScaleEstimate), estimate
    assert estimate.tilt_deg is not None and 35.0 < estimate.tilt_deg < 55.0
    assert estimate.warning is not None and "tilted" in estimate.warning
    assert (
        estimate.uncertainty_pct is not None and estimate.uncertainty_pct > 5.0
    )  # foreshortened sides differ


def test_square_on_marker_seen_by_the_same_camera_has_no_warning(wall: np.ndarray) -> None:
    corners = tilted_square(0.0, half_side=120.0, focal=800.0, distance=1000.0, centre=(400.0, 300.0))
    photo = with_marker(wall, marker_corners_homography(MARKER_PX, corners), MARKER_PX)
    estimate = marker_scale(photo, SIDE_MM)
    assert isinstance(estimate, ScaleEstimate)
    assert estimate.warning is None and estimate.tilt_deg is not None and estimate.tilt_deg < 8.0
    assert estimate.mm_per_px == pytest.approx(SIDE_MM / 192.0, rel=0.02)  # 240 mm at 1000 mm, f 800: 192 px


@pytest.mark.parametrize("hidden_fraction", [0.25, 0.5])
def test_partly_hidden_marker_gives_a_reason_not_a_crash(wall: np.ndarray, hidden_fraction: float) -> None:
    photo = _placed(wall, 0.5, 0.0)
    x0, y0, side = 300, 180, round(MARKER_PX * 0.5)
    photo[y0 : y0 + side, x0 : x0 + round(side * hidden_fraction)] = (120, 124, 126)  # a hand or a leaf
    estimate = marker_scale(photo, SIDE_MM)
    assert isinstance(estimate, ScaleUnavailable)
    assert not estimate  # falsy, like None
    assert estimate.source == "marker" and "partly hidden" in estimate.reason


def test_photo_without_marker_gives_a_reason(wall: np.ndarray) -> None:
    estimate = marker_scale(wall, SIDE_MM)
    assert isinstance(estimate, ScaleUnavailable) and "DICT_4X4_50" in estimate.reason


def test_largest_marker_is_used_unless_an_id_is_asked_for(wall: np.ndarray) -> None:
    photo = _placed(wall, 0.6, 0.0, tx=80.0, ty=80.0)
    pad_shift = similarity(1.0, 0.0, -48.0, -48.0)
    photo = with_marker(photo, similarity(0.4, 10.0, 500.0, 300.0) @ pad_shift, MARKER_PX, marker_id=3)
    largest = marker_scale(photo, SIDE_MM)
    assert isinstance(largest, ScaleEstimate) and largest.marker_id == 7
    assert largest.mm_per_px == pytest.approx(SIDE_MM / (MARKER_PX * 0.6), rel=0.02)
    assert "1 other marker" in largest.detail
    chosen = marker_scale(photo, SIDE_MM, marker_id=3)
    assert isinstance(chosen, ScaleEstimate) and chosen.marker_id == 3
    assert chosen.mm_per_px == pytest.approx(SIDE_MM / (MARKER_PX * 0.4), rel=0.02)
    assert isinstance(marker_scale(photo, SIDE_MM, marker_id=9), ScaleUnavailable)


@pytest.mark.parametrize("dictionary", ["DICT_APRILTAG_36h11", "DICT_6X6_250", "DICT_ARUCO_ORIGINAL"])
def test_apriltag_and_other_dictionaries(wall: np.ndarray, dictionary: str) -> None:
    pad_shift = similarity(1.0, 0.0, -48.0, -48.0)
    code = getattr(cv2.aruco, dictionary)
    photo = with_marker(wall, similarity(0.6, 25.0, 320.0, 160.0) @ pad_shift, MARKER_PX, 5, code)
    estimate = marker_scale(photo, 80.0, dictionary)
    assert isinstance(estimate, ScaleEstimate) and estimate.marker_id == 5
    assert estimate.mm_per_px == pytest.approx(80.0 / (MARKER_PX * 0.6), rel=0.02)
    assert isinstance(marker_scale(photo, 80.0), ScaleUnavailable)  # not a 4x4 marker


def test_other_dictionary_does_not_read_the_marker(wall: np.ndarray) -> None:
    photo = _placed(wall, 0.5, 0.0)
    assert isinstance(marker_scale(photo, SIDE_MM, "DICT_6X6_250"), ScaleUnavailable)


@pytest.mark.parametrize(
    ("side", "dictionary"),
    [
        (0.0, "DICT_4X4_50"),
        (float("nan"), "DICT_4X4_50"),
        (5000.0, "DICT_4X4_50"),
        (50.0, "DICT_NOPE"),
        (50.0, "__class__"),
    ],
)
def test_bad_marker_arguments_are_refused(wall: np.ndarray, side: float, dictionary: str) -> None:
    with pytest.raises(ValueError):
        marker_scale(wall, side, dictionary)


# --------------------------------------------------------------------------------------------------
# Camera
# --------------------------------------------------------------------------------------------------


def _phantom(**changes: object) -> PhotoMetadata:
    fields: dict[str, object] = {
        "width": 5472,
        "height": 3648,
        "camera_make": "DJI",
        "camera_model": "FC6310",
        "focal_length_mm": 8.8,
        "relative_altitude_m": 100.0,
        "gimbal_pitch_deg": -90.0,
    }
    fields.update(changes)
    return PhotoMetadata(**fields)  # type: ignore[arg-type]


def test_gsd_of_a_known_drone_camera_matches_the_hand_computed_value() -> None:
    # Phantom 4 Pro: 13.2 mm wide 1" sensor, 8.8 mm lens, 5472 px: 100 m * 13.2 / (8.8 * 5472) = 27.41 mm/px
    # (DJI publishes 2.74 cm/px at 100 m for this camera).
    hand = 100_000.0 * 13.2 / (8.8 * 5472)
    estimate = exif_scale(_phantom())
    assert isinstance(estimate, ScaleEstimate)
    assert estimate.mm_per_px == pytest.approx(hand, rel=0.01)
    assert estimate.mm_per_px == pytest.approx(27.4, rel=0.01)
    assert "table" in estimate.detail and "relative altitude" in estimate.detail


def test_gsd_with_an_entered_distance_and_a_portrait_photo() -> None:
    estimate = exif_scale(_phantom(width=3648, height=5472, relative_altitude_m=None), distance_m=4.0)
    assert isinstance(estimate, ScaleEstimate)
    assert estimate.mm_per_px == pytest.approx(4000.0 * 13.2 / (8.8 * 5472), rel=0.01)
    assert "entered" in estimate.detail


def test_gsd_from_focal_plane_sensor_size_and_from_35mm_equivalent() -> None:
    from_sensor = exif_scale(
        PhotoMetadata(
            width=6000,
            height=4000,
            camera_model="X-T30",
            focal_length_mm=23.0,
            sensor_width_mm=23.5,
            sensor_height_mm=15.6,
        ),
        distance_m=2.0,
    )
    assert isinstance(from_sensor, ScaleEstimate)
    assert from_sensor.mm_per_px == pytest.approx(2000.0 * 23.5 / (23.0 * 6000), rel=0.01)
    # A phone: 4.25 mm lens, "26 mm" equivalent, 4:3 photo; sensor from the 43.27 mm diagonal and the aspect
    phone = exif_scale(
        PhotoMetadata(
            width=4032, height=3024, camera_model="Phone 12", focal_length_mm=4.25, focal_length_35mm=26.0
        ),
        1.5,
    )
    assert isinstance(phone, ScaleEstimate)
    sensor_width = 43.27 * 4.25 / 26.0 * 0.8  # the 4:3 diagonal's long side is 4/5 of it
    assert phone.mm_per_px == pytest.approx(1500.0 * sensor_width / (4.25 * 4032), rel=0.01)
    assert phone.uncertainty_pct is not None and phone.uncertainty_pct > from_sensor.uncertainty_pct  # type: ignore[operator]


@pytest.mark.parametrize(
    ("meta", "distance", "words"),
    [
        (_phantom(relative_altitude_m=None), None, "Enter the distance"),
        (_phantom(gimbal_pitch_deg=-5.0), None, "not straight down"),
        (
            _phantom(camera_model="Unheard-of 3000"),
            None,
            "sensor size of camera 'Unheard-of 3000' is unknown",
        ),
        (_phantom(camera_model="Unheard-of 3000", focal_length_mm=None), None, "no focal length"),
        (PhotoMetadata(), 3.0, "size is unknown"),
    ],
)
def test_camera_scale_unavailable_says_why(meta: PhotoMetadata, distance: float | None, words: str) -> None:
    estimate = exif_scale(meta, distance)
    assert isinstance(estimate, ScaleUnavailable) and not estimate
    assert words in estimate.reason


def test_unknown_gimbal_pitch_is_assumed_straight_down_with_a_warning() -> None:
    estimate = exif_scale(_phantom(gimbal_pitch_deg=None))
    assert isinstance(estimate, ScaleEstimate) and estimate.warning and "straight down" in estimate.warning


@pytest.mark.parametrize("distance", [0.0, -1.0, math.inf, 1e6])
def test_bad_distance_is_refused(distance: float) -> None:
    with pytest.raises(ValueError):
        exif_scale(_phantom(), distance)


# --------------------------------------------------------------------------------------------------
# The choice
# --------------------------------------------------------------------------------------------------


def _estimate(source: str, mm_per_px: float) -> ScaleEstimate:
    return ScaleEstimate(source, mm_per_px, 1.0, f"{source} test")  # type: ignore[arg-type]


def test_reconcile_prefers_marker_then_exif_then_manual() -> None:
    marker, exif, manual = _estimate("marker", 0.50), _estimate("exif", 0.52), manual_scale(0.51)
    decision = reconcile([manual, exif, marker])
    assert decision.chosen is marker and not decision.conflict and decision.conflict_detail is None
    assert reconcile([manual, exif]).chosen is exif
    assert reconcile([manual, ScaleUnavailable("marker", "no marker")]).chosen is manual
    assert reconcile([manual, exif, marker], prefer="manual").chosen is manual
    assert len(decision.candidates) == 3


def test_reconcile_flags_a_disagreement_over_ten_percent_and_keeps_both() -> None:
    marker, exif = _estimate("marker", 0.50), _estimate("exif", 0.58)
    decision = reconcile([marker, exif, ScaleUnavailable("manual", "none entered")])
    assert decision.conflict
    assert decision.chosen is marker
    assert decision.candidates == (marker, exif)
    assert [u.reason for u in decision.unavailable] == ["none entered"]
    assert decision.conflict_detail is not None and "16 %" in decision.conflict_detail
    assert not reconcile([_estimate("marker", 0.50), _estimate("exif", 0.545)]).conflict  # 9 %


def test_disagree_is_relative_to_the_smaller_scale() -> None:
    assert disagree(1.0, 1.11) and disagree(1.11, 1.0)
    assert not disagree(1.0, 1.09) and not disagree(2.0, 2.0)


def test_reconcile_of_nothing_chooses_nothing() -> None:
    decision = reconcile([None, ScaleUnavailable("exif", "no EXIF")])
    assert decision.chosen is None and not decision.conflict and decision.candidates == ()


def test_manual_scale_is_checked() -> None:
    assert manual_scale(0.25).uncertainty_pct is None
    with pytest.raises(ValueError):
        manual_scale(0.0)
