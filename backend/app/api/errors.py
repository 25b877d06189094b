"""Every error leaves the API as JSON with a message a person can act on."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.domain.errors import AppError
from app.schemas.common import ErrorResponse

log = logging.getLogger("app.api")
FASTAPI_PARSE_ERROR = "There was an error parsing the body"
HTTP_METHODS = {"GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE"}


def _field_path(loc: tuple[object, ...] | list[object]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or "request"


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail})


def _documented_paths(app: Any) -> list[tuple[re.Pattern[str], set[str]]]:
    """(path regex, methods) of every documented operation, built once per app from its OpenAPI."""
    index: list[tuple[re.Pattern[str], set[str]]] | None = getattr(app.state, "documented_paths", None)
    if index is None:
        index = []
        for path, item in app.openapi().get("paths", {}).items():
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
            methods = {method.upper() for method in item if method.upper() in HTTP_METHODS}
            index.append((re.compile(f"^{pattern}$"), methods | ({"HEAD"} if "GET" in methods else set())))
        app.state.documented_paths = index
    return index


def allowed_methods(app: Any, path: str) -> set[str]:
    """Methods the API documents at this path (Starlette's 405 only names the first matching route's).
    A literal path (/models/compare) wins over a template that also matches it (/models/{model_id})."""
    matches = [(pattern, methods) for pattern, methods in _documented_paths(app) if pattern.match(path)]
    literal = [methods for pattern, methods in matches if pattern.pattern == f"^{re.escape(path)}$"]
    return set().union(*(literal or [methods for _, methods in matches]))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(getattr(exc, "headers", None) or {})
    detail = exc.detail
    if exc.status_code == 400 and detail == FASTAPI_PARSE_ERROR:
        detail = (
            "The request body could not be parsed: send well-formed multipart/form-data (or JSON) "
            "with the Content-Type header that matches it."
        )
    if exc.status_code == 405:
        allowed = sorted(allowed_methods(request.app, request.url.path))
        headers["Allow"] = ", ".join(allowed)
        detail = f"{request.method} is not allowed here; use {', '.join(allowed)}."
    return JSONResponse(status_code=exc.status_code, content={"detail": detail}, headers=headers or None)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": _field_path(err.get("loc", ())), "message": err.get("msg", "invalid value")}
        for err in exc.errors()
    ]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return JSONResponse(status_code=422, content={"detail": f"Invalid request: {summary}", "errors": errors})


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    """The database refused a value (a number out of its range, text with a NUL character in a form
    field): the input was wrong, not the server."""
    assert isinstance(exc, DBAPIError)
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc.orig)
    reason = " ".join(str(exc.orig).split())[:200]
    return JSONResponse(
        status_code=422, content={"detail": f"A value in the request is not valid: {reason}."}
    )


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("Unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(
        status_code=500,
        content={"detail": f"Internal error ({type(exc).__name__}); the server log has the details."},
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(Exception, _unhandled)


def _error_response_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Registers ErrorResponse in the components (if no route did) and returns a reference to it."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorResponse" not in components:
        components["ErrorResponse"] = ErrorResponse.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    return {"$ref": "#/components/schemas/ErrorResponse"}


def _document_common_errors(schema: dict[str, Any]) -> None:
    """Validation errors are `ErrorResponse` (not FastAPI's list), and every route that takes a body may
    answer 413 (RequestLimitsMiddleware)."""
    reference = _error_response_schema(schema)
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {})
            if "422" in responses:
                responses["422"]["content"] = {"application/json": {"schema": reference}}
            if "requestBody" in operation and "413" not in responses:
                responses["413"] = {
                    "description": "The body is larger than the endpoint's limit",
                    "content": {"application/json": {"schema": reference}},
                }
    components = schema.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        if f'"#/components/schemas/{name}"' not in json.dumps(schema):
            components.pop(name, None)


def document_errors_in_openapi(app: FastAPI) -> None:
    """Post-processes the generated OpenAPI document once (see `_document_common_errors`)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            _document_common_errors(generate())
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entry documenting the JSON error body for these status codes."""
    return {code: {"model": ErrorResponse} for code in codes}
