"""Models API (/api/v1/models): registry, import, evaluation, export, comparison, downloads."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from app.api.deps import RunnerDep, SettingsDep
from app.api.errors import error_responses
from app.schemas.models import (
    EvaluateRequest,
    EvaluationOut,
    ExportFormatList,
    ExportOut,
    ExportRequest,
    ModelComparison,
    ModelDeleted,
    ModelDetail,
    ModelImportJob,
    ModelList,
    ModelSource,
    ModelUpdate,
)
from app.services.models import evaluation, export, imports, registry
from app.services.models.common import DownloadFile

router = APIRouter(prefix="/models", tags=["models"])

ModelId = Annotated[str, Path(min_length=1, max_length=64, description="Model id")]
ExportId = Annotated[str, Path(min_length=1, max_length=64, description="Export id")]
JobId = Annotated[str, Path(min_length=1, max_length=64, description="Import job id")]

IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "Ultralytics weights (.pt), task segment or detect",
                        },
                        "name": {
                            "type": "string",
                            "maxLength": 200,
                            "description": "Model name (default: the file name)",
                        },
                    },
                }
            }
        },
    }
}


def _file_response(download: DownloadFile) -> FileResponse:
    cleanup = None
    if download.remove_after:

        def remove() -> None:
            with contextlib.suppress(FileNotFoundError):
                download.path.unlink()

        cleanup = BackgroundTask(remove)
    return FileResponse(
        download.path, media_type=download.media_type, filename=download.filename, background=cleanup
    )


# -- collection-level routes (before /{model_id}) ------------------------------------------------------


@router.get("", response_model=ModelList, summary="List models (trained and imported)")
def list_models(
    settings: SettingsDep,
    source: Annotated[ModelSource | None, Query()] = None,
    framework: Annotated[str | None, Query(max_length=20)] = None,
    task: Annotated[str | None, Query(max_length=20)] = None,
    dataset_id: Annotated[str | None, Query(max_length=64, description="Trained on this dataset")] = None,
    tag: Annotated[str | None, Query(max_length=40)] = None,
    search: Annotated[str | None, Query(max_length=100, description="In name and architecture")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ModelList:
    return registry.list_models(
        settings,
        source=source,
        framework=framework,
        task=task,
        dataset_id=dataset_id,
        tag=tag,
        search=search.strip() if search else None,
        offset=offset,
        limit=limit,
    )


@router.get(
    "/export-formats",
    response_model=ExportFormatList,
    summary="Export formats and availability",
    description="Every format with `available` and, when it is not, the reason (missing package, "
    "no NVIDIA GPU). Exporting to an unavailable format answers 409 with that reason.",
)
def list_export_formats(settings: SettingsDep) -> ExportFormatList:
    return export.export_formats(settings)


@router.get(
    "/compare",
    response_model=ModelComparison,
    summary="Compare models side by side",
    description="`ids`: 2 to 10 model ids, comma-separated. Metrics of each model, and the latest "
    "evaluations on the dataset splits two or more of them were evaluated on.",
    responses=error_responses(400, 404),
)
def compare_models(
    settings: SettingsDep, ids: Annotated[str, Query(min_length=1, max_length=1000)]
) -> ModelComparison:
    return registry.compare(settings, ids.split(","))


@router.post(
    "/import",
    response_model=ModelImportJob,
    status_code=202,
    summary="Import Ultralytics weights (.pt)",
    description="multipart/form-data with `file` (.pt) and optional `name`. The body is streamed to disk "
    "with the size limit (CRACKDET_MAX_UPLOAD_BYTES) enforced as it arrives. The file is then "
    "checked in a worker job (it must load with Ultralytics; task segment or detect; its pickle "
    "may only name Ultralytics/PyTorch classes): poll GET /models/imports/{job_id}. A refused "
    "file is removed and the job keeps the reason; a good one becomes a model (`model_id`).",
    openapi_extra=IMPORT_BODY,
    responses=error_responses(400, 413, 415, 507),
)
async def import_model(request: Request, settings: SettingsDep, runner: RunnerDep) -> ModelImportJob:
    length_header = request.headers.get("content-length")
    length = int(length_header) if length_header and length_header.isdigit() else None
    content_type = request.headers.get("content-type")
    return await imports.receive_import(settings, runner, request.stream(), content_type, length)


@router.get("/imports", response_model=list[ModelImportJob], summary="Recent imports (newest first)")
def list_imports(
    settings: SettingsDep, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[ModelImportJob]:
    return imports.list_imports(settings, limit)


@router.get(
    "/imports/{job_id}",
    response_model=ModelImportJob,
    summary="One import: state and reason",
    responses=error_responses(404),
)
def get_import(job_id: JobId, settings: SettingsDep) -> ModelImportJob:
    return imports.get_import(settings, job_id)


# -- one model -------------------------------------------------------------------------------------


@router.get(
    "/{model_id}",
    response_model=ModelDetail,
    summary="A model with lineage, exports, evaluations",
    responses=error_responses(404),
)
def get_model(model_id: ModelId, settings: SettingsDep) -> ModelDetail:
    return registry.get_model(settings, model_id)


@router.patch(
    "/{model_id}",
    response_model=ModelDetail,
    summary="Rename or tag a model",
    responses=error_responses(404, 422),
)
def update_model(model_id: ModelId, body: ModelUpdate, settings: SettingsDep) -> ModelDetail:
    return registry.update_model(settings, model_id, body)


@router.delete(
    "/{model_id}",
    response_model=ModelDeleted,
    summary="Delete a model and its files",
    description="Removes the weights, exports and evaluations. 409 with the reason while a job "
    "uses it (a queued/running export or evaluation, or a training starting from it).",
    responses=error_responses(404, 409),
)
def delete_model(model_id: ModelId, settings: SettingsDep) -> ModelDeleted:
    return registry.delete_model(settings, model_id)


@router.get(
    "/{model_id}/download",
    response_class=FileResponse,
    summary="Download the weights",
    responses=error_responses(404),
)
def download_weights(model_id: ModelId, settings: SettingsDep) -> FileResponse:
    return _file_response(registry.weights_download(settings, model_id))


@router.post(
    "/{model_id}/evaluate",
    response_model=EvaluationOut,
    status_code=202,
    summary="Evaluate on a dataset split (background job)",
    description="Validates the model on `split` of a ready dataset and stores box and mask "
    "precision, recall, mAP50 and mAP50-95 (and per class). Poll "
    "GET /models/{id}/evaluations or GET /jobs/{job_id}.",
    responses=error_responses(404, 409, 422),
)
def evaluate_model(
    model_id: ModelId, body: EvaluateRequest, settings: SettingsDep, runner: RunnerDep
) -> EvaluationOut:
    return evaluation.start_evaluation(settings, runner, model_id, body)


@router.get(
    "/{model_id}/evaluations",
    response_model=list[EvaluationOut],
    summary="Evaluations, newest first",
    responses=error_responses(404),
)
def list_evaluations(model_id: ModelId, settings: SettingsDep) -> list[EvaluationOut]:
    return evaluation.list_evaluations(settings, model_id)


@router.post(
    "/{model_id}/export",
    response_model=ExportOut,
    status_code=202,
    summary="Export to a deployment format (background job)",
    description="422: unknown format or an option the format does not take. 409: the format (or "
    "FP16 for it) cannot be produced on this machine, with the reason. Poll "
    "GET /models/{id}/exports/{export_id}; download when completed.",
    responses=error_responses(404, 409, 422),
)
def export_model(
    model_id: ModelId, body: ExportRequest, settings: SettingsDep, runner: RunnerDep
) -> ExportOut:
    return export.start_export(settings, runner, model_id, body)


@router.get(
    "/{model_id}/exports",
    response_model=list[ExportOut],
    summary="Exports, newest first",
    responses=error_responses(404),
)
def list_exports(model_id: ModelId, settings: SettingsDep) -> list[ExportOut]:
    return export.list_exports(settings, model_id)


@router.get(
    "/{model_id}/exports/{export_id}",
    response_model=ExportOut,
    summary="One export",
    responses=error_responses(404),
)
def get_export(model_id: ModelId, export_id: ExportId, settings: SettingsDep) -> ExportOut:
    return export.get_export(settings, model_id, export_id)


@router.get(
    "/{model_id}/exports/{export_id}/download",
    response_class=FileResponse,
    summary="Download an export (a folder export comes as a zip)",
    responses=error_responses(404, 409),
)
async def download_export(model_id: ModelId, export_id: ExportId, settings: SettingsDep) -> FileResponse:
    download = await run_in_threadpool(export.export_download, settings, model_id, export_id)
    return _file_response(download)


@router.delete(
    "/{model_id}/exports/{export_id}",
    status_code=204,
    summary="Delete an export and its files",
    responses=error_responses(404, 409),
)
def delete_export(
    model_id: ModelId, export_id: ExportId, settings: SettingsDep, runner: RunnerDep
) -> Response:
    export.delete_export(settings, runner, model_id, export_id)
    return Response(status_code=204)
