"""One plugin per model family: a toy family registered here is served everywhere the API describes
families (architectures, form fields and limits, weights, export formats, defaults), its rules apply to
requests, and unregistering it restores the lists. The registry imports no ML library."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.core.families.config import TrainingConfig
from app.core.families.registry import families, get_family, registered
from app.core.prediction.cache import ModelSpec, load_predictor
from tests.fakes.toy_family import TOY, ToyTrainer, toy_family
from tests.helpers.fake_predictors import DarkPixelPredictor
from tests.helpers.training import add_dataset, tiny_config

BACKEND = Path(__file__).resolve().parents[2]
TRAINING = "/api/v1/training"


@pytest.fixture
def toy(tmp_path: Path) -> Iterator[Any]:
    with registered(toy_family(tmp_path)) as family:
        yield family


def _family(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(f for f in body["families"] if f["name"] == name)


def test_toy_family_is_served_with_its_architectures_and_metadata(client: TestClient, toy: Any) -> None:
    body = client.get(f"{TRAINING}/architectures").json()
    items = {a["name"]: a for a in body["items"] if a["framework"] == TOY}
    assert list(items) == ["toy-tiny", "toy-big"]
    tiny = items["toy-tiny"]
    assert (tiny["family_label"], tiny["size_label"], tiny["image_multiple"]) == ("ToyNet", "tiny", 16)
    assert (tiny["weights_file"], tiny["official_weights_available"]) == ("toy-tiny.toy", False)
    family = _family(body, TOY)
    assert family["label"] == "Toy Net" and family["version"] is None
    assert family["weights_suffixes"] == [".toy", ".pt"]
    assert family["official_weights"] == "cache_or_scratch"
    assert family["fields"] == [
        "model_arch",
        "pretrained",
        "weights",
        "image_size",
        "epochs",
        "batch_size",
        "device",
        "seed",
    ]
    assert family["field_limits"] == {"batch_size": {"minimum": None, "maximum": 8.0, "multiple_of": None}}
    assert family["defaults"] == {"batch_size": 2, "epochs": 7}
    assert family["export_formats"] == ["onnx"]
    assert family["export_options"]["onnx"] == {
        "dynamic": False,
        "simplify": False,
        "opset": True,
        "half": False,
        "fixed_size": True,
    }
    assert (family["model_file"], family["resume_file"], family["multi_gpu"]) == (
        "best.toy",
        "last.toy",
        False,
    )
    assert family["augmentation_note"] == "Toy Net does not augment."


def test_toy_family_in_defaults_and_export_formats(client: TestClient, toy: Any) -> None:
    defaults = client.get(f"{TRAINING}/defaults").json()
    assert _family(defaults, TOY)["own_weights_help"] == "A .toy file under models/ or uploads/."
    assert defaults["framework_defaults"][TOY] == {"batch_size": 2, "epochs": 7}
    assert defaults["framework_fields"][TOY][-1] == "seed"
    formats = {f["name"]: f for f in client.get("/api/v1/models/export-formats").json()["formats"]}
    assert TOY in formats["onnx"]["frameworks"] and TOY not in formats["torchscript"]["frameworks"]
    assert formats["onnx"]["framework_options"][TOY]["opset"] is True


def test_toy_family_rules_apply_to_requests(client: TestClient, settings: Settings, toy: Any) -> None:
    config = TrainingConfig(model_arch="toy-tiny")
    assert (config.batch_size, config.epochs, config.image_size) == (2, 7, 128)  # its defaults and size
    dataset_id = add_dataset(settings)
    too_big = client.post(
        f"{TRAINING}/sessions", json=tiny_config(dataset_id, model_arch="toy-tiny", batch_size=9)
    )
    assert too_big.status_code == 422 and "at most 8 for Toy Net" in too_big.text
    not_multiple = client.post(
        f"{TRAINING}/sessions", json=tiny_config(dataset_id, model_arch="toy-tiny", image_size=72)
    )
    assert not_multiple.status_code == 422 and "multiple of 16" in not_multiple.text
    two_gpus = client.post(
        f"{TRAINING}/sessions", json=tiny_config(dataset_id, model_arch="toy-tiny", device="0,1")
    )
    assert two_gpus.status_code == 422 and "Toy Net trains on one GPU" in two_gpus.text


def test_toy_family_plugins_resolve(toy: Any) -> None:
    assert get_family(TOY).trainer_class() is ToyTrainer
    predictor = load_predictor(
        ModelSpec(
            "m", TOY, "segment", "/nowhere.toy", "pytorch", ("crack",), predictor=get_family(TOY).predictor
        )
    )
    assert isinstance(predictor, DarkPixelPredictor)


def test_unregistering_restores_the_lists(client: TestClient, tmp_path: Path) -> None:
    before = client.get(f"{TRAINING}/architectures").json()
    with registered(toy_family(tmp_path)):
        during = client.get(f"{TRAINING}/architectures").json()
        assert len(during["items"]) == len(before["items"]) + 2
    after = client.get(f"{TRAINING}/architectures").json()
    assert after == before
    assert TOY not in [f.name for f in families()]
    invalid = client.post(f"{TRAINING}/sessions", json={"dataset_id": "x", "model_arch": "toy-tiny"})
    assert invalid.status_code == 422 and "unknown architecture" in invalid.text


def test_registry_imports_no_ml_library() -> None:
    code = (
        "import sys\n"
        "import app.core.families.registry, app.core.export.formats, app.core.training.config\n"
        "from app.core.families.registry import families\n"
        "[f.version() for f in families()]\n"
        "heavy = sorted(m for m in ('torch', 'ultralytics', 'rfdetr', 'cv2', 'onnx') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BACKEND, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"
