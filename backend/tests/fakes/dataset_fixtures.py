"""Fixtures of the dataset tests (loaded with `pytest_plugins = ["tests.fakes.dataset_fixtures"]`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.fakes.dataset_helpers import GOOD_KEY
from tests.fakes.dataset_zips import coco_zip, make_small_dataset, wrapped_zip, yolo_zip
from tests.fakes.roboflow_server import FakeRoboflowServer


@pytest.fixture(scope="session")
def small_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 synthetic 64 px images (8/2/2), Ultralytics layout, an absolute `path:` (like the demo)."""
    return make_small_dataset(tmp_path_factory.mktemp("synthetic") / "dataset")


@pytest.fixture(scope="session")
def dataset_zips(small_dataset: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("zips")
    zips = {
        "ultralytics": yolo_zip(small_dataset, folder / "ultralytics.zip", "ultralytics"),
        "roboflow": yolo_zip(small_dataset, folder / "roboflow.zip", "roboflow"),
        "coco": coco_zip(small_dataset, folder / "coco.zip"),
    }
    zips["wrapped"] = wrapped_zip(zips["roboflow"], folder / "wrapped.zip")
    return zips


@pytest.fixture(scope="session")
def fake_roboflow_server() -> Iterator[FakeRoboflowServer]:
    """One server per test session: the roboflow client binds its base URL at import."""
    server = FakeRoboflowServer().start()
    yield server
    server.stop()


@pytest.fixture
def fake_roboflow(
    fake_roboflow_server: FakeRoboflowServer, dataset_zips: dict[str, Path]
) -> FakeRoboflowServer:
    """A fresh fake: key GOOD_KEY, project `cracks` version 1 with yolov8/yolov11/coco-segmentation."""
    fake_roboflow_server.reset()
    fake_roboflow_server.state.api_keys.add(GOOD_KEY)
    fake_roboflow_server.add_version(
        "cracks",
        1,
        {
            "yolov8": dataset_zips["roboflow"].read_bytes(),
            "yolov11": dataset_zips["roboflow"].read_bytes(),
            "coco-segmentation": dataset_zips["coco"].read_bytes(),
        },
    )
    return fake_roboflow_server


@pytest.fixture
def rf_settings(settings: Settings, fake_roboflow: FakeRoboflowServer) -> Settings:
    settings.roboflow_api_url = fake_roboflow.url
    return settings


@pytest.fixture
def rf_client(rf_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(rf_settings)) as client:
        yield client
