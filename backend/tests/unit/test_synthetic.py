"""Tests of the deterministic synthetic crack data set generator (app.data.synthetic)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import yaml

from app.data.synthetic import (
    SPLITS,
    GeneratedDataset,
    SyntheticSpec,
    generate_dataset,
    image_stem,
    render_crack_image,
    render_sample,
    write_yolo_zip,
)

SPEC = SyntheticSpec()  # the defaults: 16/4/4 images at 320 px, 20 % crack-free
SMALL_SPEC = SyntheticSpec(seed=7, train=4, val=2, test=2, image_size=128)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> GeneratedDataset:
    return generate_dataset(tmp_path_factory.mktemp("synthetic") / "default", SPEC)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _without_path_key(data_yaml: bytes) -> dict[str, object]:
    content = yaml.safe_load(data_yaml)
    assert Path(content.pop("path")).is_absolute()
    return dict(content)


def _label_lines(dataset: GeneratedDataset, split: str, index: int) -> list[str]:
    text = (dataset.root / "labels" / split / f"{image_stem(split, index)}.txt").read_text(encoding="utf-8")
    return text.splitlines()


def _rasterise(line: str, width: int, height: int) -> np.ndarray:
    values = np.array(line.split()[1:], dtype=np.float64).reshape(-1, 2)
    points = np.rint(values * np.array([width, height])).astype(np.int32)
    canvas = np.zeros((height, width), np.uint8)
    cv2.fillPoly(canvas, [points], 1)
    return canvas.astype(bool)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.count_nonzero(a | b)
    return np.count_nonzero(a & b) / union if union else 1.0


def _read_gray(path: Path) -> np.ndarray:
    stored = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert stored is not None, path
    return stored.astype(np.float64)


def _read_rgb(path: Path) -> np.ndarray:
    stored = cv2.imread(str(path), cv2.IMREAD_COLOR)
    assert stored is not None, path
    return cv2.cvtColor(stored, cv2.COLOR_BGR2RGB)


def _all_indices(spec: SyntheticSpec) -> list[tuple[str, int]]:
    return [(split, index) for split in SPLITS for index in range(spec.split_count(split))]


# --------------------------------------------------------------------------------------------------
# Layout, counts, determinism
# --------------------------------------------------------------------------------------------------


def test_layout_and_counts_match_the_spec(dataset: GeneratedDataset) -> None:
    content = yaml.safe_load(dataset.data_yaml.read_text(encoding="utf-8"))
    assert list(content) == ["path", "train", "val", "test", "nc", "names"]
    assert content["path"] == str(dataset.root)
    assert content["train"] == "images/train" and content["val"] == "images/val"
    assert content["test"] == "images/test"
    assert content["nc"] == 1 and content["names"] == ["crack"]
    for split in SPLITS:
        images = sorted((dataset.root / "images" / split).iterdir())
        labels = sorted((dataset.root / "labels" / split).iterdir())
        assert len(images) == len(labels) == SPEC.split_count(split) == dataset.images[split]
        assert [p.stem for p in images] == [p.stem for p in labels]
        assert all(p.suffix == ".jpg" for p in images)
        lines = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in labels)
        assert lines == dataset.instances[split]
    assert dataset.total_images == 24
    assert dataset.total_instances > dataset.total_images - sum(dataset.crack_free_images.values())


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path: Path) -> None:
    first = _files(generate_dataset(tmp_path / "a", SMALL_SPEC).root)
    second = _files(generate_dataset(tmp_path / "b", SMALL_SPEC).root)
    assert first.keys() == second.keys()
    assert _without_path_key(first.pop("data.yaml")) == _without_path_key(second.pop("data.yaml"))
    assert first == second

    other = _files(generate_dataset(tmp_path / "c", replace(SMALL_SPEC, seed=8)).root)
    images = [name for name in first if name.startswith("images/")]
    assert len(images) == SMALL_SPEC.total_images
    assert all(first[name] != other[name] for name in images)


def test_a_split_does_not_depend_on_the_size_of_the_others(tmp_path: Path) -> None:
    smaller = replace(SMALL_SPEC, train=2)
    base = _files(generate_dataset(tmp_path / "a", SMALL_SPEC).root)
    other = _files(generate_dataset(tmp_path / "b", smaller).root)
    for name in base:
        if name.startswith(("images/val/", "labels/val/")):
            assert base[name] == other[name]


def test_generate_refuses_to_mix_with_an_existing_dataset(tmp_path: Path) -> None:
    generate_dataset(tmp_path / "ds", SMALL_SPEC)
    with pytest.raises(FileExistsError):
        generate_dataset(tmp_path / "ds", SMALL_SPEC)


def test_png_images_are_exactly_the_rendered_pixels(tmp_path: Path) -> None:
    spec = SyntheticSpec(seed=3, train=2, val=1, test=1, width=160, height=96, image_format="png")
    dataset = generate_dataset(tmp_path / "png", spec)
    for split, index in _all_indices(spec):
        stored = _read_rgb(dataset.root / "images" / split / f"{image_stem(split, index)}.png")
        assert stored.shape == (96, 160, 3)
        assert np.array_equal(stored, render_sample(spec, split, index).image)


# --------------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------------


def test_crack_free_fraction_gives_empty_label_files(dataset: GeneratedDataset) -> None:
    for split in SPLITS:
        labels = sorted((dataset.root / "labels" / split).iterdir())
        empty = [p for p in labels if p.read_bytes() == b""]
        assert len(empty) == SPEC.crack_free_count(split) == dataset.crack_free_images[split]
        for label in labels:
            if label not in empty:
                assert 1 <= len(label.read_text(encoding="utf-8").splitlines()) <= SPEC.max_cracks_per_image
    assert sum(dataset.crack_free_images.values()) == 3 + 1 + 1  # round(16 * 0.2), round(4 * 0.2) twice


@pytest.mark.parametrize(("fraction", "expected_empty"), [(0.0, 0), (1.0, 3), (0.5, 2)])
def test_crack_free_fraction_extremes(tmp_path: Path, fraction: float, expected_empty: int) -> None:
    spec = SyntheticSpec(seed=1, train=3, val=0, test=0, image_size=64, crack_free_fraction=fraction)
    dataset = generate_dataset(tmp_path / "ds", spec)
    empty = [p for p in (dataset.root / "labels" / "train").iterdir() if p.read_bytes() == b""]
    assert len(empty) == expected_empty == dataset.crack_free_images["train"]


def test_every_label_line_is_a_valid_normalised_polygon(dataset: GeneratedDataset) -> None:
    n_lines = 0
    for label in sorted((dataset.root / "labels").rglob("*.txt")):
        for line in label.read_text(encoding="utf-8").splitlines():
            tokens = line.split()
            assert tokens[0].isdigit() and 0 <= int(tokens[0]) < len(SPEC.class_names)
            coords = [float(value) for value in tokens[1:]]
            assert len(coords) % 2 == 0 and len(coords) >= 6
            assert all(0.0 <= value <= 1.0 for value in coords)
            n_lines += 1
    assert n_lines == dataset.total_instances


def test_polygons_cover_the_true_crack_masks(dataset: GeneratedDataset) -> None:
    width, height = SPEC.image_width, SPEC.image_height
    for split, index in _all_indices(SPEC):
        sample = render_sample(SPEC, split, index)
        lines = _label_lines(dataset, split, index)
        assert len(lines) == len(sample.masks)
        if not lines:
            continue
        drawn = [_rasterise(line, width, height) for line in lines]
        for polygon_mask, true_mask in zip(drawn, sample.masks, strict=True):
            assert _iou(polygon_mask, true_mask) > 0.8
        assert _iou(np.logical_or.reduce(drawn), np.logical_or.reduce(sample.masks)) > 0.8


def test_crack_pixels_are_darker_than_the_background(dataset: GeneratedDataset) -> None:
    checked = 0
    for split, index in _all_indices(SPEC):
        sample = render_sample(SPEC, split, index)
        if not sample.masks:
            continue
        gray = _read_gray(dataset.root / "images" / split / f"{image_stem(split, index)}.jpg")
        crack = np.logical_or.reduce(sample.masks)
        assert gray[crack].mean() < gray[~crack].mean() - 30
        checked += 1
    assert checked == SPEC.total_images - 5


def test_multiple_class_names_use_every_class_id_in_range(tmp_path: Path) -> None:
    spec = SyntheticSpec(seed=2, train=8, val=1, test=1, image_size=96, class_names=("crack", "spall"))
    dataset = generate_dataset(tmp_path / "ds", spec)
    ids = {
        int(line.split()[0])
        for label in (dataset.root / "labels").rglob("*.txt")
        for line in label.read_text(encoding="utf-8").splitlines()
    }
    assert ids == {0, 1}
    assert yaml.safe_load(dataset.data_yaml.read_text(encoding="utf-8"))["names"] == ["crack", "spall"]


# --------------------------------------------------------------------------------------------------
# Building blocks and validation
# --------------------------------------------------------------------------------------------------


def test_render_crack_image_returns_rgb_image_and_one_mask_per_crack() -> None:
    image, masks = render_crack_image(
        np.random.default_rng(5), 200, 120, n_cracks=3, min_width=3, max_width=6
    )
    assert image.shape == (120, 200, 3) and image.dtype == np.uint8
    assert len(masks) == 3
    for mask in masks:
        assert mask.shape == (120, 200) and mask.dtype == np.bool_
        assert np.count_nonzero(mask) >= 3 * 3**2
        n_components, _ = cv2.connectedComponents(mask.astype(np.uint8), connectivity=8)
        assert n_components == 2  # background + one crack
    image_again, _ = render_crack_image(
        np.random.default_rng(5), 200, 120, n_cracks=3, min_width=3, max_width=6
    )
    assert np.array_equal(image, image_again)


@pytest.mark.parametrize(
    "overrides",
    [
        {"seed": -1},
        {"train": -1},
        {"val": 100_001},
        {"image_size": 16},
        {"width": 5000},
        {"crack_free_fraction": 1.5},
        {"max_cracks_per_image": 0},
        {"min_width": 0},
        {"min_width": 6, "max_width": 4},
        {"class_names": ()},
        {"class_names": ("crack", "crack")},
        {"class_names": ("bad\nname",)},
        {"image_format": "gif"},
        {"train": True},
    ],
)
def test_spec_rejects_invalid_values(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SyntheticSpec(**overrides)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Zip export
# --------------------------------------------------------------------------------------------------


def test_write_yolo_zip_ultralytics_layout(dataset: GeneratedDataset, tmp_path: Path) -> None:
    zip_path = write_yolo_zip(dataset.root, tmp_path / "ds.zip", layout="ultralytics")
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        content = yaml.safe_load(archive.read("data.yaml"))
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert content == {
        "train": "images/train",
        "val": "images/val",
        "test": "images/test",
        "nc": 1,
        "names": ["crack"],
    }
    for split in SPLITS:
        assert f"images/{split}/" in names and f"labels/{split}/" in names
        assert f"images/{split}/{image_stem(split, 0)}.jpg" in names
        assert f"labels/{split}/{image_stem(split, 0)}.txt" in names
    assert sum(name.endswith(".jpg") for name in names) == dataset.total_images
    assert sum(name.endswith(".txt") for name in names) == dataset.total_images
    again = write_yolo_zip(dataset.root, tmp_path / "again.zip", layout="ultralytics")
    assert again.read_bytes() == zip_path.read_bytes()


def test_write_yolo_zip_roboflow_layout(dataset: GeneratedDataset, tmp_path: Path) -> None:
    zip_path = write_yolo_zip(dataset.root, tmp_path / "rf.zip", layout="roboflow")
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        content = yaml.safe_load(archive.read("data.yaml"))
        label = archive.read(f"valid/labels/{image_stem('val', 0)}.txt")
    assert content == {
        "train": "../train/images",
        "val": "../valid/images",
        "test": "../test/images",
        "nc": 1,
        "names": ["crack"],
    }
    for folder in ("train", "valid", "test"):
        assert f"{folder}/images/" in names and f"{folder}/labels/" in names
    assert not any(name.startswith(("images/", "labels/", "val/")) for name in names)
    assert sum(name.startswith("valid/images/") and name.endswith(".jpg") for name in names) == SPEC.val
    assert label == (dataset.root / "labels" / "val" / f"{image_stem('val', 0)}.txt").read_bytes()
    again = write_yolo_zip(dataset.root, tmp_path / "again.zip", layout="roboflow")
    assert again.read_bytes() == zip_path.read_bytes()


def test_write_yolo_zip_rejects_unknown_layout(dataset: GeneratedDataset, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_yolo_zip(dataset.root, tmp_path / "x.zip", layout="coco")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Ultralytics accepts the data set (in a subprocess: ultralytics never lands in this test process)
# --------------------------------------------------------------------------------------------------

_ULTRALYTICS_CHECK = textwrap.dedent(
    """
    import json, shutil, sys
    from pathlib import Path

    import matplotlib
    from ultralytics.utils import USER_CONFIG_DIR

    # check_det_dataset looks for Arial.ttf and would otherwise probe the internet for it.
    shutil.copy(Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf", USER_CONFIG_DIR / "Arial.ttf")
    from ultralytics.data.utils import check_det_dataset, img2label_paths, verify_image_label

    report = []
    for data_yaml in sys.argv[1:]:
        data = check_det_dataset(data_yaml, autodownload=False)
        splits = {}
        for split in ("train", "val", "test"):
            images = sorted(str(p) for p in Path(data[split]).iterdir())
            results = [
                verify_image_label((im, lb, "", False, data["nc"], 0, 0, False))
                for im, lb in zip(images, img2label_paths(images))
            ]
            splits[split] = {
                "images": len(images),
                "found": sum(r[6] for r in results),
                "empty": sum(r[7] for r in results),
                "corrupt": sum(r[8] for r in results),
                "segments": sum(len(r[3]) for r in results),
            }
        report.append({"nc": data["nc"], "names": data["names"], "splits": splits})
    print(json.dumps(report))
    """
)


def test_ultralytics_accepts_the_dataset_and_both_zip_layouts(
    dataset: GeneratedDataset, tmp_path: Path
) -> None:
    yamls = [dataset.data_yaml]
    for layout in ("ultralytics", "roboflow"):
        extracted = tmp_path / layout
        with zipfile.ZipFile(
            write_yolo_zip(dataset.root, tmp_path / f"{layout}.zip", layout=layout)
        ) as archive:
            archive.extractall(extracted)
        yamls.append(extracted / "data.yaml")
    env = {
        **os.environ,
        "YOLO_OFFLINE": "1",
        "YOLO_CONFIG_DIR": str(tmp_path / "yolo-config"),
        "YOLO_AUTOINSTALL": "False",
        "YOLO_VERBOSE": "False",
        "MPLCONFIGDIR": str(tmp_path / "mpl-config"),
    }
    completed = subprocess.run(
        [sys.executable, "-c", _ULTRALYTICS_CHECK, *map(str, yamls)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert len(report) == 3
    for entry in report:
        assert entry["nc"] == 1 and entry["names"] == {"0": "crack"}
        for split in SPLITS:
            counts = entry["splits"][split]
            assert counts["images"] == counts["found"] == SPEC.split_count(split)
            assert counts["corrupt"] == 0
            assert counts["empty"] == dataset.crack_free_images[split]
            assert counts["segments"] == dataset.instances[split]


# --------------------------------------------------------------------------------------------------
# Scene variety: asphalt and unlabelled distractors
# --------------------------------------------------------------------------------------------------


def test_distractors_and_asphalt_change_the_pixels_but_never_the_labels() -> None:
    plain = SyntheticSpec(seed=3, train=8, val=0, test=0, image_size=128)
    varied = replace(plain, asphalt_fraction=1.0, max_distractors=3)
    changed = 0
    for index in range(plain.train):
        a, b = render_sample(plain, "train", index), render_sample(varied, "train", index)
        assert len(a.masks) == len(b.masks)
        for mask_a, mask_b, poly_a, poly_b in zip(a.masks, b.masks, a.polygons, b.polygons, strict=True):
            assert np.array_equal(mask_a, mask_b) and np.array_equal(poly_a, poly_b)
        changed += int(not np.array_equal(a.image, b.image))
    assert changed == plain.train  # every image is on asphalt now


def test_asphalt_is_darker_than_concrete() -> None:
    concrete = SyntheticSpec(seed=4, train=6, val=0, test=0, image_size=96, crack_free_fraction=1.0)
    asphalt = replace(concrete, asphalt_fraction=1.0)
    mean = lambda spec: np.mean([render_sample(spec, "train", i).image.mean() for i in range(6)])  # noqa: E731
    assert mean(asphalt) < mean(concrete) - 20


@pytest.mark.parametrize(
    "overrides", [{"asphalt_fraction": 1.5}, {"max_distractors": -1}, {"max_distractors": 9}]
)
def test_scene_options_are_validated(overrides: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        SyntheticSpec(**overrides)  # type: ignore[arg-type]


def test_light_cracks_are_lighter_than_the_surface_with_the_same_masks() -> None:
    dark = SyntheticSpec(seed=5, train=4, val=0, test=0, image_size=128, crack_free_fraction=0.0)
    light = replace(dark, light_cracks=True)
    for index in range(dark.train):
        a, b = render_sample(dark, "train", index), render_sample(light, "train", index)
        assert all(np.array_equal(m, n) for m, n in zip(a.masks, b.masks, strict=True))
        inside = np.logical_or.reduce(b.masks)
        gray = b.image.mean(axis=2)
        assert gray[inside].mean() > gray[~inside].mean() + 10
