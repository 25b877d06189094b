"""Fast CPU inference proof: the ONNX (and OpenVINO) export of a trained model detects what PyTorch does.

Everything heavy runs in a subprocess (tests/helpers/export_parity.py): export with the app's export
engine, then the same images through PyTorch and through the export loaded by Ultralytics' YOLO(path)
(ONNX Runtime / OpenVINO), plus the raw network outputs on one random input.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def parity_report(trained_yolo_weights: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    images = trained_yolo_weights.parents[3] / "dataset" / "images" / "val"
    out_dir = tmp_path_factory.mktemp("parity")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.helpers.export_parity",
            str(trained_yolo_weights),
            str(images),
            str(out_dir),
            "96",
        ],
        cwd=BACKEND,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


# Raw outputs: ONNX Runtime computes in FP32 like PyTorch; OpenVINO's CPU kernels differ a little more.
RAW_TOLERANCE = {"onnx": 1e-4, "openvino": 2e-2}
CONF_TOLERANCE = {"onnx": 1e-3, "openvino": 5e-3}


@pytest.mark.parametrize("fmt", ["onnx", "openvino"])
def test_export_detections_equal_pytorch(parity_report: dict[str, object], fmt: str) -> None:
    formats = parity_report["formats"]
    assert isinstance(formats, dict)
    if fmt not in formats:
        skipped = parity_report["skipped"]
        assert isinstance(skipped, dict)
        pytest.skip(str(skipped.get(fmt)))
    stats = formats[fmt]
    # Raw network outputs (boxes, class scores, mask coefficients, mask prototypes) on the same input.
    assert stats["shapes_equal"] is True
    assert stats["max_relative_diff"] < RAW_TOLERANCE[fmt]
    # Detections on the dataset images: every PyTorch detection is found, same class, same box and score.
    assert stats["torch_detections"] > 0
    assert stats["unmatched"] == 0
    assert stats["matched"] == stats["torch_detections"]
    assert stats["class_mismatches"] == 0
    assert stats["min_box_iou"] > 0.99
    assert stats["max_conf_diff"] < CONF_TOLERANCE[fmt]
    # The 2-epoch test model's mask logits sit within ~0.003 of the 0 threshold, so single pixels of the
    # binary masks flip on 1e-6 differences: the masks overlap well, and the prototypes and coefficients
    # behind them are compared tightly above.
    assert stats["min_mask_iou"] > 0.6
