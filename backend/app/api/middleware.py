"""Pure ASGI middlewares: request logging and request limits (both work with streaming and leave
WebSockets alone)."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings

log = logging.getLogger("app.access")


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            # The path only: query strings may carry secrets.
            log.info("%s %s %s %.1fms", scope["method"], scope["path"], status["code"], elapsed_ms)


# --------------------------------------------------------------------------------------------------
# Request limits
# --------------------------------------------------------------------------------------------------

# Routes that receive files keep their own, larger limits (their services check the exact limit with a
# precise message while the body streams; this margin only stops bodies far beyond it).
UPLOAD_MARGIN_BYTES = 1024**2


def upload_route_limits(settings: Settings) -> dict[tuple[str, str], int]:
    """(method, path) -> largest body, for the routes that take files."""
    upload = settings.max_upload_bytes + UPLOAD_MARGIN_BYTES
    return {
        ("POST", "/api/v1/datasets/upload"): upload,
        ("POST", "/api/v1/models/import"): upload,
        ("POST", "/api/v1/predict"): settings.prediction_max_image_bytes + UPLOAD_MARGIN_BYTES,
        ("POST", "/api/v1/predict/batch"): max(
            upload, settings.prediction_max_image_bytes + UPLOAD_MARGIN_BYTES
        ),
        ("POST", "/api/v1/inspections/images/upload"): max(
            upload, settings.prediction_max_image_bytes + UPLOAD_MARGIN_BYTES
        ),
    }


class BodyTooLarge(HTTPException):
    """Raised from `receive` when a body passes its limit; FastAPI lets it through to the JSON handler."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"The request body is larger than the limit of {limit:,} bytes for this endpoint. "
            "Send less data (or raise CRACKDET_MAX_REQUEST_BYTES / CRACKDET_MAX_UPLOAD_BYTES).",
        )


NUL_MESSAGE = "Text cannot contain the NUL character (\\u0000, %00): remove it."


def json_body_problem(body: bytes, max_depth: int) -> str | None:
    """Why a JSON body is refused before the route sees it: not UTF-8 text, nested deeper than
    `max_depth`, or text with a NUL character (no database stores it). Other malformed JSON passes: the
    route answers it with the position of the error."""
    try:
        value = json.loads(body)
    except RecursionError:
        return f"The JSON body is nested more than {max_depth} levels deep."
    except UnicodeDecodeError:
        return "The JSON body is not valid UTF-8 text."
    except ValueError:
        return None
    if isinstance(value, str) and "\x00" in value:
        return NUL_MESSAGE
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return f"The JSON body is nested more than {max_depth} levels deep."
        children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif isinstance(child, str) and "\x00" in child:
                return NUL_MESSAGE
    return None


def _url_has_nul(scope: Scope) -> bool:
    query: bytes = scope.get("query_string", b"")
    return "\x00" in scope["path"] or b"\x00" in query or b"%00" in query.lower()


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            media_type = value.split(b";", 1)[0].strip().lower()
            return media_type == b"application/json" or media_type.endswith(b"+json")
    return False


async def _send_error(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestLimitsMiddleware:
    """Body size per route (413); JSON nesting depth and encoding, NUL characters in the URL or JSON
    text (422). Answered as JSON with a message.

    The size is checked on Content-Length before anything is read and again on every chunk as it
    arrives (a chunked body has no length). JSON bodies of ordinary routes are small (the limit is
    CRACKDET_MAX_REQUEST_BYTES), so they are read here once, checked and replayed to the route.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.default_limit = settings.max_request_bytes
        self.max_json_depth = settings.max_json_depth
        self.upload_limits = upload_route_limits(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _url_has_nul(scope):
            await _send_error(send, 422, NUL_MESSAGE)
            return
        upload_limit = self.upload_limits.get((scope["method"], scope["path"].rstrip("/")))
        limit = upload_limit or self.default_limit
        length = _content_length(scope)
        if length is not None and length > limit:
            await _send_error(send, 413, BodyTooLarge(limit).detail)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        next_receive: Receive = limited_receive
        if upload_limit is None and _is_json(scope):
            try:
                body = await _read_body(limited_receive)
            except BodyTooLarge as exc:
                await _send_error(send, 413, exc.detail)
                return
            problem = json_body_problem(body, self.max_json_depth)
            if problem is not None:
                await _send_error(send, 422, problem)
                return
            next_receive = _replay(body, receive)

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, next_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await _send_error(send, 413, exc.detail)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the already read body over once, then waits for the disconnect."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
