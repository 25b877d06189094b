"""What this process's machine has, cheaply (no torch import): NVIDIA GPUs through NVML."""

from __future__ import annotations

import os


def gpu_count() -> int:
    """GPUs this process may use: NVML's count (0 without NVIDIA driver), limited by CUDA_VISIBLE_DEVICES
    when set (a celery worker slot sees only its own GPU). Cheap; never imports torch."""
    try:
        import pynvml

        pynvml.nvmlInit()
        try:
            count = int(pynvml.nvmlDeviceGetCount())
        finally:
            pynvml.nvmlShutdown()
    except Exception:
        return 0
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return count
    ids = [part for part in visible.split(",") if part.strip()]
    if any(part.strip().startswith("-") for part in ids):  # "-1": none (CUDA stops at the first invalid id)
        return 0
    return min(count, len(ids))
