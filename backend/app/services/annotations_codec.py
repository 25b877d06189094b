"""Annotation instances: checked against their image, and converted to and from YOLO-seg label lines.

Stored instances are plain dicts (the JSON document of image_annotations and the version manifests):
{"id", "class_id", "polygon": [[x, y], ...] | None, "rle": {"size": [h, w], "counts"} | None,
"source", "score", "reviewed", "model_id"}, in image pixels.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from app.core.prediction import rle as rle_codec
from app.data.mask_outline import mask_outlines
from app.data.validation import LabelShape
from app.domain.errors import Unprocessable
from app.schemas.annotations import MAX_POLYGON_POINTS, AnnotationInstance

COORD_DECIMALS = 6
PIXEL_DECIMALS = 2


def new_instance_id() -> str:
    return uuid.uuid4().hex[:12]


def _check_polygon(field: str, polygon: Sequence[tuple[float, float]], width: int, height: int) -> None:
    if len(polygon) < 3:
        raise Unprocessable(f"{field}: a polygon needs at least 3 points (got {len(polygon)}).")
    for index, (x, y) in enumerate(polygon):
        if not (0.0 <= x <= width and 0.0 <= y <= height):
            raise Unprocessable(
                f"{field}[{index}]: the point ({x:g}, {y:g}) is outside the {width} x {height} image."
            )


def _check_rle(field: str, mask: dict[str, Any], width: int, height: int) -> None:
    if list(mask["size"]) != [height, width]:
        raise Unprocessable(
            f"{field}.size: {mask['size']} does not match the image's [height, width] [{height}, {width}]."
        )
    try:
        rle_codec.area(mask)
        rle_codec.decode(mask)
    except (ValueError, IndexError) as exc:
        raise Unprocessable(f"{field}.counts: not a valid COCO RLE of this image ({exc}).") from None


def checked_instances(
    instances: Sequence[AnnotationInstance], width: int, height: int, class_count: int
) -> list[dict[str, Any]]:
    """The instances as stored, or 422 naming the first invalid field (coordinates outside the image,
    fewer than 3 points, an unknown class, a mask that is not this image's, no mask at all)."""
    stored: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, instance in enumerate(instances):
        field = f"instances[{index}]"
        if instance.class_id >= class_count:
            raise Unprocessable(
                f"{field}.class_id: {instance.class_id} is not a class of this dataset "
                f"(0..{class_count - 1})."
            )
        if instance.polygon is None and instance.rle is None:
            raise Unprocessable(f"{field}: give a polygon, an rle mask or both.")
        if instance.polygon is not None:
            _check_polygon(f"{field}.polygon", instance.polygon, width, height)
        mask = instance.rle.model_dump() if instance.rle is not None else None
        if mask is not None:
            _check_rle(f"{field}.rle", mask, width, height)
        instance_id = instance.id if instance.id and instance.id not in seen else new_instance_id()
        seen.add(instance_id)
        stored.append(
            {
                "id": instance_id,
                "class_id": instance.class_id,
                "polygon": [[round(x, PIXEL_DECIMALS), round(y, PIXEL_DECIMALS)] for x, y in instance.polygon]
                if instance.polygon is not None
                else None,
                "rle": mask,
                "source": instance.source,
                "score": instance.score,
                "reviewed": instance.reviewed,
                "model_id": instance.model_id,
            }
        )
    return stored


def from_label_shapes(shapes: Iterable[LabelShape], width: int, height: int) -> list[dict[str, Any]]:
    """An imported label file's polygons as stored instances (source imported, reviewed)."""
    return [
        {
            "id": f"l{index}",
            "class_id": shape.class_id,
            "polygon": [
                [round(x * width, PIXEL_DECIMALS), round(y * height, PIXEL_DECIMALS)] for x, y in shape.points
            ],
            "rle": None,
            "source": "imported",
            "score": None,
            "reviewed": True,
            "model_id": None,
        }
        for index, shape in enumerate(shapes)
    ]


def instance_polygons(instance: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Pixel polygons of an instance: its polygon, else the outlines of its RLE mask (largest first)."""
    polygon = instance.get("polygon")
    if polygon:
        return [[(float(x), float(y)) for x, y in polygon]]
    mask = instance.get("rle")
    if not mask:
        return []
    outlines = mask_outlines(rle_codec.decode(mask))
    return [[(float(x), float(y)) for x, y in outline[:MAX_POLYGON_POINTS]] for outline in outlines]


def _unit(value: float) -> str:
    return f"{min(max(value, 0.0), 1.0):.{COORD_DECIMALS}f}"


def label_lines(instances: Iterable[dict[str, Any]], width: int, height: int) -> list[str]:
    """YOLO-seg lines (`class x1 y1 ...`, normalised) of the instances; a mask of several parts gives
    one line per part."""
    lines = []
    for instance in instances:
        for polygon in instance_polygons(instance):
            values = " ".join(f"{_unit(x / width)} {_unit(y / height)}" for x, y in polygon)
            lines.append(f"{int(instance['class_id'])} {values}")
    return lines


def min_predicted_score(instances: Iterable[dict[str, Any]]) -> float | None:
    scores = [
        float(i["score"]) for i in instances if i.get("source") == "predicted" and i.get("score") is not None
    ]
    return min(scores) if scores else None
