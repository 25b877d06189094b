"""The `Architecture` record and each family's shipped catalogue (<family folder>/architectures.json).

Parameter counts and GFLOPs are measured once per family by its `measurer` (run in a subprocess:
`python -m app.core.families.measure_catalogues`) and shipped as JSON, so the API never imports torch to list
them. Each entry also carries its input-size rule: the training image size must be a multiple of
`image_multiple`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOGUE_NAME = "architectures.json"
REFERENCE_CLASSES = 80
REFERENCE_IMAGE_SIZE = 640


@dataclass(frozen=True)
class Architecture:
    """One trainable architecture, e.g. yolov8n-seg."""

    name: str
    family: str  # the series within its model family, e.g. "yolov8"
    size: str
    framework: str  # the model family (core/families) that trains it
    task: str
    yaml: str
    parameters: int
    gflops: float
    layers: int
    image_multiple: int = 32  # the training image size must be a multiple of this
    default_image_size: int = 640
    weights_name: str | None = None  # official weights file, when it is not `<name>.pt`

    @property
    def weights_file(self) -> str:
        """File name of the official pretrained weights (`<name>.pt` unless named otherwise)."""
        return self.weights_name or f"{self.name}.pt"


@lru_cache(maxsize=16)
def shipped(folder: Path) -> dict[str, Any]:
    """A family's parsed catalogue: {"framework", "version", "reference", "architectures"} ({} if none)."""
    path = folder / CATALOGUE_NAME
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def shipped_architectures(folder: Path, names: tuple[str, ...]) -> tuple[Architecture, ...]:
    """The shipped entries of the family in `folder`, in the order of `names` (others are left out)."""
    entries = {item["name"]: Architecture(**item) for item in shipped(folder).get("architectures", [])}
    return tuple(entries[name] for name in names if name in entries)


def catalogue_version(folder: Path) -> str | None:
    """The library version the family's shipped entries were measured with."""
    version: str | None = shipped(folder).get("version")
    return version
