"""Crack growth between two generated photos of one wall: the second rotated, scaled and shifted, its crack
longer and wider and a new crack beside it. Ground truth comes from the drawn centre-lines, not from
measuring."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from app.core.inspection import growth
from app.core.inspection.growth import (
    BOTH_COLOUR,
    NEW_COLOUR,
    OLD_COLOUR,
    AlignmentFailed,
    Registration,
    compare_cracks,
    growth_overlay,
    register,
)
from tests.helpers.inspection_images import GrowthPair, concrete, growth_pair, transform_points


@pytest.fixture(scope="module", params=[(4.0, 1.05), (-3.0, 1.04)], ids=["rot4-scale1.05", "rot-3-scale1.04"])
def pair(request: pytest.FixtureRequest) -> GrowthPair:
    angle, scale = request.param
    return growth_pair(seed=5, angle_deg=angle, scale=scale)


@pytest.fixture(scope="module")
def registration(pair: GrowthPair) -> Registration:
    return register(pair.old_image, pair.new_image)


def test_registration_recovers_the_camera_move(pair: GrowthPair, registration: Registration) -> None:
    true_scale = float(np.sqrt(abs(np.linalg.det(pair.view[:2, :2]))))
    assert registration.scale == pytest.approx(true_scale, abs=0.005)
    true_rotation = -np.degrees(np.arctan2(pair.view[1, 0], pair.view[0, 0]))  # counter-clockwise on screen
    assert registration.rotation_deg == pytest.approx(true_rotation, abs=0.2)
    grid = np.array([[x, y] for x in (50.0, 450.0, 850.0) for y in (50.0, 350.0, 650.0)])
    error = np.linalg.norm(registration.map_points(grid) - transform_points(pair.view, grid), axis=1)
    assert error.max() < 1.5  # pixels, anywhere in the photo
    assert registration.quality > 0.6
    assert registration.inliers >= 100 and registration.reprojection_error_px < 2.0


@pytest.mark.parametrize("method", ["orb", "sift"])
def test_each_feature_method_aligns_the_pair_alone(pair: GrowthPair, method: str) -> None:
    registration = register(pair.old_image, pair.new_image, methods=(method,))  # type: ignore[arg-type]
    assert registration.method == method
    grid = np.array([[x, y] for x in (50.0, 450.0, 850.0) for y in (50.0, 350.0, 650.0)])
    error = np.linalg.norm(registration.map_points(grid) - transform_points(pair.view, grid), axis=1)
    assert error.max() < 1.5


def test_sift_takes_over_when_orb_cannot_align(pair: GrowthPair, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(growth, "ORB_FEATURES", 12)  # below MIN_FEATURES: ORB gives up on both photos
    with pytest.raises(AlignmentFailed, match="distinctive features"):
        register(pair.old_image, pair.new_image, methods=("orb",))
    registration = register(pair.old_image, pair.new_image)
    true_scale = float(np.sqrt(abs(np.linalg.det(pair.view[:2, :2]))))
    assert registration.method == "sift" and registration.scale == pytest.approx(true_scale, abs=0.005)
    assert registration.as_dict()["method"] == "sift"


def test_length_change_within_five_percent_and_one_new_crack(
    pair: GrowthPair, registration: Registration
) -> None:
    result = compare_cracks(
        pair.old_masks, pair.new_masks, registration, pair.mm_per_px_old, pair.mm_per_px_new
    )
    assert result.in_mm
    assert len(result.matched) == 1 and len(result.new) == 1 and result.disappeared == []
    grown = result.matched[0]
    assert (grown.old_index, grown.new_index) == (0, 0)
    assert grown.length_change_mm == pytest.approx(pair.true_length_change_mm, rel=0.05)
    assert grown.length_change_mm > 50  # 120 px of growth at 0.5 mm/px, plus 2 px of wider tips
    assert grown.width_change_mm == pytest.approx(pair.true_width_change_mm, abs=0.4)
    true_pct = 100 * pair.true_length_change_mm / pair.true_old_length_mm
    assert grown.length_change_pct == pytest.approx(true_pct, rel=0.05)
    assert result.new[0].new_index == 1 and result.new[0].new_length_mm is not None
    assert result.new[0].length_change_mm is None and result.new[0].old_length_mm is None


def test_new_photo_from_a_higher_resolution_camera(pair: GrowthPair) -> None:
    """The second visit's camera has 1.5x the pixels: each photo is measured with its own scale."""
    factor = 1.5
    size = (round(pair.new_image.shape[1] * factor), round(pair.new_image.shape[0] * factor))
    new_image = cv2.resize(pair.new_image, size, interpolation=cv2.INTER_CUBIC)
    new_masks = [
        cv2.resize(m.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST).astype(bool)
        for m in pair.new_masks
    ]
    registration = register(pair.old_image, new_image)
    assert registration.new_size == size
    true_scale = factor * float(np.sqrt(abs(np.linalg.det(pair.view[:2, :2]))))
    assert registration.scale == pytest.approx(true_scale, rel=0.01)
    result = compare_cracks(
        pair.old_masks, new_masks, registration, pair.mm_per_px_old, pair.mm_per_px_new / factor
    )
    assert [c.status for c in result.changes] == ["matched", "new"]
    assert result.matched[0].length_change_mm == pytest.approx(pair.true_length_change_mm, rel=0.05)


def test_changes_in_new_photo_pixels_without_a_scale(pair: GrowthPair, registration: Registration) -> None:
    result = compare_cracks(pair.old_masks, pair.new_masks, registration, None, pair.mm_per_px_new)
    assert not result.in_mm
    grown = result.matched[0]
    assert grown.length_change_mm is None and grown.old_length_mm is None
    scale = registration.scale
    true_change_new_px = pair.true_length_change_mm / pair.mm_per_px_old * scale
    assert grown.length_change_px == pytest.approx(true_change_new_px, rel=0.05)


def test_a_repaired_crack_is_reported_as_disappeared(pair: GrowthPair, registration: Registration) -> None:
    result = compare_cracks(pair.old_masks, pair.new_masks[1:], registration, 0.5, 0.5)
    assert [c.status for c in result.changes] == ["new", "disappeared"]
    assert result.disappeared[0].old_index == 0 and result.disappeared[0].old_length_mm is not None


def test_overlay_shows_old_new_and_both(pair: GrowthPair, registration: Registration) -> None:
    overlay = growth_overlay(pair.old_image, pair.new_image, pair.old_masks, pair.new_masks, registration)
    assert overlay.shape == pair.new_image.shape and overlay.dtype == np.uint8
    colour_of = {
        name: np.all(overlay == colour, axis=2)
        for name, colour in (("old", OLD_COLOUR), ("new", NEW_COLOUR), ("both", BOTH_COLOUR))
    }
    grown, fresh = pair.new_masks
    assert colour_of["both"][grown].mean() > 0.4  # the old crack lies on the grown one
    assert colour_of["new"][fresh].mean() > 0.95  # the new crack is all red
    assert colour_of["both"].sum() + colour_of["old"].sum() > 0.8 * pair.old_masks[0].sum()


def test_unrelated_photos_are_refused_with_a_reason() -> None:
    with pytest.raises(AlignmentFailed) as failure:
        register(concrete(1, 900, 700), concrete(2, 900, 700))
    assert "do not seem to show the same element" in failure.value.reason


def test_blank_photo_is_refused_with_a_reason(pair: GrowthPair) -> None:
    with pytest.raises(AlignmentFailed, match="blank"):
        register(pair.old_image, np.full_like(pair.new_image, 128))
    with pytest.raises(AlignmentFailed, match="old photo"):
        register(np.full_like(pair.old_image, 200), pair.new_image)


def test_featureless_photo_is_refused_with_a_reason(pair: GrowthPair) -> None:
    """A smooth gradient is not blank, but has nothing to match."""
    ramp = np.tile(np.linspace(40, 220, 900, dtype=np.uint8)[None, :, None], (700, 1, 3))
    with pytest.raises(AlignmentFailed, match="distinctive features"):
        register(pair.old_image, ramp)


def test_mirrored_photo_is_refused(pair: GrowthPair) -> None:
    with pytest.raises(AlignmentFailed):
        register(pair.old_image, np.ascontiguousarray(pair.new_image[:, ::-1]))


def test_masks_must_fit_the_photos(pair: GrowthPair, registration: Registration) -> None:
    with pytest.raises(ValueError, match="old mask 0"):
        compare_cracks([pair.old_masks[0][:100]], pair.new_masks, registration, 0.5, 0.5)


def test_empty_masks_are_skipped_and_indexes_kept(pair: GrowthPair, registration: Registration) -> None:
    empty = np.zeros_like(pair.new_masks[0])
    result = compare_cracks([empty, *pair.old_masks], [empty, *pair.new_masks], registration, 0.5, 0.5)
    assert [(c.status, c.old_index, c.new_index) for c in result.changes] == [
        ("matched", 1, 1),
        ("new", None, 2),
    ]
