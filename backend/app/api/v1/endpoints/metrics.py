"""GET /metrics: Prometheus text format (served at the root, not under /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST

from app.services import metrics

router = APIRouter(tags=["metrics"])


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}},
)
def get_metrics(request: Request) -> Response:
    """GPU and host gauges, trainings by state, queue length, prediction latency histogram."""
    return Response(content=metrics.render(request.app), media_type=CONTENT_TYPE_LATEST)
