"""A dataset version as a YOLO-seg or COCO zip, streamed while it is written (no file on disk).

YOLO-seg: data.yaml, images/<split>/<file>, labels/<split>/<stem>.txt (the stored layout).
COCO: <train|valid|test>/_annotations.coco.json with the images beside it; every instance is one
annotation whose segmentation lists its polygons in pixels (a brush mask: the outlines of its parts).
The dataset import reads either back to the same images and instances.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from app.config import Settings
from app.data.formats import SPLITS
from app.db.session import session_scope
from app.domain.errors import Conflict
from app.services import annotations_codec as codec
from app.services import dataset_objects
from app.services.dataset_versions import load_manifest
from app.services.datasets import row_or_404
from app.utils.clock import utc_now

COCO_SPLIT_FOLDERS = {"train": "train", "val": "valid", "test": "test"}
COPY_CHUNK = 1024 * 1024
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


class _Sink:
    """A write-only stream the zip writer fills and the response drains."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def drain(self) -> Iterator[bytes]:
        chunks, self.chunks = self.chunks, []
        yield from chunks


@dataclass(frozen=True)
class VersionDownload:
    filename: str
    chunks: Iterator[bytes]


def _copy_object(
    settings: Settings, archive: zipfile.ZipFile, sink: _Sink, sha: str, name: str
) -> Iterator[bytes]:
    info = zipfile.ZipInfo(name, date_time=utc_now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED  # images are compressed already
    with (
        dataset_objects.object_path(settings, sha).open("rb") as source,
        archive.open(info, "w", force_zip64=True) as target,
    ):
        while chunk := source.read(COPY_CHUNK):
            target.write(chunk)
            yield from sink.drain()


def _yolo_entries(
    settings: Settings, manifest: dict[str, Any], archive: zipfile.ZipFile, sink: _Sink
) -> Iterator[bytes]:
    splits = [split for split in SPLITS if any(image["split"] == split for image in manifest["images"])]
    names = list(manifest["class_names"])
    data_yaml = {split: f"images/{split}" for split in splits} | {"nc": len(names), "names": names}
    archive.writestr("data.yaml", yaml.safe_dump(data_yaml, sort_keys=False, allow_unicode=True))
    for image in manifest["images"]:
        split, name = image["split"], image["file_name"]
        yield from _copy_object(settings, archive, sink, image["object"], f"images/{split}/{name}")
        lines = codec.label_lines(image["instances"], image["width"], image["height"])
        archive.writestr(f"labels/{split}/{Path(name).stem}.txt", "".join(f"{line}\n" for line in lines))
        yield from sink.drain()


def _coco_document(manifest: dict[str, Any], split: str) -> dict[str, Any]:
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for image in (i for i in manifest["images"] if i["split"] == split):
        image_id = len(images) + 1
        images.append(
            {
                "id": image_id,
                "file_name": image["file_name"],
                "width": image["width"],
                "height": image["height"],
            }
        )
        for instance in image["instances"]:
            polygons = codec.instance_polygons(instance)
            if not polygons:
                continue
            flat = [[round(v, 2) for point in polygon for v in point] for polygon in polygons]
            xs = [x for polygon in polygons for x, _y in polygon]
            ys = [y for polygon in polygons for _x, y in polygon]
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": image_id,
                    "category_id": int(instance["class_id"]) + 1,
                    "segmentation": flat,
                    "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)],
                    "area": float((max(xs) - min(xs)) * (max(ys) - min(ys))),
                    "iscrowd": 0,
                }
            )
    return {
        "info": {"description": "Dataset version export", "date_created": utc_now().isoformat()},
        "images": images,
        "annotations": annotations,
        "categories": [{"id": index + 1, "name": name} for index, name in enumerate(manifest["class_names"])],
    }


def _coco_entries(
    settings: Settings, manifest: dict[str, Any], archive: zipfile.ZipFile, sink: _Sink
) -> Iterator[bytes]:
    for split in SPLITS:
        if not any(image["split"] == split for image in manifest["images"]):
            continue
        folder = COCO_SPLIT_FOLDERS[split]
        document = json.dumps(_coco_document(manifest, split))
        archive.writestr(f"{folder}/_annotations.coco.json", document, compress_type=zipfile.ZIP_DEFLATED)
        for image in (i for i in manifest["images"] if i["split"] == split):
            yield from _copy_object(
                settings, archive, sink, image["object"], f"{folder}/{image['file_name']}"
            )


def _stream(settings: Settings, manifest: dict[str, Any], fmt: str) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:  # type: ignore[call-overload]
        entries = _yolo_entries if fmt == "yolo-seg" else _coco_entries
        yield from entries(settings, manifest, archive, sink)
    yield from sink.drain()


def download(settings: Settings, dataset_id: str, version_id: str, fmt: str) -> VersionDownload:
    with session_scope(settings.resolved_database_url) as db:
        dataset_name = row_or_404(db, dataset_id).name
    row, manifest = load_manifest(settings, dataset_id, version_id)
    missing = [
        i["file_name"]
        for i in manifest["images"]
        if not dataset_objects.object_path(settings, i["object"]).is_file()
    ]
    if missing:
        raise Conflict(
            f"{len(missing)} stored image(s) of version {row.number} are missing, e.g. {missing[0]!r}."
        )
    stem = _SAFE.sub("_", dataset_name).strip("._")[:80] or "dataset"
    return VersionDownload(f"{stem}-v{row.number}-{fmt}.zip", _stream(settings, manifest, fmt))
