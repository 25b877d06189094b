"""Every CLI command that needs the database, on a data directory that was never migrated: it migrates
it, or says in one line what to run. Never a traceback. (Real subprocesses, real SQLite.)"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "app.cli"]
LOG_RECORD = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def _run(
    *args: str, data_dir: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CRACKDET_DATA_DIR": str(data_dir), **(env or {})}
    for name in ("CRACKDET_DATABASE_URL", "CRACKDET_HOST", "CRACKDET_AUTH", "CRACKDET_REDIS_URL"):
        if name not in (env or {}):
            environment.pop(name, None)
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=environment, timeout=300, input=stdin
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    # Log records (timestamped, from the logging set-up) may precede it; the error itself is one line.
    lines = [line for line in result.stderr.splitlines() if line.strip() and not LOG_RECORD.match(line)]
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_demo_data_on_a_data_directory_never_migrated_migrates_it(tmp_path: Path) -> None:
    result = _run("demo-data", data_dir=tmp_path / "fresh")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Created: demo dataset" in result.stdout
    assert (tmp_path / "fresh" / "crackdet.db").is_file() or any((tmp_path / "fresh").glob("*.db"))


def test_create_admin_on_a_data_directory_never_migrated_migrates_it(tmp_path: Path) -> None:
    result = _run(
        "create-admin",
        "--username",
        "root",
        "--password-stdin",
        data_dir=tmp_path / "fresh",
        stdin="a long enough password\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_worker_on_a_data_directory_never_migrated_says_what_to_run(tmp_path: Path) -> None:
    redis = f"redis://127.0.0.1:{_closed_port()}/0"
    env = {"CRACKDET_REDIS_URL": redis}
    missing = _run("worker", "--gpus", "cpu", data_dir=tmp_path / "absent", env=env)
    _assert_one_line_error(missing, "crackdet migrate", "does not exist")
    (tmp_path / "empty").mkdir()
    unmigrated = _run("worker", "--gpus", "cpu", data_dir=tmp_path / "empty", env=env)
    _assert_one_line_error(unmigrated, "crackdet migrate", "schema")


def test_an_unreachable_database_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no' / 'such' / 'folder' / 'x.db'}"
    for command in (["migrate"], ["demo-data"]):
        result = _run(*command, data_dir=tmp_path / "fresh", env={"CRACKDET_DATABASE_URL": url})
        _assert_one_line_error(result, "crackdet migrate", "sqlite")
