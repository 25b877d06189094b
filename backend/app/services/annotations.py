"""The working copy's annotations of one dataset image: read, and saved with optimistic concurrency.

Storage (table image_annotations, see its docstring): one JSON document per image with a version
counter. The imported YOLO-seg label file is the initial state, read lazily the first time the image is
opened. The ETag is `"<row id prefix>-<version>"`; a save names it in If-Match and is one conditional
`UPDATE ... WHERE id = :id AND version = :expected`: of two writers holding the same ETag exactly one
succeeds, the other gets 409 with the state saved in between (no lost update, on SQLite and PostgreSQL).
A save also rewrites the image's label file (atomically, inside the transaction, so label files are
written in version order), so training on the working copy sees the edits.
"""

from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import Settings
from app.data.formats import DatasetFormatError, labels_dir_for, read_data_yaml
from app.data.validation import read_label_file
from app.db.session import session_scope
from app.domain.errors import AppError, Conflict, NotFound, Unprocessable
from app.repositories import annotations as repo
from app.repositories.annotations import AnnotationRow
from app.schemas.annotations import AnnotationInstance, AnnotationsUpdate, ImageAnnotations
from app.services import annotations_codec as codec
from app.services.dataset_images import decode_image_id, encode_image_id
from app.services.datasets import ready_root, row_or_404
from app.utils.clock import utc_now
from app.utils.images import stored_size

ETAG_PATTERN = re.compile(r'^(?:W/)?"([0-9a-f]{12})-(\d{1,12})"$')


class PreconditionRequired(AppError):
    status_code = 428


class StaleAnnotations(Conflict):
    """409: the If-Match ETag is not the current one; `current` is the state to merge with."""

    def __init__(self, current: ImageAnnotations) -> None:
        super().__init__(
            f"The annotations were saved by someone else in the meantime (now version {current.version}); "
            "reload them, apply your changes again and save with the new ETag."
        )
        self.current = current


@dataclass(frozen=True)
class DatasetImage:
    """An image of a ready dataset's working copy, found from its image id (never from a path)."""

    dataset_id: str
    root: Path
    split: str
    path: Path
    label: Path
    class_names: list[str]

    @property
    def image_id(self) -> str:
        return encode_image_id(self.split, self.path.name)


def locate(settings: Settings, dataset_id: str, image_id: str) -> DatasetImage:
    split, name = decode_image_id(image_id)
    with session_scope(settings.resolved_database_url) as db:
        root = ready_root(settings, row_or_404(db, dataset_id))
    try:
        spec = read_data_yaml(root / "data.yaml", root)
    except DatasetFormatError as exc:
        raise Conflict(f"The dataset's data.yaml cannot be read: {exc}") from None
    for folder in spec.split_dirs.get(split, []):
        candidate = folder / name
        if candidate.is_file() and candidate.resolve().parent == folder.resolve():
            label = labels_dir_for(folder) / f"{Path(name).stem}.txt"
            return DatasetImage(dataset_id, root, split, candidate, label, spec.names)
    raise NotFound(f"No image with id {image_id[:80]!r} in this dataset.")


def etag_of(row: AnnotationRow) -> str:
    return f'"{row.id[:12]}-{row.version}"'


def to_schema(row: AnnotationRow, image: DatasetImage) -> ImageAnnotations:
    return ImageAnnotations(
        image_id=image.image_id,
        dataset_id=image.dataset_id,
        split=image.split,
        file_name=image.path.name,
        width=row.width,
        height=row.height,
        etag=etag_of(row),
        version=row.version,
        instances=[AnnotationInstance.model_validate(item) for item in row.instances or []],
        reviewed=row.reviewed,
        class_names=image.class_names,
    )


def initial_document(image: DatasetImage) -> dict[str, Any]:
    """The row an image starts with: its size and the polygons of its imported label file."""
    try:
        width, height = stored_size(image.path)
    except Exception as exc:  # a corrupt image: the validation report names it too
        raise Unprocessable(f"The image {image.path.name!r} cannot be read: {exc}") from None
    shapes = read_label_file(image.label, len(image.class_names)).shapes if image.label.is_file() else []
    return {
        "dataset_id": image.dataset_id,
        "split": image.split,
        "file_name": image.path.name,
        "width": width,
        "height": height,
        "instances": codec.from_label_shapes(shapes, width, height),
        "reviewed": True,
        "version": 1,
    }


def ensure_row(settings: Settings, image: DatasetImage) -> None:
    """The image's document exists: made from its label file on first access (in its own transaction,
    so that two first accesses at once make one row)."""
    with session_scope(settings.resolved_database_url) as db:
        if repo.get(db, image.dataset_id, image.split, image.path.name) is not None:
            return
    document = initial_document(image)
    with session_scope(settings.resolved_database_url) as db:
        repo.insert_if_absent(db, **document)


def _row(db: Any, image: DatasetImage) -> AnnotationRow:
    row = repo.get(db, image.dataset_id, image.split, image.path.name)
    if row is None:  # deleted between the two transactions (the dataset is being deleted)
        raise NotFound(f"The image {image.path.name!r} is no longer in this dataset.")
    return row


def get_annotations(settings: Settings, dataset_id: str, image_id: str) -> ImageAnnotations:
    image = locate(settings, dataset_id, image_id)
    ensure_row(settings, image)
    with session_scope(settings.resolved_database_url) as db:
        return to_schema(_row(db, image), image)


def _expected_version(if_match: str | None, row: AnnotationRow) -> int | None:
    """The version the client saw, or None when its ETag is not one of this image's."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            "Saving annotations needs the If-Match header with the ETag of the state you edited "
            "(GET the annotations first): it keeps two editors from overwriting each other."
        )
    match = ETAG_PATTERN.match(if_match.strip())
    if match is None or match.group(1) != row.id[:12]:
        return None
    return int(match.group(2))


def write_label_file(label: Path, instances: list[dict[str, Any]], width: int, height: int) -> None:
    """The image's YOLO-seg label file, replaced atomically (training reads whole files only).

    Ultralytics keeps the parsed labels of a split in labels/<split>.cache, valid while the label
    files' total size is unchanged; an edited polygon often keeps its size, so the cache goes."""
    label.parent.mkdir(parents=True, exist_ok=True)
    lines = codec.label_lines(instances, width, height)
    partial = label.with_name(f".{label.name}.{uuid.uuid4().hex[:8]}.tmp")
    partial.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    os.replace(partial, label)
    label.parent.with_suffix(".cache").unlink(missing_ok=True)


def save_annotations(
    settings: Settings, dataset_id: str, image_id: str, if_match: str | None, body: AnnotationsUpdate
) -> ImageAnnotations:
    image = locate(settings, dataset_id, image_id)
    ensure_row(settings, image)
    with session_scope(settings.resolved_database_url) as db:
        row = _row(db, image)
        expected = _expected_version(if_match, row)
        instances = codec.checked_instances(body.instances, row.width, row.height, len(image.class_names))
        min_score = codec.min_predicted_score(instances)
        saved = expected is not None and repo.compare_and_set(
            db,
            row.id,
            expected,
            instances=instances,
            reviewed=body.reviewed,
            min_score=min_score,
            disagreement=row.disagreement if min_score is not None else None,
            updated_at=utc_now(),
        )
        current = to_schema(repo.refresh(db, row), image)
        if saved:  # still inside the transaction (row locked): label files are written in version order
            write_label_file(image.label, instances, current.width, current.height)
    if not saved:
        raise StaleAnnotations(current)
    return current


def working_images(settings: Settings, dataset_id: str) -> tuple[Path, list[str], list[DatasetImage]]:
    """(root, class names, every image of the working copy: train, then val, then test)."""
    from app.data.formats import SPLITS, list_images

    with session_scope(settings.resolved_database_url) as db:
        root = ready_root(settings, row_or_404(db, dataset_id))
    try:
        spec = read_data_yaml(root / "data.yaml", root)
    except DatasetFormatError as exc:
        raise Conflict(f"The dataset's data.yaml cannot be read: {exc}") from None
    images = [
        DatasetImage(dataset_id, root, split, path, labels_dir_for(folder) / f"{path.stem}.txt", spec.names)
        for split in SPLITS
        for folder in spec.split_dirs.get(split, [])
        for path in list_images(folder)
    ]
    return root, spec.names, images
