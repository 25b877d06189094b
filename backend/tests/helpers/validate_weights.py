"""Validates weights on a data set's val split with Ultralytics and prints {"mask_map50": x, "box_map50": x}.

Run as a subprocess (`python -m tests.helpers.validate_weights WEIGHTS DATA_YAML IMGSZ OUT_DIR`; WEIGHTS
is a .pt file or "starter") so torch and ultralytics never load into the pytest process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from app.core.training.offline import prepare_ultralytics_env


def main(weights_arg: str, data_yaml: Path, imgsz: int, out_dir: Path) -> dict[str, float]:
    prepare_ultralytics_env(out_dir)
    from ultralytics import YOLO

    from app.core.families.ultralytics.starter.weights import materialize

    weights = materialize(out_dir / "starter") if weights_arg == "starter" else Path(weights_arg)
    results = YOLO(str(weights)).val(
        data=str(data_yaml), imgsz=imgsz, batch=8, device="cpu", plots=False, project=str(out_dir)
    )
    return {"mask_map50": round(float(results.seg.map50), 4), "box_map50": round(float(results.box.map50), 4)}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))))
