"""Queries on image_annotations: one JSON document per dataset image, guarded by a version counter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db.tables import ImageAnnotation

# The row type services read (they never import app.db.tables themselves).
AnnotationRow = ImageAnnotation


def get(db: Session, dataset_id: str, split: str, file_name: str) -> ImageAnnotation | None:
    return db.scalars(
        select(ImageAnnotation).where(
            ImageAnnotation.dataset_id == dataset_id,
            ImageAnnotation.split == split,
            ImageAnnotation.file_name == file_name,
        )
    ).one_or_none()


def of_dataset(db: Session, dataset_id: str) -> Sequence[ImageAnnotation]:
    return db.scalars(select(ImageAnnotation).where(ImageAnnotation.dataset_id == dataset_id)).all()


def insert_if_absent(db: Session, **values: Any) -> bool:
    """Inserts the row for (dataset, split, file name) unless another writer got there first (the
    unique constraint decides); False then, with the transaction rolled back so it can go on."""
    try:
        db.add(ImageAnnotation(**values))
        db.flush()
    except IntegrityError:
        db.rollback()
        return False
    return True


def compare_and_set(db: Session, row_id: str, expected_version: int, **values: Any) -> bool:
    """Writes `values` and bumps the version only if the row still has `expected_version`: the one
    atomic step of an optimistic save (False: someone saved in between)."""
    result = db.execute(
        update(ImageAnnotation)
        .where(ImageAnnotation.id == row_id, ImageAnnotation.version == expected_version)
        .values(version=expected_version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0)) == 1


def refresh(db: Session, row: ImageAnnotation) -> ImageAnnotation:
    db.refresh(row)
    return row


def move(db: Session, dataset_id: str, split: str, file_name: str, new_split: str) -> None:
    """The document follows its image to another split (its version moves on: the image id changed)."""
    db.execute(
        update(ImageAnnotation)
        .where(
            ImageAnnotation.dataset_id == dataset_id,
            ImageAnnotation.split == split,
            ImageAnnotation.file_name == file_name,
        )
        .values(split=new_split, version=ImageAnnotation.version + 1)
        .execution_options(synchronize_session=False)
    )
