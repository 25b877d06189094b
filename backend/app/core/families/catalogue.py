"""The shipped catalogue of architectures (architectures.json) and the `Architecture` record.

Parameter counts and GFLOPs are measured once per family by its `catalogue` module (run in a subprocess:
`python -m app.core.training.architectures`) and shipped in architectures.json, so the API never imports
torch to list them. Each entry also carries its input-size rule: the training image size must be a
multiple of `image_multiple`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).with_name("architectures.json")
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
        """File name of the official pretrained weights (yolov8n-seg.pt unless named otherwise)."""
        return self.weights_name or f"{self.name}.pt"


@lru_cache(maxsize=1)
def shipped() -> dict[str, Any]:
    """The parsed architectures.json: {"versions": {family: version}, "reference": ..., "architectures"}."""
    data: dict[str, Any] = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    return data


def shipped_architectures(framework: str, names: tuple[str, ...]) -> tuple[Architecture, ...]:
    """The shipped entries of `framework`, in the order of `names` (entries not shipped are left out)."""
    entries = {
        item["name"]: Architecture(**item)
        for item in shipped()["architectures"]
        if item["framework"] == framework
    }
    return tuple(entries[name] for name in names if name in entries)


def catalogue_version(framework: str) -> str | None:
    """The library version the shipped entries of `framework` were measured with."""
    version: str | None = shipped().get("versions", {}).get(framework)
    return version
