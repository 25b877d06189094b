"""Start-up housekeeping removes what a dead server left half-done and keeps what live jobs need."""

from __future__ import annotations

from pathlib import Path

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Dataset, Job, Prediction
from app.services.housekeeping import remove_leftovers


def _touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def _job(settings: Settings, kind: str, status: str, params: dict[str, object]) -> str:
    with session_scope(settings.resolved_database_url) as db:
        job = Job(kind=kind, queue="cpu", status=status, params=params)
        db.add(job)
        db.flush()
        return job.id


def _dataset(settings: Settings, status: str, job_id: str | None) -> str:
    with session_scope(settings.resolved_database_url) as db:
        row = Dataset(name="d", source="upload", status=status, job_id=job_id, class_names=["crack"])
        db.add(row)
        db.flush()
        return row.id


def test_partial_files_go_and_files_of_live_jobs_stay(settings: Settings) -> None:
    data = settings.data_dir
    # Left by requests the dead server was answering.
    partial_zip = _touch(settings.uploads_dir / "incoming-0123.part")
    partial_weights = _touch(settings.uploads_dir / "models" / "import-dead.pt")
    export_zip = _touch(settings.tmp_dir / "export-abc.zip")
    prediction_export = _touch(settings.tmp_dir / "exports" / "predictions.csv")
    unsaved_prediction = _touch(data / "predictions" / ("a" * 32) / "original.png")
    # Needed by queued jobs, or saved.
    queued_weights = _touch(settings.uploads_dir / "models" / "import-queued.pt")
    _job(settings, "model_import", "queued", {"upload": "uploads/models/import-queued.pt"})
    queued_prediction = _touch(data / "predictions" / ("b" * 32) / "original.png")
    _job(settings, "predict_batch", "queued", {"items": [{"prediction_id": "b" * 32}]})
    saved_prediction = _touch(data / "predictions" / ("c" * 32) / "original.png")
    with session_scope(settings.resolved_database_url) as db:
        db.add(Prediction(id="c" * 32, image_name="c.png", image_path=f"predictions/{'c' * 32}/original.png"))

    removed = remove_leftovers(settings)

    for gone in (partial_zip, partial_weights, export_zip, prediction_export, unsaved_prediction.parent):
        assert not gone.exists(), gone
    for kept in (queued_weights, queued_prediction, saved_prediction):
        assert kept.exists(), kept
    assert "uploads/incoming-0123.part" in removed


def test_an_import_whose_job_is_gone_is_failed_and_one_still_queued_is_kept(settings: Settings) -> None:
    orphan = _dataset(settings, "extracting", job_id=None)  # the server died before it queued the job
    _touch(settings.uploads_dir / f"{orphan}.zip")
    _touch(settings.tmp_dir / f"dataset-{orphan}-build" / "images" / "a.png")
    job_id = _job(settings, "dataset_upload", "queued", {"dataset_id": "x"})
    waiting = _dataset(settings, "queued", job_id=job_id)
    waiting_zip = _touch(settings.uploads_dir / f"{waiting}.zip")

    remove_leftovers(settings)

    with session_scope(settings.resolved_database_url) as db:
        assert db.get(Dataset, orphan) is None  # an upload's row goes (its job keeps any reason)
        assert db.get(Dataset, waiting) is not None
    assert not (settings.uploads_dir / f"{orphan}.zip").exists()
    assert not (settings.tmp_dir / f"dataset-{orphan}-build").exists()
    assert waiting_zip.exists()
