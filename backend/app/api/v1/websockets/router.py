"""All WebSocket routes, under /ws. Each area adds one include line here."""

from __future__ import annotations

from fastapi import APIRouter

ws_router = APIRouter(prefix="/ws")
