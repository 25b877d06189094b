"""The review queue of a dataset: unreviewed images first, least confident first.

Confidence of an image = min(its lowest predicted score, 1 - the disagreement of two models' masks),
over what is known; images with neither (drawn or imported labels) come after the scored ones.
"""

from __future__ import annotations

from app.config import Settings
from app.data.validation import read_label_file
from app.db.session import session_scope
from app.repositories import annotations as repo
from app.schemas.annotations import ReviewItem, ReviewQueue
from app.services.annotations import working_images

MAX_LIMIT = 500
SPLIT_ORDER = {"train": 0, "val": 1, "test": 2}


def confidence_of(min_score: float | None, disagreement: float | None) -> float | None:
    known = [
        value
        for value in (min_score, None if disagreement is None else 1.0 - disagreement)
        if value is not None
    ]
    return min(known) if known else None


def review_queue(settings: Settings, dataset_id: str, limit: int) -> ReviewQueue:
    _root, names, images = working_images(settings, dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        documents = {(row.split, row.file_name): row for row in repo.of_dataset(db, dataset_id)}
        items = []
        for image in images:
            row = documents.get((image.split, image.path.name))
            if row is None:  # never opened: its imported labels count as reviewed
                count = len(read_label_file(image.label, len(names)).shapes) if image.label.is_file() else 0
                reviewed, min_score, disagreement = True, None, None
            else:
                count, reviewed = len(row.instances or []), row.reviewed
                min_score, disagreement = row.min_score, row.disagreement
            items.append(
                ReviewItem(
                    image_id=image.image_id,
                    split=image.split,
                    file_name=image.path.name,
                    reviewed=reviewed,
                    instance_count=count,
                    min_score=min_score,
                    disagreement=disagreement,
                    confidence=confidence_of(min_score, disagreement),
                    thumbnail_url=f"/api/v1/datasets/{dataset_id}/images/{image.image_id}/thumbnail",
                )
            )
    items.sort(
        key=lambda item: (
            item.reviewed,
            item.confidence is None,
            item.confidence or 0.0,
            SPLIT_ORDER.get(item.split, 3),
            item.file_name,
        )
    )
    unreviewed = sum(1 for item in items if not item.reviewed)
    return ReviewQueue(
        dataset_id=dataset_id,
        items=items[:limit],
        total=len(items),
        unreviewed=unreviewed,
        reviewed=len(items) - unreviewed,
        limit=limit,
    )
