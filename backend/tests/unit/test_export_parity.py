"""Fast CPU inference proof: the ONNX (and OpenVINO) export of a trained model detects what PyTorch does.

Judged on the starter crack model (a model that finds cracks with confident scores) at the app's
default confidence, so the comparison is of real detections and passes on AVX2 and AVX-512 CPUs alike.

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

from app.data.synthetic import SyntheticSpec, generate_dataset

BACKEND = Path(__file__).resolve().parents[2]


# Images the starter model never saw (its own generator seed differs), with the demo's look-alikes.
PARITY_SPEC = SyntheticSpec(
    seed=31_337, train=0, val=10, test=0, image_size=320, asphalt_fraction=0.3, max_distractors=2
)


@pytest.fixture(scope="module")
def parity_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    dataset = generate_dataset(tmp_path_factory.mktemp("parity-images") / "dataset", PARITY_SPEC)
    out_dir = tmp_path_factory.mktemp("parity")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.helpers.export_parity",
            "starter",
            str(dataset.root / "images" / "val"),
            str(out_dir),
            "320",
        ],
        cwd=BACKEND,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    report: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


# Tolerances from measured differences on confident detections of the starter model (10 images at
# 320 px, 10 detections above 0.35), on the reference machine (AMD EPYC, AVX-512 with bf16, where
# OpenVINO infers in bf16 by default): ONNX Runtime raw outputs 1.1e-6 relative, scores 6.9e-7, box IoU
# 0.999999, mask IoU 1.0; OpenVINO raw 0.012, scores 0.0043, box IoU 0.9936, mask IoU 0.9875. On an AVX2
# CPU OpenVINO computes in fp32 and lands between the two. Each bound leaves a margin of 2x or more.
RAW_TOLERANCE = {"onnx": 1e-4, "openvino": 3e-2}
CONF_TOLERANCE = {"onnx": 1e-3, "openvino": 2e-2}
MIN_BOX_IOU = {"onnx": 0.99, "openvino": 0.97}
MIN_MASK_IOU = {"onnx": 0.97, "openvino": 0.9}
MIN_CONFIDENT_DETECTIONS = 5


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
    # Confident detections on unseen images: every PyTorch detection is found, same class, box, score
    # and mask (real detections, far from the thresholds, so the CPU's kernels do not decide).
    assert stats["torch_detections"] >= MIN_CONFIDENT_DETECTIONS, stats
    assert stats["unmatched"] == 0
    assert stats["matched"] == stats["torch_detections"]
    assert stats["class_mismatches"] == 0
    assert stats["min_box_iou"] > MIN_BOX_IOU[fmt], stats
    assert stats["max_conf_diff"] < CONF_TOLERANCE[fmt], stats
    assert stats["min_mask_iou"] > MIN_MASK_IOU[fmt], stats
