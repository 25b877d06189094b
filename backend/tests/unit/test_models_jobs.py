"""The models area's job handlers on their failure paths, run inline (none of these reach torch)."""

from __future__ import annotations

from app.config import Settings
from app.db.session import session_scope
from app.db.tables import Job, Model, ModelEvaluation, ModelExport
from app.jobs.registry import JobSnapshot, get_kind
from app.jobs.runner import run_job_inline, submit_job


def _model(settings: Settings) -> str:
    with session_scope(settings.resolved_database_url) as db:
        model = Model(name="m", source="imported", framework="ultralytics", path="models/gone/best.pt")
        db.add(model)
        db.flush()
        return model.id


def _snapshot(kind: str, params: dict[str, object]) -> JobSnapshot:
    return JobSnapshot(
        id="j", kind=kind, queue="cpu", status="failed", params=params, subject_id=None, worker=None
    )


def test_export_with_missing_weights_fails_and_leaves_no_files(settings: Settings) -> None:
    settings = settings
    model_id = _model(settings)
    with session_scope(settings.resolved_database_url) as db:
        export = ModelExport(model_id=model_id, format="onnx", options={"imgsz": 64}, status="queued")
        db.add(export)
        db.flush()
        export_id = export.id
    job_id = submit_job(settings, "model_export", {"export_id": export_id}, subject_id=model_id)
    assert run_job_inline(settings, job_id) == "failed"
    with session_scope(settings.resolved_database_url) as db:
        row = db.get(ModelExport, export_id)
        assert row is not None and row.status == "failed" and row.job_id == job_id
        assert row.error and "No such file" in row.error and row.finished_at is not None
    assert not (settings.models_dir / model_id / "exports" / export_id).exists()


def test_lost_export_and_evaluation_jobs_mark_their_rows(settings: Settings) -> None:
    settings = settings
    model_id = _model(settings)
    with session_scope(settings.resolved_database_url) as db:
        export = ModelExport(model_id=model_id, format="onnx", options={}, status="running")
        evaluation = ModelEvaluation(model_id=model_id, dataset_name="d", split="val", status="running")
        db.add_all([export, evaluation])
        db.flush()
        export_id, evaluation_id = export.id, evaluation.id
    export_hook = get_kind("model_export").on_lost
    evaluate_hook = get_kind("model_evaluate").on_lost
    assert export_hook is not None and evaluate_hook is not None
    export_hook(settings, _snapshot("model_export", {"export_id": export_id}), "killed by SIGKILL", False)
    evaluate_hook(settings, _snapshot("model_evaluate", {"evaluation_id": evaluation_id}), "restart", True)
    with session_scope(settings.resolved_database_url) as db:
        export_row, evaluation_row = db.get(ModelExport, export_id), db.get(ModelEvaluation, evaluation_id)
        assert export_row is not None and export_row.status == "failed"
        assert export_row.error is not None and "SIGKILL" in export_row.error
        assert evaluation_row is not None and evaluation_row.status == "interrupted"


def test_import_of_random_bytes_fails_and_removes_the_upload(settings: Settings) -> None:
    settings = settings
    upload = settings.uploads_dir / "models" / "import-x.pt"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\x00\x01 not a checkpoint")
    params = {"upload": "uploads/models/import-x.pt", "file_name": "x.pt", "size_bytes": 20, "name": "x"}
    job_id = submit_job(settings, "model_import", params)
    assert run_job_inline(settings, job_id) == "failed"
    with session_scope(settings.resolved_database_url) as db:
        job = db.get(Job, job_id)
        assert job is not None and job.error is not None and "not a PyTorch model" in job.error
        assert db.query(Model).count() == 0
    assert not upload.exists()


def test_import_upload_outside_the_uploads_folder_is_refused(settings: Settings) -> None:
    settings = settings
    outside = settings.models_dir / "victim.pt"
    outside.write_bytes(b"keep me")
    job_id = submit_job(settings, "model_import", {"upload": "models/victim.pt", "file_name": "v.pt"})
    assert run_job_inline(settings, job_id) == "failed"
    assert outside.read_bytes() == b"keep me"


def test_lost_import_removes_its_upload(settings: Settings) -> None:
    upload = settings.uploads_dir / "models" / "import-y.pt"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"partial")
    hook = get_kind("model_import").on_lost
    assert hook is not None
    snapshot = _snapshot("model_import", {"upload": "uploads/models/import-y.pt"})
    hook(settings, snapshot, "killed", False)
    assert not upload.exists()
