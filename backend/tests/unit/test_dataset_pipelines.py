"""The import pipelines called directly (no job runner): upload, Roboflow (real client, fake server),
enhancement, failures and clean-up, lost jobs, and the demo dataset's report."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from app.config import Settings
from app.data.demo import DEMO_SPEC, generate_demo_files
from app.db.session import session_scope
from app.db.tables import Dataset, Setting
from app.jobs.dataset_jobs import clahe_copy
from app.services import dataset_enhancement, dataset_storage
from app.services import dataset_imports as imports
from app.services.demo import ensure_demo_dataset
from tests.fakes.dataset_helpers import GOOD_KEY, dataset_rows, leftover_files
from tests.fakes.dataset_zips import minimal_yolo_entries, zip_bytes
from tests.fakes.roboflow_server import FakeRoboflowServer

pytest_plugins = ["tests.fakes.dataset_fixtures"]


def _add_row(settings: Settings, **values: object) -> str:
    with session_scope(settings.resolved_database_url) as db:
        values.setdefault("status", "queued")
        row = Dataset(name="t", **values)
        db.add(row)
        db.flush()
        return row.id


def _row(settings: Settings, dataset_id: str) -> Dataset | None:
    with session_scope(settings.resolved_database_url) as db:
        return db.get(Dataset, dataset_id)


def _upload_row(settings: Settings, zip_data: bytes) -> str:
    dataset_id = _add_row(settings, source="upload")
    dataset_storage.upload_zip_path(settings, dataset_id).write_bytes(zip_data)
    return dataset_id


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("layout", ["ultralytics", "roboflow", "wrapped", "coco"])
def test_an_upload_is_extracted_converted_and_validated(
    settings: Settings, dataset_zips: dict[str, Path], layout: str
) -> None:
    dataset_id = _upload_row(settings, dataset_zips[layout].read_bytes())
    reports: list[tuple[float, str | None]] = []
    result = imports.import_upload(settings, dataset_id, report=lambda f, m: reports.append((f, m)))
    row = _row(settings, dataset_id)
    assert row is not None and row.status == "ready" and row.progress == 1.0
    assert result == {"dataset_id": dataset_id, "images": 12, "status": "passed"}
    assert row.format == ("coco" if layout == "coco" else "yolo-seg")
    assert row.image_count == 12 and row.instance_count > 0 and row.class_names == ["crack"]
    assert row.splits["train"]["images"] == 8 and row.validation is not None
    assert row.size_bytes > 0
    root = settings.datasets_dir / dataset_id
    assert (root / "data.yaml").is_file() and row.path == dataset_id
    assert (root / "coco" / "train" / "_annotations.coco.json").is_file() == (layout == "coco")
    assert leftover_files(settings) == [f"datasets/{dataset_id}"]  # zip, staging, build gone
    assert [message for _, message in reports][:1] == ["Extracting the zip"]


def test_a_failed_upload_leaves_no_row_and_no_files(settings: Settings, small_dataset: Path) -> None:
    entries = minimal_yolo_entries(small_dataset)
    entries["data.yaml"] = "train: [unclosed\n"
    dataset_id = _upload_row(settings, zip_bytes(entries))
    with pytest.raises(imports.DatasetImportError, match="not valid YAML"):
        imports.import_upload(settings, dataset_id)
    assert _row(settings, dataset_id) is None
    assert leftover_files(settings) == []


def test_a_stopped_upload_cleans_up(settings: Settings, dataset_zips: dict[str, Path]) -> None:
    dataset_id = _upload_row(settings, dataset_zips["ultralytics"].read_bytes())
    with pytest.raises(imports.ImportCancelled):
        imports.import_upload(settings, dataset_id, should_stop=lambda: True)
    assert dataset_rows(settings) == 0 and leftover_files(settings) == []


def test_an_upload_whose_row_was_deleted_stops_and_cleans_up(
    settings: Settings, dataset_zips: dict[str, Path]
) -> None:
    dataset_id = _upload_row(settings, dataset_zips["ultralytics"].read_bytes())
    calls = {"n": 0}

    def delete_row_on_second_report(_fraction: float, _message: str | None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            with session_scope(settings.resolved_database_url) as db:
                db.delete(db.get(Dataset, dataset_id))

    with pytest.raises(imports.ImportCancelled):
        imports.import_upload(settings, dataset_id, report=delete_row_on_second_report)
    assert leftover_files(settings) == []


def test_the_quota_is_checked_again_in_the_job(settings: Settings, dataset_zips: dict[str, Path]) -> None:
    settings.storage_quota_bytes = 1000
    dataset_id = _upload_row(settings, dataset_zips["ultralytics"].read_bytes())
    with pytest.raises(imports.DatasetImportError, match="Storage quota exceeded") as caught:
        imports.import_upload(settings, dataset_id)
    assert "1000 bytes" in str(caught.value)
    assert dataset_rows(settings) == 0 and leftover_files(settings) == []


def _roboflow_row(settings: Settings, export_format: str = "yolov8", version: int = 1) -> str:
    info = {"workspace": "crack-lab", "project": "cracks", "version": version, "export_format": export_format}
    return _add_row(
        settings, source="roboflow", source_ref=f"roboflow:x/{export_format}/{version}", source_info=info
    )


@pytest.mark.parametrize(
    ("export_format", "stored_format"), [("yolov8", "yolo-seg"), ("coco-segmentation", "coco")]
)
def test_a_roboflow_import_uses_the_real_client(
    settings: Settings, fake_roboflow: FakeRoboflowServer, export_format: str, stored_format: str
) -> None:
    settings.roboflow_api_url = fake_roboflow.url
    dataset_id = _roboflow_row(settings, export_format)
    with session_scope(settings.resolved_database_url) as db:
        db.merge(Setting(key=dataset_storage.job_key_setting(dataset_id), value=GOOD_KEY))
    imports.import_roboflow(settings, dataset_id)
    row = _row(settings, dataset_id)
    assert row is not None and row.status == "ready" and row.format == stored_format
    assert row.image_count == 12
    assert GOOD_KEY in fake_roboflow.state.keys_seen
    assert fake_roboflow.state.requests[:3] == ["POST /", "GET /crack-lab", "GET /crack-lab/cracks"]
    assert any(request.startswith("GET /download/") for request in fake_roboflow.state.requests)
    with session_scope(settings.resolved_database_url) as db:  # the one-off key is gone
        assert db.get(Setting, dataset_storage.job_key_setting(dataset_id)) is None


def test_a_roboflow_import_waits_for_the_export(
    settings: Settings,
    fake_roboflow: FakeRoboflowServer,
    dataset_zips: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.data import roboflow

    monkeypatch.setattr(roboflow, "EXPORT_POLL_S", 0.01)
    fake_roboflow.add_version("cracks", 2, {"yolov8": dataset_zips["roboflow"].read_bytes()}, pending_polls=2)
    settings.roboflow_api_url = fake_roboflow.url
    _store_key(settings, GOOD_KEY)
    dataset_id = _roboflow_row(settings, version=2)
    imports.import_roboflow(settings, dataset_id)
    assert fake_roboflow.state.requests.count("GET /crack-lab/cracks/2/yolov8") == 3


def _store_key(settings: Settings, key: str) -> None:
    with session_scope(settings.resolved_database_url) as db:
        db.merge(Setting(key=dataset_storage.ROBOFLOW_KEY_SETTING, value=key))


def test_an_invalid_key_fails_with_a_clear_message_without_the_key(
    settings: Settings, fake_roboflow: FakeRoboflowServer
) -> None:
    settings.roboflow_api_url = fake_roboflow.url
    bad_key = "wrongKey9876543210xyz"
    _store_key(settings, bad_key)
    dataset_id = _roboflow_row(settings)
    with pytest.raises(imports.DatasetImportError) as caught:
        imports.import_roboflow(settings, dataset_id)
    row = _row(settings, dataset_id)
    assert row is not None and row.status == "failed"
    assert row.error is not None and "rejected the API key" in row.error
    assert bad_key not in row.error and bad_key not in str(caught.value)
    assert leftover_files(settings) == []


def test_a_roboflow_export_over_the_quota_fails_with_the_numbers(
    settings: Settings, fake_roboflow: FakeRoboflowServer
) -> None:
    settings.roboflow_api_url = fake_roboflow.url
    settings.storage_quota_bytes = 5000
    _store_key(settings, GOOD_KEY)
    dataset_id = _roboflow_row(settings)
    with pytest.raises(imports.DatasetImportError, match="Storage quota exceeded"):
        imports.import_roboflow(settings, dataset_id)
    row = _row(settings, dataset_id)
    assert row is not None and row.status == "failed" and "5000 bytes" in (row.error or "")
    assert leftover_files(settings) == []


def test_enhancement_creates_a_derived_copy_and_never_touches_the_parent(
    settings: Settings, dataset_zips: dict[str, Path]
) -> None:
    parent_id = _upload_row(settings, dataset_zips["roboflow"].read_bytes())
    imports.import_upload(settings, parent_id)
    parent_root = settings.datasets_dir / parent_id
    before = _tree_digest(parent_root)
    info = {"method": "clahe", "clip_limit": 3.0, "tile_grid_size": 4, "parent_id": parent_id}
    child_id = _add_row(settings, source="derived", parent_id=parent_id, source_info=info)
    dataset_enhancement.enhance(settings, child_id, clahe_copy)
    assert _tree_digest(parent_root) == before
    child = _row(settings, child_id)
    assert child is not None and child.status == "ready" and child.image_count == 12
    child_root = settings.datasets_dir / child_id
    name = sorted((parent_root / "images" / "train").iterdir())[0].name
    assert (child_root / "images" / "train" / name).read_bytes() != (
        parent_root / "images" / "train" / name
    ).read_bytes()
    label = Path("labels/train") / f"{Path(name).stem}.txt"
    assert (child_root / label).read_text() == (parent_root / label).read_text()


def test_a_lost_job_marks_imports_failed_and_removes_uploads(settings: Settings) -> None:
    roboflow_id = _add_row(settings, source="roboflow", status="downloading")
    upload_id = _add_row(settings, source="upload", status="extracting")
    dataset_storage.build_dir(settings, roboflow_id).mkdir(parents=True)
    imports.handle_lost_job(settings, roboflow_id, "roboflow", "worker process was killed by SIGKILL")
    imports.handle_lost_job(settings, upload_id, "upload", "the server stopped")
    row = _row(settings, roboflow_id)
    assert row is not None and row.status == "failed" and "SIGKILL" in (row.error or "")
    assert _row(settings, upload_id) is None
    assert leftover_files(settings) == []


def test_the_demo_dataset_is_validated_despite_its_absolute_path(settings: Settings) -> None:
    created, path = ensure_demo_dataset(settings, generate_demo_files)
    assert created and "path:" in (path / "data.yaml").read_text()
    with session_scope(settings.resolved_database_url) as db:
        row = db.query(Dataset).one()
        assert row.validation is not None and row.validation["status"] == "passed"
        dataset_id = row.id
    moved = settings.datasets_dir / "moved"
    shutil.copytree(path, moved)
    report = imports.revalidate(settings, dataset_id)
    assert report["totals"]["images"] == DEMO_SPEC.total_images
