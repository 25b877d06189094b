"""Millimetres per pixel for a photo: from a fiducial marker, from the camera, or typed in; and which to use.

- **Marker** (`marker_scale`): an ArUco / AprilTag marker of known side found with OpenCV's aruco module
  (sub-pixel corners). mm per px = side in mm / mean of the four sides in px. The uncertainty combines
  the spread of the four sides (half their range: what a crack measured along the most or least
  foreshortened direction would be off by) with a corner localisation error of 0.5 px per side. The
  tilt of the marker against the image plane is estimated from its foreshortening: the affine map that
  best fits the square onto the detected quad has singular values s1 >= s2 and a plane tilted by t
  shortens one direction by cos t, so t = acos(s2 / s1). Above 20 degrees the scale varies across the
  image too much to trust: a warning says so.
- **Camera** (`exif_scale`): ground sample distance GSD = distance * sensor width / (focal length *
  image width) on the long sides. The sensor comes from the EXIF focal-plane resolution, else the table
  in cameras.py, else the 35 mm-equivalent focal length (crop factor from the 43.27 mm full-frame
  diagonal); the distance from the argument (what the user entered) or DJI's relative altitude when the
  gimbal points straight down.
- **Manual** (`manual_scale`): as the user typed it.

The estimate types, `manual_scale` and `reconcile` (marker > camera > manual unless the user chose a
source; a conflict when two differ by more than 10 %) live in scale_choice.py, pure Python so that the
API process can use them too; they are importable from here as well. A source that cannot give a scale
returns `ScaleUnavailable(source, reason)`, which is falsy like None.
"""

from __future__ import annotations

import math
import re

import cv2
import numpy as np
import numpy.typing as npt

from app.core.inspection.cameras import lookup_camera
from app.core.inspection.metadata import PhotoMetadata
from app.core.inspection.scale_choice import (
    CONFLICT_FRACTION,
    PRIORITY,
    ScaleDecision,
    ScaleEstimate,
    ScaleSource,
    ScaleUnavailable,
    checked,
    disagree,
    manual_scale,
    reconcile,
)

__all__ = [  # the choice's names stay importable from here
    "CONFLICT_FRACTION",
    "PRIORITY",
    "ScaleDecision",
    "ScaleEstimate",
    "ScaleSource",
    "ScaleUnavailable",
    "disagree",
    "exif_scale",
    "manual_scale",
    "marker_dictionary_names",
    "marker_scale",
    "marker_tilt_deg",
    "reconcile",
]


TILT_WARNING_DEG = 20.0
CORNER_ERROR_PX = 0.5
MIN_MARKER_SIDE_PX = 20.0
MARKER_SIDE_MM_RANGE = (1.0, 2000.0)
DISTANCE_M_RANGE = (0.05, 2000.0)
NADIR_TOLERANCE_DEG = 10.0  # a gimbal pitch within this of -90 counts as pointing straight down
FULL_FRAME_DIAGONAL_MM = 43.27
# Relative uncertainties (%) of the camera-based inputs
_SENSOR_UNCERTAINTY = {"focal plane": 2.0, "table": 1.0, "35 mm equivalent": 5.0}
_DISTANCE_UNCERTAINTY = {"entered": 3.0, "relative altitude": 10.0}
_DICTIONARY_NAME = re.compile(
    r"DICT_(\dX\d_(50|100|250|1000)|ARUCO_ORIGINAL|ARUCO_MIP_36h12|APRILTAG_\d\dh\d\d?)"
)


# --------------------------------------------------------------------------------------------------
# Marker
# --------------------------------------------------------------------------------------------------


def marker_dictionary_names() -> list[str]:
    """The predefined ArUco / AprilTag dictionaries this OpenCV offers."""
    return sorted(name for name in dir(cv2.aruco) if _DICTIONARY_NAME.fullmatch(name))


def marker_scale(
    image_bgr: npt.NDArray[np.uint8],
    marker_side_mm: float,
    dictionary: str = "DICT_4X4_50",
    *,
    marker_id: int | None = None,
) -> ScaleEstimate | ScaleUnavailable:
    """The scale from the largest marker of `dictionary` (or the one with `marker_id`) in the image."""
    side_mm = checked(marker_side_mm, MARKER_SIDE_MM_RANGE, "marker side (mm)")
    detector = cv2.aruco.ArucoDetector(_dictionary(dictionary), _detector_parameters())
    corners, ids, _rejected = detector.detectMarkers(_grey(image_bgr))
    found = (
        []
        if ids is None
        else [(int(i), c.reshape(4, 2).astype(np.float64)) for i, c in zip(ids.ravel(), corners, strict=True)]
    )
    if marker_id is not None:
        found = [(i, quad) for i, quad in found if i == marker_id]
    if not found:
        return ScaleUnavailable("marker", _not_found_reason(dictionary, marker_id))
    found_id, quad = max(found, key=lambda item: _perimeter(item[1]))
    return _marker_estimate(quad, found_id, side_mm, dictionary, len(found), image_bgr.shape[:2])


def _marker_estimate(
    quad: npt.NDArray[np.float64],
    found_id: int,
    side_mm: float,
    dictionary: str,
    count: int,
    shape: tuple[int, ...],
) -> ScaleEstimate:
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    mean_side = float(sides.mean())
    spread = float(sides.max() - sides.min()) / 2.0 / mean_side
    localisation = CORNER_ERROR_PX / mean_side
    tilt = marker_tilt_deg(quad)
    warnings = []
    if tilt > TILT_WARNING_DEG:
        warnings.append(
            f"The marker is tilted about {tilt:.0f} degrees against the image plane: the scale varies across "
            "the photo. Retake it square to the surface or check the scale by hand."
        )
    if mean_side < MIN_MARKER_SIDE_PX:
        warnings.append(f"The marker is only {mean_side:.0f} px wide: move closer or use a larger marker.")
    height, width = shape[0], shape[1]
    if quad.min() < 2 or quad[:, 0].max() > width - 3 or quad[:, 1].max() > height - 3:
        warnings.append("The marker touches the edge of the photo: its corners may be cut off.")
    others = f"; {count - 1} other marker(s) ignored" if count > 1 else ""
    detail = (
        f"{dictionary} marker #{found_id}, {side_mm:g} mm side = {mean_side:.1f} px "
        f"(sides {sides.min():.1f}-{sides.max():.1f} px){others}"
    )
    return ScaleEstimate(
        source="marker",
        mm_per_px=side_mm / mean_side,
        uncertainty_pct=round(100.0 * math.hypot(spread, localisation), 2),
        detail=detail,
        warning=" ".join(warnings) or None,
        tilt_deg=round(tilt, 1),
        corners=tuple((round(float(x), 2), round(float(y), 2)) for x, y in quad),
        marker_id=found_id,
    )


def marker_tilt_deg(quad: npt.NDArray[np.float64]) -> float:
    """Tilt of a square seen as `quad` (4 x 2, corners in order): acos of its affine foreshortening."""
    square = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    design = np.hstack([square, np.ones((4, 1))])
    solution, *_ = np.linalg.lstsq(design, quad, rcond=None)
    singular = np.linalg.svd(solution[:2, :], compute_uv=False)
    if singular[0] <= 0:
        return 90.0
    return math.degrees(math.acos(min(1.0, float(singular[1] / singular[0]))))


def _dictionary(name: str) -> cv2.aruco.Dictionary:
    if not isinstance(name, str) or not _DICTIONARY_NAME.fullmatch(name) or not hasattr(cv2.aruco, name):
        raise ValueError(
            f"unknown marker dictionary {name!r}; choose one of {', '.join(marker_dictionary_names())}"
        )
    return cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, name))


def _detector_parameters() -> cv2.aruco.DetectorParameters:
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX  # sub-pixel corners: ~0.1 px
    return parameters


def _grey(image: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] in (3, 4):
        code = cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
        return np.asarray(cv2.cvtColor(image, code), dtype=np.uint8)
    raise ValueError(f"expected a grey or BGR image, got shape {image.shape}")


def _perimeter(quad: npt.NDArray[np.float64]) -> float:
    return float(np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1).sum())


def _not_found_reason(dictionary: str, marker_id: int | None) -> str:
    wanted = f"marker #{marker_id} of {dictionary}" if marker_id is not None else f"{dictionary} marker"
    return (
        f"No readable {wanted} in the photo: it may be missing, partly hidden, blurred, too small, or "
        "printed from another dictionary. Set the scale by hand or retake the photo."
    )


# --------------------------------------------------------------------------------------------------
# Camera (EXIF)
# --------------------------------------------------------------------------------------------------


def exif_scale(meta: PhotoMetadata, distance_m: float | None = None) -> ScaleEstimate | ScaleUnavailable:
    """The ground sample distance from the photo's camera and the camera-to-surface distance."""
    if not meta.width or not meta.height:
        return ScaleUnavailable("exif", "The photo's size is unknown.")
    sensor = _sensor_long_side(meta)
    if isinstance(sensor, ScaleUnavailable):
        return sensor
    sensor_mm, focal_mm, sensor_how = sensor
    distance = _distance(meta, distance_m)
    if isinstance(distance, ScaleUnavailable):
        return distance
    distance_value, distance_how, warning = distance
    image_px = max(meta.width, meta.height)
    mm_per_px = distance_value * 1000.0 * sensor_mm / (focal_mm * image_px)
    uncertainty = math.hypot(_SENSOR_UNCERTAINTY[sensor_how], _DISTANCE_UNCERTAINTY[distance_how])
    camera = " ".join(p for p in (meta.camera_make, meta.camera_model) if p) or "unknown camera"
    detail = (
        f"{camera}: {distance_value:g} m ({distance_how}) x {sensor_mm:.2f} mm sensor ({sensor_how}) / "
        f"({focal_mm:g} mm focal length x {image_px} px)"
    )
    return ScaleEstimate("exif", mm_per_px, round(uncertainty, 2), detail, warning)


def _sensor_long_side(meta: PhotoMetadata) -> tuple[float, float, str] | ScaleUnavailable:
    """(sensor long side in mm, focal length in mm, where the sensor size came from)."""
    camera = lookup_camera(meta.camera_model)
    focal = meta.focal_length_mm or (camera.focal_length_mm if camera else None)
    if focal is None:
        return ScaleUnavailable("exif", "The photo's EXIF has no focal length.")
    if meta.sensor_width_mm and meta.sensor_height_mm:
        return max(meta.sensor_width_mm, meta.sensor_height_mm), focal, "focal plane"
    if camera is not None:
        return max(camera.sensor_width_mm, camera.sensor_height_mm), focal, "table"
    if meta.focal_length_35mm and meta.width and meta.height:
        aspect = max(meta.width, meta.height) / min(meta.width, meta.height)
        diagonal = FULL_FRAME_DIAGONAL_MM * focal / meta.focal_length_35mm
        return diagonal * aspect / math.hypot(aspect, 1.0), focal, "35 mm equivalent"
    model = meta.camera_model or "unknown"
    return ScaleUnavailable(
        "exif",
        f"The sensor size of camera '{model}' is unknown: its EXIF has no focal-plane resolution or 35 mm "
        "equivalent focal length and it is not in the table of known cameras.",
    )


def _distance(
    meta: PhotoMetadata, distance_m: float | None
) -> tuple[float, str, str | None] | ScaleUnavailable:
    """(camera-to-surface distance in m, where it came from, a warning)."""
    if distance_m is not None:
        return checked(distance_m, DISTANCE_M_RANGE, "distance (m)"), "entered", None
    altitude = meta.relative_altitude_m
    if altitude is None or altitude <= DISTANCE_M_RANGE[0]:
        return ScaleUnavailable(
            "exif",
            "The camera-to-surface distance is unknown: the photo has no drone altitude. Enter the distance.",
        )
    pitch = meta.gimbal_pitch_deg
    if pitch is not None and abs(pitch + 90.0) > NADIR_TOLERANCE_DEG:
        return ScaleUnavailable(
            "exif",
            f"The camera pointed {pitch:.0f} degrees from horizontal, not straight down: the drone's "
            "altitude is not the distance to the surface. Enter the distance.",
        )
    warning = "Gimbal pitch unknown: the camera is assumed to point straight down." if pitch is None else None
    return min(altitude, DISTANCE_M_RANGE[1]), "relative altitude", warning
