"""Receive a multipart/form-data upload by streaming its file part to disk, enforcing limits as it comes.

Framework-free: feed it the request body as an async iterator of chunks. The file part is written
chunk by chunk (never held in memory or spooled elsewhere); the limit check runs on every chunk, so
an oversize upload is cut off as soon as it passes the limit.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FIELD_BYTES = 4096
MAX_FIELDS = 16


class UploadRejected(Exception):
    """kind: bad_request | too_large | quota."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass
class ReceivedUpload:
    path: Path
    size: int = 0
    filename: str | None = None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int  # over it: too_large
    quota_free: int  # over it: quota
    quota_message: str = ""


class _Receiver:
    def __init__(self, target: Path, file_field: str, limits: UploadLimits) -> None:
        self.target = target
        self.file_field = file_field
        self.limits = limits
        self.result = ReceivedUpload(target)
        self._header_field = b""
        self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._part_name: str | None = None
        self._field_value = bytearray()
        self._sink: IO[bytes] | None = None
        self._seen_file = False

    # python-multipart callbacks -----------------------------------------------------------------
    def on_part_begin(self) -> None:
        self._headers, self._part_name, self._field_value = {}, None, bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._header_field.lower()] = self._header_value
        self._header_field, self._header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        self._part_name = name
        if name == self.file_field:
            if self._seen_file:
                raise UploadRejected("bad_request", f"Send exactly one `{self.file_field}` part.")
            self._seen_file = True
            filename = options.get(b"filename")
            self.result.filename = filename.decode("utf-8", "replace") if filename else None
            self._sink = self.target.open("wb")
        elif len(self.result.fields) >= MAX_FIELDS:
            raise UploadRejected("bad_request", "Too many form fields.")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._sink is not None:
            self.result.size += end - start
            self._check_size()
            self._sink.write(data[start:end])
        else:
            self._field_value += data[start:end]
            if len(self._field_value) > MAX_FIELD_BYTES:
                raise UploadRejected("bad_request", f"Form field {self._part_name!r} is too long.")

    def on_part_end(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None
        elif self._part_name:
            self.result.fields[self._part_name] = self._field_value.decode("utf-8", "replace")

    # ----------------------------------------------------------------------------------------------
    def _check_size(self) -> None:
        size = self.result.size
        if size > self.limits.max_bytes:
            raise UploadRejected(
                "too_large", f"The upload is larger than the limit of {self.limits.max_bytes} bytes."
            )
        if size > self.limits.quota_free:
            raise UploadRejected(
                "quota", self.limits.quota_message or "The upload exceeds the storage quota."
            )

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None


async def receive_upload(
    body: AsyncIterator[bytes],
    content_type: str | None,
    target: Path,
    limits: UploadLimits,
    *,
    file_field: str = "file",
) -> ReceivedUpload:
    """Streams the `file_field` part of a multipart body into `target` (removed on any failure)."""
    mime, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if mime != b"multipart/form-data" or not boundary:
        raise UploadRejected("bad_request", "Send the zip as multipart/form-data with a `file` part.")
    receiver = _Receiver(target, file_field, limits)
    callbacks = {
        name: getattr(receiver, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = MultipartParser(boundary, callbacks)  # type: ignore[arg-type]
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
        if not receiver._seen_file:
            raise UploadRejected("bad_request", f"The form has no `{file_field}` part with the zip.")
    except UploadRejected:
        _discard(receiver, target)
        raise
    except Exception as exc:
        _discard(receiver, target)
        raise UploadRejected(
            "bad_request", f"The multipart body is malformed ({type(exc).__name__})."
        ) from None
    except BaseException:  # client went away (cancelled): leave nothing behind
        _discard(receiver, target)
        raise
    receiver.close()
    return receiver.result


def _discard(receiver: _Receiver, target: Path) -> None:
    receiver.close()
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
