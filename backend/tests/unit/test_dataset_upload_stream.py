"""The streaming multipart receiver: the file part goes to disk chunk by chunk, limits cut it off."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.data.upload import ReceivedUpload, UploadLimits, UploadRejected, receive_upload

BOUNDARY = "testboundary1234"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
UNLIMITED = UploadLimits(max_bytes=10**9, quota_free=10**9)


def _body(parts: list[tuple[str, str | None, bytes]]) -> bytes:
    chunks = []
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        chunks.append(
            f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
        )
    return b"".join(chunks) + f"--{BOUNDARY}--\r\n".encode()


async def _chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def _receive(
    body: bytes, target: Path, limits: UploadLimits = UNLIMITED, content_type: str = CONTENT_TYPE
) -> ReceivedUpload:
    # In a thread of its own: another test's library may have left an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, receive_upload(_chunks(body), content_type, target, limits)).result()


def test_the_file_part_is_streamed_to_disk_with_the_other_fields(tmp_path: Path) -> None:
    payload = bytes(range(256)) * 200  # 51 kB in 1 kB chunks
    body = _body([("name", None, b"My cracks"), ("file", "cracks.zip", payload)])
    received = _receive(body, tmp_path / "upload.part")
    assert received.path.read_bytes() == payload
    assert received.size == len(payload)
    assert received.filename == "cracks.zip"
    assert received.fields == {"name": "My cracks"}


def test_an_upload_over_the_size_limit_is_cut_off_and_removed(tmp_path: Path) -> None:
    body = _body([("file", "big.zip", b"x" * 50_000)])
    with pytest.raises(UploadRejected) as caught:
        _receive(body, tmp_path / "upload.part", UploadLimits(max_bytes=10_000, quota_free=10**9))
    assert caught.value.kind == "too_large" and "10000 bytes" in caught.value.detail
    assert list(tmp_path.iterdir()) == []


def test_an_upload_over_the_free_quota_is_refused(tmp_path: Path) -> None:
    body = _body([("file", "big.zip", b"x" * 50_000)])
    limits = UploadLimits(max_bytes=10**9, quota_free=1000, quota_message="quota: 1000 bytes free")
    with pytest.raises(UploadRejected) as caught:
        _receive(body, tmp_path / "upload.part", limits)
    assert caught.value.kind == "quota" and caught.value.detail == "quota: 1000 bytes free"
    assert list(tmp_path.iterdir()) == []


def test_a_form_without_a_file_part_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UploadRejected, match="no `file` part"):
        _receive(_body([("name", None, b"x")]), tmp_path / "upload.part")


def test_two_file_parts_are_refused(tmp_path: Path) -> None:
    body = _body([("file", "a.zip", b"a"), ("file", "b.zip", b"b")])
    with pytest.raises(UploadRejected, match="exactly one"):
        _receive(body, tmp_path / "upload.part")
    assert list(tmp_path.iterdir()) == []


def test_a_body_that_is_not_multipart_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UploadRejected, match="multipart/form-data"):
        _receive(b"PK\x03\x04...", tmp_path / "upload.part", content_type="application/zip")


def test_an_overlong_text_field_is_refused(tmp_path: Path) -> None:
    body = _body([("name", None, b"n" * 5000), ("file", "a.zip", b"a")])
    with pytest.raises(UploadRejected, match="too long"):
        _receive(body, tmp_path / "upload.part")
