"""Regenerates the shipped architecture catalogue (core/families/architectures.json).

Run as a script (`python -m app.core.training.architectures --frameworks ultralytics,rfdetr`): each
family's `measurer` builds its architectures without weights and measures parameters and GFLOPs, which
imports its library. The API only reads the JSON (core/families/catalogue.py, registry.py).
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

from app.core.families.catalogue import CATALOGUE_FILE, REFERENCE_CLASSES, REFERENCE_IMAGE_SIZE, Architecture
from app.core.families.registry import family_names, get_family


def measure(framework: str) -> list[Architecture]:
    family = get_family(framework)
    if family.measurer is None:
        raise ValueError(f"{family.label} has no catalogue measurer")
    module_name, function = family.measurer.split(":")
    result: list[Architecture] = getattr(importlib.import_module(module_name), function)()
    return result


def write_catalogue(path: Path = CATALOGUE_FILE, frameworks: tuple[str, ...] | None = None) -> None:
    """Recompute the entries of `frameworks` (default: every family); the others are kept from the file."""
    old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    kept = {item["name"]: item for item in old.get("architectures", [])}
    versions: dict[str, Any] = dict(old.get("versions", {}))
    for name in frameworks or tuple(family_names()):
        versions[name] = get_family(name).version()
        for arch in measure(name):
            kept[arch.name] = asdict(arch)
    payload: dict[str, Any] = {
        "versions": versions,
        "reference": {"classes": REFERENCE_CLASSES, "image_size": REFERENCE_IMAGE_SIZE},
        "architectures": list(kept.values()),
    }
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate architectures.json (imports the libraries)")
    parser.add_argument("--output", type=Path, default=CATALOGUE_FILE)
    parser.add_argument("--frameworks", default=",".join(family_names()), help="comma-separated")
    args = parser.parse_args()
    from app.core.training.offline import prepare_ultralytics_env

    prepare_ultralytics_env(Path(os.environ.get("CRACKDET_DATA_DIR") or tempfile.mkdtemp()))
    write_catalogue(args.output, tuple(args.frameworks.split(",")))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
