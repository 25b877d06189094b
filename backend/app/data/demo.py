"""The demo dataset's files: synthetic concrete cracks, the same every time (fixed seed).

Generating them draws with OpenCV, so only the command line (`crackdet demo-data`) and tests import this
module; the demo service (app/services/demo.py) receives `generate_demo_files` as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.data.synthetic import SyntheticSpec, generate_dataset

DEMO_SPEC = SyntheticSpec(seed=2026, train=48, val=12, test=12, image_size=320)


@dataclass(frozen=True)
class DemoFiles:
    """What was written: the facts the dataset row records."""

    class_names: tuple[str, ...]
    splits: dict[str, dict[str, int]]  # split -> {"images": n, "instances": n}
    image_count: int
    instance_count: int


def generate_demo_files(target: Path) -> DemoFiles:
    generated = generate_dataset(target, DEMO_SPEC)
    return DemoFiles(
        class_names=tuple(DEMO_SPEC.class_names),
        splits={
            split: {"images": generated.images[split], "instances": generated.instances[split]}
            for split in generated.images
        },
        image_count=generated.total_images,
        instance_count=generated.total_instances,
    )
