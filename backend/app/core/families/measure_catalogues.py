"""Regenerates the model families' shipped catalogues (core/families/<family>/architectures.json).

Run as a script (`python -m app.core.families.measure_catalogues --frameworks <family>,...`): each family's
`measurer` builds its architectures without weights and measures parameters and GFLOPs, which imports
its library. The API only reads the JSON (core/families/catalogue.py, registry.py).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from app.core.families.catalogue import CATALOGUE_NAME, REFERENCE_CLASSES, REFERENCE_IMAGE_SIZE, Architecture
from app.core.families.registry import family_names, get_family


def measure(framework: str) -> list[Architecture]:
    family = get_family(framework)
    if family.measurer is None:
        raise ValueError(f"{family.label} has no catalogue measurer")
    module_name, function = family.measurer.split(":")
    result: list[Architecture] = getattr(importlib.import_module(module_name), function)()
    return result


def write_catalogue(framework: str, folder: Path | None = None) -> Path:
    """Measures `framework`'s architectures into `folder` (default: the family's catalogue folder)."""
    family = get_family(framework)
    target = (folder or family.catalogue_dir or Path(".")) / CATALOGUE_NAME
    payload: dict[str, Any] = {
        "framework": family.name,
        "version": family.version(),
        "reference": {"classes": REFERENCE_CLASSES, "image_size": REFERENCE_IMAGE_SIZE},
        "architectures": [asdict(arch) for arch in measure(framework)],
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Regenerate the architecture catalogues (imports the libraries)"
    )
    parser.add_argument("--output-dir", type=Path, default=None, help="default: each family's folder")
    parser.add_argument("--frameworks", default=",".join(family_names()), help="comma-separated")
    args = parser.parse_args()
    from app.core.training.offline import prepare_ultralytics_env

    prepare_ultralytics_env(Path(os.environ.get("CRACKDET_DATA_DIR") or tempfile.mkdtemp()))
    for framework in args.frameworks.split(","):
        folder = args.output_dir / framework if args.output_dir else None
        print(f"wrote {write_catalogue(framework, folder)}")


if __name__ == "__main__":
    main()
