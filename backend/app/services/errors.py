"""Transitional: the domain errors moved to app/domain/errors.py (import them from there).

Kept only until the last importers in the training and models areas switch; then this file goes.
"""

from __future__ import annotations

from app.domain.errors import (
    AppError,
    Conflict,
    InsufficientStorage,
    InvalidInput,
    NotFound,
    TooLarge,
    Unprocessable,
)

__all__ = [
    "AppError",
    "Conflict",
    "InsufficientStorage",
    "InvalidInput",
    "NotFound",
    "TooLarge",
    "Unprocessable",
]
