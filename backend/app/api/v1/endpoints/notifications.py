"""Notification centre: list (paged, unread filter), mark one or all read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from app.api.deps import SettingsDep
from app.api.errors import error_responses
from app.schemas.common import MAX_INT32
from app.schemas.notifications import NotificationOut, NotificationPage, ReadAllResult
from app.services import notifications

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=NotificationPage)
def list_notifications(
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    unread: Annotated[bool, Query(description="Only the unread ones")] = False,
) -> NotificationPage:
    return notifications.list_notifications(settings, offset=offset, limit=limit, unread_only=unread)


@router.post("/read-all", response_model=ReadAllResult)
def mark_all_read(settings: SettingsDep) -> ReadAllResult:
    return notifications.mark_all_read(settings)


@router.post("/{notification_id}/read", response_model=NotificationOut, responses=error_responses(404))
def mark_read(
    settings: SettingsDep, notification_id: Annotated[int, Path(ge=1, le=MAX_INT32)]
) -> NotificationOut:
    return notifications.mark_read(settings, notification_id)
