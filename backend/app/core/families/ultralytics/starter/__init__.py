"""The offline "Starter crack model": yolov8n-seg trained on synthetic cracks, shipped in the repository.

scripts/train_starter_model.py trains it and records how (training.json, results.csv and args.yaml
beside this file). The weights are stored without pickle, as an .npz: convolution kernels in int8 with
one scale per output channel, every other tensor in fp16. That keeps the file under 5 MB (a
yolov8n-seg in fp16 is ~6.5 MB) and makes loading it safe. `weights.materialize` turns it back into an
Ultralytics checkpoint that training (as `pretrained` weights) and prediction accept.

This module is light (the API imports it); weights.py needs torch and Ultralytics: worker processes only.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

STARTER_ARCH = "yolov8n-seg"
STARTER_DIR = Path(__file__).resolve().parent
STARTER_WEIGHTS = STARTER_DIR / "crack-starter-yolov8n-seg.npz"
STARTER_METADATA = STARTER_DIR / "training.json"
STARTER_LABEL = "Starter crack model"
STARTER_CLASS_NAMES: tuple[str, ...] = ("crack",)
MATERIALIZED_NAME = "crack-starter-yolov8n-seg.pt"


def starter_available() -> bool:
    return STARTER_WEIGHTS.is_file() and zipfile.is_zipfile(STARTER_WEIGHTS)


def starter_metadata() -> dict[str, Any]:
    """What training.json records (architecture, image size, spec, metrics); {} when absent."""
    if not STARTER_METADATA.is_file():
        return {}
    data = json.loads(STARTER_METADATA.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def starter_image_size() -> int:
    """The image size the starter was trained at (what it predicts best at)."""
    size = starter_metadata().get("image_size", 320)
    return int(size) if isinstance(size, int) else 320
