"""Schemas shared by several API areas."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, Field

T = TypeVar("T")

# Largest id of an Integer column (PostgreSQL `integer` is 32-bit): bounds query/path ids compared to one.
MAX_INT32 = 2**31 - 1


class ErrorResponse(BaseModel):
    detail: str = Field(description="What went wrong and what to do about it")
    errors: list[dict[str, object]] | None = Field(default=None, description="Per-field problems")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int
