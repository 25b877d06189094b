"""The validation report of a stored dataset: errors, warnings and per-split statistics.

Rules (code, severity):
    corrupt_image (error)           an image that does not decode (truncated, not an image, too large)
    label_without_image (warning)   a label file with no image of the same name (the trainer ignores it)
    image_without_label (warning)   an image with no label file (trained as background)
    coordinate_out_of_range (error) a polygon coordinate outside [0, 1]
    polygon_too_few_points (error)  a polygon with fewer than 3 points (e.g. a detection box line)
    malformed_label_line (error)    a line that is not `class x1 y1 x2 y2 ...` numbers
    class_id_out_of_range (error)   a class id not in 0..nc-1
    duplicate_image (warning)       byte-identical images (across splits: leakage between them)
    empty_split (error for train/val, warning for test)
    missing_split (error)           no train or no val split
    no_instances (error)            the train split has no annotation at all
    nc_mismatch (warning)           data.yaml `nc` differs from the number of names
plus the notes of the format conversion (warnings).

The report is plain JSON (stored on the dataset row); app.schemas.datasets.ValidationReport types it.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from app.data.formats import (
    SPLITS,
    DatasetFormatError,
    Note,
    labels_dir_for,
    list_images,
    list_labels,
    read_data_yaml,
)
from app.utils.clock import utc_now

Severity = Literal["error", "warning"]
FloatArray = npt.NDArray[np.float64]
ProgressFn = Callable[[float], None]
StopFn = Callable[[], bool]

MAX_EXAMPLES = 10
COORD_TOLERANCE = 1e-6
COMMON_SIZES = 5
MAX_LABEL_BYTES = 4 * 1024 * 1024
REQUIRED_SPLITS = ("train", "val")
MAX_REASON_CHARS = 120
# "<_io.BytesIO object at 0x7f...>" and the like, which PIL puts into its error messages.
_OBJECT_REPR = re.compile(r"<[^<>]*\bobject at 0x[0-9A-Fa-f]+>")


def counted(count: int, singular: str, plural: str) -> str:
    """`1 image is ...` / `2 images are ...`: the count and the phrase that agrees with it."""
    return f"{count} {singular if count == 1 else plural}"


@dataclass
class Issue:
    code: str
    severity: Severity
    message: str
    split: str | None = None
    count: int = 1
    examples: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "split": self.split,
            "count": self.count,
            "examples": self.examples[:MAX_EXAMPLES],
        }


# --------------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelShape:
    class_id: int
    coords: FloatArray  # flat x1 y1 x2 y2 ..., normalised

    @property
    def points(self) -> list[tuple[float, float]]:
        return [(float(x), float(y)) for x, y in self.coords.reshape(-1, 2)]


@dataclass
class LabelFacts:
    shapes: list[LabelShape] = field(default_factory=list)
    problems: dict[str, list[int]] = field(default_factory=dict)  # code -> line numbers

    def problem(self, code: str, line_number: int) -> None:
        self.problems.setdefault(code, []).append(line_number)


def _parse_line(line: str, line_number: int, class_count: int | None, facts: LabelFacts) -> None:
    try:
        values = np.array(line.split(), dtype=np.float64)  # parsed in C: labels hold thousands of numbers
    except ValueError:
        facts.problem("malformed_label_line", line_number)
        return
    class_value, coords = values[0], values[1:]
    integral = math.isfinite(class_value) and class_value == int(class_value)
    if not integral or not coords.size or coords.size % 2:
        facts.problem("malformed_label_line", line_number)
        return
    if coords.size < 6:
        facts.problem("polygon_too_few_points", line_number)
        return
    in_range = coords.min() >= -COORD_TOLERANCE and coords.max() <= 1 + COORD_TOLERANCE
    if not (np.isfinite(coords).all() and in_range):
        facts.problem("coordinate_out_of_range", line_number)
    class_id = int(class_value)
    if class_id < 0 or (class_count is not None and class_id >= class_count):
        facts.problem("class_id_out_of_range", line_number)
        return
    facts.shapes.append(LabelShape(class_id, coords))


def parse_label_text(text: str, class_count: int | None = None) -> LabelFacts:
    """Parses a YOLO-seg label file: `class x1 y1 x2 y2 ...` per line, normalised coordinates."""
    facts = LabelFacts()
    for line_number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line:
            _parse_line(line, line_number, class_count, facts)
    return facts


def read_label_file(path: Path, class_count: int | None = None) -> LabelFacts:
    facts = LabelFacts()
    try:
        if path.stat().st_size > MAX_LABEL_BYTES:
            facts.problem("malformed_label_line", 0)
            return facts
        text = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError):
        facts.problem("malformed_label_line", 0)
        return facts
    return parse_label_text(text, class_count)


# --------------------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageFacts:
    name: str
    size_bytes: int
    width: int = 0
    height: int = 0
    digest: str = ""
    error: str | None = None


def inspect_image(path: Path) -> ImageFacts:
    """Decodes the image (JPEG at 1/8 scale: enough to catch truncation, 8x faster) and hashes it."""
    from PIL import Image

    try:
        data = path.read_bytes()
    except OSError as exc:
        return ImageFacts(path.name, 0, error=f"unreadable: {exc.strerror or exc}")
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    try:
        with Image.open(BytesIO(data)) as image:
            width, height = image.size
            if image.format == "JPEG":
                image.draft("L", (max(1, width // 8), max(1, height // 8)))
            image.load()
    except Exception as exc:
        return ImageFacts(path.name, len(data), digest=digest, error=decode_failure_reason(exc))
    return ImageFacts(path.name, len(data), width, height, digest)


def decode_failure_reason(exc: Exception) -> str:
    """A short, user-facing reason an image does not decode (never an object repr or a memory address)."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(exc, UnidentifiedImageError):
        return "not a recognised image format"
    if isinstance(exc, Image.DecompressionBombError):
        return "too many pixels to decode safely"
    text = " ".join(_OBJECT_REPR.sub("", str(exc)).split()).strip(" :")
    reason = text or type(exc).__name__
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 1] + "…"


# --------------------------------------------------------------------------------------------------
# Per split
# --------------------------------------------------------------------------------------------------


@dataclass
class SplitFacts:
    split: str
    images: list[ImageFacts] = field(default_factory=list)
    label_facts: dict[str, LabelFacts] = field(default_factory=dict)  # label stem -> facts
    orphan_labels: list[str] = field(default_factory=list)
    unlabelled_images: list[str] = field(default_factory=list)


def _size_stats(images: Iterable[ImageFacts]) -> dict[str, Any] | None:
    sizes = Counter((facts.width, facts.height) for facts in images if facts.error is None)
    if not sizes:
        return None
    widths = [w for w, _ in sizes]
    heights = [h for _, h in sizes]
    return {
        "min_width": min(widths),
        "min_height": min(heights),
        "max_width": max(widths),
        "max_height": max(heights),
        "common": [{"width": w, "height": h, "count": n} for (w, h), n in sizes.most_common(COMMON_SIZES)],
    }


def _split_stats(facts: SplitFacts, class_names: list[str]) -> dict[str, Any]:
    instances = Counter[int]()
    images_with = Counter[int]()
    labelled = background = 0
    image_stems = {Path(image.name).stem for image in facts.images}
    for stem, label in facts.label_facts.items():
        if stem not in image_stems:
            continue
        labelled += 1
        if not label.shapes:
            background += 1
        ids = [shape.class_id for shape in label.shapes]
        instances.update(ids)
        images_with.update(set(ids))
    return {
        "split": facts.split,
        "images": len(facts.images),
        "labelled_images": labelled,
        "background_images": background + len(facts.unlabelled_images),
        "unlabelled_images": len(facts.unlabelled_images),
        "instances": sum(instances.values()),
        "classes": [
            {"class_id": index, "name": name, "instances": instances[index], "images": images_with[index]}
            for index, name in enumerate(class_names)
        ],
        "image_sizes": _size_stats(facts.images),
        "size_bytes": sum(image.size_bytes for image in facts.images),
    }


def _merge_totals(
    splits: list[dict[str, Any]], all_images: list[ImageFacts], names: list[str]
) -> dict[str, Any]:
    totals: dict[str, Any] = {"split": "all"}
    for key in (
        "images",
        "labelled_images",
        "background_images",
        "unlabelled_images",
        "instances",
        "size_bytes",
    ):
        totals[key] = sum(split[key] for split in splits)
    totals["classes"] = [
        {
            "class_id": index,
            "name": name,
            "instances": sum(split["classes"][index]["instances"] for split in splits),
            "images": sum(split["classes"][index]["images"] for split in splits),
        }
        for index, name in enumerate(names)
    ]
    totals["image_sizes"] = _size_stats(all_images)
    return totals


# --------------------------------------------------------------------------------------------------
# The validator
# --------------------------------------------------------------------------------------------------

_LABEL_PROBLEM_TEXT = {  # code -> (singular, plural), each followed by the same rest
    "malformed_label_line": (
        ("label line is", "label lines are"),
        "not `class x1 y1 x2 y2 ...` numbers (or the file is unreadable)",
    ),
    "polygon_too_few_points": (
        ("polygon has", "polygons have"),
        "fewer than 3 points (a 4-number line is a detection box, not a segmentation polygon)",
    ),
    "coordinate_out_of_range": (("label line has", "label lines have"), "coordinates outside [0, 1]"),
    "class_id_out_of_range": (("label line has", "label lines have"), "a class id outside 0..{last}"),
}


def label_problem_message(code: str, count: int, class_count: int) -> str:
    (singular, plural), rest = _LABEL_PROBLEM_TEXT[code]
    return f"{counted(count, singular, plural)} {rest.format(last=class_count - 1)}"


class _Validator:
    def __init__(self, root: Path, progress: ProgressFn | None, should_stop: StopFn | None) -> None:
        self.root = root.resolve()
        self.progress = progress
        self.should_stop = should_stop
        self.issues: list[Issue] = []

    def add(
        self,
        code: str,
        severity: Severity,
        message: str,
        split: str | None = None,
        examples: list[str] | None = None,
        count: int = 1,
    ) -> None:
        self.issues.append(
            Issue(code, severity, message, split, count, list((examples or [])[:MAX_EXAMPLES]))
        )

    def run(self, notes: Iterable[Note]) -> dict[str, Any]:
        started = time.perf_counter()
        for note in notes:
            self.add(note.code, "warning", note.message, note.split, list(note.examples), note.count)
        try:
            spec = read_data_yaml(self.root / "data.yaml", self.root)
        except (DatasetFormatError, OSError) as exc:
            self.add("invalid_data_yaml", "error", f"data.yaml cannot be used: {exc}")
            return self._report([], [], [], started)
        if spec.nc is not None and spec.nc != len(spec.names):
            self.add(
                "nc_mismatch", "warning", f"data.yaml says nc: {spec.nc} but lists {len(spec.names)} names"
            )
        self._check_declared(spec.split_dirs, spec.missing)
        split_facts = self._collect(spec.split_dirs, len(spec.names))
        self._check_splits(split_facts, len(spec.names))
        self._check_duplicates(split_facts)
        stats = [_split_stats(facts, spec.names) for facts in split_facts]
        for split in stats:
            if split["split"] == "train" and split["images"] and split["instances"] == 0:
                self.add("no_instances", "error", "The train split has no annotated crack at all", "train")
        all_images = [image for facts in split_facts for image in facts.images]
        return self._report(stats, all_images, spec.names, started)

    def _check_declared(self, split_dirs: dict[str, list[Path]], missing: dict[str, list[str]]) -> None:
        for split in REQUIRED_SPLITS:
            if split in split_dirs:
                continue
            if split in missing:
                self.add(
                    "missing_split",
                    "error",
                    f"The {split} folder {missing[split][0]!r} does not exist",
                    split,
                )
            else:
                self.add("missing_split", "error", f"data.yaml declares no {split} split", split)

    def _collect(self, split_dirs: dict[str, list[Path]], class_count: int) -> list[SplitFacts]:
        plan: list[tuple[str, list[Path], list[Path]]] = []
        for split in SPLITS:
            for folder in split_dirs.get(split, []):
                plan.append((split, list_images(folder), list_labels(labels_dir_for(folder))))
        total = sum(len(images) + len(labels) for _, images, labels in plan) or 1
        done = 0
        results: dict[str, SplitFacts] = {}
        workers = max(2, min(8, (os.cpu_count() or 2) * 2))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for split, images, labels in plan:
                facts = results.setdefault(split, SplitFacts(split))
                for image_facts in pool.map(inspect_image, images, chunksize=32):
                    facts.images.append(image_facts)
                    done += 1
                    self._tick(done, total)
                for label in labels:
                    facts.label_facts[label.stem] = read_label_file(label, class_count)
                    done += 1
                    self._tick(done, total)
        for facts in results.values():
            stems = {Path(image.name).stem for image in facts.images}
            facts.orphan_labels = sorted(stem for stem in facts.label_facts if stem not in stems)
            facts.unlabelled_images = [
                i.name for i in facts.images if Path(i.name).stem not in facts.label_facts
            ]
        return [results[split] for split in SPLITS if split in results]

    def _tick(self, done: int, total: int) -> None:
        if done % 200 == 0:
            if self.should_stop is not None and self.should_stop():
                raise InterruptedError("stopped")
            if self.progress is not None:
                self.progress(done / total)

    def _check_splits(self, split_facts: list[SplitFacts], class_count: int) -> None:
        for facts in split_facts:
            split = facts.split
            if not facts.images:
                severity: Severity = "warning" if split == "test" else "error"
                self.add("empty_split", severity, f"The {split} split has no images", split)
            corrupt = [f"{split}/{i.name}: {i.error}" for i in facts.images if i.error]
            if corrupt:
                self.add(
                    "corrupt_image",
                    "error",
                    f"{counted(len(corrupt), 'image is', 'images are')} unreadable or corrupt",
                    split,
                    corrupt,
                    len(corrupt),
                )
            if facts.orphan_labels:
                self.add(
                    "label_without_image",
                    "warning",
                    counted(len(facts.orphan_labels), "label file has", "label files have")
                    + " no image of the same name",
                    split,
                    [f"{split}/{stem}.txt" for stem in facts.orphan_labels],
                    len(facts.orphan_labels),
                )
            if facts.unlabelled_images:
                self.add(
                    "image_without_label",
                    "warning",
                    counted(len(facts.unlabelled_images), "image has", "images have")
                    + " no label file (trained as background)",
                    split,
                    [f"{split}/{name}" for name in facts.unlabelled_images],
                    len(facts.unlabelled_images),
                )
            self._label_problems(facts, class_count)

    def _label_problems(self, facts: SplitFacts, class_count: int) -> None:
        by_code: dict[str, list[str]] = {}
        for stem, label in sorted(facts.label_facts.items()):
            for code, lines in label.problems.items():
                by_code.setdefault(code, []).extend(f"{facts.split}/{stem}.txt:{line}" for line in lines)
        for code, examples in by_code.items():
            message = label_problem_message(code, len(examples), class_count)
            self.add(code, "error", message, facts.split, examples, len(examples))

    def _check_duplicates(self, split_facts: list[SplitFacts]) -> None:
        seen: dict[str, str] = {}
        duplicates: list[str] = []
        across = 0
        for facts in split_facts:
            for image in facts.images:
                if not image.digest:
                    continue
                where = f"{facts.split}/{image.name}"
                first = seen.setdefault(image.digest, where)
                if first != where:
                    duplicates.append(f"{where} = {first}")
                    across += first.split("/", 1)[0] != facts.split
        if duplicates:
            leak = f"; {across} across splits (the same image in training and evaluation)" if across else ""
            self.add(
                "duplicate_image",
                "warning",
                counted(len(duplicates), "image is an exact duplicate", "images are exact duplicates") + leak,
                None,
                duplicates,
                len(duplicates),
            )

    def _report(
        self, stats: list[dict[str, Any]], all_images: list[ImageFacts], names: list[str], started: float
    ) -> dict[str, Any]:
        errors = sum(issue.count for issue in self.issues if issue.severity == "error")
        warnings = sum(issue.count for issue in self.issues if issue.severity == "warning")
        ordered = sorted(
            self.issues,
            key=lambda i: (i.severity != "error", SPLITS.index(i.split) if i.split in SPLITS else -1, i.code),
        )
        return {
            "status": "errors" if errors else "warnings" if warnings else "passed",
            "valid": errors == 0,
            "error_count": errors,
            "warning_count": warnings,
            "issues": [issue.as_dict() for issue in ordered],
            "class_names": names,
            "splits": stats,
            "totals": _merge_totals(stats, all_images, names) if stats else None,
            "checked_at": utc_now().isoformat(),
            "duration_s": round(time.perf_counter() - started, 3),
        }


def validate_dataset(
    root: Path,
    *,
    notes: Iterable[Note] = (),
    progress: ProgressFn | None = None,
    should_stop: StopFn | None = None,
) -> dict[str, Any]:
    """Validates a dataset in the stored layout (a data.yaml at `root`); returns the JSON report."""
    return _Validator(root, progress, should_stop).run(notes)
