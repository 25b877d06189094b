"""The export formats this app offers, what each needs, and whether this machine can produce it.

Light on purpose (the API imports it): package checks read installed distributions' metadata and never
import the packages, and the GPU check asks NVML, never torch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Literal

HalfSupport = Literal["any", "gpu", "no"]
ExportFormatName = Literal["onnx", "torchscript", "openvino", "engine", "ncnn", "mnn"]
EXPORT_FORMAT_NAMES: tuple[str, ...] = ("onnx", "torchscript", "openvino", "engine", "ncnn", "mnn")


@dataclass(frozen=True)
class Requirement:
    """An installed distribution, optionally at a minimum or exact version (as Ultralytics checks it)."""

    distribution: str
    minimum: str | None = None
    exact: str | None = None

    def problem(self) -> str | None:
        """None when satisfied, else what is missing or wrong."""
        try:
            installed = metadata.version(self.distribution)
        except metadata.PackageNotFoundError:
            return f"the {self.distribution} package is not installed"
        if self.exact is not None and installed != self.exact:
            return f"{self.distribution}=={self.exact} is needed, {installed} is installed"
        if self.minimum is not None and version_tuple(installed) < version_tuple(self.minimum):
            return f"{self.distribution}>={self.minimum} is needed, {installed} is installed"
        return None


@dataclass(frozen=True)
class FormatOptions:
    """Which export options a family's exporter takes for one format."""

    dynamic: bool = False
    simplify: bool = False
    opset: bool = False
    half: bool = False
    fixed_size: bool = False  # exports at the size the model was trained at (imgsz is not an option)
    notes: tuple[str, ...] = ()

    @classmethod
    def of_format(cls, spec: ExportFormat) -> FormatOptions:
        """The format's own options (what Ultralytics' exporter takes)."""
        return cls(dynamic=spec.dynamic, simplify=spec.simplify, opset=spec.opset, half=spec.half != "no")


@dataclass(frozen=True)
class ExportFormat:
    name: str  # Ultralytics' `format=` argument
    title: str
    description: str
    suffix: str  # what Ultralytics names the output: a file suffix or a folder ending
    is_directory: bool
    requirements: tuple[Requirement, ...]
    extra: str | None  # the crackdet extra that installs the requirements
    needs_gpu: bool = False
    dynamic: bool = False
    simplify: bool = False
    opset: bool = False
    half: HalfSupport = "no"
    runs_in_app: bool = False  # Ultralytics' YOLO(path) can load it for prediction
    notes: tuple[str, ...] = field(default_factory=tuple)


def version_tuple(version: str) -> tuple[int, ...]:
    """'2026.4.1' -> (2026, 4, 1); '1.0.20261020' -> (1, 0, 20261020); stops at the first non-number."""
    numbers: list[int] = []
    for part in version.split("."):
        match = re.match(r"\d+", part)
        if match is None:
            break
        numbers.append(int(match.group()))
    return tuple(numbers)


ONNX = Requirement("onnx", minimum="1.12.0")
FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "onnx",
            "ONNX",
            "ONNX graph for ONNX Runtime (fast CPU inference), TensorRT and most runtimes.",
            ".onnx",
            False,
            (ONNX, Requirement("onnxslim", minimum="0.1.82")),
            "ml",
            dynamic=True,
            simplify=True,
            opset=True,
            half="any",
            runs_in_app=True,
        ),
        ExportFormat(
            "torchscript",
            "TorchScript",
            "A traced PyTorch graph for C++/LibTorch deployment.",
            ".torchscript",
            False,
            (Requirement("torch"),),
            "ml",
            dynamic=True,
            half="gpu",
            runs_in_app=True,
            notes=("FP16 TorchScript is traced on a GPU: half needs an NVIDIA GPU.",),
        ),
        ExportFormat(
            "openvino",
            "OpenVINO",
            "OpenVINO IR (model.xml + model.bin) for fast inference on Intel CPUs.",
            "_openvino_model",
            True,
            (Requirement("openvino", minimum="2024.0.0"),),
            "openvino",
            dynamic=True,
            half="any",
            runs_in_app=True,
        ),
        ExportFormat(
            "engine",
            "TensorRT",
            "A TensorRT engine for NVIDIA GPUs, built for the GPU that exports it.",
            ".engine",
            False,
            (ONNX, Requirement("tensorrt")),
            "tensorrt",
            needs_gpu=True,
            dynamic=True,
            simplify=True,
            opset=True,
            half="any",
            runs_in_app=True,
            notes=("An engine only runs on the GPU model and TensorRT version that built it.",),
        ),
        ExportFormat(
            "ncnn",
            "NCNN",
            "NCNN param/bin for mobile and embedded CPUs (converted by PNNX).",
            "_ncnn_model",
            True,
            (Requirement("ncnn"), Requirement("pnnx", exact="20260526")),
            "export",
            half="any",
            runs_in_app=True,
        ),
        ExportFormat(
            "mnn",
            "MNN",
            "Alibaba MNN model for mobile and embedded inference.",
            ".mnn",
            False,
            (ONNX, Requirement("MNN", minimum="2.9.6")),
            "export",
            dynamic=True,
            simplify=True,
            opset=True,
            half="any",
            runs_in_app=True,
        ),
    )
}


@dataclass(frozen=True)
class Availability:
    available: bool
    reason: str | None = None
    half_available: bool = False
    half_reason: str | None = None


def _install_hint(spec: ExportFormat) -> str:
    return f"install it with: pip install 'crackdet[{spec.extra}]'" if spec.extra else "install the package"


def check_availability(spec: ExportFormat, gpu_count: Callable[[], int]) -> Availability:
    """Can this machine export to `spec` (and in FP16)? The reason says what is missing."""
    problems = [p for p in (r.problem() for r in spec.requirements) if p is not None]
    gpus = gpu_count() if spec.needs_gpu or spec.half == "gpu" else 0
    if spec.needs_gpu and gpus == 0:
        needs = " and ".join(
            [
                "an NVIDIA GPU",
                *(f"the {r.distribution} package" for r in spec.requirements if r.distribution != "onnx"),
            ]
        )
        return Availability(
            False, f"{spec.title} export needs {needs}: " + "; ".join(["no NVIDIA GPU found", *problems])
        )
    if problems:
        return Availability(
            False, f"{spec.title} export needs more packages: {'; '.join(problems)}; {_install_hint(spec)}"
        )
    if spec.half == "no":
        return Availability(True, None, False, f"{spec.title} has no FP16 (half) export")
    if spec.half == "gpu" and gpus == 0:
        reason = f"FP16 (half) {spec.title} export needs an NVIDIA GPU; none found"
        return Availability(True, None, False, reason)
    return Availability(True, None, True, None)


def output_name(spec: ExportFormat, stem: str) -> str:
    """The file or folder Ultralytics writes for weights `<stem>.pt`."""
    return f"{stem}{spec.suffix}"
