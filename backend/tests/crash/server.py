"""A real `crackdet serve` in a subprocess that the crash tests kill with SIGKILL and start again.

Same start as a user's (`crackdet serve`, which migrates first) on a temporary data directory, offline,
SQLite in the data directory. Jobs run in real worker processes started by the server's runner.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
from sqlalchemy import select

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job
from tests.helpers.training import wait_for

REPO_ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT_S = 60.0


def _crackdet() -> Path:
    for candidate in (Path(sys.executable).parent / "crackdet", REPO_ROOT / ".venv" / "bin" / "crackdet"):
        if candidate.is_file():
            return candidate
    raise RuntimeError("The `crackdet` command is not installed (run `make install`).")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class CrashServer:
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    starts: int = 0

    @property
    def data_dir(self) -> Path:
        return self.workdir / "data"

    @property
    def settings(self) -> Settings:
        """What the server uses (for reading the database and the data directory from the test)."""
        return Settings(data_dir=self.data_dir, database_url=f"sqlite:///{self.data_dir / 'crackdet.db'}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30.0)

    def log_text(self) -> str:
        logs = sorted(self.workdir.glob("server-*.log"))
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}" for path in logs)

    def start(self) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("CRACKDET_")}
        env.update(
            CRACKDET_DATA_DIR=str(self.data_dir),
            CRACKDET_FRONTEND_DIST=str(self.workdir / "no-frontend"),
            CRACKDET_LOG_LEVEL="warning",
            CRACKDET_OFFLINE="1",
            **self.extra_env,
        )
        self.port = _free_port()
        self.starts += 1
        log = (self.workdir / f"server-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [str(_crackdet()), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            cwd=self.workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for(self._healthy, START_TIMEOUT_S, f"server start\n{self.log_text()}", interval=0.2)

    def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited with {self.process.returncode}\n{self.log_text()}")
        try:
            return httpx.get(f"{self.base_url}/api/v1/system/health", timeout=2.0).status_code == 200
        except httpx.TransportError:
            return False

    def running_worker_pids(self) -> list[int]:
        """PIDs of the job workers the database says are running on this machine."""
        with session_scope(self.settings.resolved_database_url) as db:
            workers = db.scalars(select(Job.worker).where(Job.status == "running")).all()
        return [int(w.split(":", 1)[1]) for w in workers if w and w.startswith("local:")]

    def kill(self) -> list[int]:
        """SIGKILL the server (no shutdown code runs) and wait until its job workers are gone too: the
        kernel ends them (PR_SET_PDEATHSIG in app/jobs/worker.py). Returns the workers' PIDs."""
        assert self.process is not None
        workers = self.running_worker_pids()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

        def workers_gone() -> bool:
            return not any(_alive(pid) for pid in workers)

        wait_for(workers_gone, 15, f"job workers {workers} ending with their server")
        return workers

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
