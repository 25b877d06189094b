"""Benchmark: /ws/gpu fan-out to many clients, and what it costs the API.

Starts the real server (`crackdet serve`, a subprocess, fresh data directory), then:
  1. without WebSocket clients: p50/p99 latency of GET /api/v1/system/health and the server's CPU time
     per monitoring sample;
  2. with N clients on /ws/gpu (a separate process, `websockets` package): the same figures, and how many
     samples each client received.
Each phase first measures CPU (no HTTP requests: server process CPU time, user + system, divided by the
samples taken; it includes everything else the idle server does, e.g. the notification tailer's poll
each second), then the health latency (sequential requests, bounded in count and time).

Example:
    .venv/bin/python bench/bench_gpu_ws.py --clients 200 --seconds 30
Prints a JSON line with the figures (and a Markdown table with --markdown).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the WebSocket clients (run in their own process: `--ws-clients`) -------------------------------
async def _client(url: str, received: list[int], index: int, stop: asyncio.Event) -> None:
    from websockets.asyncio.client import connect

    async with connect(url, max_size=2**20, ping_interval=None) as ws:
        received[index] = 0
        while not stop.is_set():
            try:
                await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            received[index] += 1


async def _run_clients(url: str, count: int) -> None:
    received = [-1] * count
    stop = asyncio.Event()
    tasks = [asyncio.create_task(_client(url, received, i, stop)) for i in range(count)]
    deadline = time.monotonic() + 60
    while min(received) < 1 and time.monotonic() < deadline:  # connected and got the first sample
        await asyncio.sleep(0.1)
    connected = sum(1 for r in received if r >= 1)
    baseline = list(received)
    print(json.dumps({"ready": connected}), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # parent says stop
    stop.set()
    counts = [r - b for r, b in zip(received, baseline, strict=True)]
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps({"connected": connected, "min": min(counts), "max": max(counts)}), flush=True)


# --- the parent ---------------------------------------------------------------------------------------
def _start_server(data_dir: Path, port: int, interval: float) -> subprocess.Popen[bytes]:
    env = dict(os.environ, CRACKDET_MONITOR_INTERVAL_S=str(interval), CRACKDET_LOG_LEVEL="warning")
    log = (data_dir.parent / "server.log").open("wb")
    command = [str(BIN / "crackdet"), "serve", "--data-dir", str(data_dir), "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited; see server.log")
        try:
            if httpx.get(f"{base}/api/v1/system/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become healthy in 90 s")


def _monitor_counters(http: httpx.Client) -> tuple[float, float]:
    """(samples taken, seconds spent taking them) from /metrics."""
    values: dict[str, float] = {}
    for line in http.get("/metrics").text.splitlines():
        name, _, value = line.partition(" ")
        values[name] = float(value) if value and not line.startswith("#") else 0.0
    return values["crackdet_monitor_samples_total"], values["crackdet_monitor_sample_seconds_total"]


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


def _cpu_phase(http: httpx.Client, server: psutil.Process, seconds: float) -> dict[str, Any]:
    """Server CPU time per sample while nothing but the monitoring (and its clients) runs."""
    (samples0, wall0), cpu0 = _monitor_counters(http), _cpu_seconds(server)
    time.sleep(seconds)
    cpu1, (samples1, wall1) = _cpu_seconds(server), _monitor_counters(http)
    samples, cpu = samples1 - samples0, cpu1 - cpu0
    return {
        "samples": int(samples),
        "cpu_s": round(cpu, 3),
        "cpu_percent_of_one_core": round(100 * cpu / seconds, 2),
        "cpu_ms_per_sample": round(1000 * cpu / samples, 2) if samples else None,
        "sample_wall_ms": round(1000 * (wall1 - wall0) / samples, 2) if samples else None,
    }


def _latency_phase(http: httpx.Client, seconds: float, max_requests: int) -> dict[str, Any]:
    """GET /api/v1/system/health one after another (~20/s) for `seconds` or `max_requests`."""
    latencies: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and len(latencies) < max_requests:
        started = time.perf_counter()
        response = http.get("/api/v1/system/health")
        latencies.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "health_p50_ms": round(statistics.median(latencies), 2),
        "health_p99_ms": round(quantiles[98], 2),
        "health_max_ms": round(max(latencies), 2),
    }


def _phase(http: httpx.Client, server: psutil.Process, seconds: float, max_requests: int) -> dict[str, Any]:
    return {**_cpu_phase(http, server, seconds), **_latency_phase(http, seconds, max_requests)}


def _sampler_cpu_in_process(samples: int = 200) -> float:
    """CPU ms of one sample_once() (NVML + psutil + serialising + ring/threshold work), measured in this
    process with the real NVML of the machine and no clients."""
    try:
        from app.config import Settings
        from app.services.monitoring import MonitoringOptions, MonitoringService
    except ImportError:
        sys.path.insert(0, str(REPO / "backend"))
        from app.config import Settings
        from app.services.monitoring import MonitoringOptions, MonitoringService

    async def measure() -> float:
        with tempfile.TemporaryDirectory() as tmp:
            service = MonitoringService(Settings(data_dir=tmp), MonitoringOptions(run_loops=False))
            await service.sample_once()
            started = time.process_time()
            for _ in range(samples):
                await service.sample_once()
            elapsed = time.process_time() - started
            await service.wait_pending()
            return 1000 * elapsed / samples

    return round(asyncio.run(measure()), 3)


def _machine() -> str:
    gib = psutil.virtual_memory().total / 1024**3
    return (
        f"{os.cpu_count()} cores, {gib:.0f} GiB RAM, {platform.machine()}, Python {platform.python_version()}"
    )


def run(args: argparse.Namespace) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="bench-gpu-ws-") as tmp:
        server = _start_server(Path(tmp) / "data", port, args.interval)
        try:
            _wait_healthy(base, server)
            process = psutil.Process(server.pid)
            with httpx.Client(base_url=base, timeout=10) as http:
                time.sleep(2 * args.interval)  # let the first samples (and NVML's start) pass
                idle = _phase(http, process, args.seconds, args.max_requests)
                clients = subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--ws-clients",
                        f"ws://127.0.0.1:{port}/ws/gpu",
                        "--clients",
                        str(args.clients),
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                assert clients.stdin is not None and clients.stdout is not None
                ready = json.loads(clients.stdout.readline())["ready"]
                loaded = _phase(http, process, args.seconds, args.max_requests)
                clients.stdin.write("stop\n")
                clients.stdin.flush()
                fan_out = json.loads(clients.stdout.readline())
                clients.wait(timeout=60)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {
        "machine": _machine(),
        "load_average_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "interval_s": args.interval,
        "seconds_per_phase": args.seconds,
        "clients": args.clients,
        "clients_connected": ready,
        "samples_per_client_min": fan_out["min"],
        "samples_per_client_max": fan_out["max"],
        "sampler_cpu_ms_in_process": _sampler_cpu_in_process(),
        "without_clients": idle,
        "with_clients": loaded,
    }


MARKDOWN_ROWS = (
    ("GET /api/v1/system/health p50", "health_p50_ms", " ms"),
    ("GET /api/v1/system/health p99", "health_p99_ms", " ms"),
    ("GET /api/v1/system/health max", "health_max_ms", " ms"),
    ("requests measured", "requests", ""),
    ("server CPU per sample (whole process)", "cpu_ms_per_sample", " ms"),
    ("server CPU, % of one core", "cpu_percent_of_one_core", " %"),
    ("time to take one sample (wall)", "sample_wall_ms", " ms"),
    ("samples in the CPU phase", "samples", ""),
)


def markdown(result: dict[str, Any]) -> str:
    idle, loaded = result["without_clients"], result["with_clients"]
    rows = [f"| | without clients | with {result['clients']} clients on /ws/gpu |", "|---|---|---|"]
    rows += [f"| {label} | {idle[key]}{unit} | {loaded[key]}{unit} |" for label, key, unit in MARKDOWN_ROWS]
    rows.append(f"| one sample_once() in process (CPU) | {result['sampler_cpu_ms_in_process']} ms | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=200, choices=range(1, 2001), metavar="1-2000")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each phase (max 300)")
    parser.add_argument("--interval", type=float, default=2.0, help="sampling interval (0.2-60 s)")
    parser.add_argument("--max-requests", type=int, default=600, help="health requests per phase at most")
    parser.add_argument("--markdown", action="store_true", help="also print a Markdown table")
    parser.add_argument("--ws-clients", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ws_clients:
        asyncio.run(_run_clients(args.ws_clients, args.clients))
        return
    args.seconds = min(max(args.seconds, 5.0), 300.0)
    result = run(args)
    print(json.dumps(result))
    if args.markdown:
        print(markdown(result))


if __name__ == "__main__":
    main()
