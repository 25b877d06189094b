"""Inspection routes: /structures (and their inspections and map) and /inspections (images with scale and
position, GeoJSON and CSV, reports, growth between inspections)."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile, status
from fastapi.responses import FileResponse, JSONResponse, Response

from app.api.deps import RunnerDep, SettingsDep
from app.core.prediction.worker import PredictionPool, get_pool
from app.schemas.common import ErrorResponse
from app.schemas.inspection import (
    AddedImages,
    AddPredictions,
    GrowthOut,
    GrowthRequest,
    ImageUpdate,
    InspectionCreate,
    InspectionDeleted,
    InspectionDetail,
    InspectionImageOut,
    InspectionOut,
    InspectionUpdate,
    MapSettings,
    ReportOut,
    StructureCreate,
    StructureDetail,
    StructureMap,
    StructureOut,
    StructureUpdate,
    UploadParams,
)
from app.services.inspections import growth, inspections, locations, reports, structures

router = APIRouter(tags=["inspections"])

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorResponse} for code in (400, 404, 409, 413, 422, 503)
}
Id = Annotated[str, Path(min_length=1, max_length=64, description="Id")]


def _pool(request: Request) -> PredictionPool:
    return get_pool(request.app.state, request.app.state.settings)


PoolDep = Annotated[PredictionPool, Depends(_pool)]


# -- structures ------------------------------------------------------------------------------------


@router.get("/structures", response_model=list[StructureOut], responses=ERRORS)
def list_structures(settings: SettingsDep) -> list[StructureOut]:
    return structures.list_structures(settings)


@router.post("/structures", response_model=StructureDetail, status_code=201, responses=ERRORS)
def create_structure(settings: SettingsDep, body: StructureCreate) -> StructureDetail:
    return structures.create_structure(settings, body)


@router.get("/structures/{structure_id}", response_model=StructureDetail, responses=ERRORS)
def get_structure(settings: SettingsDep, structure_id: Id) -> StructureDetail:
    """The structure with its inspections over time (newest first)."""
    return structures.get_structure(settings, structure_id)


@router.patch("/structures/{structure_id}", response_model=StructureDetail, responses=ERRORS)
def update_structure(settings: SettingsDep, structure_id: Id, body: StructureUpdate) -> StructureDetail:
    return structures.update_structure(settings, structure_id, body)


@router.delete("/structures/{structure_id}", response_model=InspectionDeleted, responses=ERRORS)
def delete_structure(settings: SettingsDep, structure_id: Id) -> InspectionDeleted:
    """Deletes the structure with its inspections, reports and growth results (predictions stay)."""
    return structures.delete_structure(settings, structure_id)


@router.get("/structures/{structure_id}/map", response_model=StructureMap, responses=ERRORS)
def structure_map(settings: SettingsDep, structure_id: Id) -> StructureMap:
    """The structure's located images with their worst severity."""
    return structures.structure_map(settings, structure_id)


@router.post(
    "/structures/{structure_id}/inspections", response_model=InspectionOut, status_code=201, responses=ERRORS
)
def create_inspection(settings: SettingsDep, structure_id: Id, body: InspectionCreate) -> InspectionOut:
    return inspections.create_inspection(settings, structure_id, body)


# -- inspections -----------------------------------------------------------------------------------


@router.get("/inspections/map-settings", response_model=MapSettings)
def map_settings(settings: SettingsDep) -> MapSettings:
    """The map's tile source (CRACKDET_MAP_TILE_URL); none: an offline blank map."""
    return structures.map_settings(settings)


@router.get("/inspections/{inspection_id}", response_model=InspectionDetail, responses=ERRORS)
def get_inspection(settings: SettingsDep, inspection_id: Id) -> InspectionDetail:
    return inspections.get_inspection(settings, inspection_id)


@router.patch("/inspections/{inspection_id}", response_model=InspectionDetail, responses=ERRORS)
def update_inspection(settings: SettingsDep, inspection_id: Id, body: InspectionUpdate) -> InspectionDetail:
    return inspections.update_inspection(settings, inspection_id, body)


@router.delete("/inspections/{inspection_id}", response_model=InspectionDeleted, responses=ERRORS)
def delete_inspection(settings: SettingsDep, inspection_id: Id) -> InspectionDeleted:
    return inspections.delete_inspection(settings, inspection_id)


@router.post("/inspections/{inspection_id}/images", response_model=AddedImages, responses=ERRORS)
def add_predictions(
    settings: SettingsDep, runner: RunnerDep, inspection_id: Id, body: AddPredictions
) -> AddedImages:
    """Adds saved predictions; a job then reads each photo's metadata, GPS and scale."""
    return inspections.add_predictions(settings, runner, inspection_id, body)


@router.get("/inspections/{inspection_id}/cracks.geojson", responses=ERRORS)
def cracks_geojson(settings: SettingsDep, inspection_id: Id) -> JSONResponse:
    """A GeoJSON FeatureCollection: one Point per crack at its photo's position (null without GPS)."""
    return JSONResponse(locations.cracks_geojson(settings, inspection_id), media_type="application/geo+json")


@router.get("/inspections/{inspection_id}/cracks.csv", responses=ERRORS)
def cracks_csv(settings: SettingsDep, inspection_id: Id) -> Response:
    """One row per crack with latitude and longitude (empty without GPS) and measurements in mm."""
    return Response(
        locations.cracks_csv(settings, inspection_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="cracks-{inspection_id[:8]}.csv"'},
    )


@router.post(
    "/inspections/{inspection_id}/reports", response_model=ReportOut, status_code=202, responses=ERRORS
)
def request_report(settings: SettingsDep, runner: RunnerDep, inspection_id: Id) -> ReportOut:
    """Builds the PDF and HTML report in a job; follow it with GET /inspections/reports/{id}."""
    return reports.request_report(settings, runner, inspection_id)


# -- images ----------------------------------------------------------------------------------------


# One fixed path (the inspection is a form field) so the request-size middleware gives it the upload
# limit (app/api/middleware.py: upload_route_limits).
@router.post("/inspections/images/upload", response_model=AddedImages, responses=ERRORS)
async def upload_images(
    settings: SettingsDep,
    pool: PoolDep,
    runner: RunnerDep,
    files: Annotated[list[UploadFile], File(description="Photos (JPEG keeps its EXIF: GPS, camera)")],
    params: Annotated[UploadParams, Form()],
) -> AddedImages:
    """Predicts each photo with the chosen model, adds it to the inspection, then analyses metadata,
    GPS and scale."""
    return await inspections.upload_images(settings, pool, runner, params.inspection_id, files, params)


@router.get("/inspections/images/{image_id}", response_model=InspectionImageOut, responses=ERRORS)
def get_image(settings: SettingsDep, image_id: Id) -> InspectionImageOut:
    return inspections.get_image(settings, image_id)


@router.patch("/inspections/images/{image_id}", response_model=InspectionImageOut, responses=ERRORS)
def update_image(
    settings: SettingsDep, runner: RunnerDep, image_id: Id, body: ImageUpdate
) -> InspectionImageOut:
    """Element label, scale choice, manual scale, distance. `version` must be current, else 409."""
    return inspections.update_image(settings, runner, image_id, body)


@router.delete("/inspections/images/{image_id}", response_model=InspectionDeleted, responses=ERRORS)
def remove_image(settings: SettingsDep, image_id: Id) -> InspectionDeleted:
    """Takes the image out of its inspection (the prediction stays in the history)."""
    return inspections.remove_image(settings, image_id)


@router.post("/inspections/images/{image_id}/analyse", response_model=InspectionImageOut, responses=ERRORS)
def reanalyse_image(settings: SettingsDep, runner: RunnerDep, image_id: Id) -> InspectionImageOut:
    """Reads metadata, GPS and scale again (e.g. after the marker side changed)."""
    return inspections.reanalyse_image(settings, runner, image_id)


# -- reports ---------------------------------------------------------------------------------------


@router.get("/inspections/reports/{report_id}", response_model=ReportOut, responses=ERRORS)
def get_report(settings: SettingsDep, report_id: Id) -> ReportOut:
    return reports.get_report(settings, report_id)


@router.get(
    "/inspections/reports/{report_id}/file",
    responses={
        **ERRORS,
        200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "The report"},
    },
)
async def report_file(
    settings: SettingsDep,
    report_id: Id,
    format: Annotated[Literal["pdf", "html"], Query(description="pdf or html")] = "pdf",
) -> FileResponse:
    found = await asyncio.to_thread(reports.report_file, settings, report_id, format)
    disposition = "attachment" if format == "pdf" else "inline"
    return FileResponse(
        found.path, media_type=found.media_type, filename=found.filename, content_disposition_type=disposition
    )


@router.delete("/inspections/reports/{report_id}", response_model=InspectionDeleted, responses=ERRORS)
def delete_report(settings: SettingsDep, report_id: Id) -> InspectionDeleted:
    return reports.delete_report(settings, report_id)


# -- growth ----------------------------------------------------------------------------------------


@router.post(
    "/inspections/growth", response_model=GrowthOut, status_code=status.HTTP_202_ACCEPTED, responses=ERRORS
)
def request_growth(settings: SettingsDep, runner: RunnerDep, body: GrowthRequest) -> GrowthOut:
    """Compares an earlier and a later image of one element in a job (alignment, then crack changes)."""
    return growth.request_growth(settings, runner, body)


@router.get("/inspections/growth/{growth_id}", response_model=GrowthOut, responses=ERRORS)
def get_growth(settings: SettingsDep, growth_id: Id) -> GrowthOut:
    return growth.get_growth(settings, growth_id)


@router.get(
    "/inspections/growth/{growth_id}/overlay",
    responses={**ERRORS, 200: {"content": {"image/png": {}}, "description": "Old cracks against new"}},
)
async def growth_overlay(settings: SettingsDep, growth_id: Id) -> FileResponse:
    path = await asyncio.to_thread(growth.overlay_file, settings, growth_id)
    return FileResponse(path, media_type="image/png")


@router.delete("/inspections/growth/{growth_id}", response_model=InspectionDeleted, responses=ERRORS)
def delete_growth(settings: SettingsDep, growth_id: Id) -> InspectionDeleted:
    return growth.delete_growth(settings, growth_id)
