#!/usr/bin/env python3
"""Print real NVML readings of every NVIDIA GPU (or say plainly that there is none), and the host.

Uses the same adapter and sampler as the app (app.core.monitoring), so what it prints is what the
dashboard shows. Run from the repository root:

    .venv/bin/python scripts/gpu_check.py            # two samples, one second apart
    .venv/bin/python scripts/gpu_check.py --json     # the raw sample as JSON
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from app.core.monitoring.nvml import NvmlAdapter
from app.core.monitoring.readings import GpuReading, Sample
from app.core.monitoring.sampler import Sampler

GIB = 1024**3


def _value(value: float | None, unit: str, scale: float = 1.0) -> str:
    if value is None:
        return "n/a"
    return f"{value / scale:.1f}{unit}" if scale != 1.0 else f"{value}{unit}"


def describe_gpu(gpu: GpuReading) -> list[str]:
    lines = [
        f"GPU {gpu.index}: {gpu.name}  ({gpu.uuid or 'no uuid'})",
        f"  temperature   {_value(gpu.temperature_c, ' C')}",
        (
            f"  utilisation   gpu {_value(gpu.utilization_gpu_percent, '%')}, "
            f"memory controller {_value(gpu.utilization_memory_percent, '%')}"
        ),
        (
            f"  memory        {_value(gpu.memory_used_bytes, ' GiB', GIB)} used of "
            f"{_value(gpu.memory_total_bytes, ' GiB', GIB)} ({_value(gpu.memory_used_percent, '%')}), "
            f"{_value(gpu.memory_free_bytes, ' GiB', GIB)} free"
        ),
        f"  power         {_value(gpu.power_draw_w, ' W')} of {_value(gpu.power_limit_w, ' W')} limit",
        f"  fan           {_value(gpu.fan_percent, '%')}",
        f"  clocks        SM {_value(gpu.clock_sm_mhz, ' MHz')}, memory {_value(gpu.clock_mem_mhz, ' MHz')}",
    ]
    if gpu.processes:
        for proc in gpu.processes:
            used = _value(proc.used_memory_bytes, " GiB", GIB)
            lines.append(f"  process       pid {proc.pid} {proc.name or '?'}: {used}")
    else:
        lines.append("  processes     none")
    return lines


def describe(sample: Sample) -> str:
    host = sample.host
    lines = [f"Sample at {sample.timestamp.isoformat()}"]
    if sample.gpu_available:
        lines.append(
            f"NVIDIA driver {sample.driver_version}, {len(sample.gpus)} GPU(s)"
        )
        for gpu in sample.gpus:
            lines += describe_gpu(gpu)
    else:
        lines.append(sample.gpu_reason or "No NVIDIA GPU found")
    load = (
        ", ".join(f"{x:.2f}" for x in host.load_average) if host.load_average else "n/a"
    )
    lines += [
        (
            f"Host: CPU {host.cpu_percent:.1f}% over {host.cpu_count} cores "
            f"(per core {host.cpu_per_core_percent}), load {load}"
        ),
        (
            f"      RAM {host.memory_used_bytes / GIB:.1f} of {host.memory_total_bytes / GIB:.1f} GiB "
            f"({host.memory_percent:.1f}%), swap {host.swap_percent:.1f}%"
        ),
        (
            f"      disk of {host.disk_path}: {_value(host.disk_percent, '%')} used, "
            f"{_value(host.disk_free_bytes, ' GiB', GIB)} free"
        ),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--json", action="store_true", help="print the raw sample as JSON"
    )
    parser.add_argument(
        "--samples", type=int, default=2, choices=range(1, 11), metavar="1-10"
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path.cwd(),
        help="disk to report (default: cwd)",
    )
    args = parser.parse_args()

    sampler = Sampler(NvmlAdapter(), args.data_dir)
    try:
        for i in range(args.samples):
            if i:
                time.sleep(1.0)  # CPU percentages need an interval
            sample = sampler.collect()
        if args.json:
            print(json.dumps(dataclasses.asdict(sample), default=str, indent=2))
        else:
            print(describe(sample))
    finally:
        sampler.close()
    return 0 if sample.gpu_available else 1


if __name__ == "__main__":
    sys.exit(main())
