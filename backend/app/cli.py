"""The `crackdet` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from app.config import Settings, get_settings, is_loopback_host

cli = typer.Typer(help="Crack Detection Training Client", no_args_is_help=True, add_completion=False)

DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="Data directory (default: CRACKDET_DATA_DIR or ./data)")
]


def _settings(data_dir: Path | None) -> Settings:
    base = get_settings()
    if data_dir is None:
        return base
    return base.model_copy(update={"data_dir": data_dir.expanduser().resolve()})


@cli.command()
def migrate(data_dir: DataDirOption = None) -> None:
    """Create or upgrade the database schema."""
    from app.db.migrate import upgrade

    settings = _settings(data_dir)
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    typer.echo(f"Database is up to date ({settings.resolved_database_url.split('://')[0]}).")


@cli.command("demo-data")
def demo_data(
    data_dir: DataDirOption = None,
    force: Annotated[bool, typer.Option(help="Recreate it even if it exists")] = False,
) -> None:
    """Create the synthetic demo crack dataset in the data directory (if absent)."""
    from app.services.demo import ensure_demo_dataset

    settings = _settings(data_dir)
    settings.ensure_dirs()
    created, path = ensure_demo_dataset(settings, force=force)
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

    from app.db.migrate import upgrade
    from app.utils.logger import configure_logging

    settings = _settings(data_dir)
    host = host or settings.host
    port = port or settings.port
    if not is_loopback_host(host):
        typer.secho(
            f"WARNING: serving on {host} exposes the app to your network and it has no access control "
            "yet. Anyone who can reach this address can use it. Prefer 127.0.0.1 behind a reverse proxy.",
            fg=typer.colors.YELLOW,
            err=True,
        )
    settings.ensure_dirs()
    upgrade(settings.resolved_database_url)
    configure_logging(settings.log_level)
    # The factory re-reads settings from the environment (also in reload workers).
    os.environ["CRACKDET_DATA_DIR"] = str(settings.data_dir)
    get_settings.cache_clear()
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


def main() -> None:
    cli()


if __name__ == "__main__":
    main()
