"""The one-of-each basics: UTC, path confinement, statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.domain.status import FINISHED_STATUSES, JobStatus
from app.utils.clock import as_utc, iso_z
from app.utils.paths import PathEscape, confine, is_inside, relative_posix


def test_naive_is_taken_as_utc_and_aware_is_converted() -> None:
    assert as_utc(datetime(2026, 1, 1, 12)).tzinfo is UTC
    plus_two = datetime(2026, 1, 1, 14, tzinfo=timezone(timedelta(hours=2)))
    assert as_utc(plus_two) == datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert iso_z(plus_two) == "2026-01-01T12:00:00Z"


def test_confine_refuses_escapes(tmp_path: Path) -> None:
    root = tmp_path / "data"
    (root / "models").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "link").symlink_to(tmp_path / "outside")
    assert confine("models", root) == (root / "models").resolve()
    assert relative_posix(root / "models" / "a.pt", root) == "models/a.pt"
    for escape in ("../outside", root / ".." / "outside", "link/x", "/etc/passwd"):
        with pytest.raises(PathEscape):
            confine(escape, root)
    assert not is_inside(root / "link", root)
    assert is_inside(root, root)


def test_statuses_are_strings() -> None:
    assert JobStatus.COMPLETED == "completed"
    assert JobStatus("stopped").finished and not JobStatus.RUNNING.finished
    assert JobStatus.QUEUED.active
    assert len(FINISHED_STATUSES) == 5
