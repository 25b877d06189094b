"""Shared fixtures: a temporary data directory, a migrated database, and an API client.

Database-backed fixtures run on SQLite always and on PostgreSQL too when CRACKDET_TEST_POSTGRES_URL is
set (CI sets it). Each PostgreSQL test gets its own schema, so tests never see each other's rows.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db.migrate import upgrade
from app.db.session import dispose_engines
from app.main import create_app
from tests.helpers.auth import Account, create_account

# Tests never touch the internet: the app's "can we download official weights?" probe answers offline,
# and so do the worker processes and servers the tests start (they inherit the environment).
os.environ["CRACKDET_OFFLINE"] = "1"
os.environ["YOLO_OFFLINE"] = "1"

POSTGRES_URL = os.environ.get("CRACKDET_TEST_POSTGRES_URL")
DB_BACKENDS = ["sqlite", "postgres"] if POSTGRES_URL else ["sqlite"]


def _postgres_schema_url(base_url: str) -> Iterator[str]:
    """A throw-away schema inside the test database; dropped afterwards."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=DB_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty (unmigrated) database on each configured backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        dispose_engines()
    else:
        assert POSTGRES_URL
        yield from _postgres_schema_url(POSTGRES_URL)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    data_dir = tmp_path / "data"
    s = Settings(data_dir=data_dir, database_url=database_url)
    s.ensure_dirs()
    upgrade(database_url)
    return s


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Iterator[Settings]:
    """SQLite only, for tests whose subject is not the database (keeps the suite fast)."""
    data_dir = tmp_path / "data"
    s = Settings(data_dir=data_dir, database_url=f"sqlite:///{tmp_path / 'test.db'}")
    s.ensure_dirs()
    upgrade(s.resolved_database_url)
    yield s
    dispose_engines()


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def trained_yolo_weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """best.pt of a tiny yolov8n-seg trained for 2 epochs on synthetic cracks (in a subprocess).

    Shared by the whole test session: models, prediction and export tests use it as "a user's model".
    The synthetic dataset it was trained on is `weights.parents[3] / "dataset"`.
    """
    import subprocess
    import sys

    out_dir = tmp_path_factory.mktemp("tiny-yolo")
    result = subprocess.run(
        [sys.executable, "-m", "tests.helpers.train_tiny", str(out_dir)],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    weights = Path(result.stdout.strip().splitlines()[-1])
    assert weights.is_file()
    return weights


# Access control (issue 9). Every fixture above runs with it off (loopback bind, CRACKDET_AUTH=auto).


@pytest.fixture
def auth_settings(settings: Settings) -> Settings:
    """`settings` with access control on; cookies without the Secure flag (the test client speaks http)."""
    return settings.model_copy(update={"auth": "required", "cookie_secure": False})


@pytest.fixture
def make_user(auth_settings: Settings) -> Callable[..., Account]:
    """make_user(role="user", username=None, password=DEFAULT_PASSWORD, *, disabled, must_change_password)."""
    return functools.partial(create_account, auth_settings)


@pytest.fixture
def auth_client(auth_settings: Settings, make_user: Callable[..., Account]) -> Iterator[TestClient]:
    """The app with access control on, signed out; an admin exists, so no one-time password is made."""
    make_user(role="admin", username="first-admin")
    with TestClient(create_app(auth_settings)) as test_client:
        yield test_client
