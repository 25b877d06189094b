"""Content-addressed storage of dataset versions: <data dir>/objects/<first 2 hex>/<sha256>.

Every image of every version of every dataset is stored once, under the SHA-256 of its bytes: a hard
link to the working copy's file where the file system allows (no second copy on disk), else a copy.
Version manifests are objects too (canonical JSON). Objects are never modified; one that no manifest
names any more is removed by `collect_garbage`. Storing objects and recording a manifest, and the
garbage collection, take one exclusive file lock, so a collection never removes an object that a
version being created has just found present.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from app.config import Settings

OBJECTS_DIR = "objects"
CHUNK = 1024 * 1024


def objects_dir(settings: Settings) -> Path:
    return settings.data_dir / OBJECTS_DIR


def object_path(settings: Settings, sha: str) -> Path:
    if len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha):
        raise ValueError(f"not a SHA-256: {sha[:80]!r}")
    return objects_dir(settings) / sha[:2] / sha


@contextlib.contextmanager
def store_lock(settings: Settings) -> Iterator[None]:
    folder = objects_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def store_file(settings: Settings, source: Path, sha: str) -> bool:
    """Stores the file under its hash unless present; True when it was new."""
    target = object_path(settings, sha)
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{sha}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        os.link(source, partial)
    except OSError:  # another file system, or links refused: a copy
        shutil.copyfile(source, partial)
    os.replace(partial, target)
    return True


def canonical_json(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def store_bytes(settings: Settings, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    target = object_path(settings, sha)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{sha}.{uuid.uuid4().hex[:8]}.tmp")
        partial.write_bytes(data)
        os.replace(partial, target)
    return sha


def read_json(settings: Settings, sha: str) -> Any:
    return json.loads(object_path(settings, sha).read_bytes())


def collect_garbage(settings: Settings, manifests: Iterable[str]) -> int:
    """Removes every object that none of these manifests (all versions there are) names, nor is one;
    the number removed. Call it holding `store_lock`."""
    keep = set()
    for sha in manifests:
        keep.add(sha)
        with contextlib.suppress(FileNotFoundError, ValueError):
            keep.update(image["object"] for image in read_json(settings, sha)["images"])
    removed = 0
    root = objects_dir(settings)
    if not root.is_dir():
        return 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            if entry.name not in keep and not entry.name.startswith("."):
                entry.unlink(missing_ok=True)
                removed += 1
    return removed
