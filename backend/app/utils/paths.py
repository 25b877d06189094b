"""Confining paths to a root: the one implementation of a security rule.

Every path that a request or a stored value names (dataset folders, weights, uploads, exports) is
checked here before it is read, written or deleted, so no user input can reach outside the data
directory (symlinks and `..` are resolved first).
"""

from __future__ import annotations

from pathlib import Path


class PathEscape(ValueError):
    """A path resolved outside the directory it must stay in."""


def is_inside(path: Path | str, root: Path) -> bool:
    """Whether `path` (resolved, symlinks followed) is `root` or below it."""
    return Path(path).resolve().is_relative_to(root.resolve())


def confine(path: Path | str, root: Path) -> Path:
    """`path` resolved (a relative one against `root`); PathEscape when it leaves `root`."""
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = root / candidate
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise PathEscape(f"{path} is outside {root}")
    return resolved


def relative_posix(path: Path | str, root: Path) -> str:
    """`path` relative to `root` as a forward-slash string (how paths are stored); PathEscape if outside."""
    return confine(path, root).relative_to(root.resolve()).as_posix()
