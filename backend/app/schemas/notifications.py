"""Notifications shown as toasts and kept in the notification centre."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

NotificationLevel = Literal["info", "success", "warning", "error"]


class NotificationOut(BaseModel):
    id: int
    level: NotificationLevel
    title: str
    message: str
    source: str = Field(description='Who raised it: "monitoring", "training", ...')
    created_at: datetime
    read_at: datetime | None = None
    read: bool


class NotificationPage(BaseModel):
    items: list[NotificationOut] = Field(description="Newest first")
    total: int
    offset: int
    limit: int
    unread_count: int


class ReadAllResult(BaseModel):
    updated: int


class NotificationMessage(NotificationOut):
    """Sent on /ws/notifications for every new notification."""

    type: Literal["notification"] = "notification"
    timestamp: datetime
    unread_count: int
