"""What every family's exporter shares: its options, its error, and file helpers (no heavy imports).

An exporter (core/families/<family>/exporter.py) links the weights into the export's own folder, exports
there, and removes everything but the exported file or folder (`keep_only`), so
`models/<model_id>/exports/<export_id>/` holds exactly the artefact.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path


class ExportFailed(Exception):
    """The export could not be produced; the message says why (no stack trace)."""


@dataclass(frozen=True)
class ExportOptions:
    imgsz: int
    half: bool = False
    dynamic: bool = False
    simplify: bool = True
    opset: int | None = None


_NOISE = re.compile(r"ERROR\s*|[\u2600-\u27bf\U0001f300-\U0001faff\ufe0f]")


def clean_message(exc: BaseException) -> str:
    """Ultralytics' messages without emoji and 'ERROR' prefixes, on one line, bounded."""
    text = _NOISE.sub("", str(exc)).strip() or type(exc).__name__
    return " ".join(text.split())[:1000]


def link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def keep_only(folder: Path, keep: Path) -> None:
    for entry in folder.iterdir():
        if entry.resolve() == keep.resolve():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()


def path_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
