"""Sensor sizes of common inspection cameras, for photos whose EXIF lacks the focal-plane resolution.

Keyed by the EXIF Model string (DJI writes the camera's code, e.g. FC6310 for the Phantom 4 Pro).
Values from the manufacturers' specifications: sensor width x height in mm and the lens's real focal
length in mm (used when a photo gives none). Phones write a 35 mm-equivalent focal length instead,
which the scale code uses when the model is not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CameraSpec:
    name: str
    sensor_width_mm: float
    sensor_height_mm: float
    focal_length_mm: float


CAMERAS: dict[str, CameraSpec] = {
    # DJI consumer and enterprise drones (EXIF Make "DJI" or "Hasselblad")
    "FC6310": CameraSpec("DJI Phantom 4 Pro", 13.2, 8.8, 8.8),
    "FC6310S": CameraSpec("DJI Phantom 4 Pro V2.0", 13.2, 8.8, 8.8),
    "FC6310R": CameraSpec("DJI Phantom 4 RTK", 13.2, 8.8, 8.8),
    "FC330": CameraSpec("DJI Phantom 4", 6.17, 4.55, 3.61),
    "L2D-20c": CameraSpec("DJI Mavic 3 (Hasselblad)", 17.3, 13.0, 12.29),
    "M3E": CameraSpec("DJI Mavic 3 Enterprise", 17.3, 13.0, 12.29),
    "L1D-20c": CameraSpec("DJI Mavic 2 Pro (Hasselblad)", 13.2, 8.8, 10.26),
    "FC2220": CameraSpec("DJI Mavic 2 Zoom", 6.17, 4.55, 4.386),
    "FC3411": CameraSpec("DJI Air 2S", 13.2, 8.8, 8.38),
    "FC3170": CameraSpec("DJI Mavic Air 2", 6.4, 4.8, 4.49),
    "FC3582": CameraSpec("DJI Mini 3 Pro", 9.7, 7.3, 6.72),
    "FC3682": CameraSpec("DJI Mini 3", 9.7, 7.3, 6.72),
    "FC7303": CameraSpec("DJI Mini 2", 6.17, 4.55, 4.49),
    "M30": CameraSpec("DJI Matrice 30 (wide camera)", 6.4, 4.8, 4.5),
    "M30T": CameraSpec("DJI Matrice 30T (wide camera)", 6.4, 4.8, 4.5),
    "FC6520": CameraSpec("DJI Zenmuse X5S", 17.3, 13.0, 15.0),
    "ZenmuseP1": CameraSpec("DJI Zenmuse P1", 35.9, 24.0, 35.0),
}


def lookup_camera(model: str | None) -> CameraSpec | None:
    """The listed camera whose EXIF model string this is (case and surrounding spaces ignored)."""
    if not model:
        return None
    wanted = model.strip().casefold()
    for key, spec in CAMERAS.items():
        if key.casefold() == wanted:
            return spec
    return None
