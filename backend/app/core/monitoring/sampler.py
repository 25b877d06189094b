"""Takes one sample of every GPU and the host, and keeps NVML alive across failures.

`Sampler.collect()` blocks (NVML and psutil calls): call it through `asyncio.to_thread`. With no GPU, no
NVML library, or an NVML that fails mid-run it still returns a sample (host readings, no GPUs, and the
reason in words); a failure is logged once, NVML is re-initialised every `retry_s` and the GPUs come back
when it works again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.core.monitoring.host import CpuMeter, read_host
from app.core.monitoring.nvml import NvmlAdapter, NvmlFailure, NvmlUnavailable
from app.core.monitoring.readings import GpuReading, Sample
from app.utils.clock import utc_now

log = logging.getLogger(__name__)


class Sampler:
    def __init__(
        self,
        adapter: NvmlAdapter,
        data_dir: Path,
        *,
        retry_s: float = 60.0,
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._adapter = adapter
        self._data_dir = data_dir
        self._retry_s = retry_s
        self._clock = clock
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cpu = CpuMeter()
        self._next_init_at = 0.0
        self._gpu_reason: str | None = "GPU readings have not started yet"
        self._failing = False  # NVML worked, then failed; not yet recovered
        self._ever_initialized = False

    @property
    def gpu_reason(self) -> str | None:
        return self._gpu_reason

    def collect(self) -> Sample:
        with self._lock:
            gpus = self._read_gpus()
            host = read_host(self._data_dir, self._cpu)
            return Sample(
                timestamp=self._clock(),
                gpu_available=bool(gpus),
                gpu_reason=None if gpus else self._gpu_reason,
                driver_version=self._adapter.driver_version if gpus else None,
                gpus=gpus,
                host=host,
                gpu_failing=self._failing,
            )

    def close(self) -> None:
        with self._lock:
            self._adapter.shutdown()

    def _read_gpus(self) -> list[GpuReading]:
        if not self._adapter.initialized and not self._try_init():
            return []
        try:
            return self._adapter.read_all()
        except NvmlFailure as exc:
            self._degrade(str(exc))
            return []

    def _try_init(self) -> bool:
        now = self._monotonic()
        if now < self._next_init_at:
            return False
        try:
            self._adapter.init()
        except NvmlUnavailable as exc:
            self._next_init_at = now + self._retry_s
            if not self._failing and exc.reason != self._gpu_reason:
                log.info(
                    "%s; GPU monitoring shows the host only (checking again every %.0f s)",
                    exc.reason,
                    self._retry_s,
                )
            if not self._failing:
                self._gpu_reason = exc.reason
            return False
        count = self._adapter.device_count
        if self._failing:
            log.warning("NVML recovered: reading %d NVIDIA GPU(s) again", count)
        elif not self._ever_initialized:
            log.info("NVML: %d NVIDIA GPU(s), driver %s", count, self._adapter.driver_version or "unknown")
        self._failing = False
        self._ever_initialized = True
        self._gpu_reason = None
        return True

    def _degrade(self, detail: str) -> None:
        if not self._failing:
            log.warning(
                "NVML failed while reading the GPUs (%s); GPU readings paused, retrying every %.0f s",
                detail,
                self._retry_s,
            )
        self._failing = True
        self._gpu_reason = f"NVIDIA GPU readings failed ({detail}); retrying"
        self._adapter.shutdown()
        self._next_init_at = self._monotonic() + self._retry_s
