"""Measures the RF-DETR variants for architectures.json (imports rfdetr and torch: a script only)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.core.families.catalogue import REFERENCE_CLASSES, Architecture
from app.core.families.rfdetr import NAME, VARIANTS


def compute_rfdetr_architecture(name: str) -> Architecture:
    """Build an RF-DETR variant with no weights (offline) and measure parameters and GFLOPs at its default
    resolution. Parameters are for the reference class count (the head has one more slot: background)."""
    import rfdetr
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    model: Any = getattr(rfdetr, VARIANTS[name])(
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
        framework=NAME,
        task="segment" if segmentation else "detect",
        yaml=VARIANTS[name],
        parameters=int(sum(p.numel() for p in net.parameters())),
        gflops=round(counter.get_total_flops() / 1e9, 1),  # 2 per multiply-add, as Ultralytics counts
        layers=layers,
        image_multiple=int(config.patch_size) * int(config.num_windows),
        default_image_size=resolution,
        weights_name=Path(str(type(config)().pretrain_weights)).name,
    )


def measure_architectures() -> list[Architecture]:
    return [compute_rfdetr_architecture(name) for name in VARIANTS]
