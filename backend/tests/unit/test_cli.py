from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.config import Settings
from app.db.session import dispose_engines, session_scope
from app.db.tables import Dataset

CLI = [sys.executable, "-m", "app.cli"]


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CRACKDET_DATA_DIR": str(data_dir)}
    env.pop("CRACKDET_DATABASE_URL", None)
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300)


def test_migrate_then_demo_data_is_idempotent(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    assert _run("migrate", data_dir=data_dir).returncode == 0
    first = _run("demo-data", data_dir=data_dir)
    assert first.returncode == 0, first.stderr
    assert "Created" in first.stdout
    second = _run("demo-data", data_dir=data_dir)
    assert "Already present" in second.stdout

    settings = Settings(data_dir=data_dir)
    with session_scope(settings.resolved_database_url) as db:
        rows = db.scalars(select(Dataset)).all()
        assert len(rows) == 1
        demo = rows[0]
        assert demo.status == "ready"
        assert demo.image_count == sum(s["images"] for s in demo.splits.values()) > 0
        assert demo.instance_count > 0
        assert (settings.datasets_dir / str(demo.path) / "data.yaml").is_file()
    dispose_engines()


def test_serve_on_a_network_address_warns(tmp_path: Path) -> None:
    # The port is taken by this test, so the server exits right after printing the warning.
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _run("serve", "--host", "0.0.0.0", "--port", str(port), data_dir=tmp_path / "d")
    assert "WARNING" in result.stderr and "no access control" in result.stderr


def test_openapi_command_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert _run("openapi", "--output", str(out), data_dir=tmp_path / "d").returncode == 0
    assert '"/api/v1/system/health"' in out.read_text()
