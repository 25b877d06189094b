"""Dataset versions: immutable snapshots of a dataset's working copy.

A version is a manifest (every image: split, file name, the SHA-256 of its bytes, size, and its
instances in image pixels) stored as a content-addressed object, with the images it names stored once
in the same object store (dataset_objects.py), plus counts per split and class and a summary of what
changed since the previous version. Versions never change; deleting one a model was trained on is
refused (409 naming the models). Training on a version materialises a YOLO-seg view of its manifest
(hard links to the objects, label files written from the manifest): dataset_version_views.py.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from app.config import Settings
from app.db.session import session_scope
from app.domain.errors import Conflict, NotFound
from app.repositories import annotations as annotations_repo
from app.repositories import dataset_versions as repo
from app.repositories.dataset_versions import VersionRow
from app.schemas.dataset_versions import (
    DatasetVersionOut,
    VersionChanges,
    VersionCounts,
    VersionCreate,
    VersionDeleted,
    VersionList,
)
from app.services import annotations_codec as codec
from app.services import dataset_imports, dataset_objects
from app.services.annotations import DatasetImage, working_images
from app.services.datasets import row_or_404
from app.utils.clock import as_utc
from app.utils.images import stored_size

MANIFEST_FORMAT = 1
CREATE_ATTEMPTS = 5


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def to_schema(row: VersionRow, models: list[str]) -> DatasetVersionOut:
    return DatasetVersionOut(
        id=row.id,
        dataset_id=row.dataset_id,
        number=row.number,
        message=row.message,
        created_at=as_utc(row.created_at),
        class_names=list(row.class_names or []),
        size_bytes=row.size_bytes,
        counts=VersionCounts.model_validate(row.counts),
        changes=VersionChanges.model_validate(row.changes),
        models=models,
    )


def require_version(db: Any, dataset_id: str, version_id: str) -> VersionRow:
    row = repo.get(db, version_id)
    if row is None or row.dataset_id != dataset_id:
        raise NotFound(f"No version {version_id[:40]!r} of dataset {dataset_id[:40]!r}.")
    return row


def list_versions(settings: Settings, dataset_id: str) -> VersionList:
    with session_scope(settings.resolved_database_url) as db:
        row_or_404(db, dataset_id)
        rows = repo.of_dataset(db, dataset_id)
        items = [to_schema(row, repo.models_trained_on(db, row.id)) for row in rows]
    return VersionList(items=items, total=len(items))


def get_version(settings: Settings, dataset_id: str, version_id: str) -> DatasetVersionOut:
    with session_scope(settings.resolved_database_url) as db:
        row = require_version(db, dataset_id, version_id)
        return to_schema(row, repo.models_trained_on(db, row.id))


def load_manifest(settings: Settings, dataset_id: str, version_id: str) -> tuple[VersionRow, dict[str, Any]]:
    with session_scope(settings.resolved_database_url) as db:
        row = require_version(db, dataset_id, version_id)
    try:
        return row, dataset_objects.read_json(settings, row.manifest_sha256)
    except FileNotFoundError:
        raise Conflict(
            f"The stored manifest of version {row.number} is missing from the data directory."
        ) from None


# --------------------------------------------------------------------------------------------------
# Building a manifest from the working copy
# --------------------------------------------------------------------------------------------------


def _image_entry(
    settings: Settings, image: DatasetImage, document: Any, previous: dict[str, Any] | None
) -> dict[str, Any]:
    stat = image.path.stat()
    if previous and previous["size"] == stat.st_size and previous["mtime_ns"] == stat.st_mtime_ns:
        sha, width, height = previous["object"], previous["width"], previous["height"]  # unchanged file
    else:
        sha = dataset_objects.file_sha256(image.path)
        width, height = stored_size(image.path)
    dataset_objects.store_file(settings, image.path, sha)
    if document is not None:
        instances = list(document.instances or [])
    else:
        from app.data.validation import read_label_file

        shapes = read_label_file(image.label, len(image.class_names)).shapes if image.label.is_file() else []
        instances = codec.from_label_shapes(shapes, width, height)
    return {
        "key": f"{image.split}/{image.path.name}",
        "split": image.split,
        "file_name": image.path.name,
        "object": sha,
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "width": width,
        "height": height,
        "instances": instances,
    }


def _counts(manifest: dict[str, Any]) -> dict[str, Any]:
    names: list[str] = manifest["class_names"]
    splits: dict[str, dict[str, int]] = {}
    per_class: Counter[int] = Counter()
    images_with: Counter[int] = Counter()
    per_split_class: dict[int, Counter[str]] = {}
    for image in manifest["images"]:
        split = splits.setdefault(image["split"], {"images": 0, "instances": 0})
        split["images"] += 1
        split["instances"] += len(image["instances"])
        classes = [int(instance["class_id"]) for instance in image["instances"]]
        per_class.update(classes)
        images_with.update(set(classes))
        for class_id in classes:
            per_split_class.setdefault(class_id, Counter())[image["split"]] += 1
    return {
        "images": len(manifest["images"]),
        "instances": sum(per_class.values()),
        "splits": splits,
        "classes": [
            {
                "class_id": class_id,
                "name": name,
                "images": images_with[class_id],
                "instances": per_class[class_id],
                "per_split": dict(per_split_class.get(class_id, {})),
            }
            for class_id, name in enumerate(names)
        ],
    }


def _instance_key(instance: dict[str, Any]) -> str:
    mask = instance.get("rle") or {}
    return dataset_objects.canonical_json(
        [instance["class_id"], instance.get("polygon"), mask.get("counts")]
    ).decode()


def _pair_moves(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str]]:
    """(old key, new key) of images that changed split only: same file name and bytes."""
    waiting: dict[tuple[str, str], list[str]] = {}
    for key in sorted(new.keys() - old.keys()):
        waiting.setdefault((new[key]["file_name"], new[key]["object"]), []).append(key)
    pairs = []
    for key in sorted(old.keys() - new.keys()):
        candidates = waiting.get((old[key]["file_name"], old[key]["object"]))
        if candidates:
            pairs.append((key, candidates.pop(0)))
    return pairs


def changes_between(
    previous: dict[str, Any] | None, current: dict[str, Any], previous_row: VersionRow | None
) -> dict[str, Any]:
    old = {image["key"]: image for image in (previous or {"images": []})["images"]}
    new = {image["key"]: image for image in current["images"]}
    moves = _pair_moves(old, new)
    # Each image once: (its old entry or None, its new entry or None); a moved image is one image.
    identities = [(old.get(key), new.get(key)) for key in sorted(old.keys() | new.keys())]
    moved_keys = {key for pair in moves for key in pair}
    identities = [(o, n) for o, n in identities if (o or n)["key"] not in moved_keys]  # type: ignore[index]
    identities += [(old[before], new[after]) for before, after in moves]
    added = removed = changed = instances_added = instances_removed = 0
    for before_image, after_image in identities:
        before = Counter(_instance_key(i) for i in before_image["instances"]) if before_image else Counter()
        after = Counter(_instance_key(i) for i in after_image["instances"]) if after_image else Counter()
        instances_added += sum((after - before).values())
        instances_removed += sum((before - after).values())
        added += before_image is None
        removed += after_image is None
        if (
            before_image
            and after_image
            and (before != after or before_image["object"] != after_image["object"])
        ):
            changed += 1
    return {
        "previous_version_id": previous_row.id if previous_row else None,
        "previous_number": previous_row.number if previous_row else None,
        "images_added": added,
        "images_removed": removed,
        "images_changed": changed,
        "images_moved": len(moves),
        "instances_added": instances_added,
        "instances_removed": instances_removed,
    }


def create_version(settings: Settings, dataset_id: str, body: VersionCreate) -> DatasetVersionOut:
    """Snapshots the working copy (its labels validated again first, so the dataset's stats agree)."""
    _root, class_names, images = working_images(settings, dataset_id)  # 404 / 409 when not ready
    dataset_imports.revalidate(settings, dataset_id)
    with session_scope(settings.resolved_database_url) as db:
        documents = {(r.split, r.file_name): r for r in annotations_repo.of_dataset(db, dataset_id)}
        previous_row = repo.latest(db, dataset_id)
    previous = dataset_objects.read_json(settings, previous_row.manifest_sha256) if previous_row else None
    cache = {image["key"]: image for image in (previous or {"images": []})["images"]}
    for _attempt in range(CREATE_ATTEMPTS):
        with dataset_objects.store_lock(settings):
            entries = [
                _image_entry(
                    settings,
                    image,
                    documents.get((image.split, image.path.name)),
                    cache.get(f"{image.split}/{image.path.name}"),
                )
                for image in images
            ]
            manifest = {
                "format": MANIFEST_FORMAT,
                "dataset_id": dataset_id,
                "class_names": class_names,
                "images": entries,
            }
            sha = dataset_objects.store_bytes(settings, dataset_objects.canonical_json(manifest))
            counts = _counts(manifest)
            with session_scope(settings.resolved_database_url) as db:
                row = repo.add_next(
                    db,
                    dataset_id,
                    message=body.message.strip(),
                    manifest_sha256=sha,
                    class_names=class_names,
                    image_count=counts["images"],
                    instance_count=counts["instances"],
                    size_bytes=sum(entry["size"] for entry in entries),
                    counts=counts,
                    changes=changes_between(previous, manifest, previous_row),
                )
                if row is not None:
                    return to_schema(row, [])
    raise Conflict("Other versions of this dataset were being created at the same moment; try again.")


# --------------------------------------------------------------------------------------------------
# Deleting
# --------------------------------------------------------------------------------------------------


def delete_version(settings: Settings, dataset_id: str, version_id: str) -> VersionDeleted:
    from app.services.dataset_version_views import remove_view

    with session_scope(settings.resolved_database_url) as db:
        row = require_version(db, dataset_id, version_id)
        models = repo.models_trained_on(db, version_id)
        if models:
            raise Conflict(
                f"Version {row.number} cannot be deleted: {len(models)} model(s) were trained on it "
                f"({', '.join(repr(name) for name in models[:5])}). Delete those models first."
            )
        sessions = repo.sessions_training_on(db, version_id)
        if sessions:
            raise Conflict(
                f"Version {row.number} cannot be deleted: {len(sessions)} training session(s) use it "
                f"({', '.join(repr(name) for name in sessions[:5])}). Delete those sessions first."
            )
        repo.delete(db, row)
    remove_view(settings, dataset_id, version_id)
    return VersionDeleted(id=version_id, removed_objects=collect_unused_objects(settings))


def collect_unused_objects(settings: Settings) -> int:
    """Removes stored objects no remaining version names (after a dataset and its versions went)."""
    with dataset_objects.store_lock(settings), session_scope(settings.resolved_database_url) as db:
        return dataset_objects.collect_garbage(settings, repo.all_manifest_hashes(db))
