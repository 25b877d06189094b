from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.config import Settings
from app.db.session import dispose_engines, session_scope
from app.db.tables import Dataset, User
from app.services.auth import verify_password

CLI = [sys.executable, "-m", "app.cli"]


def _run(
    *args: str, data_dir: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "CRACKDET_DATA_DIR": str(data_dir), **(env or {})}
    for name in ("CRACKDET_DATABASE_URL", "CRACKDET_HOST", "CRACKDET_AUTH"):
        if name not in (env or {}):
            environment.pop(name, None)
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, env=environment, timeout=300, input=stdin or ""
    )


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


def _taken_port() -> socket.socket:
    """A listening socket: a server told to use its port exits right after its start-up checks."""
    taken = socket.socket()
    taken.bind(("0.0.0.0", 0))
    taken.listen()
    return taken


def test_serve_on_a_network_address_without_an_admin_refuses_with_the_how_to(tmp_path: Path) -> None:
    with _taken_port() as taken:
        port = str(taken.getsockname()[1])
        result = _run("serve", "--host", "0.0.0.0", "--port", port, data_dir=tmp_path / "d")
    assert result.returncode == 2
    assert "Refusing to start" in result.stderr and "crackdet create-admin --username NAME" in result.stderr


def test_serve_on_a_network_address_with_access_control_off_refuses(tmp_path: Path) -> None:
    with _taken_port() as taken:
        port = str(taken.getsockname()[1])
        result = _run(
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            port,
            data_dir=tmp_path / "d",
            env={"CRACKDET_AUTH": "off"},
        )
    assert result.returncode == 2
    assert "0.0.0.0 without access control is refused" in result.stderr


def test_serve_with_auth_required_prints_the_first_admins_password_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    with _taken_port() as taken:  # `serve` creates the admin, then the app starts and fails to bind
        port = str(taken.getsockname()[1])
        env = {"CRACKDET_AUTH": "required"}
        result = _run("serve", "--host", "127.0.0.1", "--port", port, data_dir=data_dir, env=env)
    passwords = re.findall(r"^ {4}(\S+)$", result.stderr, flags=re.MULTILINE)
    assert len(passwords) == 1, result.stderr
    assert (result.stdout + result.stderr).count(passwords[0]) == 1
    for path in data_dir.rglob("*"):  # not in the database, nor in any log file
        assert not path.is_file() or passwords[0].encode() not in path.read_bytes(), path
    with _taken_port() as taken:  # the next start finds the admin and prints no password
        port = str(taken.getsockname()[1])
        again = _run("serve", "--host", "127.0.0.1", "--port", port, data_dir=data_dir, env=env)
    assert "One-time password" not in again.stderr


def _users(data_dir: Path) -> dict[str, tuple[str, bool, bool]]:
    settings = Settings(data_dir=data_dir)
    try:
        with session_scope(settings.resolved_database_url) as db:
            return {
                u.username: (u.role, u.disabled, verify_password(u.password_hash, "s3cret-enough!"))
                for u in db.scalars(select(User))
            }
    finally:
        dispose_engines()


def test_create_admin_reads_the_password_from_stdin_and_never_echoes_it(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    created = _run(
        "create-admin", "--username", "chief", "--password-stdin", data_dir=data_dir, stdin="s3cret-enough!\n"
    )
    assert created.returncode == 0, created.stderr
    assert "Created the admin 'chief'" in created.stdout
    assert "s3cret-enough!" not in created.stdout + created.stderr
    assert _users(data_dir) == {"chief": ("admin", False, True)}
    # With an admin, a network bind passes the policy (it then fails on the taken port, not on policy).
    with _taken_port() as taken:
        port = str(taken.getsockname()[1])
        served = _run("serve", "--host", "0.0.0.0", "--port", port, data_dir=data_dir)
    assert "Refusing to start" not in served.stderr and "TLS reverse proxy" in served.stderr


def test_create_admin_refuses_bad_input_and_existing_names_unless_reset(tmp_path: Path) -> None:
    data_dir = tmp_path / "d"
    short = _run(
        "create-admin", "--username", "chief", "--password-stdin", data_dir=data_dir, stdin="short\n"
    )
    assert short.returncode == 2 and "at least 10 characters" in short.stderr
    bad_name = _run(
        "create-admin",
        "--username",
        "no spaces",
        "--password-stdin",
        data_dir=data_dir,
        stdin="s3cret-enough!\n",
    )
    assert bad_name.returncode == 2 and "username" in bad_name.stderr
    no_tty = _run("create-admin", "--username", "chief", data_dir=data_dir, stdin="")
    assert no_tty.returncode == 2 and "--password-stdin" in no_tty.stderr
    assert _users(data_dir) == {}

    assert (
        _run(
            "create-admin",
            "--username",
            "chief",
            "--password-stdin",
            data_dir=data_dir,
            stdin="first-password!\n",
        ).returncode
        == 0
    )
    taken = _run(
        "create-admin", "--username", "chief", "--password-stdin", data_dir=data_dir, stdin="s3cret-enough!\n"
    )
    assert taken.returncode == 1 and "--reset" in taken.stderr
    assert _users(data_dir)["chief"][2] is False  # unchanged
    reset = _run(
        "create-admin",
        "--username",
        "chief",
        "--reset",
        "--password-stdin",
        data_dir=data_dir,
        stdin="s3cret-enough!\n",
    )
    assert reset.returncode == 0, reset.stderr
    assert _users(data_dir) == {"chief": ("admin", False, True)}


def test_openapi_command_writes_the_schema(tmp_path: Path) -> None:
    out = tmp_path / "openapi.json"
    assert _run("openapi", "--output", str(out), data_dir=tmp_path / "d").returncode == 0
    assert '"/api/v1/system/health"' in out.read_text()
