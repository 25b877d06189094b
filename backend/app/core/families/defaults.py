"""Machine-aware training defaults and duration estimates, shared by every model family.

A family's `recommend` turns what is known about this server (GPUs, network, which weights exist, the
measured throughput) and the dataset into the settings of a run that suits them, with a reason a user
can read. `estimate_duration` turns a configuration into minutes from the architecture's GFLOPs, the
image count and size, and the throughput.

Light on purpose (the API imports it): the throughput probe runs numpy in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.core.families.catalogue import REFERENCE_IMAGE_SIZE, Architecture

# A training step costs about three forward passes (forward, and backward twice the forward).
TRAIN_PASSES = 3.0
WARN_ABOVE_S = 3600.0
# Fixed costs per epoch beyond the network's arithmetic (data loading, NMS in validation, metrics,
# checkpoint saving) and per run (model build, final validation of best.pt), measured on the reference
# machine (docs/BENCHMARKS.md "First run").
EPOCH_OVERHEAD_S = 2.0
RUN_OVERHEAD_S = 20.0
# Share of the probe's matrix-multiply speed that a YOLO training step reaches (convolutions,
# activations and memory traffic are slower than one large matmul). Measured on the reference machine
# (2 cores, probe 111 GFLOP/s per core): yolov8n-seg at 320 px trained at 82 GFLOP/s (0.37 of 2 x 111)
# at load 2.7, and at 57 GFLOP/s (0.26) at load 4.5 (docs/FIRST_RUN.md). Past runs replace the figure.
CPU_EFFICIENCY = 0.37
# A GPU is not probed from the API process (no torch there): a conservative figure for a data-centre GPU
# training a small model, replaced by past runs' measurements as soon as one has finished.
GPU_THROUGHPUT_GFLOPS = 4000.0


@dataclass(frozen=True)
class Throughput:
    """Effective training arithmetic per second on this machine, and where the figure comes from."""

    gflops: float
    basis: str  # "3 past epochs on this machine" / "a 0.1 s CPU probe"


@dataclass(frozen=True)
class MachineFacts:
    """What decides a good default run on this server."""

    gpu_count: int
    cpu_count: int
    online: bool
    official_weights: frozenset[str]  # architectures whose official weights are on disk
    starter_available: bool
    throughput: Throughput


@dataclass(frozen=True)
class DatasetFacts:
    train_images: int
    val_images: int


@dataclass(frozen=True)
class Estimate:
    seconds: float
    epoch_seconds: float
    throughput: Throughput
    warning: str | None


@dataclass(frozen=True)
class Recommendation:
    """Configuration values for a run on this machine, the reason, and its estimated duration."""

    values: dict[str, Any]
    reason: str
    estimate: Estimate
    notes: list[str] = field(default_factory=list)


def image_gflops(arch: Architecture, image_size: int) -> float:
    """One forward pass of one image: the catalogue's figure scaled from its reference size."""
    return arch.gflops * (image_size / REFERENCE_IMAGE_SIZE) ** 2


def estimate_duration(
    arch: Architecture, image_size: int, epochs: int, dataset: DatasetFacts, throughput: Throughput
) -> Estimate:
    work = image_gflops(arch, image_size) * (TRAIN_PASSES * dataset.train_images + dataset.val_images)
    epoch_s = work / max(throughput.gflops, 1e-6) + EPOCH_OVERHEAD_S
    total = epoch_s * epochs + RUN_OVERHEAD_S
    warning = None
    if total > WARN_ABOVE_S:
        warning = (
            f"About {format_duration(total)} on this machine: fewer epochs, a smaller image size or a "
            "smaller architecture would shorten it."
        )
    return Estimate(round(total, 1), round(epoch_s, 2), throughput, warning)


def format_duration(seconds: float) -> str:
    minutes = seconds / 60
    if minutes < 1.5:
        return "1 minute"
    if minutes < 90:
        return f"{round(minutes)} minutes"
    return f"{minutes / 60:.1f} hours"


def throughput_from_epochs(epochs: list[tuple[float, float]]) -> float | None:
    """Median GFLOP/s of past epochs given as (work in GFLOP, seconds); None without usable ones."""
    rates = sorted(work / seconds for work, seconds in epochs if seconds > 0 and work > 0)
    return rates[len(rates) // 2] if rates else None


_PROBE = """
import time, numpy as np
a = np.random.default_rng(0).random((256, 256), dtype=np.float32); b = a.copy(); best = 0.0
end = time.perf_counter() + 0.15
while time.perf_counter() < end:
    t = time.perf_counter(); a @ b; best = max(best, 2 * 256**3 / max(time.perf_counter() - t, 1e-9) / 1e9)
print(best)
"""
FALLBACK_CORE_GFLOPS = 50.0


@lru_cache(maxsize=1)
def probe_core_gflops() -> float:
    """One core's float32 matrix-product speed: the best of ~0.15 s of small products, in a subprocess
    pinned to one BLAS thread. Measured once per process. One thread and the best (not the mean), so
    that other processes' load does not count: under a load of 6 on 2 cores, a multi-threaded probe
    read 0.6 GFLOP/s where this one reads 111 (its unloaded figure)."""
    single = {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    try:
        done = subprocess.run(
            [sys.executable, "-c", _PROBE],
            env={**os.environ, **single},
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        )
        return float(done.stdout.strip())
    except (OSError, ValueError, subprocess.SubprocessError):
        return FALLBACK_CORE_GFLOPS


def probed_throughput(gpu_count: int) -> Throughput:
    if gpu_count > 0:
        return Throughput(GPU_THROUGHPUT_GFLOPS, "a typical GPU (no run measured here yet)")
    cores = os.cpu_count() or 1
    gflops = probe_core_gflops() * cores * CPU_EFFICIENCY
    return Throughput(round(gflops, 1), f"a CPU probe on this machine ({cores} cores)")


@dataclass(frozen=True)
class StarterWeights:
    """Starting weights a family ships with the app, usable offline: `weights: "<reference>"`."""

    reference: str  # the value of TrainingConfig.weights that selects them
    label: str
    architecture: str  # the one architecture they fit
    path: Path
    image_size: int  # what they were trained at

    def available(self) -> bool:
        return self.path.is_file()
