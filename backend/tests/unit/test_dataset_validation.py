"""The validator against malformed datasets: one fixture per rule, plus the statistics."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from app.data.formats import Note
from app.data.validation import decode_failure_reason, parse_label_text, validate_dataset
from app.schemas.datasets import ValidationReport

pytest_plugins = ["tests.fakes.dataset_fixtures"]


@pytest.fixture
def dataset(tmp_path: Path, small_dataset: Path) -> Path:
    """A copy of the synthetic dataset; its data.yaml keeps the generator's absolute `path:`."""
    root = tmp_path / "ds"
    shutil.copytree(small_dataset, root)
    return root


def _issues(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {issue["code"]: issue for issue in report["issues"]}


def _first(root: Path, kind: str, split: str = "train") -> Path:
    return sorted((root / kind / split).iterdir())[0]


def test_a_clean_dataset_passes_with_statistics(dataset: Path) -> None:
    report = validate_dataset(dataset)
    ValidationReport.model_validate(report)  # the stored JSON matches the API schema
    assert report["status"] == "passed" and report["valid"] and report["issues"] == []
    splits = {split["split"]: split for split in report["splits"]}
    assert [splits[s]["images"] for s in ("train", "val", "test")] == [8, 2, 2]
    totals = report["totals"]
    assert totals["images"] == 12 and totals["instances"] > 0
    assert totals["classes"][0]["name"] == "crack"
    assert totals["classes"][0]["instances"] == totals["instances"]
    assert totals["image_sizes"]["common"] == [{"width": 64, "height": 64, "count": 12}]
    assert totals["background_images"] >= 1  # the generator writes crack-free images with empty labels


def test_corrupt_and_truncated_images_are_errors(dataset: Path) -> None:
    images = sorted((dataset / "images" / "train").iterdir())
    images[0].write_bytes(b"not an image at all")
    images[1].write_bytes(images[1].read_bytes()[:300])  # truncated JPEG
    issue = _issues(validate_dataset(dataset))["corrupt_image"]
    assert issue["severity"] == "error" and issue["count"] == 2 and issue["split"] == "train"
    assert issue["message"] == "2 images are unreadable or corrupt"
    not_an_image = f"train/{images[0].name}: not a recognised image format"
    assert not_an_image in issue["examples"]
    for example in issue["examples"]:  # the file name and a short reason, never an object repr
        name, _, reason = example.partition(": ")
        assert name in (f"train/{images[0].name}", f"train/{images[1].name}") and reason, example
        assert "object at 0x" not in example and "<" not in example and len(reason) <= 120, example


def test_one_corrupt_image_is_counted_in_the_singular(dataset: Path) -> None:
    image = _first(dataset, "images")
    image.write_bytes(b"GIF89a but nothing else")
    issue = _issues(validate_dataset(dataset))["corrupt_image"]
    assert issue["message"] == "1 image is unreadable or corrupt"
    assert issue["examples"] == [f"train/{image.name}: not a recognised image format"]


def test_decode_failure_reasons_drop_object_reprs() -> None:
    reason = decode_failure_reason(
        OSError("cannot identify image file <_io.BytesIO object at 0x7f3a2c1b9e50>")
    )
    assert reason == "cannot identify image file"
    assert decode_failure_reason(ValueError()) == "ValueError"
    assert len(decode_failure_reason(OSError("x" * 500))) == 120


@pytest.mark.parametrize(
    ("bad_lines", "message"),
    [
        (1, "1 label line has coordinates outside [0, 1]"),
        (2, "2 label lines have coordinates outside [0, 1]"),
    ],
)
def test_label_problem_counts_are_grammatical(dataset: Path, bad_lines: int, message: str) -> None:
    label = _first(dataset, "labels")
    label.write_text(label.read_text() + "0 0.1 0.1 1.5 0.1 0.2 0.2\n" * bad_lines)
    assert _issues(validate_dataset(dataset))["coordinate_out_of_range"]["message"] == message


def test_other_counts_are_grammatical(dataset: Path) -> None:
    _first(dataset, "labels").unlink()
    (dataset / "labels" / "train" / "ghost.txt").write_text("")
    shutil.copy(_first(dataset, "images", "val"), dataset / "images" / "val" / "copy.jpg")
    issues = _issues(validate_dataset(dataset))
    assert issues["image_without_label"]["message"] == "1 image has no label file (trained as background)"
    assert issues["label_without_image"]["message"] == "1 label file has no image of the same name"
    assert issues["duplicate_image"]["message"].startswith("1 image is an exact duplicate")


def test_labels_without_images_are_reported(dataset: Path) -> None:
    (dataset / "labels" / "train" / "ghost.txt").write_text("0 0.1 0.1 0.2 0.1 0.2 0.2\n")
    issue = _issues(validate_dataset(dataset))["label_without_image"]
    assert issue["severity"] == "warning" and issue["examples"] == ["train/ghost.txt"]


def test_images_without_labels_are_warnings(dataset: Path) -> None:
    _first(dataset, "labels").unlink()
    report = validate_dataset(dataset)
    issue = _issues(report)["image_without_label"]
    assert issue["severity"] == "warning" and issue["count"] == 1
    assert report["status"] == "warnings" and report["valid"]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("0 0.1 0.1 1.5 0.1 0.2 0.2", "coordinate_out_of_range"),
        ("0 -0.2 0.1 0.5 0.1 0.2 0.2", "coordinate_out_of_range"),
        ("0 0.1 0.1 0.2 0.2", "polygon_too_few_points"),
        ("0 0.5 0.5 0.2 0.2", "polygon_too_few_points"),  # a detection box line
        ("3 0.1 0.1 0.2 0.1 0.2 0.2", "class_id_out_of_range"),
        ("-1 0.1 0.1 0.2 0.1 0.2 0.2", "class_id_out_of_range"),
        ("crack 0.1 0.1 0.2 0.1 0.2 0.2", "malformed_label_line"),
        ("0 0.1 0.1 0.2 0.1 0.2", "malformed_label_line"),  # odd number of coordinates
        ("0 0.1 nan 0.2 0.1 0.2 0.2", "coordinate_out_of_range"),
    ],
)
def test_label_line_rules(dataset: Path, line: str, code: str) -> None:
    label = _first(dataset, "labels")
    label.write_text(label.read_text() + line + "\n")
    report = validate_dataset(dataset)
    issue = _issues(report)[code]
    assert issue["severity"] == "error" and not report["valid"]
    assert issue["examples"][0].startswith(f"train/{label.name}:")


def test_duplicate_images_across_splits_are_flagged(dataset: Path) -> None:
    source = _first(dataset, "images", "train")
    shutil.copy(source, dataset / "images" / "val" / "copy_of_train.jpg")
    issue = _issues(validate_dataset(dataset))["duplicate_image"]
    assert issue["severity"] == "warning" and "across splits" in issue["message"]
    assert issue["examples"] == [f"val/copy_of_train.jpg = train/{source.name}"]


@pytest.mark.parametrize(("split", "severity"), [("val", "error"), ("test", "warning")])
def test_empty_splits(dataset: Path, split: str, severity: str) -> None:
    for folder in ("images", "labels"):
        for path in (dataset / folder / split).iterdir():
            path.unlink()
    issue = _issues(validate_dataset(dataset))["empty_split"]
    assert issue["severity"] == severity and issue["split"] == split


def test_a_missing_val_split_is_an_error(dataset: Path) -> None:
    (dataset / "data.yaml").write_text("train: images/train\nnames: [crack]\n")
    issue = _issues(validate_dataset(dataset))["missing_split"]
    assert issue["severity"] == "error" and issue["split"] == "val"


def test_a_train_split_without_annotations_is_an_error(dataset: Path) -> None:
    for label in (dataset / "labels" / "train").iterdir():
        label.write_text("")
    assert _issues(validate_dataset(dataset))["no_instances"]["severity"] == "error"


def test_nc_that_disagrees_with_names_is_a_warning(dataset: Path) -> None:
    (dataset / "data.yaml").write_text("train: images/train\nval: images/val\nnc: 2\nnames: [crack]\n")
    assert _issues(validate_dataset(dataset))["nc_mismatch"]["severity"] == "warning"


def test_an_unreadable_data_yaml_is_an_error(dataset: Path) -> None:
    (dataset / "data.yaml").write_text("just a string")
    report = validate_dataset(dataset)
    assert _issues(report)["invalid_data_yaml"]["severity"] == "error"
    assert report["splits"] == [] and report["totals"] is None


def test_conversion_notes_become_warnings(dataset: Path) -> None:
    note = Note("coco_rle_annotation", "2 RLE annotations were skipped", "train", 2, ("train/a.jpg",))
    issue = _issues(validate_dataset(dataset, notes=[note]))["coco_rle_annotation"]
    assert issue == {
        "code": "coco_rle_annotation",
        "severity": "warning",
        "split": "train",
        "count": 2,
        "message": "2 RLE annotations were skipped",
        "examples": ["train/a.jpg"],
    }


def test_errors_come_before_warnings_and_examples_are_capped(dataset: Path) -> None:
    for index in range(15):
        (dataset / "labels" / "train" / f"ghost{index:02d}.txt").write_text("")
    _first(dataset, "images").write_bytes(b"broken")
    report = validate_dataset(dataset)
    assert report["issues"][0]["severity"] == "error"
    orphans = _issues(report)["label_without_image"]
    assert orphans["count"] == 15 and len(orphans["examples"]) == 10


def test_stop_requests_interrupt_validation(dataset: Path) -> None:
    for index in range(250):  # progress/stop are checked every 200 files
        (dataset / "labels" / "train" / f"extra{index}.txt").write_text("")
    with pytest.raises(InterruptedError):
        validate_dataset(dataset, should_stop=lambda: True)


def test_label_parser_returns_polygons() -> None:
    facts = parse_label_text("0 0.1 0.2 0.3 0.4 0.5 0.6\n\n1 0 0 1 0 1 1\n", class_count=2)
    assert [shape.class_id for shape in facts.shapes] == [0, 1]
    assert facts.shapes[0].points == [(0.1, 0.2), (0.3, 0.4), (0.5, 0.6)]
    assert facts.problems == {}
