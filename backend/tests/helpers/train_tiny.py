"""Trains a tiny yolov8n-seg on synthetic cracks and prints the path of best.pt (test fixture).

Run as a subprocess (`python -m tests.helpers.train_tiny OUT_DIR`) so that torch and ultralytics never
load into the pytest process.
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.core.training.offline import prepare_ultralytics_env
from app.data.synthetic import SyntheticSpec, generate_dataset

TINY_SPEC = SyntheticSpec(seed=7, train=12, val=4, test=4, image_size=96)


def main(out_dir: Path, epochs: int = 2, imgsz: int = 96) -> Path:
    prepare_ultralytics_env(out_dir)
    from ultralytics import YOLO

    dataset = generate_dataset(out_dir / "dataset", TINY_SPEC)
    model = YOLO("yolov8n-seg.yaml")
    model.train(
        data=str(dataset.data_yaml),
        epochs=epochs,
        imgsz=imgsz,
        batch=4,
        nbs=4,
        workers=0,
        device="cpu",
        project=str(out_dir / "runs"),
        name="tiny",
        exist_ok=True,
        plots=False,
        val=True,
        seed=0,
        deterministic=True,
        amp=False,
    )
    best = out_dir / "runs" / "tiny" / "weights" / "best.pt"
    if not best.is_file():
        raise SystemExit(f"training produced no {best}")
    return best


if __name__ == "__main__":
    print(main(Path(sys.argv[1]).resolve()))
