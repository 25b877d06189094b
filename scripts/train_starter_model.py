"""Train the offline "Starter crack model": yolov8n-seg on the synthetic crack generator.

    .venv/bin/python scripts/train_starter_model.py [--epochs 50] [--work /tmp/starter-work]

Why: on a CPU-only, offline server a from-scratch run on a small dataset learns too slowly to find
cracks at the default confidence within minutes. Starting from weights that already know thin dark
branching cracks (and, from the distractors, what is *not* a crack) makes a short run useful.

The training data comes from `STARTER_SPEC`: its own seed and a larger, more varied spec than the
demo's, so no demo image (train, val or test) is in it. The script writes, into
backend/app/core/families/ultralytics/starter/:
  - crack-starter-yolov8n-seg.npz  weights (int8 per-channel convolutions, fp16 rest; no pickle)
  - training.json                  seed, spec, command, arguments, per-epoch metrics, final metrics
  - results.csv, args.yaml         Ultralytics' per-epoch log of the run and the arguments it ran with
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import shlex
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "backend"))

from app.core.families.ultralytics.starter import (  # noqa: E402
    STARTER_ARCH,
    STARTER_DIR,
    STARTER_METADATA,
    STARTER_WEIGHTS,
)
from app.core.families.ultralytics.starter.weights import pack_checkpoint  # noqa: E402
from app.core.training.offline import prepare_ultralytics_env  # noqa: E402
from app.data.synthetic import SyntheticSpec, generate_dataset  # noqa: E402

STARTER_SPEC = SyntheticSpec(
    seed=515_151,
    train=400,
    val=40,
    test=0,
    image_size=320,
    crack_free_fraction=0.15,
    max_cracks_per_image=3,
    min_width=2,
    max_width=8,
    asphalt_fraction=0.35,
    max_distractors=3,
)
TRAIN_SEED = 0
# Fast-learning recipe for a small model on a CPU (measured: AdamW at 0.002 without mosaic learns
# crack shapes several times faster than the SGD + mosaic defaults); cracks have no orientation, so
# both flips and small rotations are free augmentation.
TRAIN_ARGS: dict[str, object] = {
    "batch": 16,
    "optimizer": "AdamW",
    "lr0": 0.002,
    "cos_lr": True,
    "warmup_epochs": 1.0,
    "mosaic": 0.0,
    "fliplr": 0.5,
    "flipud": 0.5,
    "degrees": 10.0,
    "scale": 0.3,
    "translate": 0.1,
    "hsv_h": 0.0,
    "hsv_s": 0.2,
    "hsv_v": 0.3,
    "erasing": 0.0,
    "workers": 2,
    "device": "cpu",
    "amp": False,
    "plots": False,
    "deterministic": True,
    "patience": 1000,
}


def _per_epoch(results_csv: Path) -> list[dict[str, float]]:
    with results_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [{key.strip(): float(value) for key, value in row.items() if value.strip()} for row in rows]


def _resume(yolo: Any, last: Path, epochs: int) -> None:
    """Resume from `last` with `epochs` as the new total (Ultralytics takes it from the checkpoint's
    arguments and rescales the cosine schedule to it)."""
    import torch

    ckpt = torch.load(last, map_location="cpu", weights_only=False)
    if ckpt["train_args"].get("epochs") != epochs:
        ckpt["train_args"]["epochs"] = epochs
        torch.save(ckpt, last)
    yolo(str(last)).train(resume=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--imgsz", type=int, default=320)
    parser.add_argument("--work", type=Path, default=Path("/tmp/starter-work"))
    parser.add_argument("--out", type=Path, default=STARTER_DIR)
    parser.add_argument(
        "--resume",
        action="store_true",
        help="Continue the run in --work from its last epoch (--epochs: the new total; schedule rescaled)",
    )
    args = parser.parse_args()

    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    prepare_ultralytics_env(work)
    from ultralytics import YOLO  # after the offline set-up

    dataset_dir = work / "dataset"
    if not (dataset_dir / "data.yaml").is_file():
        generate_dataset(dataset_dir, STARTER_SPEC)
    started = time.time()
    run_dir = work / "runs" / "starter"
    train_args = {
        **TRAIN_ARGS,
        "data": str(dataset_dir / "data.yaml"),
        "epochs": args.epochs,
        "imgsz": args.imgsz,
        "seed": TRAIN_SEED,
        "project": str(work / "runs"),
        "name": "starter",
        "exist_ok": True,
    }
    if args.resume:
        _resume(YOLO, run_dir / "weights" / "last.pt", args.epochs)
    else:
        YOLO(f"{STARTER_ARCH}.yaml", task="segment").train(**train_args)
    minutes = (time.time() - started) / 60
    best = run_dir / "weights" / "best.pt"
    final = YOLO(str(best)).val(data=str(dataset_dir / "data.yaml"), imgsz=args.imgsz, batch=8, plots=False)

    args.out.mkdir(parents=True, exist_ok=True)
    size = pack_checkpoint(best, args.out / STARTER_WEIGHTS.name)
    metadata = {
        "architecture": STARTER_ARCH,
        "image_size": args.imgsz,
        "command": "python scripts/train_starter_model.py " + shlex.join(sys.argv[1:]),
        "train_seed": TRAIN_SEED,
        "synthetic_spec": asdict(STARTER_SPEC),
        "train_args": {k: v for k, v in train_args.items() if k not in ("data", "project", "name")},
        "minutes_this_invocation": round(minutes, 1),
        "resumed": bool(args.resume),  # then the epochs before it came from an earlier invocation
        "machine": f"{platform.processor() or platform.machine()}, {platform.platform()}",
        "weights_bytes": size,
        "final_val": {
            "box_map50": round(float(final.box.map50), 4),
            "mask_map50": round(float(final.seg.map50), 4),
            "mask_map50_95": round(float(final.seg.map), 4),
        },
        "per_epoch": _per_epoch(run_dir / "results.csv"),
    }
    (args.out / STARTER_METADATA.name).write_text(json.dumps(metadata, indent=1) + "\n", encoding="utf-8")
    # The training log: Ultralytics' per-epoch results and the arguments it ran with.
    shutil.copyfile(run_dir / "results.csv", args.out / "results.csv")
    shutil.copyfile(run_dir / "args.yaml", args.out / "args.yaml")
    print(json.dumps({k: v for k, v in metadata.items() if k != "per_epoch"}, indent=1))


if __name__ == "__main__":
    main()
