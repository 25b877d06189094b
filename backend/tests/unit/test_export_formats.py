"""The export format catalogue, availability reasons and small model helpers (no torch needed)."""

from __future__ import annotations

from importlib import metadata

import pytest

from app.core.export.formats import FORMATS, Requirement, check_availability, version_tuple
from app.core.models.checkpoint import global_allowed
from app.core.models.metrics import flat_metrics, primary_metric
from app.services.models.common import family_and_scale, slug


def _no_gpu() -> int:
    return 0


def _one_gpu() -> int:  # fake NVML answer: no GPU on this machine
    return 1


def test_catalogue_offers_the_formats_that_work_here_and_tensorrt() -> None:
    assert set(FORMATS) == {"onnx", "torchscript", "openvino", "engine", "ncnn", "mnn"}
    assert FORMATS["openvino"].is_directory and FORMATS["ncnn"].is_directory
    assert not FORMATS["onnx"].is_directory


def test_tensorrt_without_gpu_is_unavailable_with_the_reason() -> None:
    availability = check_availability(FORMATS["engine"], _no_gpu)
    assert not availability.available
    assert availability.reason is not None
    assert "NVIDIA GPU" in availability.reason and "tensorrt" in availability.reason


def test_tensorrt_with_gpu_still_needs_the_package() -> None:
    availability = check_availability(FORMATS["engine"], _one_gpu)
    try:
        metadata.version("tensorrt")
    except metadata.PackageNotFoundError:
        assert not availability.available
        assert availability.reason is not None and "tensorrt package is not installed" in availability.reason
    else:
        assert availability.available


def test_onnx_is_available_with_fp16_on_cpu() -> None:
    availability = check_availability(FORMATS["onnx"], _no_gpu)
    assert availability.available and availability.half_available


def test_fp16_torchscript_needs_a_gpu() -> None:
    availability = check_availability(FORMATS["torchscript"], _no_gpu)
    assert availability.available and not availability.half_available
    assert availability.half_reason is not None and "GPU" in availability.half_reason
    assert check_availability(FORMATS["torchscript"], _one_gpu).half_available


def test_missing_package_names_the_extra() -> None:
    spec = FORMATS["mnn"]
    availability = check_availability(spec, _no_gpu)
    try:
        metadata.version("MNN")
    except metadata.PackageNotFoundError:
        assert availability.reason is not None and "crackdet[export]" in availability.reason
    else:
        assert availability.available


def test_requirement_versions() -> None:
    assert version_tuple("2026.4.1") == (2026, 4, 1)
    assert version_tuple("1.0.20261020") == (1, 0, 20261020)
    assert version_tuple("2.1.0rc1") == (2, 1, 0)
    assert Requirement("no-such-package-xyz").problem() == "the no-such-package-xyz package is not installed"
    assert Requirement("pydantic", minimum="999.0").problem() is not None
    assert Requirement("pydantic", minimum="1.0").problem() is None
    assert Requirement("pydantic", exact="0.0.1").problem() is not None


@pytest.mark.parametrize(
    ("arch", "expected"),
    [
        ("yolov8n-seg", ("yolov8", "n")),
        ("yolo11s-seg", ("yolo11", "s")),
        ("yolov9c-seg", ("yolov9", "c")),
        ("yolo26x-seg", ("yolo26", "x")),
        ("yolov8-seg-p6", ("yolov8", None)),
        ("rfdetr-seg-nano", ("rf-detr", "nano")),
        (None, (None, None)),
    ],
)
def test_family_and_scale(arch: str | None, expected: tuple[str | None, str | None]) -> None:
    assert family_and_scale(arch) == expected


def test_slug() -> None:
    assert slug("Crack v2 (best)") == "crack-v2-best"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("***") == "model"


def test_checkpoint_pickle_allowlist() -> None:
    for allowed in (
        "ultralytics.nn.tasks.SegmentationModel",
        "torch.nn.modules.conv.Conv2d",
        "collections.OrderedDict",
        "torch.float16",
        "numpy.float64",
        "ultralytics.utils.IterableSimpleNamespace",
    ):
        assert global_allowed(allowed), allowed
    for refused in (
        "posix.system",
        "os.system",
        "builtins.eval",
        "builtins.getattr",
        "subprocess.Popen",
        "torch.load",
        "ultralytics.utils.downloads.safe_download",
        "numpy.load",
    ):
        assert not global_allowed(refused), refused


def test_flat_metrics_and_primary() -> None:
    raw = {
        "metrics/precision(B)": 0.5,
        "metrics/mAP50-95(M)": 0.25,
        "fitness": 0.3,
        "val/box_loss": 1.0,
        "metrics/mAP50(B)": float("nan"),
    }
    flat = flat_metrics(raw)
    assert flat == {"box_precision": 0.5, "mask_map50_95": 0.25, "fitness": 0.3}
    assert primary_metric(flat) == 0.25
    assert primary_metric({"box_map50_95": 0.4}) == 0.4
    assert primary_metric({}) is None
