"""Test doubles for monitoring: a FAKE NVML module and a controllable clock.

NVML is faked because this machine has no NVIDIA GPU (and no driver): the fake sits at the library
boundary, i.e. it replaces the `pynvml` module object the adapter calls, with the same function names,
and raises the real `pynvml.NVMLError_*` classes the way real NVML does. Everything above it (adapter,
sampler, service, API, WebSockets, database) is the real code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pynvml
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.services.monitoring import MonitoringOptions, MonitoringService

GIB = 1024**3


@dataclass
class FakeGpu:
    name: str = "NVIDIA GeForce RTX 4090"
    uuid: str = "GPU-00000000-0000-0000-0000-000000000000"
    temperature: int = 45
    util_gpu: int = 30
    util_memory: int = 20
    memory_total: int = 24 * GIB
    memory_used: int = 6 * GIB
    power_mw: int = 120_000
    power_limit_mw: int = 450_000
    fan: int | None = 40  # None: the board has no readable fan (NVML says NotSupported)
    clock_sm: int = 2100
    clock_mem: int = 10500
    processes: list[tuple[int, int | None]] = field(default_factory=list)  # (pid, used bytes)


class FakeNvml:
    """Quacks like the `pynvml` module for everything NvmlAdapter uses."""

    NVMLError = pynvml.NVMLError
    NVML_TEMPERATURE_GPU = pynvml.NVML_TEMPERATURE_GPU
    NVML_CLOCK_SM = pynvml.NVML_CLOCK_SM
    NVML_CLOCK_MEM = pynvml.NVML_CLOCK_MEM

    def __init__(self, gpus: list[FakeGpu] | None = None, *, init_error: Exception | None = None) -> None:
        self.gpus = gpus if gpus is not None else [FakeGpu()]
        self.init_error = init_error  # raised by nvmlInit (e.g. NVMLError_LibraryNotFound)
        self.read_error: Exception | None = None  # raised by every device call (e.g. GpuIsLost)
        self.initialized = False
        self.init_calls = 0

    def __getattr__(self, name: str) -> Any:
        if name.startswith("NVMLError_"):
            return getattr(pynvml, name)
        raise AttributeError(name)

    # --- library -----------------------------------------------------------------------------------
    def nvmlInit(self) -> None:
        self.init_calls += 1
        if self.init_error is not None:
            raise self.init_error
        self.initialized = True

    def nvmlShutdown(self) -> None:
        self._check()
        self.initialized = False

    def nvmlSystemGetDriverVersion(self) -> str:
        self._check()
        return "550.54.15"

    def nvmlDeviceGetCount(self) -> int:
        self._check()
        return len(self.gpus)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        self._check()
        if not 0 <= index < len(self.gpus):
            raise pynvml.NVMLError_InvalidArgument()
        return index

    # --- devices -----------------------------------------------------------------------------------
    def _device(self, handle: int) -> FakeGpu:
        self._check()
        if self.read_error is not None:
            raise self.read_error
        return self.gpus[handle]

    def _check(self) -> None:
        if not self.initialized:
            raise pynvml.NVMLError_Uninitialized()

    def nvmlDeviceGetName(self, handle: int) -> str:
        return self._device(handle).name

    def nvmlDeviceGetUUID(self, handle: int) -> str:
        return self._device(handle).uuid

    def nvmlDeviceGetTemperature(self, handle: int, sensor: int) -> int:
        assert sensor == pynvml.NVML_TEMPERATURE_GPU
        return self._device(handle).temperature

    def nvmlDeviceGetUtilizationRates(self, handle: int) -> SimpleNamespace:
        gpu = self._device(handle)
        return SimpleNamespace(gpu=gpu.util_gpu, memory=gpu.util_memory)

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> SimpleNamespace:
        gpu = self._device(handle)
        return SimpleNamespace(
            total=gpu.memory_total, used=gpu.memory_used, free=gpu.memory_total - gpu.memory_used
        )

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        return self._device(handle).power_mw

    def nvmlDeviceGetEnforcedPowerLimit(self, handle: int) -> int:
        return self._device(handle).power_limit_mw

    def nvmlDeviceGetFanSpeed(self, handle: int) -> int:
        fan = self._device(handle).fan
        if fan is None:
            raise pynvml.NVMLError_NotSupported()
        return fan

    def nvmlDeviceGetClockInfo(self, handle: int, clock: int) -> int:
        gpu = self._device(handle)
        return gpu.clock_sm if clock == pynvml.NVML_CLOCK_SM else gpu.clock_mem

    def nvmlDeviceGetComputeRunningProcesses(self, handle: int) -> list[SimpleNamespace]:
        return [SimpleNamespace(pid=pid, usedGpuMemory=used) for pid, used in self._device(handle).processes]

    def nvmlDeviceGetGraphicsRunningProcesses(self, handle: int) -> list[SimpleNamespace]:
        self._device(handle)
        raise pynvml.NVMLError_NotSupported()


class FakeClock:
    """The monitoring clock, moved by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def two_gpus() -> list[FakeGpu]:
    return [
        FakeGpu(processes=[(4242, 5 * GIB)]),
        FakeGpu(
            name="NVIDIA A100-SXM4-80GB",
            uuid="GPU-11111111-1111-1111-1111-111111111111",
            temperature=60,
            util_gpu=95,
            memory_total=80 * GIB,
            memory_used=40 * GIB,
            fan=None,
            power_mw=300_000,
            power_limit_mw=400_000,
        ),
    ]


@contextmanager
def monitored_client(
    settings: Settings,
    nvml: FakeNvml | None = None,
    clock: FakeClock | None = None,
    **options: Any,
) -> Iterator[tuple[TestClient, MonitoringService]]:
    """A TestClient whose monitoring uses `nvml` (None: the real NVML of this machine) and samples only
    when the test says so (`client.portal.call(service.sample_once)`), unless run_loops=True."""
    app = create_app(settings)
    app.state.monitoring_options = MonitoringOptions(
        nvml_module=nvml,
        clock=clock or FakeClock(),
        run_loops=options.pop("run_loops", False),
        nvml_retry_s=options.pop("nvml_retry_s", 0.0),
        **options,
    )
    with TestClient(app) as client:
        yield client, app.state.monitoring
