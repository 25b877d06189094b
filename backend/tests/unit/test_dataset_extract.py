"""Zip safety and layout detection from the central directory, and extraction with limits."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from app.data.extract import ZipLimits, ZipRefused, extract_plan, inspect_zip
from tests.fakes.dataset_zips import minimal_yolo_entries, zip_bytes

pytest_plugins = ["tests.fakes.dataset_fixtures"]

LIMITS = ZipLimits(max_entries=1000, max_uncompressed_bytes=50 * 1024 * 1024, max_ratio=100.0)


def _inspect(tmp_path: Path, data: bytes, limits: ZipLimits = LIMITS) -> object:
    path = tmp_path / "upload.zip"
    path.write_bytes(data)
    return inspect_zip(path, limits)


def _refusal(tmp_path: Path, data: bytes, limits: ZipLimits = LIMITS) -> ZipRefused:
    with pytest.raises(ZipRefused) as caught:
        _inspect(tmp_path, data, limits)
    return caught.value


def test_both_yolo_layouts_and_coco_are_detected(dataset_zips: dict[str, Path]) -> None:
    ultralytics = inspect_zip(dataset_zips["ultralytics"], LIMITS)
    assert (ultralytics.format, ultralytics.prefix, ultralytics.yaml_name) == ("yolo-seg", "", "data.yaml")
    assert ultralytics.image_count == 12
    roboflow = inspect_zip(dataset_zips["roboflow"], LIMITS)
    assert roboflow.format == "yolo-seg" and roboflow.image_count == 12
    coco = inspect_zip(dataset_zips["coco"], LIMITS)
    assert coco.format == "coco"
    assert coco.coco_files == [
        "test/_annotations.coco.json",
        "train/_annotations.coco.json",
        "valid/_annotations.coco.json",
    ]


def test_a_single_top_level_folder_is_stripped(dataset_zips: dict[str, Path]) -> None:
    plan = inspect_zip(dataset_zips["wrapped"], LIMITS)
    assert plan.prefix == "my-dataset/"
    assert plan.yaml_name == "data.yaml"
    assert all(member.name.startswith("my-dataset/") for member in plan.members)
    assert not any(member.relative.startswith("my-dataset/") for member in plan.members)


def test_macos_junk_is_ignored(tmp_path: Path, small_dataset: Path) -> None:
    entries = minimal_yolo_entries(small_dataset)
    entries["__MACOSX/._data.yaml"] = b"junk"
    entries[".DS_Store"] = b"junk"
    plan = _inspect(tmp_path, zip_bytes(entries))
    assert not any("MACOSX" in m.name or "DS_Store" in m.name for m in plan.members)  # type: ignore[attr-defined]


def test_not_a_zip_is_refused(tmp_path: Path) -> None:
    refusal = _refusal(tmp_path, b"this is a text file, not a zip" * 10)
    assert refusal.kind == "not_a_zip"


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../evil.txt", "'..'"),
        ("images/../../evil.txt", "'..'"),
        ("/etc/passwd", "absolute path"),
        ("C:/Windows/evil.txt", "drive letter"),
        ("images\\..\\evil.txt", "backslash"),
        ("images/bad\x01name.jpg", "control character"),
    ],
)
def test_zip_slip_names_are_refused(tmp_path: Path, small_dataset: Path, name: str, reason: str) -> None:
    entries = minimal_yolo_entries(small_dataset)
    entries[name] = b"x"
    refusal = _refusal(tmp_path, zip_bytes(entries))
    assert refusal.kind == "unsafe"
    assert reason in refusal.detail


def test_symlink_entries_are_refused(tmp_path: Path, small_dataset: Path) -> None:
    data = zip_bytes(minimal_yolo_entries(small_dataset), symlinks={"images/train/link.jpg": "/etc/passwd"})
    refusal = _refusal(tmp_path, data)
    assert refusal.kind == "unsafe" and "symbolic link" in refusal.detail


def _mark_encrypted(data: bytes, name: str) -> bytes:
    """Sets the 'encrypted' flag of `name` in the central directory (zipfile cannot write encrypted)."""
    patched = bytearray(data)
    offset = patched.find(b"PK\x01\x02")
    while offset != -1:
        name_length = int.from_bytes(patched[offset + 28 : offset + 30], "little")
        if patched[offset + 46 : offset + 46 + name_length] == name.encode():
            patched[offset + 8] |= 0x1
        offset = patched.find(b"PK\x01\x02", offset + 4)
    return bytes(patched)


def test_encrypted_entries_are_refused(tmp_path: Path, small_dataset: Path) -> None:
    entries = minimal_yolo_entries(small_dataset)
    entries["images/train/secret.jpg"] = b"x"
    refusal = _refusal(tmp_path, _mark_encrypted(zip_bytes(entries), "images/train/secret.jpg"))
    assert refusal.kind == "unsafe" and "Encrypted" in refusal.detail


def test_a_high_compression_ratio_is_a_bomb(tmp_path: Path, small_dataset: Path) -> None:
    entries = minimal_yolo_entries(small_dataset)
    entries["images/train/zeros.bin"] = b"\0" * (4 * 1024 * 1024)  # deflates ~1000x
    refusal = _refusal(tmp_path, zip_bytes(entries))
    assert refusal.kind == "bomb" and "expands" in refusal.detail


def test_too_many_uncompressed_bytes_is_a_bomb(tmp_path: Path, small_dataset: Path) -> None:
    limits = ZipLimits(max_entries=1000, max_uncompressed_bytes=10_000, max_ratio=100.0)
    refusal = _refusal(tmp_path, zip_bytes(minimal_yolo_entries(small_dataset)), limits)
    assert refusal.kind == "bomb" and "more than the limit of 10000 bytes" in refusal.detail


def test_too_many_files_is_a_bomb(tmp_path: Path, small_dataset: Path) -> None:
    limits = ZipLimits(max_entries=5, max_uncompressed_bytes=10**9, max_ratio=100.0)
    refusal = _refusal(tmp_path, zip_bytes(minimal_yolo_entries(small_dataset)), limits)
    assert refusal.kind == "bomb" and "more than the limit of 5" in refusal.detail


def test_duplicate_names_are_refused(tmp_path: Path, small_dataset: Path) -> None:
    path = tmp_path / "dup.zip"
    path.write_bytes(zip_bytes(minimal_yolo_entries(small_dataset)))
    with zipfile.ZipFile(path, "a") as archive, pytest.warns(UserWarning):
        archive.writestr("data.yaml", "names: [other]\n")
    with pytest.raises(ZipRefused, match="same name twice"):
        inspect_zip(path, LIMITS)


def test_an_unknown_layout_says_what_was_found(tmp_path: Path) -> None:
    refusal = _refusal(tmp_path, zip_bytes({"photos/a.jpg": b"x", "photos/b.jpg": b"y", "notes.txt": "hi"}))
    assert refusal.kind == "layout"
    assert "data.yaml" in refusal.detail and "_annotations.coco.json" in refusal.detail
    assert "photos/" in refusal.detail and "notes.txt" in refusal.detail and "2 .jpg" in refusal.detail


def test_a_zip_without_images_is_refused(tmp_path: Path) -> None:
    refusal = _refusal(tmp_path, zip_bytes({"data.yaml": "names: [crack]\n", "labels/train/a.txt": "0 0 0"}))
    assert refusal.kind == "layout" and "no images" in refusal.detail


def test_extraction_strips_the_prefix_and_writes_plain_files(
    tmp_path: Path, dataset_zips: dict[str, Path]
) -> None:
    plan = inspect_zip(dataset_zips["wrapped"], LIMITS)
    fractions: list[float] = []
    written = extract_plan(dataset_zips["wrapped"], plan, tmp_path / "out", progress=fractions.append)
    assert written == plan.uncompressed_bytes
    assert (tmp_path / "out" / "data.yaml").is_file()
    assert len(list((tmp_path / "out" / "train" / "images").iterdir())) == 8
    assert fractions[-1] == 1.0
    assert not any(p.is_symlink() for p in (tmp_path / "out").rglob("*"))


def test_extraction_stops_when_asked(tmp_path: Path, dataset_zips: dict[str, Path]) -> None:
    plan = inspect_zip(dataset_zips["ultralytics"], LIMITS)
    with pytest.raises(InterruptedError):
        extract_plan(dataset_zips["ultralytics"], plan, tmp_path / "out", should_stop=lambda: True)


def test_a_corrupt_entry_is_reported_at_extraction(tmp_path: Path, dataset_zips: dict[str, Path]) -> None:
    data = bytearray(dataset_zips["ultralytics"].read_bytes())
    plan = inspect_zip(dataset_zips["ultralytics"], LIMITS)
    offset = data.find(b"labels/train/")  # corrupt the first label file's data (deflated)
    data[offset + 200 : offset + 260] = b"\xff" * 60
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(data))
    with pytest.raises(ZipRefused) as caught:
        extract_plan(broken, plan, tmp_path / "out")
    assert caught.value.kind == "not_a_zip" and "corrupt" in caught.value.detail
