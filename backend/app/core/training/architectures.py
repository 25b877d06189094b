"""The catalogue of trainable model architectures (Ultralytics segmentation YAMLs, pinned version).

Parameter counts and GFLOPs are computed once by running this module in a subprocess
(`python -m app.core.training.architectures --write`) and shipped in architectures.json, so the API
never imports torch to list them.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

CATALOGUE_FILE = Path(__file__).with_name("architectures.json")
REFERENCE_CLASSES = 80
REFERENCE_IMAGE_SIZE = 640

FAMILIES: dict[str, tuple[str, ...]] = {
    "yolov8": ("n", "s", "m", "l", "x"),
    "yolov9": ("c", "e"),
    "yolo11": ("n", "s", "m", "l", "x"),
    "yolo26": ("n", "s", "m", "l", "x"),
}
FAMILY_LABELS = {"yolov8": "YOLOv8", "yolov9": "YOLOv9", "yolo11": "YOLO11", "yolo26": "YOLO26"}
SIZE_LABELS = {
    "n": "nano",
    "s": "small",
    "m": "medium",
    "l": "large",
    "x": "extra large",
    "c": "compact",
    "e": "extended",
}


@dataclass(frozen=True)
class Architecture:
    """One trainable architecture, e.g. yolov8n-seg."""

    name: str
    family: str
    size: str
    framework: str
    task: str
    yaml: str
    parameters: int
    gflops: float
    layers: int

    @property
    def weights_file(self) -> str:
        """File name of the official pretrained weights (yolov8n-seg.pt)."""
        return f"{self.name}.pt"


def architecture_names() -> list[str]:
    return [f"{family}{size}-seg" for family, sizes in FAMILIES.items() for size in sizes]


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, Architecture]:
    """The shipped catalogue, keyed by name, in display order."""
    raw = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    entries = {item["name"]: Architecture(**item) for item in raw["architectures"]}
    return {name: entries[name] for name in architecture_names() if name in entries}


def get_architecture(name: str) -> Architecture | None:
    return load_catalogue().get(name)


# --------------------------------------------------------------------------------------------------
# Generation (imports ultralytics: run as a script, never from the API)
# --------------------------------------------------------------------------------------------------


def compute_architecture(name: str) -> Architecture:
    """Build `name` from its YAML (no weights) and measure parameters and GFLOPs at the reference size."""
    from ultralytics import YOLO
    from ultralytics.utils.torch_utils import get_flops, get_num_params

    family = next(f for f in FAMILIES if name.startswith(f))
    size = name[len(family)]
    model = YOLO(f"{name}.yaml", task="segment")
    net: Any = model.model
    layers = sum(1 for _, module in net.named_modules() if not module._modules)
    return Architecture(
        name=name,
        family=family,
        size=size,
        framework="ultralytics",
        task="segment",
        yaml=str(net.yaml.get("yaml_file", f"{name}.yaml")),
        parameters=int(get_num_params(net)),
        gflops=round(float(get_flops(net, REFERENCE_IMAGE_SIZE)), 1),
        layers=layers,
    )


def write_catalogue(path: Path = CATALOGUE_FILE) -> None:
    import ultralytics

    items = [asdict(compute_architecture(name)) for name in architecture_names()]
    payload = {
        "ultralytics_version": ultralytics.__version__,
        "reference": {"classes": REFERENCE_CLASSES, "image_size": REFERENCE_IMAGE_SIZE},
        "architectures": items,
    }
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate architectures.json (imports ultralytics)")
    parser.add_argument("--output", type=Path, default=CATALOGUE_FILE)
    args = parser.parse_args()
    from app.core.training.offline import prepare_ultralytics_env

    prepare_ultralytics_env(Path(os.environ.get("CRACKDET_DATA_DIR") or tempfile.mkdtemp()))
    write_catalogue(args.output)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
