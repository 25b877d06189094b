"""The catalogue of trainable model architectures: Ultralytics segmentation YAMLs and RF-DETR detection and
segmentation variants (pinned versions).

Parameter counts and GFLOPs are computed once by running this module in a subprocess
(`python -m app.core.training.architectures`) and shipped in architectures.json, so the API never imports
torch to list them. Each entry also carries its input-size rule: the training image size must be a
multiple of `image_multiple` (32 for YOLO and RF-DETR detection; patch size x windows for RF-DETR
segmentation: 12 for Seg Nano, 24 for the other Seg sizes).
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
# RF-DETR variants in rfdetr 1.11.2: catalogue name -> rfdetr class. The names are rfdetr's own `size`.
RFDETR_VARIANTS: dict[str, str] = {
    "rfdetr-nano": "RFDETRNano",
    "rfdetr-small": "RFDETRSmall",
    "rfdetr-medium": "RFDETRMedium",
    "rfdetr-large": "RFDETRLarge",
    "rfdetr-seg-nano": "RFDETRSegNano",
    "rfdetr-seg-small": "RFDETRSegSmall",
    "rfdetr-seg-medium": "RFDETRSegMedium",
    "rfdetr-seg-large": "RFDETRSegLarge",
    "rfdetr-seg-xlarge": "RFDETRSegXLarge",
    "rfdetr-seg-2xlarge": "RFDETRSeg2XLarge",
}
FAMILY_LABELS = {
    "yolov8": "YOLOv8",
    "yolov9": "YOLOv9",
    "yolo11": "YOLO11",
    "yolo26": "YOLO26",
    "rfdetr": "RF-DETR",
    "rfdetr-seg": "RF-DETR Seg",
}
SIZE_LABELS = {
    "n": "nano",
    "s": "small",
    "m": "medium",
    "l": "large",
    "x": "extra large",
    "c": "compact",
    "e": "extended",
    "nano": "nano",
    "small": "small",
    "medium": "medium",
    "large": "large",
    "xlarge": "extra large",
    "2xlarge": "2x extra large",
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
    image_multiple: int = 32  # the training image size must be a multiple of this
    default_image_size: int = 640
    weights_name: str | None = None  # official weights file, when it is not `<name>.pt`

    @property
    def weights_file(self) -> str:
        """File name of the official pretrained weights (yolov8n-seg.pt, rf-detr-seg-nano.pt)."""
        return self.weights_name or f"{self.name}.pt"


def architecture_names() -> list[str]:
    yolo = [f"{family}{size}-seg" for family, sizes in FAMILIES.items() for size in sizes]
    return [*yolo, *RFDETR_VARIANTS]


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


def compute_rfdetr_architecture(name: str) -> Architecture:
    """Build an RF-DETR variant with no weights (offline) and measure parameters and GFLOPs at its default
    resolution. Parameters are for the reference class count (the head has one more slot: background)."""
    import rfdetr
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    model: Any = getattr(rfdetr, RFDETR_VARIANTS[name])(
        pretrain_weights=None, num_classes=REFERENCE_CLASSES, device="cpu"
    )
    config = model.model_config
    net: Any = model.model.model
    net.eval()
    resolution = int(config.resolution)
    with FlopCounterMode(display=False) as counter:  # not under no_grad: its module tracker needs grads
        net(torch.zeros(1, 3, resolution, resolution))
    layers = sum(1 for _, module in net.named_modules() if not module._modules)
    segmentation = bool(config.segmentation_head)
    return Architecture(
        name=name,
        family="rfdetr-seg" if segmentation else "rfdetr",
        size=name.rsplit("-", 1)[-1],
        framework="rfdetr",
        task="segment" if segmentation else "detect",
        yaml=RFDETR_VARIANTS[name],
        parameters=int(sum(p.numel() for p in net.parameters())),
        gflops=round(counter.get_total_flops() / 1e9, 1),  # 2 per multiply-add, as Ultralytics counts
        layers=layers,
        image_multiple=int(config.patch_size) * int(config.num_windows),
        default_image_size=resolution,
        weights_name=Path(str(type(config)().pretrain_weights)).name,
    )


def write_catalogue(
    path: Path = CATALOGUE_FILE, frameworks: tuple[str, ...] = ("ultralytics", "rfdetr")
) -> None:
    """Recompute the entries of `frameworks`; the others are kept from the shipped file."""
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    kept = {item["name"]: item for item in old.get("architectures", [])}
    payload: dict[str, Any] = {
        "ultralytics_version": old.get("ultralytics_version"),
        "rfdetr_version": old.get("rfdetr_version"),
        "reference": {"classes": REFERENCE_CLASSES, "image_size": REFERENCE_IMAGE_SIZE},
    }
    if "ultralytics" in frameworks:
        import ultralytics

        payload["ultralytics_version"] = ultralytics.__version__
        for name in architecture_names():
            if name not in RFDETR_VARIANTS:
                kept[name] = asdict(compute_architecture(name))
    if "rfdetr" in frameworks:
        from importlib.metadata import version

        payload["rfdetr_version"] = version("rfdetr")
        for name in RFDETR_VARIANTS:
            kept[name] = asdict(compute_rfdetr_architecture(name))
    payload["architectures"] = [kept[name] for name in architecture_names() if name in kept]
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate architectures.json (imports ultralytics/rfdetr)")
    parser.add_argument("--output", type=Path, default=CATALOGUE_FILE)
    parser.add_argument("--frameworks", default="ultralytics,rfdetr", help="comma-separated")
    args = parser.parse_args()
    from app.core.training.offline import prepare_ultralytics_env

    prepare_ultralytics_env(Path(os.environ.get("CRACKDET_DATA_DIR") or tempfile.mkdtemp()))
    write_catalogue(args.output, tuple(args.frameworks.split(",")))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
