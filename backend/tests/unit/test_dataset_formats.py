"""data.yaml parsing and the conversion of YOLO (both layouts) and COCO trees into the stored layout."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml

from app.data.extract import ZipLimits, extract_plan, inspect_zip
from app.data.formats import (
    DatasetFormatError,
    labels_dir_for,
    normalise_coco,
    normalise_yolo,
    parse_class_names,
    read_data_yaml,
)
from tests.fakes.dataset_zips import coco_document

pytest_plugins = ["tests.fakes.dataset_fixtures"]

LIMITS = ZipLimits(1000, 10**9, 100.0)


def _extract(zip_path: Path, folder: Path) -> tuple[Path, object]:
    plan = inspect_zip(zip_path, LIMITS)
    extract_plan(zip_path, plan, folder)
    return folder, plan


def _stored_yaml(root: Path) -> dict[str, object]:
    content = yaml.safe_load((root / "data.yaml").read_text())
    assert isinstance(content, dict)
    return content


def test_class_names_as_list_mapping_or_count() -> None:
    assert parse_class_names(["crack", "spall"]) == ["crack", "spall"]
    assert parse_class_names({1: "spall", 0: "crack"}) == ["crack", "spall"]
    assert parse_class_names(None, 2) == ["class0", "class1"]
    with pytest.raises(DatasetFormatError, match="no class"):
        parse_class_names(None)
    with pytest.raises(DatasetFormatError, match="without gaps"):
        parse_class_names({0: "a", 2: "b"})


def test_labels_folder_mirrors_the_last_images_part() -> None:
    assert labels_dir_for(Path("/d/train/images")) == Path("/d/train/labels")
    assert labels_dir_for(Path("/d/images/train")) == Path("/d/labels/train")
    assert labels_dir_for(Path("/images/x/images/val")) == Path("/images/x/labels/val")


@pytest.mark.parametrize("layout", ["ultralytics", "roboflow", "wrapped"])
def test_yolo_zips_become_the_stored_layout(
    tmp_path: Path, dataset_zips: dict[str, Path], layout: str
) -> None:
    source, plan = _extract(dataset_zips[layout], tmp_path / "raw")
    result = normalise_yolo(source, plan.yaml_name, tmp_path / "stored")  # type: ignore[attr-defined]
    stored = tmp_path / "stored"
    assert result.format == "yolo-seg" and result.class_names == ["crack"] and result.notes == []
    assert result.splits == ["train", "val", "test"]
    assert _stored_yaml(stored) == {
        "train": "images/train",
        "val": "images/val",
        "test": "images/test",
        "nc": 1,
        "names": ["crack"],
    }
    for split, count in (("train", 8), ("val", 2), ("test", 2)):
        assert len(list((stored / "images" / split).iterdir())) == count
        assert len(list((stored / "labels" / split).iterdir())) == count


def test_roboflow_relative_paths_resolve_without_the_dots(
    tmp_path: Path, dataset_zips: dict[str, Path]
) -> None:
    source, _plan = _extract(dataset_zips["roboflow"], tmp_path / "raw")
    spec = read_data_yaml(source / "data.yaml", source)
    assert spec.split_dirs["train"] == [(source / "train" / "images").resolve()]
    assert spec.split_dirs["val"] == [(source / "valid" / "images").resolve()]


def test_an_absolute_path_key_is_ignored_and_paths_never_leave_the_root(tmp_path: Path) -> None:
    root = tmp_path / "ds"
    (root / "images" / "train").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "data.yaml").write_text(
        "path: /somewhere/else\ntrain: images/train\nval: ../outside\ntest: /etc\nnames: [crack]\n"
    )
    spec = read_data_yaml(root / "data.yaml", root)
    assert spec.split_dirs == {"train": [(root / "images" / "train").resolve()]}
    assert spec.missing == {"val": ["../outside"], "test": ["/etc"]}


def test_image_list_files_are_not_supported(tmp_path: Path) -> None:
    (tmp_path / "data.yaml").write_text("train: train.txt\nnames: [crack]\n")
    with pytest.raises(DatasetFormatError, match="image list files"):
        read_data_yaml(tmp_path / "data.yaml")


def test_a_yaml_without_existing_folders_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "data.yaml").write_text("train: images/train\nnames: [crack]\n")
    with pytest.raises(DatasetFormatError, match="no existing image folder"):
        normalise_yolo(tmp_path / "raw", "data.yaml", tmp_path / "stored")


def test_invalid_yaml_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "data.yaml").write_text("train: [unclosed\n")
    with pytest.raises(DatasetFormatError, match="not valid YAML"):
        read_data_yaml(tmp_path / "data.yaml")


def test_coco_becomes_yolo_seg_and_keeps_the_originals(
    tmp_path: Path, dataset_zips: dict[str, Path], small_dataset: Path
) -> None:
    source, plan = _extract(dataset_zips["coco"], tmp_path / "raw")
    result = normalise_coco(source, plan.coco_files, tmp_path / "stored")  # type: ignore[attr-defined]
    stored = tmp_path / "stored"
    assert result.format == "coco" and result.class_names == ["crack"]  # parent category 0 dropped
    assert result.notes == []
    assert (stored / "coco" / "val" / "_annotations.coco.json").is_file()
    assert _stored_yaml(stored)["names"] == ["crack"]
    # The converted polygons match the original YOLO labels (to rounding).
    original = (small_dataset / "labels" / "train").iterdir().__next__()
    converted = stored / "labels" / "train" / original.name
    for line_a, line_b in zip(
        original.read_text().splitlines(), converted.read_text().splitlines(), strict=True
    ):
        a, b = [float(v) for v in line_a.split()], [float(v) for v in line_b.split()]
        assert a[0] == b[0] and max(abs(x - y) for x, y in zip(a[1:], b[1:], strict=True)) < 1e-3


def _coco_tree(tmp_path: Path, small_dataset: Path, edit: object) -> Path:
    raw = tmp_path / "raw"
    (raw / "train").mkdir(parents=True)
    document, files = coco_document(small_dataset, "train")
    for path in files:
        (raw / "train" / path.name).write_bytes(path.read_bytes())
    edit(document)  # type: ignore[operator]
    (raw / "train" / "_annotations.coco.json").write_text(json.dumps(document))
    return raw


def test_coco_rle_and_box_only_annotations_are_noted(tmp_path: Path, small_dataset: Path) -> None:
    def edit(document: dict[str, list[dict[str, object]]]) -> None:
        document["annotations"][0]["segmentation"] = {"counts": "abc", "size": [64, 64]}
        document["annotations"][1]["segmentation"] = []

    raw = _coco_tree(tmp_path, small_dataset, edit)
    result = normalise_coco(raw, ["train/_annotations.coco.json"], tmp_path / "stored")
    codes = {note.code: note.count for note in result.notes}
    assert codes == {"coco_rle_annotation": 1, "coco_bbox_annotation": 1}
    assert result.splits == ["train"]


def test_coco_without_the_required_lists_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "raw" / "train").mkdir(parents=True)
    (tmp_path / "raw" / "train" / "_annotations.coco.json").write_text(json.dumps({"images": []}))
    with pytest.raises(DatasetFormatError, match="is not COCO"):
        normalise_coco(tmp_path / "raw", ["train/_annotations.coco.json"], tmp_path / "stored")


def test_coco_in_a_folder_that_is_not_a_split_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "raw" / "photos").mkdir(parents=True)
    (tmp_path / "raw" / "photos" / "_annotations.coco.json").write_text("{}")
    with pytest.raises(DatasetFormatError, match="not a split name"):
        normalise_coco(tmp_path / "raw", ["photos/_annotations.coco.json"], tmp_path / "stored")


def test_stored_layout_trains_with_relative_paths(tmp_path: Path, dataset_zips: dict[str, Path]) -> None:
    """The stored data.yaml has no `path:` and relative split folders (so the folder can move)."""
    source, plan = _extract(dataset_zips["roboflow"], tmp_path / "raw")
    normalise_yolo(source, plan.yaml_name, tmp_path / "stored")  # type: ignore[attr-defined]
    moved = tmp_path / "moved"
    (tmp_path / "stored").rename(moved)
    spec = read_data_yaml(moved / "data.yaml")
    assert set(spec.split_dirs) == {"train", "val", "test"}
    assert "path" not in _stored_yaml(moved)
    with zipfile.ZipFile(dataset_zips["roboflow"]) as archive:
        assert "data.yaml" in archive.namelist()
