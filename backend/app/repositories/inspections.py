"""Queries on the inspection tables: structures, inspections, their images, reports and growth comparisons.

The row classes are re-exported so services can name them in type hints without importing the tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.db.tables import (
    GrowthComparison,
    Inspection,
    InspectionImage,
    InspectionReport,
    Job,
    Model,
    Prediction,
    Structure,
)

__all__ = [
    "GrowthComparison",
    "Inspection",
    "InspectionImage",
    "InspectionReport",
    "Prediction",
    "Structure",
]

ImageRow = tuple[InspectionImage, Prediction]


def add(db: Session, row: Any) -> Any:
    db.add(row)
    db.flush()
    return row


def delete(db: Session, row: Any) -> None:
    db.delete(row)
    db.flush()


# -- structures ------------------------------------------------------------------------------------


def new_structure(**values: Any) -> Structure:
    return Structure(**values)


def get_structure(db: Session, structure_id: str) -> Structure | None:
    return db.get(Structure, structure_id)


def list_structures(db: Session) -> list[Structure]:
    return list(db.scalars(select(Structure).order_by(Structure.name, Structure.id)))


def inspection_counts(db: Session) -> dict[str, int]:
    rows = db.execute(select(Inspection.structure_id, func.count()).group_by(Inspection.structure_id))
    return {str(sid): int(n) for sid, n in rows}


# -- inspections -----------------------------------------------------------------------------------


def new_inspection(**values: Any) -> Inspection:
    return Inspection(**values)


def get_inspection(db: Session, inspection_id: str) -> Inspection | None:
    return db.get(Inspection, inspection_id)


def inspections_of(db: Session, structure_id: str) -> list[Inspection]:
    """Newest first."""
    return list(
        db.scalars(
            select(Inspection)
            .where(Inspection.structure_id == structure_id)
            .order_by(Inspection.inspected_on.desc(), Inspection.created_at.desc())
        )
    )


# -- images ----------------------------------------------------------------------------------------


def new_image(**values: Any) -> InspectionImage:
    return InspectionImage(**values)


def images_of(db: Session, inspection_ids: Sequence[str]) -> list[ImageRow]:
    """Images of these inspections with their predictions, in the order they were added."""
    if not inspection_ids:
        return []
    rows = db.execute(
        select(InspectionImage, Prediction)
        .join(Prediction, Prediction.id == InspectionImage.prediction_id)
        .where(InspectionImage.inspection_id.in_(list(inspection_ids)))
        .order_by(InspectionImage.created_at, InspectionImage.id)
    ).all()
    return [(image, prediction) for image, prediction in rows]


def get_image(db: Session, image_id: str) -> ImageRow | None:
    row = db.execute(
        select(InspectionImage, Prediction)
        .join(Prediction, Prediction.id == InspectionImage.prediction_id)
        .where(InspectionImage.id == image_id)
    ).first()
    return None if row is None else (row[0], row[1])


def image_only(db: Session, image_id: str) -> InspectionImage | None:
    return db.get(InspectionImage, image_id)


def images_by_ids(db: Session, image_ids: Sequence[str]) -> list[InspectionImage]:
    return list(db.scalars(select(InspectionImage).where(InspectionImage.id.in_(list(image_ids)))))


def predictions_by_ids(db: Session, ids: Sequence[str]) -> dict[str, Prediction]:
    return {row.id: row for row in db.scalars(select(Prediction).where(Prediction.id.in_(list(ids))))}


def prediction_ids_in(db: Session, inspection_id: str) -> set[str]:
    rows = db.scalars(
        select(InspectionImage.prediction_id).where(InspectionImage.inspection_id == inspection_id)
    )
    return {str(r) for r in rows}


def update_image_if_version(db: Session, image_id: str, version: int, values: dict[str, Any]) -> bool:
    """Applies `values` and bumps the version only if the row still has `version` (optimistic lock)."""
    result = db.execute(
        update(InspectionImage)
        .where(InspectionImage.id == image_id, InspectionImage.version == version)
        .values(**values, version=version + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def update_image(db: Session, image_id: str, values: dict[str, Any]) -> None:
    """Applies `values` (the analysis job's findings) and bumps the version: readers must re-read."""
    db.execute(
        update(InspectionImage)
        .where(InspectionImage.id == image_id)
        .values(**values, version=InspectionImage.version + 1)
        .execution_options(synchronize_session=False)
    )


# -- reports and growth ----------------------------------------------------------------------------


def new_report(**values: Any) -> InspectionReport:
    return InspectionReport(**values)


def get_report(db: Session, report_id: str) -> InspectionReport | None:
    return db.get(InspectionReport, report_id)


def reports_of(db: Session, inspection_id: str) -> list[InspectionReport]:
    return list(
        db.scalars(
            select(InspectionReport)
            .where(InspectionReport.inspection_id == inspection_id)
            .order_by(InspectionReport.created_at.desc(), InspectionReport.id)
        )
    )


def new_growth(**values: Any) -> GrowthComparison:
    return GrowthComparison(**values)


def get_growth(db: Session, growth_id: str) -> GrowthComparison | None:
    return db.get(GrowthComparison, growth_id)


def growth_of_image(db: Session, image_id: str) -> list[GrowthComparison]:
    """Comparisons that use this image on either side."""
    return list(
        db.scalars(
            select(GrowthComparison).where(
                (GrowthComparison.old_image_id == image_id) | (GrowthComparison.new_image_id == image_id)
            )
        )
    )


def growth_of(db: Session, inspection_id: str) -> list[GrowthComparison]:
    return list(
        db.scalars(
            select(GrowthComparison)
            .where(GrowthComparison.inspection_id == inspection_id)
            .order_by(GrowthComparison.created_at.desc(), GrowthComparison.id)
        )
    )


def job_progress(db: Session, job_ids: Sequence[str | None]) -> dict[str, tuple[float, str | None]]:
    """{job id: (progress, last message)} of these jobs."""
    ids = [i for i in job_ids if i]
    if not ids:
        return {}
    rows = db.execute(select(Job.id, Job.progress, Job.message).where(Job.id.in_(ids)))
    return {str(i): (float(p), m) for i, p, m in rows}


def get_model(db: Session, model_id: str) -> Model | None:
    return db.get(Model, model_id)
