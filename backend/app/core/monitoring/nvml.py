"""A small adapter over NVML (`nvidia-ml-py`, imported as `pynvml`).

All NVML access goes through `NvmlAdapter`, so tests can hand it a fake module object with the same
functions (nvmlInit, nvmlDeviceGetCount, ...) that raises `pynvml.NVMLError_*` like the real library.
Every call here blocks: the sampler runs them in a thread, never on the event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

import psutil

from app.core.monitoring.readings import GpuProcess, GpuReading

log = logging.getLogger(__name__)

T = TypeVar("T")

# A reading that fails with one of these is simply absent (None) on this GPU; any other NVML error means
# NVML itself is in trouble (driver gone, GPU lost) and the whole reading is abandoned.
_MISSING_VALUE_ERRORS = (
    "NVMLError_NotSupported",
    "NVMLError_NoPermission",
    "NVMLError_NotFound",
    "NVMLError_NoData",
    "NVMLError_InvalidArgument",
    "NVMLError_FunctionNotFound",
    "NVMLError_InsufficientSize",
)

_NOT_AVAILABLE_MEMORY = (1 << 64) - 1  # NVML_VALUE_NOT_AVAILABLE_ulonglong


class NvmlUnavailable(Exception):
    """NVML cannot be used; `reason` says why in words a user understands."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NvmlFailure(Exception):
    """NVML was working and then failed while reading (driver reset, GPU lost, ...)."""


def _init_error_reason(exc: Exception) -> str:
    kind = type(exc).__name__
    if kind == "NVMLError_LibraryNotFound":
        return "No NVIDIA GPU found: the NVIDIA driver library (NVML) is not installed"
    if kind == "NVMLError_DriverNotLoaded":
        return "No NVIDIA GPU found: the NVIDIA driver is not loaded"
    if kind == "NVMLError_NoPermission":
        return "NVIDIA GPU not readable: no permission to use NVML"
    return f"No NVIDIA GPU found: NVML failed to start ({exc})"


class NvmlAdapter:
    """Initialises NVML, lists devices and reads them; `module` defaults to the real `pynvml`."""

    def __init__(self, module: Any | None = None) -> None:
        self._module = module
        self._handles: list[Any] = []
        self.initialized = False
        self.driver_version: str | None = None

    @property
    def device_count(self) -> int:
        return len(self._handles)

    def _nvml(self) -> Any:
        if self._module is None:
            try:
                import pynvml
            except ImportError as exc:
                raise NvmlUnavailable(
                    "No NVIDIA GPU found: the nvidia-ml-py package is not installed"
                ) from exc
            self._module = pynvml
        return self._module

    def init(self) -> None:
        """Start NVML and find the devices; raises NvmlUnavailable with the reason when it can't."""
        nvml = self._nvml()
        try:
            nvml.nvmlInit()
        except nvml.NVMLError as exc:
            raise NvmlUnavailable(_init_error_reason(exc)) from exc
        except OSError as exc:  # a broken libnvidia-ml.so
            raise NvmlUnavailable(f"No NVIDIA GPU found: the NVML library failed to load ({exc})") from exc
        try:
            count = int(nvml.nvmlDeviceGetCount())
            self._handles = [nvml.nvmlDeviceGetHandleByIndex(i) for i in range(count)]
            self.driver_version = self._optional(nvml.nvmlSystemGetDriverVersion)
        except nvml.NVMLError as exc:
            self.shutdown()
            raise NvmlUnavailable(f"No NVIDIA GPU found: NVML could not list the devices ({exc})") from exc
        self.initialized = True
        if count == 0:
            self.shutdown()
            raise NvmlUnavailable("No NVIDIA GPU found: the NVIDIA driver reports no devices")

    def shutdown(self) -> None:
        self._handles = []
        was_initialized, self.initialized = self.initialized, False
        if self._module is None:
            return
        try:
            self._module.nvmlShutdown()
        except Exception as exc:  # shutting down a broken NVML must never raise
            if was_initialized:
                log.debug("nvmlShutdown failed: %s", exc)

    def read_all(self) -> list[GpuReading]:
        """One reading per device; raises NvmlFailure when NVML breaks (the caller re-initialises)."""
        if not self.initialized:
            raise NvmlFailure("NVML is not initialised")
        nvml = self._nvml()
        try:
            return [self._read_device(index, handle) for index, handle in enumerate(self._handles)]
        except nvml.NVMLError as exc:
            raise NvmlFailure(f"{type(exc).__name__}: {exc}") from exc

    def _optional(self, read: Callable[..., T], *args: Any) -> T | None:
        """The value, or None when this device does not support the reading."""
        nvml = self._nvml()
        missing = tuple(cls for name in _MISSING_VALUE_ERRORS if (cls := getattr(nvml, name, None)))
        try:
            return read(*args)
        except missing:
            return None

    def _read_device(self, index: int, handle: Any) -> GpuReading:
        nvml = self._nvml()
        memory = self._optional(nvml.nvmlDeviceGetMemoryInfo, handle)
        utilization = self._optional(nvml.nvmlDeviceGetUtilizationRates, handle)
        power_mw = self._optional(nvml.nvmlDeviceGetPowerUsage, handle)
        limit_mw = self._optional(nvml.nvmlDeviceGetEnforcedPowerLimit, handle)
        return GpuReading(
            index=index,
            uuid=_text(self._optional(nvml.nvmlDeviceGetUUID, handle)),
            name=_text(self._optional(nvml.nvmlDeviceGetName, handle)) or f"GPU {index}",
            temperature_c=_number(
                self._optional(nvml.nvmlDeviceGetTemperature, handle, nvml.NVML_TEMPERATURE_GPU)
            ),
            utilization_gpu_percent=_number(getattr(utilization, "gpu", None)),
            utilization_memory_percent=_number(getattr(utilization, "memory", None)),
            memory_used_bytes=_integer(getattr(memory, "used", None)),
            memory_total_bytes=_integer(getattr(memory, "total", None)),
            memory_free_bytes=_integer(getattr(memory, "free", None)),
            power_draw_w=None if power_mw is None else round(power_mw / 1000.0, 1),
            power_limit_w=None if limit_mw is None else round(limit_mw / 1000.0, 1),
            fan_percent=_number(self._optional(nvml.nvmlDeviceGetFanSpeed, handle)),
            clock_sm_mhz=_integer(self._optional(nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_SM)),
            clock_mem_mhz=_integer(self._optional(nvml.nvmlDeviceGetClockInfo, handle, nvml.NVML_CLOCK_MEM)),
            processes=self._processes(handle),
        )

    def _processes(self, handle: Any) -> list[GpuProcess]:
        nvml = self._nvml()
        found: dict[int, GpuProcess] = {}
        for read in (nvml.nvmlDeviceGetComputeRunningProcesses, nvml.nvmlDeviceGetGraphicsRunningProcesses):
            for proc in self._optional(read, handle) or []:
                pid = int(proc.pid)
                used = getattr(proc, "usedGpuMemory", None)
                memory = None if used is None or used >= _NOT_AVAILABLE_MEMORY else int(used)
                if pid not in found or (memory or 0) > (found[pid].used_memory_bytes or 0):
                    found[pid] = GpuProcess(pid=pid, used_memory_bytes=memory, name=_process_name(pid))
        return sorted(found.values(), key=lambda p: p.pid)


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _integer(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _process_name(pid: int) -> str | None:
    try:
        return psutil.Process(pid).name()
    except (psutil.Error, OSError):
        return None  # another container's process, or it has just ended
