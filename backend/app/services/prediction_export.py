"""Exports of stored predictions: JSON, CSV (one row per crack), COCO (RLE masks) and annotated images.

Instances are chosen as the UI shows them: the ones `selected` by each prediction's own conf/iou, or
re-filtered with the request's conf/iou (same algorithm as the UI), or all of them
(`selected_only=false`). Files are written under data_dir/tmp/exports and removed after download.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import Settings
from app.core.prediction import rle
from app.core.prediction.render import OverlayOptions, chosen_instances, encode, render
from app.db.base import new_id
from app.db.session import session_scope
from app.domain.errors import NotFound
from app.repositories import prediction as repo
from app.repositories.prediction import PredictionRow
from app.schemas.prediction import ExportFormats, PredictionExportFormat, PredictionExportRequest
from app.services import prediction as prediction_service
from app.services import prediction_history
from app.utils.clock import utc_now
from app.utils.images import open_display

FORMATS: dict[str, PredictionExportFormat] = {
    "json": PredictionExportFormat(
        id="json",
        name="JSON",
        media_type="application/json",
        extension="json",
        description="Every prediction with its parameters, instances (boxes, polygons, RLE masks, "
        "skeletons), measurements and per-image summary",
    ),
    "csv": PredictionExportFormat(
        id="csv",
        name="CSV",
        media_type="text/csv",
        extension="csv",
        description="One row per crack: image, class, score, box, length, width (max, mean, p95), area, "
        "orientation, mm values and severity",
    ),
    "coco": PredictionExportFormat(
        id="coco",
        name="COCO",
        media_type="application/json",
        extension="json",
        description="COCO results: images, categories and annotations with RLE masks, bbox, area and "
        "score (loads in pycocotools)",
    ),
    "images": PredictionExportFormat(
        id="images",
        name="Annotated images",
        media_type="application/zip",
        extension="zip",
        description="A zip of the images with masks, boxes and labels drawn on them (JPEG)",
    ),
}
CSV_COLUMNS = [
    "prediction_id",
    "image_name",
    "model_name",
    "instance_id",
    "class_id",
    "class_name",
    "score",
    "selected",
    "parts",
    "x1",
    "y1",
    "x2",
    "y2",
    "area_px",
    "length_px",
    "width_max_px",
    "width_mean_px",
    "width_p95_px",
    "orientation_deg",
    "mm_per_px",
    "area_mm2",
    "length_mm",
    "width_max_mm",
    "width_mean_mm",
    "width_p95_mm",
    "severity",
]
MEASUREMENT_COLUMNS = CSV_COLUMNS[13:19] + CSV_COLUMNS[20:]


def export_formats() -> ExportFormats:
    return ExportFormats(formats=list(FORMATS.values()))


@dataclass(frozen=True)
class ExportFile:
    path: Path
    filename: str
    media_type: str


@dataclass
class _Item:
    row: PredictionRow
    instances: list[dict[str, Any]]


def _rows(settings: Settings, request: PredictionExportRequest) -> list[PredictionRow]:
    with session_scope(settings.resolved_database_url) as db:
        if request.batch_id:
            rows = repo.of_batch(db, request.batch_id)
            if not rows:
                raise NotFound(f"Batch {request.batch_id} has no predictions")
        else:
            ids = list(dict.fromkeys(request.prediction_ids or []))
            rows = repo.by_ids(db, ids)
            missing = sorted(set(ids) - {row.id for row in rows})
            if missing:
                raise NotFound(f"Prediction(s) not found: {', '.join(missing[:10])}")
        return rows


def _items(settings: Settings, request: PredictionExportRequest) -> list[_Item]:
    items = []
    for row in _rows(settings, request):
        results = row.results or {}
        if request.selected_only:
            chosen = chosen_instances(results, row.params or {}, request.conf, request.iou)
        else:
            chosen = list(results.get("instances", []))
        items.append(_Item(row, chosen))
    return items


def _json_bytes(items: list[_Item]) -> bytes:
    payload = []
    for item in items:
        result = prediction_service.to_result(item.row).model_dump(mode="json")
        result["instances"] = item.instances
        payload.append(result)
    exported = {"exported_at": utc_now().isoformat(), "predictions": payload}
    return json.dumps(exported, indent=1).encode("utf-8")


def _csv_bytes(items: list[_Item]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for item in items:
        params = item.row.params or {}
        for inst in item.instances:
            measurements = inst.get("measurements") or {}
            x1, y1, x2, y2 = inst["box"]
            row: dict[str, Any] = {
                "prediction_id": item.row.id,
                "image_name": item.row.image_name,
                "model_name": item.row.model_name,
                "instance_id": inst["id"],
                "class_id": inst["class_id"],
                "class_name": inst["class_name"],
                "score": inst["score"],
                "selected": inst.get("selected"),
                "parts": inst.get("parts", 1),
                "x1": x1,
                "y1": y1,
                "x2": x2,
                "y2": y2,
                "mm_per_px": params.get("mm_per_px"),
            }
            row.update({column: measurements.get(column) for column in MEASUREMENT_COLUMNS})
            row["area_px"] = inst.get("area_px", measurements.get("area_px"))
            writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def _coco_annotation(inst: dict[str, Any], image_id: int, annotation_id: int) -> dict[str, Any]:
    x1, y1, x2, y2 = (float(v) for v in inst["box"])
    annotation: dict[str, Any] = {
        "id": annotation_id,
        "image_id": image_id,
        "category_id": int(inst["class_id"]) + 1,
        "score": float(inst["score"]),
        "iscrowd": 0,
    }
    mask = inst.get("rle")
    if mask:
        bbox = (inst.get("measurements") or {}).get("bbox")
        annotation["segmentation"] = {"size": list(mask["size"]), "counts": mask["counts"]}
        annotation["area"] = float(rle.area(mask))
        annotation["bbox"] = [float(v) for v in bbox] if bbox else [x1, y1, x2 - x1, y2 - y1]
    else:
        annotation["segmentation"] = [[x1, y1, x2, y1, x2, y2, x1, y2]]
        annotation["area"] = (x2 - x1) * (y2 - y1)
        annotation["bbox"] = [x1, y1, x2 - x1, y2 - y1]
    return annotation


def _coco_bytes(items: list[_Item]) -> bytes:
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    categories: dict[int, str] = {}
    for image_id, item in enumerate(items, start=1):
        row = item.row
        images.append(
            {
                "id": image_id,
                "file_name": f"{row.id}_{row.image_name or 'image'}",
                "width": row.width,
                "height": row.height,
                "prediction_id": row.id,
            }
        )
        for name_index, name in enumerate((row.results or {}).get("class_names", [])):
            categories.setdefault(name_index + 1, name)
        for inst in item.instances:
            categories.setdefault(int(inst["class_id"]) + 1, inst["class_name"])
            annotations.append(_coco_annotation(inst, image_id, len(annotations) + 1))
    coco = {
        "info": {"description": "Crack predictions", "date_created": utc_now().isoformat()},
        "images": images,
        "categories": [
            {"id": cid, "name": name, "supercategory": "crack"} for cid, name in sorted(categories.items())
        ],
        "annotations": annotations,
    }
    return json.dumps(coco).encode("utf-8")


def _write_images_zip(settings: Settings, items: list[_Item], target: Path) -> None:
    used: set[str] = set()
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive:
        for item in items:
            image_file = prediction_history.display_file(settings, item.row.id)
            image = open_display(image_file.path, settings.prediction_max_image_pixels)
            data = encode(render(image, item.instances, OverlayOptions()), "jpeg")
            name = f"{Path(item.row.image_name or 'image').stem}_annotated.jpg"
            if name in used:
                name = f"{Path(name).stem}_{item.row.id[:8]}.jpg"
            used.add(name)
            archive.writestr(name, data)


def build_export(settings: Settings, request: PredictionExportRequest) -> ExportFile:
    """Writes the export file and says how to serve it (the caller removes it after sending)."""
    items = _items(settings, request)
    spec = FORMATS[request.format]
    folder = settings.tmp_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utc_now().strftime("%Y%m%d-%H%M%S")
    suffix = "_coco" if request.format == "coco" else ""
    filename = f"predictions_{stamp}{suffix}.{spec.extension}"
    target = folder / f"{new_id()}.{spec.extension}"
    if request.format == "images":
        _write_images_zip(settings, items, target)
    else:
        writers = {"json": _json_bytes, "csv": _csv_bytes, "coco": _coco_bytes}
        target.write_bytes(writers[request.format](items))
    return ExportFile(target, filename, spec.media_type)
