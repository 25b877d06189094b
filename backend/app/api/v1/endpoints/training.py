from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from fastapi.responses import Response

from app.api.deps import RunnerDep, SettingsDep
from app.schemas.common import MAX_INT32, ErrorResponse, Page
from app.schemas.training import (
    ArchitecturesResponse,
    CheckpointOut,
    CompareResponse,
    DeleteResponse,
    EventsResponse,
    LogsResponse,
    RunEstimateOut,
    RunEstimateRequest,
    SessionStatus,
    TrainingDefaults,
    TrainingMetricsResponse,
    TrainingSessionCreate,
    TrainingSessionDetail,
    TrainingSessionSummary,
)
from app.services.training import catalogue, recommendation, sessions, state

router = APIRouter(prefix="/training", tags=["training"])

SessionId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="Training session id")]
ERRORS: dict[int | str, dict[str, object]] = {
    404: {"model": ErrorResponse, "description": "No such session"},
    409: {"model": ErrorResponse, "description": "Not allowed in the session's current state"},
}
CREATE_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "Starting weights refused (wrong framework or file)"},
    404: {"model": ErrorResponse, "description": "Dataset or starting weights not found"},
    409: {"model": ErrorResponse, "description": "Dataset not ready"},
    422: {"model": ErrorResponse, "description": "Invalid configuration, device or weights (per field)"},
}


@router.post(
    "/sessions",
    response_model=TrainingSessionDetail,
    status_code=status.HTTP_201_CREATED,
    summary="Queue a new training session",
    responses=CREATE_ERRORS,
)
def create_session(
    body: TrainingSessionCreate, settings: SettingsDep, runner: RunnerDep
) -> TrainingSessionDetail:
    return sessions.create_session(settings, runner, body)


@router.get("/sessions", response_model=Page[TrainingSessionSummary], summary="List training sessions")
def list_sessions(
    settings: SettingsDep,
    status_: Annotated[
        list[SessionStatus] | None, Query(alias="status", max_length=20, description="Repeatable")
    ] = None,
    dataset_id: Annotated[str | None, Query(max_length=32)] = None,
    model_arch: Annotated[str | None, Query(max_length=50)] = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Name contains")] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[TrainingSessionSummary]:
    return sessions.list_sessions(
        settings,
        statuses=tuple(status_ or ()),
        dataset_id=dataset_id,
        model_arch=model_arch,
        created_after=created_after,
        created_before=created_before,
        search=q,
        offset=offset,
        limit=limit,
    )


@router.get(
    "/sessions/{session_id}",
    response_model=TrainingSessionDetail,
    summary="Get a training session",
    responses=ERRORS,
)
def get_session(session_id: SessionId, settings: SettingsDep) -> TrainingSessionDetail:
    return sessions.get_session(settings, session_id)


@router.delete(
    "/sessions/{session_id}",
    response_model=DeleteResponse,
    summary="Delete a finished session with its files",
    responses=ERRORS,
)
def delete_session(session_id: SessionId, settings: SettingsDep) -> DeleteResponse:
    return sessions.delete_session(settings, session_id)


@router.post(
    "/sessions/{session_id}/stop",
    response_model=TrainingSessionDetail,
    summary="Stop a running session (resumable) or cancel a queued one",
    responses=ERRORS,
)
def stop_session(session_id: SessionId, settings: SettingsDep, runner: RunnerDep) -> TrainingSessionDetail:
    return sessions.stop_session(settings, runner, session_id)


@router.post(
    "/sessions/{session_id}/resume",
    response_model=TrainingSessionDetail,
    summary="Resume a stopped, interrupted or failed session from its last finished epoch",
    responses=ERRORS,
)
def resume_session(session_id: SessionId, settings: SettingsDep, runner: RunnerDep) -> TrainingSessionDetail:
    return sessions.resume_session(settings, runner, session_id)


@router.post(
    "/sessions/{session_id}/cancel",
    response_model=TrainingSessionDetail,
    summary="Cancel a queued session",
    responses=ERRORS,
)
def cancel_session(session_id: SessionId, settings: SettingsDep, runner: RunnerDep) -> TrainingSessionDetail:
    return sessions.cancel_session(settings, runner, session_id)


@router.get(
    "/sessions/{session_id}/metrics",
    response_model=TrainingMetricsResponse,
    summary="Per-epoch metrics",
    responses=ERRORS,
)
def get_metrics(
    session_id: SessionId,
    settings: SettingsDep,
    last_n: Annotated[int | None, Query(ge=1, le=10_000, description="Only the last N epochs")] = None,
) -> TrainingMetricsResponse:
    return state.get_metrics(settings, session_id, last_n)


@router.get(
    "/sessions/{session_id}/metrics.csv",
    summary="Per-epoch metrics as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **ERRORS},
)
def get_metrics_csv(session_id: SessionId, settings: SettingsDep) -> Response:
    filename, text = state.metrics_csv(settings, session_id)
    return Response(
        content=text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/sessions/{session_id}/logs",
    response_model=LogsResponse,
    summary="The session's log lines",
    responses=ERRORS,
)
def get_logs(
    session_id: SessionId,
    settings: SettingsDep,
    tail: Annotated[int, Query(ge=1, le=10_000, description="Last N lines")] = 200,
) -> LogsResponse:
    return state.get_logs(settings, session_id, tail)


@router.get(
    "/sessions/{session_id}/events",
    response_model=EventsResponse,
    summary="Stored events after an id (the WebSocket's messages, for polling clients)",
    responses=ERRORS,
)
def get_events(
    session_id: SessionId,
    settings: SettingsDep,
    after: Annotated[int, Query(ge=0, le=MAX_INT32)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
) -> EventsResponse:
    return state.get_events(settings, session_id, after, limit)


@router.get(
    "/sessions/{session_id}/checkpoints",
    response_model=list[CheckpointOut],
    summary="Checkpoints kept for a session (best + last N)",
    responses=ERRORS,
)
def list_checkpoints(session_id: SessionId, settings: SettingsDep) -> list[CheckpointOut]:
    return state.list_checkpoints(settings, session_id)


@router.get(
    "/compare",
    response_model=CompareResponse,
    summary="Epoch metrics of several sessions side by side",
    responses={400: {"model": ErrorResponse}, 404: {"model": ErrorResponse}},
)
def compare(
    settings: SettingsDep,
    ids: Annotated[str, Query(min_length=1, max_length=400, description="Comma-separated session ids")],
) -> CompareResponse:
    return state.compare_sessions(settings, [part.strip() for part in ids.split(",")])


@router.get(
    "/architectures",
    response_model=ArchitecturesResponse,
    summary="Trainable architectures with parameters and GFLOPs",
)
def architectures(settings: SettingsDep) -> ArchitecturesResponse:
    return catalogue.architectures(settings)


@router.get(
    "/defaults",
    response_model=TrainingDefaults,
    summary="Default configuration, augmentation presets and devices",
    responses={404: {"model": ErrorResponse, "description": "No such dataset"}},
)
def defaults(
    settings: SettingsDep,
    runner: RunnerDep,
    dataset_id: Annotated[
        str | None,
        Query(pattern=r"^[0-9a-f]{32}$", description="Recommend for this dataset's size"),
    ] = None,
) -> TrainingDefaults:
    return catalogue.defaults(settings, runner, dataset_id)


@router.post(
    "/estimate",
    response_model=RunEstimateOut,
    summary="How long a run would take on this server",
    responses={404: {"model": ErrorResponse, "description": "No such dataset"}},
)
def estimate(body: RunEstimateRequest, settings: SettingsDep, runner: RunnerDep) -> RunEstimateOut:
    return recommendation.estimate_run(settings, runner.training_gpu_count(), body)
