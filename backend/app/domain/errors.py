"""Domain errors: raised by services, repositories' callers and worker-side code alike.

They live below every layer (core, data, utils, jobs and services all import them) so that worker code
never reaches up into services for its errors. The API maps each to an HTTP status with its message.
"""

from __future__ import annotations


class AppError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(AppError):
    status_code = 400


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class TooLarge(AppError):
    status_code = 413


class Unprocessable(AppError):
    status_code = 422


class InsufficientStorage(AppError):
    status_code = 507
