"""Safe dataset zips: inspect the central directory, detect the layout, extract with limits.

Everything that can be refused is refused from the central directory alone (cheap, no extraction):
not a zip, encrypted entries, unsafe names (zip-slip: `..`, absolute paths, drive letters, backslashes,
control characters), symlinks and other special files, too many entries, too many uncompressed bytes,
an entry whose compression ratio looks like a bomb, and a layout that is neither YOLO nor COCO.
Extraction re-checks the real decompressed sizes, since the central directory can lie.
"""

from __future__ import annotations

import os
import stat
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})
YAML_NAMES = ("data.yaml", "data.yml", "dataset.yaml", "dataset.yml")
COCO_JSON_NAME = "_annotations.coco.json"
JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
JUNK_DIRS = frozenset({"__MACOSX"})
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_NAME_LENGTH = 1024
MAX_PATH_DEPTH = 16
COPY_CHUNK = 1024 * 1024

DatasetFormat = Literal["yolo-seg", "coco"]
ProgressFn = Callable[[float], None]
StopFn = Callable[[], bool]


class ZipRefused(Exception):
    """The archive is refused. `kind` picks the HTTP status, `detail` says why."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind  # not_a_zip | unsafe | bomb | layout
        self.detail = detail


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_uncompressed_bytes: int
    max_ratio: float


@dataclass(frozen=True)
class ZipMember:
    name: str  # name in the archive
    relative: str  # path below the dataset root inside the archive (prefix removed)
    size: int


@dataclass
class ZipPlan:
    """What will be extracted and how the content is laid out."""

    format: DatasetFormat
    prefix: str  # the single top-level folder the content sits in ("" when none)
    members: list[ZipMember]
    uncompressed_bytes: int
    image_count: int
    yaml_name: str | None = None
    coco_files: list[str] = field(default_factory=list)


def _name_problem(name: str) -> str | None:
    if not name or len(name) > MAX_NAME_LENGTH:
        return "empty or overlong name"
    if "\\" in name:
        return "backslash in name"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "control character in name"
    if name.startswith("/"):
        return "absolute path"
    if len(name) >= 2 and name[1] == ":":
        return "drive letter"
    parts = [part for part in name.split("/") if part]
    if any(part in ("..", ".") for part in parts):
        return "'..' or '.' path component"
    if len(parts) > MAX_PATH_DEPTH:
        return "too deeply nested"
    return None


def _is_special(info: zipfile.ZipInfo) -> bool:
    """Symlinks, devices, fifos (Unix mode bits in the high word of external_attr)."""
    file_type = stat.S_IFMT(info.external_attr >> 16)
    return file_type not in (0, stat.S_IFREG, stat.S_IFDIR)  # many zip tools store no type bits


def _is_junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(part in JUNK_DIRS for part in parts) or (bool(parts) and parts[-1] in JUNK_NAMES)


def _check_entry(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    problem = _name_problem(info.filename)
    if problem:
        raise ZipRefused("unsafe", f"Unsafe entry {info.filename!r} in the zip: {problem}.")
    if _is_special(info):
        raise ZipRefused("unsafe", f"The zip holds a symbolic link or special file: {info.filename!r}.")
    if info.flag_bits & 0x1:
        raise ZipRefused("unsafe", f"Encrypted entries are not supported: {info.filename!r}.")
    if info.file_size >= RATIO_CHECK_MIN_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise ZipRefused(
                "bomb",
                f"Entry {info.filename!r} expands {ratio:.0f}x ({info.compress_size} -> {info.file_size} "
                f"bytes), above the limit of {limits.max_ratio:.0f}x: refused as a possible zip bomb.",
            )


def _read_infos(path: Path) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise ZipRefused("not_a_zip", f"The file is not a readable zip archive ({exc}).") from None


def _check_totals(files: list[zipfile.ZipInfo], limits: ZipLimits) -> int:
    if len(files) > limits.max_entries:
        raise ZipRefused(
            "bomb", f"The zip holds {len(files)} files, more than the limit of {limits.max_entries}."
        )
    total = sum(info.file_size for info in files)
    if total > limits.max_uncompressed_bytes:
        raise ZipRefused(
            "bomb",
            f"The zip expands to {total} bytes, more than the limit of "
            f"{limits.max_uncompressed_bytes} bytes.",
        )
    names = Counter(info.filename.rstrip("/") for info in files)
    duplicated = [name for name, count in names.items() if count > 1]
    if duplicated:
        raise ZipRefused("unsafe", f"The zip holds the same name twice: {duplicated[0]!r}.")
    return total


def _common_prefix(names: list[str]) -> str:
    """The single top-level folder everything sits in (up to two levels), or ''."""
    prefix = ""
    for _ in range(2):
        stripped = [name[len(prefix) :] for name in names]
        tops = {name.split("/", 1)[0] for name in stripped}
        if len(tops) != 1 or any("/" not in name for name in stripped):
            break
        top = tops.pop()
        if top.lower() in {"images", "labels", "train", "valid", "val", "test"}:
            break  # that is the layout itself, not a wrapper folder
        prefix += top + "/"
    return prefix


def _describe_found(relatives: list[str]) -> str:
    tops = sorted({rel.split("/", 1)[0] + ("/" if "/" in rel else "") for rel in relatives})
    suffixes = Counter(PurePosixPath(rel).suffix.lower() or "(none)" for rel in relatives)
    listed = ", ".join(tops[:12]) + (f" and {len(tops) - 12} more" if len(tops) > 12 else "")
    counts = ", ".join(f"{count} {suffix}" for suffix, count in suffixes.most_common(6))
    return f"top-level entries: {listed or '(none)'}; files: {counts or 'none'}"


def _detect_layout(relatives: list[str]) -> tuple[DatasetFormat, str | None, list[str]]:
    lowered = {rel.lower(): rel for rel in relatives}
    for yaml_name in YAML_NAMES:
        if yaml_name in lowered:
            return "yolo-seg", lowered[yaml_name], []
    coco = sorted(
        rel for rel in relatives if PurePosixPath(rel).name == COCO_JSON_NAME and rel.count("/") == 1
    )
    if coco:
        return "coco", None, coco
    raise ZipRefused(
        "layout",
        "Unknown dataset layout: expected a data.yaml at the top level (YOLO segmentation, Ultralytics "
        f"or Roboflow export) or <split>/{COCO_JSON_NAME} files (COCO segmentation). Found "
        + _describe_found(relatives)
        + ".",
    )


def inspect_zip(path: Path, limits: ZipLimits) -> ZipPlan:
    """Checks the central directory and plans the extraction; raises ZipRefused with the reason."""
    infos = _read_infos(path)
    for info in infos:
        _check_entry(info, limits)
    files = [info for info in infos if not info.is_dir() and not _is_junk(info.filename)]
    total = _check_totals(files, limits)
    prefix = _common_prefix([info.filename for info in files])
    members = [ZipMember(info.filename, info.filename[len(prefix) :], info.file_size) for info in files]
    relatives = [member.relative for member in members]
    fmt, yaml_name, coco_files = _detect_layout(relatives)
    images = sum(1 for rel in relatives if PurePosixPath(rel).suffix.lower() in IMAGE_SUFFIXES)
    if images == 0:
        raise ZipRefused("layout", "The zip holds no images (" + _describe_found(relatives) + ").")
    return ZipPlan(fmt, prefix, members, total, images, yaml_name, coco_files)


def _safe_target(root: Path, relative: str) -> Path:
    """Lexical check (names were validated and the fresh destination holds no symlinks: resolving
    every path would cost ~6 lstat calls per file)."""
    target = os.path.normpath(os.path.join(root, relative))
    if not target.startswith(f"{root}{os.sep}"):
        raise ZipRefused("unsafe", f"Entry {relative!r} would be written outside the dataset folder.")
    return Path(target)


def _copy_member(archive: zipfile.ZipFile, member: ZipMember, target: Path) -> int:
    """Streams one entry to disk; refuses entries that expand beyond their declared size."""
    written = 0
    with archive.open(member.name) as source, target.open("wb") as sink:
        while chunk := source.read(COPY_CHUNK):
            written += len(chunk)
            if written > member.size:
                raise ZipRefused("bomb", f"Entry {member.name!r} expands beyond its declared size.")
            sink.write(chunk)
    return written


def extract_plan(
    zip_path: Path,
    plan: ZipPlan,
    destination: Path,
    *,
    progress: ProgressFn | None = None,
    should_stop: StopFn | None = None,
) -> int:
    """Extracts the planned members below `destination` (prefix removed); returns bytes written."""
    root = destination.resolve()
    root.mkdir(parents=True, exist_ok=True)
    written = 0
    made_dirs: set[Path] = set()
    with zipfile.ZipFile(zip_path) as archive:
        for index, member in enumerate(plan.members):
            if should_stop is not None and index % 64 == 0 and should_stop():
                raise InterruptedError("stopped")
            target = _safe_target(root, member.relative)
            if target.parent not in made_dirs:
                target.parent.mkdir(parents=True, exist_ok=True)
                made_dirs.add(target.parent)
            try:
                written += _copy_member(archive, member, target)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise ZipRefused("not_a_zip", f"Entry {member.name!r} is corrupt: {exc}") from None
            if written > plan.uncompressed_bytes:
                raise ZipRefused("bomb", "The zip expands beyond its declared size.")
            if progress is not None and index % 64 == 0:
                progress(index / max(len(plan.members), 1))
    if progress is not None:
        progress(1.0)
    return written
