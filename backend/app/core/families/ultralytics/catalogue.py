"""Measures the Ultralytics architectures for architectures.json (imports ultralytics: a script only)."""

from __future__ import annotations

from typing import Any

from app.core.families.catalogue import REFERENCE_IMAGE_SIZE, Architecture
from app.core.families.ultralytics import ARCHITECTURE_NAMES, NAME, SERIES


def compute_architecture(name: str) -> Architecture:
    """Build `name` from its YAML (no weights) and measure parameters and GFLOPs at the reference size."""
    from ultralytics import YOLO
    from ultralytics.utils.torch_utils import get_flops, get_num_params

    series = next(s for s in SERIES if name.startswith(s))
    size = name[len(series)]
    model = YOLO(f"{name}.yaml", task="segment")
    net: Any = model.model
    layers = sum(1 for _, module in net.named_modules() if not module._modules)
    return Architecture(
        name=name,
        family=series,
        size=size,
        framework=NAME,
        task="segment",
        yaml=str(net.yaml.get("yaml_file", f"{name}.yaml")),
        parameters=int(get_num_params(net)),
        gflops=round(float(get_flops(net, REFERENCE_IMAGE_SIZE)), 1),
        layers=layers,
    )


def measure_architectures() -> list[Architecture]:
    return [compute_architecture(name) for name in ARCHITECTURE_NAMES]
