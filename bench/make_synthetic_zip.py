"""Generate a synthetic crack data set and zip it (input for the data set upload benchmark).

Example:
    .venv/bin/python bench/make_synthetic_zip.py --images 4000 --image-size 320 \
        --out /tmp/crack4000.zip --layout roboflow

Splits the images 80/10/10 (train/val/test), prints one JSON line with counts, sizes and timings.
The zip is byte-for-byte the same for the same arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

try:
    from app.data.synthetic import MAX_IMAGES_PER_SPLIT, SyntheticSpec, generate_dataset, write_yolo_zip
except ImportError:  # run from a checkout without the backend installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))
    from app.data.synthetic import MAX_IMAGES_PER_SPLIT, SyntheticSpec, generate_dataset, write_yolo_zip


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--images", type=int, default=4000, help="total images (split 80/10/10)")
    parser.add_argument("--image-size", type=int, default=320, help="square image side in px")
    parser.add_argument("--out", type=Path, default=Path("/tmp/crack4000.zip"), help="zip file to write")
    parser.add_argument("--layout", choices=("roboflow", "ultralytics"), default="roboflow")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--crack-free-fraction", type=float, default=0.2)
    parser.add_argument("--format", choices=("jpg", "png"), default="jpg", help="image file format")
    args = parser.parse_args(argv)
    if not 3 <= args.images <= MAX_IMAGES_PER_SPLIT:
        parser.error(f"--images must be between 3 and {MAX_IMAGES_PER_SPLIT}")
    return args


def _spec(args: argparse.Namespace) -> SyntheticSpec:
    val = max(1, round(args.images * 0.1))
    test = max(1, round(args.images * 0.1))
    return SyntheticSpec(
        seed=args.seed,
        train=args.images - val - test,
        val=val,
        test=test,
        image_size=args.image_size,
        crack_free_fraction=args.crack_free_fraction,
        image_format=args.format,
    )


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    spec = _spec(args)
    out: Path = args.out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crack-synthetic-") as tmp:
        started = time.perf_counter()
        dataset = generate_dataset(Path(tmp) / "dataset", spec)
        generated = time.perf_counter()
        write_yolo_zip(dataset.root, out, layout=args.layout)
        zipped = time.perf_counter()
    report = {
        "zip": str(out),
        "layout": args.layout,
        "images": dict(dataset.images),
        "instances": dict(dataset.instances),
        "crack_free_images": dict(dataset.crack_free_images),
        "image_size": args.image_size,
        "zip_bytes": out.stat().st_size,
        "generate_s": round(generated - started, 2),
        "zip_s": round(zipped - generated, 2),
        "ms_per_image": round((generated - started) * 1000 / spec.total_images, 1),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
