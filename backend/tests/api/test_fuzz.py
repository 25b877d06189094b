"""Fuzzing the HTTP API with schemathesis against the app's own OpenAPI schema.

Schemathesis generates requests for every documented operation from the schema (valid and invalid:
wrong types, out-of-range numbers, odd strings, NUL characters, malformed bodies, other HTTP methods)
and sends them in-process through its ASGI transport to a real app (temporary data directory, a
migrated database, the app's lifespan running). Each response must:
- not be a server error (5xx),
- have a documented status code, a documented content type and a body matching its schema,
- name the allowed methods in `Allow` when it is a 405 (and a 405 is what an undocumented method gets).

Nothing is excluded. Two of schemathesis's checks are off because they test something else:
- positive_data_acceptance: a request the schema accepts may still be refused for a reason a schema
  cannot express (a dataset or model id that does not exist: 404; a file that is not a zip: 415);
- negative_data_rejection: the API ignores query parameters it does not know, as most HTTP APIs do.
Access control is off here (a loopback app), so `ignored_auth` has nothing to check; the auth tests
cover it.

Jobs never run during the fuzz: the runner's slots are set to zero, so an import, training or export a
generated request manages to create stays `queued` (no worker process, no download, no training) and
the lifespan's shutdown stops the runner. The Roboflow URL points at a closed local port.

Bounded so it fits `make test` (~2-3 minutes on 2 cores): CRACKDET_FUZZ_EXAMPLES examples per
operation on SQLite (default 50), half of that on PostgreSQL when CRACKDET_TEST_POSTGRES_URL is set.
CRACKDET_FUZZ_SEED picks another reproducible run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.python import asgi as schemathesis_asgi

from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import dispose_engines
from app.jobs.runner import LocalRunner
from app.jobs.runners import forget_runner, get_runner
from app.main import create_app
from tests.conftest import POSTGRES_URL, _postgres_schema_url

pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("CRACKDET_FUZZ_EXAMPLES", "50"))
SEED = int(os.environ.get("CRACKDET_FUZZ_SEED", "20261126"))
CLOSED_PORT_URL = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection fails at once


def _openapi_document() -> dict[str, Any]:
    """The schema the app serves (building the app touches no file and no database)."""
    return create_app(Settings(data_dir=Path("/nonexistent/crackdet-fuzz"))).openapi()


def _schema(max_examples: int) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": max_examples, "mode": "all", "database": "none"},
            "checks": {
                "positive_data_acceptance": {"enabled": False},
                "negative_data_rejection": {"enabled": False},
                "ignored_auth": {"enabled": False},
            },
        }
    )
    return schemathesis.openapi.from_dict(_openapi_document(), config=config)


sqlite_schema = _schema(EXAMPLES)
postgres_schema = _schema(max(1, EXAMPLES // 2))


def _fuzz_app(data_dir: Path, database_url: str) -> Iterator[FastAPI]:
    settings = Settings(data_dir=data_dir, database_url=database_url, roboflow_api_url=CLOSED_PORT_URL)
    settings.ensure_dirs()
    upgrade(database_url)
    runner = get_runner(settings)  # the one the app's lifespan will use
    assert isinstance(runner, LocalRunner)
    runner.slots = dict.fromkeys(runner.slots, 0)  # jobs stay queued: no worker process ever starts
    app = create_app(settings)
    try:
        yield app
    finally:
        # schemathesis started the lifespan on its first request; ending it stops the runner, the
        # monitoring sampler and any prediction worker.
        schemathesis_asgi.shutdown_lifespans()
        forget_runner(settings)
        dispose_engines()


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    tmp = tmp_path_factory.mktemp("fuzz-sqlite")
    yield from _fuzz_app(tmp / "data", f"sqlite:///{tmp / 'fuzz.db'}")


@pytest.fixture(scope="module")
def postgres_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    if not POSTGRES_URL:
        pytest.skip("CRACKDET_TEST_POSTGRES_URL is not set")
    tmp = tmp_path_factory.mktemp("fuzz-postgres")
    for url in _postgres_schema_url(POSTGRES_URL):
        yield from _fuzz_app(tmp / "data", url)


def _call_and_validate(case: Any, app: FastAPI) -> None:
    case.call_and_validate(app=app)


@sqlite_schema.parametrize()
def test_api_on_sqlite(case: Any, sqlite_app: FastAPI) -> None:
    _call_and_validate(case, sqlite_app)


@postgres_schema.parametrize()
def test_api_on_postgres(case: Any, postgres_app: FastAPI) -> None:
    _call_and_validate(case, postgres_app)
