"""Where inspection files live: data_dir/inspections/<inspection id>/{reports,growth}/ (confined)."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from app.config import Settings
from app.domain.errors import NotFound, Unprocessable
from app.utils.paths import PathEscape, confine, relative_posix

INSPECTIONS_DIR = "inspections"
_ID = re.compile(r"[0-9a-f]{32}")


def inspection_dir(settings: Settings, inspection_id: str) -> Path:
    if not _ID.fullmatch(inspection_id):
        raise NotFound(f"Inspection {inspection_id} does not exist")
    return settings.data_dir / INSPECTIONS_DIR / inspection_id


def stored_file(settings: Settings, stored: str, what: str) -> Path:
    """A stored relative path as an existing file inside the data directory."""
    try:
        path = confine(stored, settings.data_dir)
    except PathEscape:
        raise Unprocessable(f"The stored path of the {what} points outside the data directory") from None
    if not path.is_file():
        raise NotFound(f"The {what} is missing on disk")
    return path


def relative(settings: Settings, path: Path) -> str:
    return relative_posix(path, settings.data_dir)


def remove_stored(settings: Settings, stored: str | None) -> None:
    """Deletes a stored file if it is there (and inside the data directory)."""
    if not stored:
        return
    with contextlib.suppress(PathEscape):  # never delete outside the data directory; the row goes anyway
        confine(stored, settings.data_dir).unlink(missing_ok=True)
