"""Split editing of a dataset's working copy: images (with their label files and annotation documents)
move to another split. An image id names its split, so a moved image gets a new id (returned)."""

from __future__ import annotations

import os

from app.config import Settings
from app.data.formats import SPLITS, read_data_yaml, write_data_yaml
from app.db.session import session_scope
from app.domain.errors import Conflict
from app.repositories import annotations as annotations_repo
from app.schemas.dataset_versions import MovedImage, SplitAssignment, SplitAssignmentResult
from app.services.annotations import DatasetImage, locate
from app.services.dataset_images import encode_image_id


def _move_one(settings: Settings, image: DatasetImage, split: str) -> str:
    images_dir, labels_dir = image.root / "images" / split, image.root / "labels" / split
    target = images_dir / image.path.name
    if target.exists():
        raise Conflict(f"The {split} split already has an image named {image.path.name!r}; rename one first.")
    images_dir.mkdir(parents=True, exist_ok=True)
    labels_dir.mkdir(parents=True, exist_ok=True)
    with session_scope(settings.resolved_database_url) as db:
        annotations_repo.move(db, image.dataset_id, image.split, image.path.name, split)
        os.replace(image.path, target)
        if image.label.is_file():
            os.replace(image.label, labels_dir / image.label.name)
    return encode_image_id(split, image.path.name)


def assign_split(settings: Settings, dataset_id: str, body: SplitAssignment) -> SplitAssignmentResult:
    """Moves the images (all found first: an unknown id moves none) and lists data.yaml's new split."""
    found = [locate(settings, dataset_id, image_id) for image_id in dict.fromkeys(body.image_ids)]
    root = found[0].root
    spec = read_data_yaml(root / "data.yaml", root)
    if body.split not in spec.split_dirs:
        (root / "images" / body.split).mkdir(parents=True, exist_ok=True)
        splits = [s for s in SPLITS if s in spec.split_dirs or s == body.split]
        write_data_yaml(root, list(spec.names), splits)
    moved = [
        MovedImage(old_id=image.image_id, new_id=_move_one(settings, image, body.split))
        for image in found
        if image.split != body.split
    ]
    return SplitAssignmentResult(
        dataset_id=dataset_id, split=body.split, moved=moved, unchanged=len(found) - len(moved)
    )
