"""Ultralytics YOLO: the run that suits this server (machine-aware defaults) and its starter weights.

On a GPU the usual recipe (640 px, SGD, mosaic, 100 epochs) is affordable. On a CPU it takes hours,
so the recommendation switches to a recipe measured to learn cracks in minutes on a 2-core machine
(docs/FIRST_RUN.md): yolov8n-seg at 320 px, AdamW, light augmentation without mosaic, and as many
epochs as fit a time budget, starting from official weights when they are here (or downloadable) and
from the shipped starter crack model when offline.
"""

from __future__ import annotations

from typing import Any

from app.core.families.catalogue import Architecture
from app.core.families.defaults import (
    DatasetFacts,
    MachineFacts,
    Recommendation,
    StarterWeights,
    estimate_duration,
    format_duration,
)
from app.core.families.ultralytics.starter import (
    STARTER_ARCH,
    STARTER_LABEL,
    STARTER_WEIGHTS,
    starter_image_size,
)

STARTER = StarterWeights(
    reference="starter",
    label=STARTER_LABEL,
    architecture=STARTER_ARCH,
    path=STARTER_WEIGHTS,
    image_size=starter_image_size(),
)

CPU_ARCH = "yolov8n-seg"
CPU_IMAGE_SIZE = 320
CPU_BUDGET_S = 8 * 60  # a first run that answers within minutes; the user can ask for more
CPU_MIN_EPOCHS = 10
# Fine-tuning pretrained (or starter) weights levels off within ~30 epochs on a small set (measured on
# the demo: docs/FIRST_RUN.md); from scratch keeps improving for longer.
CPU_MAX_EPOCHS = {"pretrained": 20, "scratch": 60}
# AdamW's step size: 0.002 learns from scratch fast; on pretrained (or starter) weights it wipes out what
# they know within the first epochs (the demo's val mask mAP50 fell from 0.49 to 0.04), 0.0005 keeps it.
CPU_LEARNING_RATE = {"pretrained": 0.0005, "scratch": 0.002}
# The CPU recipe (measured: docs/FIRST_RUN.md). Mosaic at 320 px shrinks thin cracks below what the
# model resolves; AdamW at 0.002 converges in tens of epochs where SGD at 0.01 needs hundreds.
CPU_RECIPE: dict[str, Any] = {
    "batch_size": 8,
    "optimizer": "AdamW",
    "cosine_lr": True,
    # No warm-up: Ultralytics warms up for at least 100 iterations whatever warmup_epochs says, with a
    # bias learning rate of 0.1; on a small set (8 batches an epoch) that is 12 epochs of a 20-epoch run
    # and it knocked the demo's val mask mAP50 from 0.44 to 0.37 before it recovered.
    "warmup_epochs": 0.0,
    "augmentation_level": "light",
    "mosaic": 0.0,
    "close_mosaic": 0,
}
GPU_RECIPE: dict[str, Any] = {"image_size": 640, "epochs": 100, "batch_size": 16}


def _starting_weights(machine: MachineFacts, arch: str) -> tuple[dict[str, Any], str]:
    """Config values choosing the weights, and how the reason names them."""
    if arch in machine.official_weights:
        return {"pretrained": True, "weights": None}, "official weights"
    if machine.online:
        return {"pretrained": True, "weights": None}, "official weights (downloaded)"
    if machine.starter_available and arch == STARTER.architecture:
        return {"pretrained": False, "weights": STARTER.reference}, "offline: starter crack model"
    return {"pretrained": False, "weights": None}, "offline: from scratch"


def recommend(
    machine: MachineFacts, dataset: DatasetFacts, architectures: dict[str, Architecture]
) -> Recommendation:
    if machine.gpu_count > 0:
        arch = architectures[CPU_ARCH]
        weights, weights_text = _starting_weights(machine, arch.name)
        values = {"model_arch": arch.name, "device": "0", **GPU_RECIPE, **weights}
        estimate = estimate_duration(arch, 640, GPU_RECIPE["epochs"], dataset, machine.throughput)
        reason = f"GPU, {weights_text}: {arch.name} at 640 px, {GPU_RECIPE['epochs']} epochs"
    else:
        arch = architectures[CPU_ARCH]
        weights, weights_text = _starting_weights(machine, arch.name)
        one_epoch = estimate_duration(arch, CPU_IMAGE_SIZE, 1, dataset, machine.throughput)
        fits = int((CPU_BUDGET_S - (one_epoch.seconds - one_epoch.epoch_seconds)) // one_epoch.epoch_seconds)
        start = "scratch" if weights["weights"] is None and not weights["pretrained"] else "pretrained"
        epochs = max(CPU_MIN_EPOCHS, min(CPU_MAX_EPOCHS[start], fits))
        values = {
            "model_arch": arch.name,
            "device": "cpu",
            "image_size": CPU_IMAGE_SIZE,
            "epochs": epochs,
            "num_workers": min(2, machine.cpu_count),
            **CPU_RECIPE,
            "learning_rate": CPU_LEARNING_RATE[start],
            **weights,
        }
        estimate = estimate_duration(arch, CPU_IMAGE_SIZE, epochs, dataset, machine.throughput)
        reason = f"CPU only, {weights_text}: {arch.name} at {CPU_IMAGE_SIZE} px, {epochs} epochs"
    reason += f", about {format_duration(estimate.seconds)} on this machine"
    return Recommendation(values=values, reason=reason, estimate=estimate)
