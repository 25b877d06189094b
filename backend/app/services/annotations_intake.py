"""Predictions into a dataset: the predicted images with their masks as unreviewed pre-labels.

Each prediction's upright image (what its coordinates refer to) is copied into the dataset's working
copy as `<name>_<first 12 hex of its sha256><suffix>` in the chosen split, so the same bytes added
twice land on the same image: the second prediction's instances are merged into it, and when two models
predicted the image their disagreement (1 - IoU of their masks) orders the review queue. Instances
above the confidence become `predicted` instances (one per outline part, with the score), unreviewed.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from app.config import Settings
from app.core.prediction.render import chosen_instances
from app.data.formats import SPLITS, read_data_yaml, write_data_yaml
from app.data.mask_outline import fill_polygons
from app.db.session import session_scope
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.domain.status import DatasetStatus
from app.repositories import annotations as annotations_repo
from app.repositories import datasets as datasets_repo
from app.repositories import prediction as prediction_repo
from app.schemas.annotations import PredictionsToDataset, PredictionsToDatasetResult
from app.services import annotations as annotations_service
from app.services import annotations_codec as codec
from app.services import dataset_imports
from app.services.dataset_images import encode_image_id
from app.services.dataset_storage import dataset_dir
from app.services.datasets import quota_error, ready_root, row_or_404
from app.services.prediction_files import data_path
from app.utils.clock import utc_now

HASH_CHARS = 12
SAVE_ATTEMPTS = 5
_SAFE_STEM = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class _Predicted:
    prediction_id: str
    model_id: str | None
    image: Path
    name: str
    width: int
    height: int
    class_names: list[str]
    instances: list[dict[str, Any]]  # as the prediction stored them, above the confidence


def _load_predictions(settings: Settings, body: PredictionsToDataset) -> list[_Predicted]:
    if bool(body.prediction_ids) == bool(body.batch_id):
        raise InvalidInput("Give either prediction_ids or batch_id.")
    with session_scope(settings.resolved_database_url) as db:
        if body.batch_id:
            rows = prediction_repo.of_batch(db, body.batch_id)
            if not rows:
                raise NotFound(f"Batch {body.batch_id} has no predictions")
        else:
            ids = list(dict.fromkeys(body.prediction_ids or []))
            rows = prediction_repo.by_ids(db, ids)
            missing = sorted(set(ids) - {row.id for row in rows})
            if missing:
                raise NotFound(f"Prediction(s) not found: {', '.join(missing[:10])}")
        loaded = []
        for row in rows:
            results, params = dict(row.results or {}), dict(row.params or {})
            loaded.append(
                _Predicted(
                    prediction_id=row.id,
                    model_id=row.model_id,
                    image=data_path(settings, row.display_path or row.image_path),
                    name=row.image_name or "image",
                    width=int(row.width or 0),
                    height=int(row.height or 0),
                    class_names=[str(name) for name in results.get("class_names", [])],
                    instances=chosen_instances(results, params, body.confidence, None),
                )
            )
    for item in loaded:
        if not item.image.is_file() or item.width <= 0 or item.height <= 0:
            raise Conflict(f"The image of prediction {item.prediction_id} is missing on disk.")
    return loaded


# --------------------------------------------------------------------------------------------------
# The target dataset
# --------------------------------------------------------------------------------------------------


def _new_dataset(settings: Settings, name: str, class_names: list[str], split: str) -> str:
    with session_scope(settings.resolved_database_url) as db:
        row = datasets_repo.add(
            db,
            name=name,
            source="derived",
            source_info={"from": "predictions", "created_at": utc_now().isoformat()},
            format="yolo-seg",
            status=DatasetStatus.PROCESSING,
            class_names=class_names,
        )
        dataset_id = row.id
    root = dataset_dir(settings, dataset_id)
    (root / "images" / split).mkdir(parents=True, exist_ok=True)
    (root / "labels" / split).mkdir(parents=True, exist_ok=True)
    write_data_yaml(root, class_names, [split])
    with session_scope(settings.resolved_database_url) as db:
        datasets_repo.update_fields(db, dataset_id, path=dataset_id, status=DatasetStatus.READY, progress=1.0)
    return dataset_id


def _prepare_target(
    settings: Settings, body: PredictionsToDataset, wanted: list[str]
) -> tuple[str, bool, Path]:
    """(dataset id, created, root); the split folder exists and data.yaml names every wanted class."""
    if bool(body.dataset_id) == bool(body.new_name):
        raise InvalidInput("Give either dataset_id (an existing dataset) or new_name (a new one).")
    if body.new_name:
        dataset_id = _new_dataset(settings, body.new_name.strip(), wanted, body.split)
        return dataset_id, True, dataset_dir(settings, dataset_id)
    assert body.dataset_id is not None
    with session_scope(settings.resolved_database_url) as db:
        root = ready_root(settings, row_or_404(db, body.dataset_id))
    spec = read_data_yaml(root / "data.yaml", root)
    names = list(spec.names) + [name for name in wanted if name not in spec.names]
    splits = [split for split in SPLITS if split in spec.split_dirs or split == body.split]
    (root / "images" / body.split).mkdir(parents=True, exist_ok=True)
    (root / "labels" / body.split).mkdir(parents=True, exist_ok=True)
    if names != spec.names or set(splits) != set(spec.split_dirs):
        write_data_yaml(root, names, splits)
    return body.dataset_id, False, root


# --------------------------------------------------------------------------------------------------
# Instances
# --------------------------------------------------------------------------------------------------


def _pairs(flat: list[float], width: int, height: int) -> list[list[float]]:
    return [
        [min(max(float(flat[i]), 0.0), float(width)), min(max(float(flat[i + 1]), 0.0), float(height))]
        for i in range(0, len(flat) - 1, 2)
    ]


def _stored_instances(item: _Predicted, class_ids: dict[str, int]) -> list[dict[str, Any]]:
    stored = []
    for instance in item.instances:
        class_name = str(instance.get("class_name") or item.class_names[int(instance["class_id"])])
        common = {
            "class_id": class_ids[class_name],
            "source": "predicted",
            "score": round(float(instance["score"]), 6),
            "reviewed": False,
            "model_id": item.model_id,
        }
        parts = [p for p in instance.get("polygons") or [] if len(p) >= 6]
        for part in parts:
            polygon = _pairs(part, item.width, item.height)
            stored.append({"id": codec.new_instance_id(), "polygon": polygon, "rle": None, **common})
        mask = instance.get("rle")
        if not parts and mask and list(mask["size"]) == [item.height, item.width]:
            stored.append({"id": codec.new_instance_id(), "polygon": None, "rle": dict(mask), **common})
    return stored


def _union_mask(instances: list[dict[str, Any]], width: int, height: int) -> npt.NDArray[np.bool_]:
    polygons = [polygon for instance in instances for polygon in codec.instance_polygons(instance)]
    return fill_polygons(polygons, width, height)


def disagreement(instances: list[dict[str, Any]], width: int, height: int) -> float | None:
    """1 - IoU of the masks of the first two models that predicted the image (None: fewer than two)."""
    models = list(dict.fromkeys(i.get("model_id") for i in instances if i.get("source") == "predicted"))
    if len(models) < 2:
        return None
    first, second = (
        _union_mask([i for i in instances if i.get("model_id") == model], width, height)
        for model in models[:2]
    )
    union = int(np.logical_or(first, second).sum())
    return 0.0 if union == 0 else round(1.0 - int(np.logical_and(first, second).sum()) / union, 6)


# --------------------------------------------------------------------------------------------------
# Adding
# --------------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _image_name(item: _Predicted, sha: str) -> str:
    stem = _SAFE_STEM.sub("_", Path(item.name).stem).strip("._")[:80] or "image"
    return f"{stem}_{sha[:HASH_CHARS]}{item.image.suffix.lower()}"


def _existing(root: Path, sha: str, suffix: str) -> tuple[str, Path] | None:
    """The split and file of an image added before with the same bytes."""
    for split in SPLITS:
        for candidate in sorted((root / "images" / split).glob(f"*_{sha[:HASH_CHARS]}{suffix}")):
            return split, candidate
    return None


def _merge(settings: Settings, dataset_id: str, split: str, path: Path, added: list[dict[str, Any]]) -> None:
    """Appends predicted instances to an image's document (retrying on a concurrent save)."""
    image = annotations_service.locate(settings, dataset_id, encode_image_id(split, path.name))
    annotations_service.ensure_row(settings, image)
    for _attempt in range(SAVE_ATTEMPTS):
        with session_scope(settings.resolved_database_url) as db:
            row = annotations_repo.get(db, dataset_id, split, path.name)
            assert row is not None
            instances = list(row.instances or []) + added
            saved = annotations_repo.compare_and_set(
                db,
                row.id,
                row.version,
                instances=instances,
                reviewed=False,
                min_score=codec.min_predicted_score(instances),
                disagreement=disagreement(instances, row.width, row.height),
                updated_at=utc_now(),
            )
            if saved:
                annotations_service.write_label_file(image.label, instances, row.width, row.height)
                return
    raise Conflict(f"The annotations of {path.name!r} kept changing while predictions were added; try again.")


def _add_new(
    settings: Settings,
    dataset_id: str,
    root: Path,
    split: str,
    item: _Predicted,
    name: str,
    added: list[dict[str, Any]],
) -> None:
    target = root / "images" / split / name
    partial = target.with_name(f".{name}.{uuid.uuid4().hex[:8]}.tmp")
    shutil.copyfile(item.image, partial)
    os.replace(partial, target)
    annotations_service.write_label_file(
        root / "labels" / split / f"{target.stem}.txt", added, item.width, item.height
    )
    with session_scope(settings.resolved_database_url) as db:
        annotations_repo.insert_if_absent(
            db,
            dataset_id=dataset_id,
            split=split,
            file_name=name,
            width=item.width,
            height=item.height,
            instances=added,
            reviewed=False,
            min_score=codec.min_predicted_score(added),
            disagreement=None,
            version=1,
        )


def add_predictions(settings: Settings, body: PredictionsToDataset) -> PredictionsToDatasetResult:
    items = _load_predictions(settings, body)
    wanted = list(dict.fromkeys(name for item in items for name in item.class_names)) or ["crack"]
    needed = sum(item.image.stat().st_size for item in items)
    problem = quota_error(settings, needed)
    if problem is not None:
        raise problem
    dataset_id, created, root = _prepare_target(settings, body, wanted)
    class_ids = {name: index for index, name in enumerate(read_data_yaml(root / "data.yaml", root).names)}
    image_ids: list[str] = []
    merged = added_images = added_instances = 0
    for item in items:
        sha = _sha256(item.image)
        added = _stored_instances(item, class_ids)
        found = _existing(root, sha, item.image.suffix.lower())
        if found is not None:
            split, path = found
            _merge(settings, dataset_id, split, path, added)
            merged += 1
        else:
            split, name = body.split, _image_name(item, sha)
            _add_new(settings, dataset_id, root, split, item, name, added)
            path = root / "images" / split / name
            added_images += 1
        added_instances += len(added)
        image_ids.append(encode_image_id(split, path.name))
    dataset_imports.revalidate(settings, dataset_id)  # counts, classes and the report of the new state
    return PredictionsToDatasetResult(
        dataset_id=dataset_id,
        created=created,
        images_added=added_images,
        images_merged=merged,
        instances_added=added_instances,
        image_ids=list(dict.fromkeys(image_ids)),
    )
