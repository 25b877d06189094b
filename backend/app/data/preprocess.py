"""Contrast enhancement (CLAHE) of a whole dataset into a new folder; the source is only read.

CLAHE (contrast-limited adaptive histogram equalisation) on the lightness channel brings out thin,
low-contrast cracks on unevenly lit concrete. Labels are unchanged (same geometry), so they are
linked (or copied) across; images are re-encoded in their own format. Uses OpenCV: worker only.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.data.formats import SPLITS, labels_dir_for, list_images, list_labels, read_data_yaml, write_data_yaml

JPEG_QUALITY = 95
ProgressFn = Callable[[float], None]
StopFn = Callable[[], bool]


@dataclass(frozen=True)
class ClaheParams:
    clip_limit: float = 2.0
    tile_grid_size: int = 8


def _link_or_copy(source: str | Path, target: str | Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def enhance_image(source: Path, target: Path, params: ClaheParams) -> None:
    """CLAHE on the L channel (LAB) of a colour image, or on the grey image itself."""
    import cv2

    image = cv2.imread(str(source), cv2.IMREAD_UNCHANGED)
    if image is None:  # unreadable: keep it as it is, the validation report names it
        shutil.copy2(source, target)
        return
    clahe = cv2.createCLAHE(clipLimit=params.clip_limit, tileGridSize=(params.tile_grid_size,) * 2)
    if image.ndim == 2:
        result = clahe.apply(image) if image.dtype.name in ("uint8", "uint16") else image
    else:
        bgr = image[:, :, :3] if image.shape[2] >= 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        if bgr.dtype.name != "uint8":
            bgr = cv2.convertScaleAbs(bgr, alpha=255.0 / max(float(bgr.max()), 1.0))
        lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB)
        lab[:, :, 0] = clahe.apply(lab[:, :, 0])
        result = cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)
    suffix = target.suffix.lower()
    flags = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if suffix in (".jpg", ".jpeg") else []
    if not cv2.imwrite(str(target), result, flags):
        shutil.copy2(source, target)


def enhance_dataset(
    source_root: Path,
    target: Path,
    params: ClaheParams,
    *,
    progress: ProgressFn | None = None,
    should_stop: StopFn | None = None,
) -> list[str]:
    """Writes an enhanced copy of the dataset at `source_root` (stored layout or any data.yaml) into
    `target` in the stored layout; returns its splits."""
    source_root = source_root.resolve()
    spec = read_data_yaml(source_root / "data.yaml", source_root)
    work = [
        (split, image, labels_dir_for(folder))
        for split in SPLITS
        for folder in spec.split_dirs.get(split, [])
        for image in list_images(folder)
    ]
    splits = [split for split in SPLITS if split in spec.split_dirs]
    for split in splits:
        (target / "images" / split).mkdir(parents=True, exist_ok=True)
        (target / "labels" / split).mkdir(parents=True, exist_ok=True)
        for folder in spec.split_dirs[split]:
            for label in list_labels(labels_dir_for(folder)):
                _link_or_copy(label, target / "labels" / split / label.name)
    for index, (split, image, _labels) in enumerate(work):
        if should_stop is not None and index % 32 == 0 and should_stop():
            raise InterruptedError("stopped")
        enhance_image(image, target / "images" / split / image.name, params)
        if progress is not None and index % 32 == 0:
            progress(index / max(len(work), 1))
    if (source_root / "coco").is_dir():
        shutil.copytree(source_root / "coco", target / "coco", copy_function=_link_or_copy)
    write_data_yaml(target, spec.names, splits)
    if progress is not None:
        progress(1.0)
    return splits
