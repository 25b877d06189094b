"""The demo dataset's files: synthetic concrete cracks, the same every time (fixed seed).

Generating them draws with OpenCV, so only the command line (`crackdet demo-data`) and tests import this
module; the demo service (app/services/demo.py) receives `generate_demo_files` as an argument.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.data.synthetic import SyntheticSpec, generate_dataset

# Concrete and asphalt with unlabelled look-alikes (joints, stains, shadows, spalls), so the demo stays a
# real task; cracks 3-12 px wide at 320 px, which a model at 320 px resolves (its masks are computed at a
# quarter of the input size: 2 px cracks become sub-pixel there). 20 test images judge the first run.
# docs/FIRST_RUN.md has the measurements behind these choices.
DEMO_SPEC = SyntheticSpec(
    seed=2026,
    train=64,
    val=16,
    test=20,
    image_size=320,
    min_width=3,
    max_width=12,
    asphalt_fraction=0.3,
    max_distractors=2,
)


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
