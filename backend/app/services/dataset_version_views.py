"""A dataset version as a folder a trainer reads: the YOLO-seg layout of its manifest.

    <data dir>/cache/dataset-versions/<dataset id>/<version id>/
        data.yaml, images/<split>/<file> (hard links to the stored objects), labels/<split>/<stem>.txt

Built away from its final name and renamed into place when complete, so a reader sees a whole view or
none; a view is rebuilt only when missing (versions never change). It lives under the dataset's cache
folder, so deleting the dataset removes it (dataset_storage.remove_derived_caches).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from app.config import Settings
from app.data.formats import write_data_yaml
from app.services import annotations_codec as codec
from app.services import dataset_objects
from app.services.dataset_storage import DATASET_CACHE_ROOT
from app.utils.paths import is_inside

VIEWS_KIND = "dataset-versions"
COMPLETE_MARKER = ".complete"


def view_dir(settings: Settings, dataset_id: str, version_id: str) -> Path:
    folder = settings.data_dir / DATASET_CACHE_ROOT / VIEWS_KIND / dataset_id / version_id
    if not is_inside(folder, settings.data_dir):
        raise ValueError("a version view must lie inside the data directory")
    return folder


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def write_yolo_tree(settings: Settings, manifest: dict[str, Any], target: Path) -> None:
    """data.yaml, images and label files of the manifest under `target` (which must be empty)."""
    splits = sorted({image["split"] for image in manifest["images"]})
    for split in splits:
        (target / "images" / split).mkdir(parents=True, exist_ok=True)
        (target / "labels" / split).mkdir(parents=True, exist_ok=True)
    for image in manifest["images"]:
        split, name = image["split"], image["file_name"]
        _link(dataset_objects.object_path(settings, image["object"]), target / "images" / split / name)
        lines = codec.label_lines(image["instances"], image["width"], image["height"])
        label = target / "labels" / split / f"{Path(name).stem}.txt"
        label.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    write_data_yaml(target, list(manifest["class_names"]), splits)


def materialise(settings: Settings, dataset_id: str, version_id: str, manifest: dict[str, Any]) -> Path:
    """The version's folder, built on first use."""
    final = view_dir(settings, dataset_id, version_id)
    if (final / COMPLETE_MARKER).is_file():
        return final
    building = final.with_name(f".{version_id}.building-{uuid.uuid4().hex[:8]}")
    try:
        write_yolo_tree(settings, manifest, building)
        (building / COMPLETE_MARKER).touch()
        shutil.rmtree(final, ignore_errors=True)  # an incomplete one left by a crash
        try:
            os.replace(building, final)
        except OSError:  # another process finished first: theirs is as good
            if not (final / COMPLETE_MARKER).is_file():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return final


def remove_view(settings: Settings, dataset_id: str, version_id: str) -> None:
    shutil.rmtree(view_dir(settings, dataset_id, version_id), ignore_errors=True)
