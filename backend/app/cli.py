"""The `crackdet` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.config import Settings, auth_enabled, cookie_secure, get_settings, is_loopback_host

cli = typer.Typer(help="Crack Detection Training Client", no_args_is_help=True, add_completion=False)

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory (default: CRACKDET_DATA_DIR or ./data)")
]


def _settings(data_dir: Path | None) -> Settings:
    base = get_settings()
    if data_dir is None:
        return base
    return base.model_copy(update={"data_dir": data_dir.expanduser().resolve()})


def _migrated(settings: Settings) -> None:
    """Create the data directory and bring its database to the code's schema, or exit with one line.

    Every command that reads or writes the database calls this first: a data directory that was never
    migrated is migrated, and an unreachable database is reported without a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from app.db.migrate import upgrade

    try:
        settings.ensure_dirs()
        upgrade(settings.resolved_database_url)
    except (SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        typer.secho(
            f"The database at {settings.resolved_database_url.split('://')[0]}:// could not be migrated "
            f"({reason}): check CRACKDET_DATABASE_URL and the data directory, then run `crackdet migrate`.",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(code=2) from None


@cli.command()
def migrate(data_dir: DataDirOption = None) -> None:
    """Create or upgrade the database schema."""
    settings = _settings(data_dir)
    _migrated(settings)
    typer.echo(f"Database is up to date ({settings.resolved_database_url.split('://')[0]}).")


@cli.command("demo-data")
def demo_data(
    data_dir: DataDirOption = None,
    force: Annotated[bool, typer.Option(help="Recreate it even if it exists")] = False,
) -> None:
    """Create the synthetic demo crack dataset in the data directory (if absent)."""
    from app.data.demo import generate_demo_files
    from app.services.demo import ensure_demo_dataset

    settings = _settings(data_dir)
    _migrated(settings)  # a data directory that was never migrated gets its schema first
    created, path = ensure_demo_dataset(settings, generate_demo_files, force=force)
    typer.echo(f"{'Created' if created else 'Already present'}: demo dataset at {path}")


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000)")] = None,
    data_dir: DataDirOption = None,
    reload: Annotated[bool, typer.Option(help="Reload on code changes (development)")] = False,
) -> None:
    """Migrate the database and serve the API and the web app."""
    import os

    import uvicorn

    from app.services.auth import ServingRefused, check_serving_policy
    from app.utils.logger import configure_logging

    base = _settings(data_dir)
    settings = base.model_copy(update={"host": host or base.host, "port": port or base.port})
    _migrated(settings)
    try:
        check_serving_policy(settings)  # may create the first admin and print its one-time password
    except ServingRefused as exc:
        typer.secho(f"Refusing to start. {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    _warn_about_plain_http(settings)
    configure_logging(settings.log_level)
    # The factory re-reads settings from the environment (also in reload workers): the host decides
    # whether access control is on, so it must be the one uvicorn binds.
    os.environ["CRACKDET_DATA_DIR"] = str(settings.data_dir)
    os.environ["CRACKDET_HOST"] = settings.host
    os.environ["CRACKDET_PORT"] = str(settings.port)
    get_settings.cache_clear()
    host, port = settings.host, settings.port
    typer.echo(f"Serving on http://{host}:{port} (data: {settings.data_dir})")
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=host,
        port=port,
        reload=reload,
        log_level=settings.log_level,
        access_log=False,
    )


def _warn_about_plain_http(settings: Settings) -> None:
    if is_loopback_host(settings.host) or not auth_enabled(settings):
        return
    secure = cookie_secure(settings)
    typer.secho(
        f"Access control is on. Serve {settings.host} to users through a TLS reverse proxy "
        "(docs/SECURITY.md): "
        + (
            "browsers send the session cookie over HTTPS only (CRACKDET_COOKIE_SECURE)."
            if secure
            else "CRACKDET_COOKIE_SECURE=false sends session cookies over plain HTTP."
        ),
        fg=typer.colors.YELLOW,
        err=True,
    )


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        typer.secho("No terminal to ask for the password: pipe it in with --password-stdin.", err=True)
        raise typer.Exit(code=2)
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@cli.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(help="Account name: 3-64 letters, digits, _ . -")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin")
    ] = False,
    reset: Annotated[
        bool, typer.Option(help="If the account exists: give it this password and make it an active admin")
    ] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Create an admin account (asks for its password; at least 10 characters)."""
    from pydantic import ValidationError

    from app.domain.errors import Conflict
    from app.services.users import create_admin as create

    password = _read_password(password_stdin)
    settings = _settings(data_dir)
    _migrated(settings)
    try:
        typer.echo(create(settings, username, password, reset=reset))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        typer.secho(f"Not created: {problems}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from None
    except Conflict as exc:
        typer.secho(exc.detail, fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from None


@cli.command()
def openapi(
    output: Annotated[Path | None, typer.Option(help="Write to this file instead of stdout")] = None,
) -> None:
    """Print the OpenAPI schema (the front end's API client is generated from it)."""
    from app.main import create_app

    schema = create_app().openapi()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text)
        typer.echo(f"Wrote {output}")


@cli.command()
def worker(
    gpus: Annotated[
        str | None,
        typer.Option(help="GPUs to train on, one slot each: '0,1' (indices or UUIDs) or 'cpu'; default all"),
    ] = None,
    cpu_slots: Annotated[
        int | None,
        typer.Option(min=0, max=64, help="Slots for CPU jobs: imports, exports, evaluations (default 2)"),
    ] = None,
    queues: Annotated[str, typer.Option(help="Which jobs this machine takes: gpu, cpu or both")] = "gpu,cpu",
    name: Annotated[str | None, typer.Option(help="Node name (default: hostname)")] = None,
    data_dir: DataDirOption = None,
) -> None:
    """Run jobs for an API started with CRACKDET_RUNNER=celery (Redis: CRACKDET_REDIS_URL).

    The data directory must be the API's shared data directory, mounted at the same path."""
    from pydantic import ValidationError

    from app.core.hardware import gpu_count
    from app.jobs.worker_node import NodeError, node_name, parse_gpus, plan_slots, run_node
    from app.utils.logger import configure_logging

    base = _settings(data_dir)
    try:  # a worker node always serves the celery runner (its jobs announce their events over Redis)
        settings = Settings.model_validate(
            {**base.model_dump(), "runner": "celery", "worker_name": name or base.worker_name}
        )
    except ValidationError:
        typer.secho("crackdet worker: --name may hold letters, digits, '.', '_' and '-'", fg="red", err=True)
        raise typer.Exit(2) from None
    if not settings.data_dir.is_dir():
        typer.secho(
            f"crackdet worker: the data directory {settings.data_dir} does not exist: mount the API's shared "
            "data directory there, or run `crackdet migrate` to create one.",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)
    configure_logging(settings.log_level)
    try:
        specs = plan_slots(
            node_name(settings),
            parse_gpus(gpus, gpu_count()),
            settings.cpu_job_slots if cpu_slots is None else cpu_slots,
            {q.strip() for q in queues.split(",") if q.strip()},
        )
        raise typer.Exit(run_node(settings, specs))
    except NodeError as exc:
        one_line = " ".join(str(exc).split())
        typer.secho(f"crackdet worker: {one_line}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None


@cli.command()
def workers(
    node: Annotated[str | None, typer.Option(help="Only this node's slots (exit 1 when it has none)")] = None,
    here: Annotated[bool, typer.Option(help="Only this machine's node (CRACKDET_WORKER_NAME)")] = False,
) -> None:
    """List the live worker slots; exit 1 when there are none (`crackdet workers --here`: a worker's health
    check)."""
    from app.jobs.celery_runner import live_slots
    from app.jobs.live import redact_url, redis_client
    from app.jobs.worker_node import node_name

    settings = get_settings()
    node = node_name(settings) if here else node
    try:
        slots = live_slots(redis_client(settings.redis_url))
    except Exception as exc:
        typer.secho(f"Redis at {redact_url(settings.redis_url)}: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    shown = [s for s in slots.values() if node is None or s.get("host") == node]
    for slot in shown:
        gpu = f"GPU {slot['gpu']}" if slot.get("gpu") is not None else "CPU"
        typer.echo(f"{slot['name']}\t{slot.get('queue')}\t{gpu}\t{slot.get('job_id') or 'idle'}")
    if not shown:
        typer.echo("No live worker slots" + (f" on {node}" if node else ""), err=True)
        raise typer.Exit(1)


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
