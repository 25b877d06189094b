"""The NVML adapter and the sampler.

NVML is FAKED (tests/helpers/monitoring.py) because this machine has no NVIDIA GPU; the fake replaces the
`pynvml` module and raises the real pynvml.NVMLError_* classes. One test uses the real NVML of this
machine, where it must say plainly that no GPU was found.
"""

from __future__ import annotations

import importlib.util
import logging
import subprocess
import sys
import time
from pathlib import Path

import pynvml
import pytest

from app.core.monitoring.host import CpuMeter
from app.core.monitoring.nvml import NvmlAdapter
from app.core.monitoring.sampler import Sampler
from tests.helpers.monitoring import GIB, FakeClock, FakeGpu, FakeNvml, two_gpus

REPO = Path(__file__).resolve().parents[3]


class Ticker:
    """A monotonic clock moved by hand (for the NVML retry delay)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _sampler(nvml: FakeNvml | None, tmp_path: Path, ticker: Ticker | None = None) -> Sampler:
    return Sampler(NvmlAdapter(nvml), tmp_path, retry_s=30.0, clock=FakeClock(), monotonic=ticker or Ticker())


def test_reads_every_gpu_with_units_and_missing_readings(tmp_path: Path) -> None:
    sample = _sampler(FakeNvml(two_gpus()), tmp_path).collect()

    assert sample.gpu_available and sample.gpu_reason is None
    assert sample.driver_version == "550.54.15"
    first, second = sample.gpus
    assert (first.index, first.name, first.temperature_c) == (0, "NVIDIA GeForce RTX 4090", 45.0)
    assert first.memory_used_percent == 25.0
    assert first.memory_free_bytes == 18 * GIB
    assert (first.power_draw_w, first.power_limit_w) == (120.0, 450.0)
    assert (first.clock_sm_mhz, first.clock_mem_mhz, first.fan_percent) == (2100, 10500, 40.0)
    assert [(p.pid, p.used_memory_bytes) for p in first.processes] == [(4242, 5 * GIB)]
    assert second.uuid == "GPU-11111111-1111-1111-1111-111111111111"
    assert second.fan_percent is None  # NVMLError_NotSupported: absent, not an error
    assert second.memory_used_percent == 50.0
    assert sample.host.cpu_count >= 1 and sample.host.memory_total_bytes > 0
    assert sample.host.disk_path == str(tmp_path)


def test_this_machine_has_no_gpu_and_says_so(tmp_path: Path) -> None:
    """The real pynvml here: no driver, so no GPU; host readings still come."""
    sample = _sampler(None, tmp_path).collect()
    assert not sample.gpu_available
    assert sample.gpus == []
    assert sample.gpu_reason is not None and sample.gpu_reason.startswith("No NVIDIA GPU found")
    assert sample.host.memory_percent > 0


def test_missing_nvml_package_is_reported_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", None)  # import pynvml -> ImportError
    sample = _sampler(None, tmp_path).collect()
    assert sample.gpu_reason == "No NVIDIA GPU found: the nvidia-ml-py package is not installed"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (pynvml.NVMLError_LibraryNotFound(), "the NVIDIA driver library (NVML) is not installed"),
        (pynvml.NVMLError_DriverNotLoaded(), "the NVIDIA driver is not loaded"),
        (pynvml.NVMLError_Unknown(), "NVML failed to start"),
    ],
)
def test_nvml_init_failures_become_a_reason(tmp_path: Path, error: Exception, reason: str) -> None:
    sample = _sampler(FakeNvml(init_error=error), tmp_path).collect()
    assert not sample.gpu_available
    assert sample.gpu_reason is not None and reason in sample.gpu_reason


def test_driver_without_devices(tmp_path: Path) -> None:
    sample = _sampler(FakeNvml([]), tmp_path).collect()
    assert sample.gpu_reason == "No NVIDIA GPU found: the NVIDIA driver reports no devices"


def test_init_is_retried_only_after_the_retry_delay(tmp_path: Path) -> None:
    nvml = FakeNvml(init_error=pynvml.NVMLError_DriverNotLoaded())
    ticker = Ticker()
    sampler = _sampler(nvml, tmp_path, ticker)
    for _ in range(5):
        sampler.collect()
    assert nvml.init_calls == 1
    ticker.now += 31
    nvml.init_error = None  # the driver got loaded
    assert sampler.collect().gpu_available
    assert nvml.init_calls == 2


def test_failure_mid_run_degrades_logs_once_and_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    nvml = FakeNvml(two_gpus())
    ticker = Ticker()
    sampler = _sampler(nvml, tmp_path, ticker)
    assert len(sampler.collect().gpus) == 2

    caplog.set_level(logging.INFO, logger="app.core.monitoring")
    nvml.read_error = pynvml.NVMLError_GpuIsLost()
    failed = sampler.collect()
    assert not failed.gpu_available and failed.gpu_failing
    assert failed.gpu_reason is not None and "GpuIsLost" in failed.gpu_reason
    assert not nvml.initialized  # shut down, to be re-initialised

    # Still broken at the next retries: still degraded, and no new log line.
    nvml.init_error = pynvml.NVMLError_Unknown()
    for _ in range(3):
        ticker.now += 31
        still = sampler.collect()
        assert not still.gpu_available and still.gpu_failing
        assert still.host.memory_total_bytes > 0
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "NVML failed while reading" in warnings[0].getMessage()

    nvml.init_error = None
    nvml.read_error = None
    ticker.now += 31
    recovered = sampler.collect()
    assert len(recovered.gpus) == 2 and not recovered.gpu_failing
    assert any("NVML recovered" in r.getMessage() for r in caplog.records)


def test_unsupported_readings_are_none_not_failures(tmp_path: Path) -> None:
    class NoPowerNvml(FakeNvml):
        def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
            raise pynvml.NVMLError_NotSupported()

    sample = _sampler(NoPowerNvml([FakeGpu(fan=None)]), tmp_path).collect()
    assert sample.gpu_available
    assert sample.gpus[0].power_draw_w is None and sample.gpus[0].fan_percent is None
    assert sample.gpus[0].power_limit_w == 450.0


def test_cpu_meter_repeats_its_values_when_read_twice_at_once() -> None:
    meter = CpuMeter()
    assert meter.read() == [0.0] * len(meter.read())  # the first reading has no baseline yet
    time.sleep(0.3)
    first = meter.read()
    assert first == meter.read()  # too close to measure: the same values, not 0 %
    assert all(0.0 <= p <= 100.0 for p in first)


def test_gpu_check_script_prints_the_readings(tmp_path: Path) -> None:
    """scripts/gpu_check.py formats what the shared adapter reads (here from the fake NVML)."""
    spec = importlib.util.spec_from_file_location("gpu_check", REPO / "scripts" / "gpu_check.py")
    assert spec is not None and spec.loader is not None
    gpu_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gpu_check)
    text = gpu_check.describe(_sampler(FakeNvml(two_gpus()), tmp_path).collect())
    assert "NVIDIA driver 550.54.15, 2 GPU(s)" in text
    assert "GPU 1: NVIDIA A100-SXM4-80GB" in text
    assert "fan           n/a" in text and "pid 4242" in text


def test_gpu_check_script_on_this_machine_says_no_gpu() -> None:
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "gpu_check.py"), "--samples", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1  # no GPU
    assert "No NVIDIA GPU found" in out.stdout and "Host: CPU" in out.stdout
