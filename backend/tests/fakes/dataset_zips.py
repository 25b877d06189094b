"""Dataset zips for tests: synthetic YOLO-seg data in Ultralytics/Roboflow layouts, COCO, and hand-made
archives (malformed or hostile) built entry by entry."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

from app.data.synthetic import (
    ROBOFLOW_SPLIT_DIRS,
    SPLITS,
    SyntheticSpec,
    generate_dataset,
    write_yolo_zip,
)

SMALL_SPEC = SyntheticSpec(seed=7, train=8, val=2, test=2, image_size=64)


def make_small_dataset(folder: Path, spec: SyntheticSpec = SMALL_SPEC) -> Path:
    return generate_dataset(folder, spec).root


def yolo_zip(dataset_root: Path, target: Path, layout: str = "ultralytics") -> Path:
    return write_yolo_zip(dataset_root, target, layout=layout)  # type: ignore[arg-type]


def wrapped_zip(source_zip: Path, target: Path, folder: str = "my-dataset") -> Path:
    """The same content inside one top-level folder (what zipping a folder gives)."""
    with zipfile.ZipFile(source_zip) as source, zipfile.ZipFile(target, "w") as archive:
        for info in source.infolist():
            archive.writestr(f"{folder}/{info.filename}", source.read(info.filename))
    return target


def coco_document(dataset_root: Path, split: str) -> tuple[dict[str, object], list[Path]]:
    """A Roboflow-style COCO document for one split of a synthetic dataset (parent category id 0)."""
    from PIL import Image

    images, annotations = [], []
    files = sorted((dataset_root / "images" / split).iterdir())
    for image_id, path in enumerate(files):
        with Image.open(path) as opened:
            width, height = opened.size
        images.append({"id": image_id, "file_name": path.name, "width": width, "height": height})
        label = dataset_root / "labels" / split / f"{path.stem}.txt"
        for line in label.read_text().splitlines():
            values = [float(v) for v in line.split()[1:]]
            pixels = [round(v * (width if i % 2 == 0 else height), 2) for i, v in enumerate(values)]
            xs, ys = pixels[0::2], pixels[1::2]
            annotations.append(
                {
                    "id": len(annotations),
                    "image_id": image_id,
                    "category_id": 1,
                    "iscrowd": 0,
                    "segmentation": [pixels],
                    "area": 1.0,
                    "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)],
                }
            )
    categories = [
        {"id": 0, "name": "cracks-abc", "supercategory": "none"},
        {"id": 1, "name": "crack", "supercategory": "cracks-abc"},
    ]
    return {"images": images, "annotations": annotations, "categories": categories}, files


def coco_zip(dataset_root: Path, target: Path, folder: str = "") -> Path:
    """Roboflow's COCO segmentation export: {train,valid,test}/_annotations.coco.json + images."""
    with zipfile.ZipFile(target, "w") as archive:
        for split in SPLITS:
            split_dir = f"{folder}{ROBOFLOW_SPLIT_DIRS[split]}"
            document, files = coco_document(dataset_root, split)
            archive.writestr(f"{split_dir}/_annotations.coco.json", json.dumps(document))
            for path in files:
                archive.writestr(f"{split_dir}/{path.name}", path.read_bytes())
        archive.writestr(f"{folder}README.roboflow.txt", "exported from a fake roboflow\n")
    return target


def zip_bytes(entries: dict[str, bytes | str], *, symlinks: dict[str, str] | None = None) -> bytes:
    """A zip with exactly these entries (names are not checked: hostile names are the point)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
        for name, link_target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, link_target)
    return buffer.getvalue()


def minimal_yolo_entries(dataset_root: Path) -> dict[str, bytes | str]:
    """The Ultralytics-layout entries of a synthetic dataset, to add hostile entries to."""
    entries: dict[str, bytes | str] = {
        "data.yaml": "train: images/train\nval: images/val\nnames: [crack]\n",
    }
    for split in ("train", "val"):
        for kind in ("images", "labels"):
            for path in sorted((dataset_root / kind / split).iterdir()):
                entries[f"{kind}/{split}/{path.name}"] = path.read_bytes()
    return entries
