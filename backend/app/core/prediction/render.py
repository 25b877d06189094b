"""Annotated images drawn with Pillow (API process: no cv2): masks, boxes, labels, skeletons.

Masks are filled from the stored polygons (fast at any image size; crack outlines rarely have holes).
Colours follow severity when the prediction has a scale (narrow green, moderate orange, wide red),
otherwise the class.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Literal

from PIL import Image, ImageDraw, ImageFont

from app.core.prediction import filtering

SEVERITY_COLOURS: dict[str, tuple[int, int, int]] = {
    "narrow": (46, 204, 113),
    "moderate": (243, 156, 18),
    "wide": (231, 76, 60),
}
CLASS_COLOURS: list[tuple[int, int, int]] = [
    (0, 200, 255),
    (255, 0, 200),
    (255, 220, 0),
    (120, 255, 0),
    (160, 100, 255),
    (255, 120, 60),
]
MASK_ALPHA = 110
ImageFormat = Literal["png", "jpeg"]


@dataclass(frozen=True)
class OverlayOptions:
    masks: bool = True
    boxes: bool = True
    labels: bool = True
    skeletons: bool = False
    conf: float | None = None  # None: the prediction's own selection
    iou: float | None = None
    max_side: int | None = None


def chosen_instances(
    result: dict[str, Any], params: dict[str, Any], conf: float | None, iou: float | None
) -> list[dict[str, Any]]:
    """The instances kept by conf/iou (default: the `selected` flags stored with the prediction)."""
    instances: list[dict[str, Any]] = list(result.get("instances", []))
    if conf is None and iou is None:
        return [inst for inst in instances if inst.get("selected")]
    kept = filtering.select_dicts(
        instances,
        conf if conf is not None else float(params.get("conf", 0.25)),
        iou if iou is not None else float(params.get("iou", 0.45)),
    )
    return [inst for index, inst in enumerate(instances) if index in kept]


def _colour(instance: dict[str, Any]) -> tuple[int, int, int]:
    severity = (instance.get("measurements") or {}).get("severity")
    if severity in SEVERITY_COLOURS:
        return SEVERITY_COLOURS[severity]
    return CLASS_COLOURS[int(instance.get("class_id", 0)) % len(CLASS_COLOURS)]


def _points(flat: list[float], scale: float) -> list[tuple[float, float]]:
    return [(flat[i] * scale, flat[i + 1] * scale) for i in range(0, len(flat) - 1, 2)]


def _label(instance: dict[str, Any]) -> str:
    text = f"{instance.get('class_name', '')} {float(instance.get('score', 0)):.2f}"
    measurements = instance.get("measurements") or {}
    if measurements.get("width_max_mm") is not None:
        text += f" w{measurements['width_max_mm']:.1f}mm"
    return text


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow without FreeType
        return ImageFont.load_default()


def render(image: Image.Image, instances: list[dict[str, Any]], options: OverlayOptions) -> Image.Image:
    scale = 1.0
    if options.max_side and max(image.size) > options.max_side:
        scale = options.max_side / max(image.size)
        image = image.resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))))
    base = image.convert("RGBA")
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    line = max(1, round(max(base.size) / 800))
    font = _font(max(10, round(max(base.size) / 70)))
    for instance in instances:
        colour = _colour(instance)
        if options.masks:
            for polygon in instance.get("polygons", []):
                points = _points(polygon, scale)
                if len(points) >= 3:
                    draw.polygon(points, fill=(*colour, MASK_ALPHA))
        if options.skeletons:
            for polyline in instance.get("skeleton", []):
                points = _points(polyline, scale)
                if len(points) >= 2:
                    draw.line(points, fill=(255, 255, 255, 255), width=line + 1)
        x1, y1, x2, y2 = (float(v) * scale for v in instance["box"])
        if options.boxes:
            draw.rectangle((x1, y1, x2, y2), outline=(*colour, 255), width=line + 1)
        if options.labels:
            text = _label(instance)
            left, top, right, bottom = draw.textbbox((x1, y1), text, font=font)
            lift = bottom - top + 2 * line
            y = y1 - lift if y1 - lift >= 0 else y1
            draw.rectangle((x1, y, x1 + right - left + 2 * line, y + lift), fill=(*colour, 220))
            draw.text((x1 + line, y + line - (top - y1)), text, fill=(0, 0, 0, 255), font=font)
    return Image.alpha_composite(base, overlay).convert("RGB")


def encode(image: Image.Image, fmt: ImageFormat) -> bytes:
    buffer = io.BytesIO()
    if fmt == "jpeg":
        image.save(buffer, format="JPEG", quality=90)
    else:
        image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
