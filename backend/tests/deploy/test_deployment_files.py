"""Static checks of the deployment files (Dockerfile, docker-compose.yml, .env.example).

There is no Docker engine on the development and CI machines, so the images are never built or run here
(docs/DEPLOYMENT.md says so). What can be checked without one is checked: the compose file is valid for
docker-compose (Debian's package parses it without an engine), every CRACKDET_* variable it, the
Dockerfile and .env.example set is a real setting, every command the containers run parses with our CLI,
the health-check URL is a public route, and the files the Dockerfile copies exist.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import click
import pytest
import typer
import yaml

from app.cli import cli
from app.config import Settings

REPO = Path(__file__).resolve().parents[3]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "backend" / "Dockerfile"
ENV_EXAMPLE = REPO / ".env.example"
ENV_NAME = re.compile(r"\bCRACKDET_[A-Z0-9_]+\b")


def _compose_config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail(
            "docker-compose is needed for this check: `make test-tools` or apt-get install docker-compose"
        )
    return subprocess.run(
        [exe, "-f", str(COMPOSE), "config"],
        cwd=REPO,
        env={"PATH": os.environ.get("PATH", ""), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    result = _compose_config({"POSTGRES_PASSWORD": "example-password"})
    assert result.returncode == 0, result.stderr
    config: dict[str, Any] = yaml.safe_load(result.stdout)
    return config


def test_compose_is_valid_and_has_the_whole_stack(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"api", "worker", "postgres", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    assert services["api"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["api"]["depends_on"]["redis"]["condition"] == "service_healthy"
    # Published on the host's loopback only: network exposure is a deliberate, documented step.
    for port in services["api"]["ports"]:  # short ("ip:host:container") or long syntax
        host_ip = port.get("host_ip") if isinstance(port, dict) else str(port).split(":")[0]
        assert host_ip == "127.0.0.1", port
    # API and workers share one data volume: datasets, runs and models live on it.
    for name in ("api", "worker"):  # docker-compose 1.x prints "volume:/target:mode"
        targets = [
            v["target"] if isinstance(v, dict) else str(v).split(":")[1] for v in services[name]["volumes"]
        ]
        assert "/data" in targets, name
    worker_check = services["worker"]["healthcheck"]["test"]
    assert worker_check[:2] == ["CMD", "crackdet"]
    _parse_cli(worker_check[2:])
    devices = services["worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]


def test_compose_refuses_to_start_without_a_database_password() -> None:
    result = _compose_config({})
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD" in result.stderr


def _declared_setting_names() -> set[str]:
    return {f"CRACKDET_{name.upper()}" for name in Settings.model_fields}


@pytest.mark.parametrize("path", [COMPOSE, DOCKERFILE, ENV_EXAMPLE], ids=lambda p: p.name)
def test_every_variable_in_the_deployment_files_is_a_setting(path: Path) -> None:
    used = set(ENV_NAME.findall(path.read_text()))
    unknown = used - _declared_setting_names() - {"CRACKDET_PUBLISH_PORT", "CRACKDET_WORKER_GPUS"}
    assert not unknown, f"{path.name} sets variables no setting reads: {sorted(unknown)}"


def _parse_cli(args: list[str]) -> None:
    """Parse a command line exactly as `crackdet` would, without running it (unknown options fail)."""
    group = typer.main.get_command(cli)
    assert isinstance(group, click.Group)
    ctx = group.make_context("crackdet", list(args), resilient_parsing=False)
    name, command, rest = group.resolve_command(ctx, ctx.protected_args + ctx.args)
    assert command is not None, f"unknown command {name!r}"
    command.make_context(name or "", rest, parent=ctx)


def test_container_commands_parse_with_the_cli(compose: dict[str, Any]) -> None:
    for name in ("api", "worker"):
        _parse_cli([str(a) for a in compose["services"][name]["command"]])
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE.read_text(), re.MULTILINE)
    assert cmd is not None
    _parse_cli(yaml.safe_load(cmd.group(1)))


def test_health_check_url_is_a_public_route(client: Any) -> None:
    urls = set(re.findall(r"http://127\.0\.0\.1:8000(/[\w/]+)", COMPOSE.read_text() + DOCKERFILE.read_text()))
    assert urls == {"/api/v1/system/health"}
    response = client.get(urls.pop())
    assert response.status_code == 200


def test_dockerfile_copies_files_that_exist_and_installs_real_extras() -> None:
    text = DOCKERFILE.read_text()
    for source in re.findall(r"^COPY (?!--from)(\S+)", text, re.MULTILINE):
        assert (REPO / source).exists(), f"Dockerfile copies {source}, which does not exist"
    pyproject = (REPO / "backend" / "pyproject.toml").read_text()
    for extras in re.findall(r"\./backend\[([\w,]+)\]", text):
        for extra in extras.split(","):
            assert re.search(rf"^{extra} = \[", pyproject, re.MULTILINE), f"no extra {extra!r}"
