"""The demo dataset: synthetic cracks generated on first run, registered like any other dataset.

The files are drawn by a generator handed in by the caller (app/data/demo.py: `generate_demo_files`),
which uses OpenCV; this module, like every service, imports none of it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

from app.config import Settings
from app.data.validation import validate_dataset
from app.db.session import session_scope
from app.domain.status import DatasetStatus
from app.repositories import datasets as repo
from app.services.dataset_storage import dir_size, stored_root

DEMO_REF = "demo:synthetic-cracks-v2"  # v2: concrete and asphalt with look-alikes, 64/16/20 images
DEMO_NAME = "Demo: synthetic concrete cracks"


class DemoFiles(Protocol):
    """What the generator wrote (app.data.demo.DemoFiles)."""

    @property
    def class_names(self) -> Sequence[str]: ...
    @property
    def splits(self) -> Mapping[str, Mapping[str, int]]: ...
    @property
    def image_count(self) -> int: ...
    @property
    def instance_count(self) -> int: ...


GenerateDemoFn = Callable[[Path], DemoFiles]


def ensure_demo_dataset(
    settings: Settings, generate: GenerateDemoFn, *, force: bool = False
) -> tuple[bool, Path]:
    """Create the demo dataset unless a ready one exists. Returns (created, path)."""
    url = settings.resolved_database_url
    with session_scope(url) as db:
        existing = repo.get_by_source_ref(db, DEMO_REF)
        if existing is not None and existing.path:
            existing_dir = stored_root(settings, existing.path)
            if (
                not force
                and existing.status == DatasetStatus.READY
                and (existing_dir / "data.yaml").is_file()
            ):
                return False, existing_dir
            shutil.rmtree(existing_dir, ignore_errors=True)
        if existing is not None:
            repo.delete(db, existing.id)

    with session_scope(url) as db:
        dataset_id = repo.add(
            db,
            name=DEMO_NAME,
            source="demo",
            source_ref=DEMO_REF,
            format="yolo-seg",
            status=DatasetStatus.PROCESSING,
        ).id
    target = settings.datasets_dir / dataset_id
    try:
        generated = generate(target)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        with session_scope(url) as db:
            repo.delete(db, dataset_id)
        raise
    report = validate_dataset(target)  # the same report imported datasets get
    with session_scope(url) as db:
        repo.update_fields(
            db,
            dataset_id,
            status=DatasetStatus.READY,
            progress=1.0,
            path=dataset_id,
            class_names=list(generated.class_names),
            splits={split: dict(counts) for split, counts in generated.splits.items()},
            image_count=generated.image_count,
            instance_count=generated.instance_count,
            size_bytes=dir_size(target),
            validation=report,
        )
    return True, target
