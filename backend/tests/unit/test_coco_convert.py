"""YOLO-seg datasets in RF-DETR's COCO layout: a cached derived copy, never a change to the dataset.

Real files throughout: synthetic crack datasets from the generator, and a Roboflow-style COCO export
imported through the same normalisation the dataset importer uses.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from app.data.coco_convert import (
    FINGERPRINT_FILE,
    coco_layout_for,
    label_line_polygon,
)
from app.data.formats import DatasetFormatError, normalise_coco
from app.data.synthetic import SyntheticSpec, generate_dataset, image_stem, render_sample

SPEC = SyntheticSpec(seed=11, train=5, val=3, test=2, image_size=80, width=96, height=80)
ANNOTATIONS = "_annotations.coco.json"


def snapshot(root: Path) -> dict[str, tuple[int, str]]:
    """Every file below `root`: size and content hash (what "never in place" must keep equal)."""
    return {
        str(path.relative_to(root)): (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    root = tmp_path / "datasets" / "d1"
    generate_dataset(root, SPEC)
    return root


def load(root: Path, folder: str) -> dict:
    return json.loads((root / folder / ANNOTATIONS).read_text(encoding="utf-8"))


def test_yolo_seg_becomes_coco_polygons_per_split(dataset: Path, tmp_path: Path) -> None:
    layout = coco_layout_for(dataset, tmp_path / "cache" / "d1")
    assert layout.class_names == ["crack"] and not layout.reused
    assert layout.images == {"train": 5, "valid": 3, "test": 2}
    assert set(layout.sources.values()) == {"converted"}
    train = load(layout.root, "train")
    assert train["categories"] == [{"id": 0, "name": "crack", "supercategory": "none"}]
    assert len(train["images"]) == 5 and layout.annotations["train"] == len(train["annotations"])
    by_name = {image["file_name"]: image for image in train["images"]}
    for index in range(SPEC.train):
        sample = render_sample(SPEC, "train", index)
        image = by_name[f"{image_stem('train', index)}.jpg"]
        assert (image["width"], image["height"]) == (96, 80)
        annotations = [a for a in train["annotations"] if a["image_id"] == image["id"]]
        assert len(annotations) == len(sample.polygons)  # crack-free images have none
        for annotation, polygon in zip(annotations, sample.polygons, strict=True):
            points = np.array(annotation["segmentation"][0]).reshape(-1, 2)
            assert np.allclose(points, np.clip(polygon, 0, [96, 80]), atol=0.01)
            x, y, w, h = annotation["bbox"]
            assert (x, y) == (points[:, 0].min(), points[:, 1].min())
            assert x + w == pytest.approx(points[:, 0].max()) and y + h == pytest.approx(points[:, 1].max())
            assert annotation["area"] > 0 and annotation["category_id"] == 0 and annotation["iscrowd"] == 0
    # Images sit beside the annotation file, as hard links of the dataset's own files.
    name = f"{image_stem('train', 0)}.jpg"
    source, copy = dataset / "images" / "train" / name, layout.root / "train" / name
    assert copy.read_bytes() == source.read_bytes() and os.stat(copy).st_ino == os.stat(source).st_ino
    assert "train: 5 images" in layout.describe("RF-DETR") and "(converted)" in layout.describe("RF-DETR")


def test_the_cached_copy_is_reused_until_the_dataset_changes(dataset: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "d1"
    first = coco_layout_for(dataset, cache)
    written = (cache / "train" / ANNOTATIONS).stat().st_mtime_ns
    again = coco_layout_for(dataset, cache)
    assert again.reused and again.annotations == first.annotations
    assert (cache / "train" / ANNOTATIONS).stat().st_mtime_ns == written  # not rewritten

    # A label gains a crack: the fingerprint changes and the copy is rebuilt with it.
    label = dataset / "labels" / "val" / f"{image_stem('val', 0)}.txt"
    label.write_text(label.read_text() + "0 0.1 0.1 0.5 0.1 0.5 0.3\n", encoding="utf-8")
    changed = coco_layout_for(dataset, cache)
    assert not changed.reused and changed.annotations["valid"] == first.annotations["valid"] + 1
    assert not list(cache.parent.glob(".d1.building-*"))  # the temporary build folder is gone

    # A removed image is noticed too.
    (dataset / "images" / "test" / f"{image_stem('test', 1)}.jpg").unlink()
    assert coco_layout_for(dataset, cache).images["test"] == 1


def test_the_dataset_is_never_changed(dataset: Path, tmp_path: Path) -> None:
    before = snapshot(dataset)
    coco_layout_for(dataset, tmp_path / "cache" / "d1")
    coco_layout_for(dataset, tmp_path / "cache" / "d1")
    assert snapshot(dataset) == before
    with pytest.raises(ValueError, match="outside the dataset"):
        coco_layout_for(dataset, dataset / "coco-copy")
    assert snapshot(dataset) == before


def test_an_empty_test_split_is_left_out_and_train_val_are_required(tmp_path: Path) -> None:
    root = tmp_path / "d2"
    generate_dataset(root, SyntheticSpec(seed=1, train=2, val=1, test=0, image_size=64))
    layout = coco_layout_for(root, tmp_path / "cache" / "d2")
    assert list(layout.images) == ["train", "valid"] and not (layout.root / "test").exists()
    shutil.rmtree(root / "images" / "val")
    with pytest.raises(DatasetFormatError, match="needs a val split"):
        coco_layout_for(root, tmp_path / "cache" / "d2")


def test_label_lines_polygons_boxes_and_refusals() -> None:
    assert label_line_polygon("0 0.1 0.2 0.5 0.2 0.5 0.6", 100, 50, 1) == (
        0,
        [10.0, 10.0, 50.0, 10.0, 50.0, 30.0],
    )
    box = label_line_polygon("1 0.5 0.5 0.2 0.4", 100, 100, 2)
    assert box == (1, [40.0, 30.0, 60.0, 30.0, 60.0, 70.0, 40.0, 70.0])
    clipped = label_line_polygon("0 -0.1 0.0 1.2 0.0 1.0 1.0", 10, 10, 1)
    assert clipped == (0, [0.0, 0.0, 10.0, 0.0, 10.0, 10.0])
    assert label_line_polygon("3 0.1 0.1 0.2 0.2 0.3 0.3", 10, 10, 2) is None  # unknown class
    assert label_line_polygon("0 0.1 0.1 0.2", 10, 10, 1) is None  # too short
    assert label_line_polygon("0 a b c d e f", 10, 10, 1) is None
    assert label_line_polygon("0 0.1 0.1 0.2 0.2 0.3", 10, 10, 1) is None  # odd coordinate count


def test_unreadable_label_lines_are_counted(dataset: Path, tmp_path: Path) -> None:
    label = dataset / "labels" / "train" / f"{image_stem('train', 1)}.txt"
    label.write_text(label.read_text() + "7 0.1 0.1 0.2 0.2 0.3 0.3\nnonsense\n", encoding="utf-8")
    layout = coco_layout_for(dataset, tmp_path / "cache" / "d1")
    assert layout.skipped_lines == 2 and layout.notes == ["2 label lines could not be read and were left out"]
    assert json.loads((layout.root / FINGERPRINT_FILE).read_text())["skipped_lines"] == 2


def _roboflow_export(root: Path) -> None:
    """A Roboflow-style COCO export: parent category 0, classes from 1, `valid` folder."""
    generate_dataset(root / "yolo", SyntheticSpec(seed=4, train=3, val=2, test=0, image_size=64))
    for split, folder in (("train", "train"), ("val", "valid")):
        (root / folder).mkdir(parents=True)
        images, annotations = [], []
        for index, image in enumerate(sorted((root / "yolo" / "images" / split).glob("*.jpg")), start=1):
            shutil.copy(image, root / folder / image.name)
            images.append({"id": index, "file_name": image.name, "width": 64, "height": 64})
            label = root / "yolo" / "labels" / split / f"{image.stem}.txt"
            for line in label.read_text().splitlines():
                values = [float(v) * 64 for v in line.split()[1:]]
                xs, ys = values[0::2], values[1::2]
                annotations.append(
                    {
                        "id": len(annotations) + 1,
                        "image_id": index,
                        "category_id": 1,
                        "segmentation": [values],
                        "bbox": [min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)],
                        "area": 10.0,
                        "iscrowd": 0,
                    }
                )
        categories = [
            {"id": 0, "name": "cracks-ab12", "supercategory": "none"},
            {"id": 1, "name": "crack", "supercategory": "cracks-ab12"},
        ]
        document = {"images": images, "annotations": annotations, "categories": categories}
        (root / folder / ANNOTATIONS).write_text(json.dumps(document), encoding="utf-8")
    shutil.rmtree(root / "yolo")


def test_a_roboflow_coco_export_is_used_as_it_is(tmp_path: Path) -> None:
    source = tmp_path / "export"
    _roboflow_export(source)
    originals = {folder: (source / folder / ANNOTATIONS).read_bytes() for folder in ("train", "valid")}
    stored = tmp_path / "datasets" / "rf"
    normalised = normalise_coco(source, [f"train/{ANNOTATIONS}", f"valid/{ANNOTATIONS}"], stored)
    assert normalised.class_names == ["crack"]

    layout = coco_layout_for(stored, tmp_path / "cache" / "rf")
    assert layout.sources == {"train": "coco export", "valid": "coco export"}
    assert layout.class_names == ["crack"]
    for folder, original in originals.items():
        assert (layout.root / folder / ANNOTATIONS).read_bytes() == original  # unchanged, not converted
    names = [image["file_name"] for image in load(layout.root, "train")["images"]]
    assert all((layout.root / "train" / name).is_file() for name in names)


def test_runs_starting_together_take_turns_and_a_killed_build_is_cleaned(
    dataset: Path, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    cache = tmp_path / "cache" / "d1"
    leftover = cache.parent / ".d1.building-dead1234"
    (leftover / "train").mkdir(parents=True)  # what a build killed halfway leaves behind
    with ThreadPoolExecutor(max_workers=3) as pool:
        layouts = list(pool.map(lambda _: coco_layout_for(dataset, cache), range(3)))
    assert sorted(layout.reused for layout in layouts) == [False, True, True]  # built once
    assert not leftover.exists()
    assert {layout.annotations["train"] for layout in layouts} == {layouts[0].annotations["train"]}
