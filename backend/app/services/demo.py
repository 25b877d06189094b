"""The demo dataset: synthetic cracks generated on first run, registered like any other dataset."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from app.config import Settings
from app.data.synthetic import SyntheticSpec, generate_dataset
from app.data.validation import validate_dataset
from app.db.session import session_scope
from app.db.tables import Dataset

DEMO_REF = "demo:synthetic-cracks-v1"
DEMO_NAME = "Demo: synthetic concrete cracks"
DEMO_SPEC = SyntheticSpec(seed=2026, train=48, val=12, test=12, image_size=320)


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def ensure_demo_dataset(settings: Settings, *, force: bool = False) -> tuple[bool, Path]:
    """Create the demo dataset unless a ready one exists. Returns (created, path)."""
    url = settings.resolved_database_url
    with session_scope(url) as db:
        existing = db.scalars(select(Dataset).where(Dataset.source_ref == DEMO_REF)).one_or_none()
        if existing is not None and existing.path:
            existing_dir = settings.datasets_dir / existing.path
            if not force and existing.status == "ready" and (existing_dir / "data.yaml").is_file():
                return False, existing_dir
            shutil.rmtree(existing_dir, ignore_errors=True)
        if existing is not None:
            db.delete(existing)

    with session_scope(url) as db:
        row = Dataset(
            name=DEMO_NAME, source="demo", source_ref=DEMO_REF, format="yolo-seg", status="processing"
        )
        db.add(row)
        db.flush()
        dataset_id = row.id
    target = settings.datasets_dir / dataset_id
    try:
        generated = generate_dataset(target, DEMO_SPEC)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        with session_scope(url) as db:
            failed = db.get(Dataset, dataset_id)
            if failed is not None:
                db.delete(failed)
        raise
    report = validate_dataset(target)  # the same report imported datasets get
    with session_scope(url) as db:
        row_or_none = db.get(Dataset, dataset_id)
        assert row_or_none is not None
        row = row_or_none
        row.status = "ready"
        row.progress = 1.0
        row.path = dataset_id
        row.class_names = list(DEMO_SPEC.class_names)
        row.splits = {
            split: {"images": generated.images[split], "instances": generated.instances[split]}
            for split in generated.images
        }
        row.image_count = generated.total_images
        row.instance_count = generated.total_instances
        row.size_bytes = _dir_size(target)
        row.validation = report
    return True, target
