"""Training configuration, the architecture catalogue, metric mapping and checkpoint retention."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest
import yaml
from pydantic import ValidationError

from app.config import Settings
from app.core.families.config import TrainingConfig
from app.core.families.registry import architecture_names, load_catalogue
from app.core.families.ultralytics.args import nominal_batch_size, ultralytics_train_args
from app.core.training import events
from app.core.training.config import AUGMENTATION_PRESETS, AugmentationLevel, resolve_device
from app.db.session import session_scope
from app.db.tables import Checkpoint, Dataset
from app.repositories.training import checkpoints_to_prune

BACKEND = Path(__file__).resolve().parents[2]


def _errors(**values: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        TrainingConfig(**values)
    return {".".join(str(p) for p in e["loc"]): e["msg"] for e in info.value.errors()}


def test_defaults_follow_the_seed_plan() -> None:
    config = TrainingConfig()
    assert (config.epochs, config.batch_size, config.learning_rate, config.lr_factor) == (100, 16, 0.01, 0.01)
    assert (config.momentum, config.weight_decay, config.optimizer.value) == (0.937, 0.0005, "SGD")
    assert (config.cosine_lr, config.warmup_epochs, config.warmup_momentum) == (True, 3.0, 0.8)
    assert (config.patience, config.close_mosaic, config.save_period, config.seed) == (50, 10, 10, 42)
    assert (config.box_gain, config.cls_gain, config.dfl_gain, config.iou_threshold) == (7.5, 0.5, 1.5, 0.7)
    assert config.augmentation_level is AugmentationLevel.MEDIUM
    assert config.image_size == 640 and config.pretrained and config.model_arch == "yolov8n-seg"


def test_each_invalid_field_gets_its_own_message() -> None:
    errors = _errors(
        epochs=0,
        batch_size=500,
        learning_rate=1.0,
        image_size=100,
        device="gpu0",
        model_arch="yolov99z-seg",
        optimizer="Lion",
        augmentation_level="extreme",
    )
    assert set(errors) == {
        "epochs",
        "batch_size",
        "learning_rate",
        "image_size",
        "device",
        "model_arch",
        "optimizer",
        "augmentation_level",
    }
    assert "greater than or equal to 1" in errors["epochs"]
    assert "multiple of 32" in errors["image_size"]
    assert "'cpu'" in errors["device"]
    assert "unknown architecture" in errors["model_arch"]


def test_unknown_fields_and_path_escapes_are_rejected() -> None:
    assert "extra_forbidden" not in _errors(lr=0.1)  # message, not the code
    assert set(_errors(lr=0.1)) == {"lr"}
    assert "data directory" in _errors(weights="../../etc/passwd.pt")["weights"]
    assert "data directory" in _errors(weights="/abs/best.pt")["weights"]
    assert TrainingConfig(weights="models/abc/best.pt").weights == "models/abc/best.pt"
    assert TrainingConfig(weights="  ").weights is None


@pytest.mark.parametrize("device", ["auto", "cpu", "0", "0,1", " 0, 1 "])
def test_device_syntax_accepted(device: str) -> None:
    assert TrainingConfig(device=device).device == device.replace(" ", "")


def test_device_resolution_on_cpu_and_gpu_machines() -> None:
    assert resolve_device("auto", 0) == "cpu"
    assert resolve_device("auto", 2) == "0"
    assert resolve_device("0,1", 2) == "0,1"
    with pytest.raises(ValueError, match=r"none is visible"):
        resolve_device("0", 0)
    with pytest.raises(ValueError, match="GPU 3 does not exist"):
        resolve_device("0,3", 2)
    assert "only once" in _errors(device="0,0")["device"]


def test_augmentation_levels_map_to_ultralytics_hyperparameters() -> None:
    none = TrainingConfig(augmentation_level="none").augmentation()
    assert all(value == 0.0 for value in none.values())
    heavy = TrainingConfig(augmentation_level="heavy", mixup=0.0).augmentation()
    assert heavy["flipud"] == 0.5 and heavy["degrees"] > 0 and heavy["mixup"] == 0.0  # override wins
    medium = AUGMENTATION_PRESETS[AugmentationLevel.MEDIUM]
    assert (medium["mosaic"], medium["fliplr"], medium["hsv_s"]) == (1.0, 0.5, 0.7)  # Ultralytics defaults
    assert set(none) == set(heavy)


def test_tiny_datasets_use_the_batch_as_nominal_batch() -> None:
    assert nominal_batch_size(4, 8) == 4  # 2 batches per epoch: otherwise one step every 8 epochs
    assert nominal_batch_size(16, 10_000) == 64


def test_ultralytics_arguments() -> None:
    config = TrainingConfig(
        epochs=3, batch_size=4, image_size=96, patience=0, optimizer="AdamW", augmentation_level="none"
    )
    args = ultralytics_train_args(config, device="cpu", train_images=8)
    assert (args["epochs"], args["batch"], args["imgsz"], args["optimizer"], args["nbs"]) == (
        3,
        4,
        96,
        "AdamW",
        4,
    )
    assert args["patience"] >= 10**6 and args["device"] == "cpu" and args["amp"] is False
    assert args["plots"] is False and args["exist_ok"] is True and args["mosaic"] == 0.0


def test_catalogue_lists_every_family_and_size() -> None:
    catalogue = load_catalogue()
    assert list(catalogue) == architecture_names()
    assert sum(a.framework == "ultralytics" for a in catalogue.values()) == 17
    assert sum(a.framework == "rfdetr" for a in catalogue.values()) == 10
    assert {"yolov8x-seg", "yolov9c-seg", "yolov9e-seg", "yolo11n-seg", "yolo26x-seg"} <= set(catalogue)
    assert catalogue["yolov8n-seg"].parameters == 3_409_968
    assert catalogue["yolov8n-seg"].gflops == pytest.approx(12.1)
    assert catalogue["yolov9c-seg"].gflops == pytest.approx(149.3)
    sizes = [catalogue[f"yolo11{s}-seg"].parameters for s in "nsmlx"]
    assert sizes == sorted(sizes)


@pytest.mark.slow
def test_catalogue_matches_ultralytics(tmp_path: Path) -> None:
    """Recompute two entries with the pinned Ultralytics (in a subprocess: no torch in pytest)."""
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from app.core.training.offline import prepare_ultralytics_env\n"
        "prepare_ultralytics_env(Path(sys.argv[1]))\n"
        "from dataclasses import asdict\n"
        "from app.core.families.ultralytics.catalogue import compute_architecture\n"
        "print(json.dumps([asdict(compute_architecture(n)) for n in ('yolo11n-seg', 'yolo26n-seg')]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=BACKEND, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    computed = json.loads(result.stdout.strip().splitlines()[-1])
    catalogue = load_catalogue()
    for item in computed:
        shipped = catalogue[item["name"]]
        assert (item["parameters"], item["gflops"], item["layers"]) == (
            shipped.parameters,
            shipped.gflops,
            shipped.layers,
        )


def test_ultralytics_metric_names_become_flat_names() -> None:
    raw = {
        "metrics/precision(B)": 0.5,
        "metrics/recall(B)": 0.25,
        "metrics/mAP50(B)": 0.4,
        "metrics/mAP50-95(B)": 0.2,
        "metrics/precision(M)": 0.45,
        "metrics/recall(M)": 0.2,
        "metrics/mAP50(M)": 0.3,
        "metrics/mAP50-95(M)": 0.1,
        "val/box_loss": 1.0,
        "val/seg_loss": 2.0,
        "val/cls_loss": 0.5,
        "val/dfl_loss": float("nan"),
        "fitness": 0.3,
    }
    flat = events.flat_validation_metrics(raw)
    assert flat["box_map50_95"] == 0.2 and flat["mask_map50"] == 0.3 and flat["mask_recall"] == 0.2
    assert flat["val_seg_loss"] == 2.0 and "val_dfl_loss" not in flat and flat["val_loss"] == 3.5
    losses = events.flat_losses("train", {"box_loss": 1.0, "seg_loss": 2.0, "sem_loss": 0.0})
    assert losses == {"train_box_loss": 1.0, "train_seg_loss": 2.0, "train_sem_loss": 0.0, "train_loss": 3.0}
    keys = events.ordered_metric_keys([{**flat, **losses, "zzz": 1.0}])
    assert keys[0] == "train_box_loss" and keys[-2:] == ["train_sem_loss", "zzz"]


def test_retention_keeps_best_and_last_n() -> None:
    rows = [cast(Checkpoint, SimpleNamespace(id=str(e), epoch=e, is_best=e == 2)) for e in range(1, 8)]
    pruned = {row.epoch for row in checkpoints_to_prune(rows, keep_last=3)}
    assert pruned == {1, 3, 4}
    assert {row.epoch for row in checkpoints_to_prune(rows, keep_last=0)} == {1, 3, 4, 5, 6, 7}


def test_out_of_memory_is_recognised_and_explained(tmp_path: Path) -> None:
    from app.core.training.base import TrainingRequest, out_of_memory_error

    request = TrainingRequest(
        session_id="s",
        config=TrainingConfig(batch_size=32, image_size=640),
        data_yaml=tmp_path / "data.yaml",
        run_dir=tmp_path,
        device="0",
        train_images=10,
        class_names=["crack"],
    )
    error = out_of_memory_error(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB"), request)
    assert error is not None
    assert str(error).startswith("CUDA out of memory") and "smaller batch size (e.g. 16)" in str(error)
    assert out_of_memory_error(RuntimeError("shape mismatch"), request) is None
    host = out_of_memory_error(MemoryError(), TrainingRequest(**{**request.__dict__, "device": "cpu"}))
    assert host is not None and str(host).startswith("Host out of memory")

    from app.core.training.base import TrainingError, TrainingStopRequested, out_of_memory_as_training_error

    with (
        pytest.raises(TrainingError, match="smaller batch size") as raised,
        out_of_memory_as_training_error(request),
    ):
        raise RuntimeError("CUDA out of memory")
    assert isinstance(raised.value.__cause__, RuntimeError)
    for other in (RuntimeError("shape mismatch"), TrainingStopRequested()):
        with pytest.raises(type(other)), out_of_memory_as_training_error(request):
            raise other


def test_run_data_yaml_resolves_roboflow_paths_and_refuses_escapes(sqlite_settings: Settings) -> None:
    from app.domain.errors import Unprocessable
    from app.services.training.resolution import resolve_dataset, write_run_data_yaml

    root = sqlite_settings.datasets_dir / "rf"
    for split in ("train", "valid"):
        (root / split / "images").mkdir(parents=True)
        (root / split / "images" / "a.jpg").write_bytes(b"x")
    (root / "data.yaml").write_text("train: ../train/images\nval: ../valid/images\nnames: {0: crack}\n")
    with session_scope(sqlite_settings.resolved_database_url) as db:
        db.add(Dataset(id="d" * 32, name="rf", source="upload", status="ready", path="rf"))
    with session_scope(sqlite_settings.resolved_database_url) as db:
        dataset = resolve_dataset(sqlite_settings, db, "d" * 32)
    assert dataset.class_names == ["crack"] and dataset.train_images == 1
    written = yaml.safe_load(write_run_data_yaml(dataset, sqlite_settings.runs_dir / "s").read_text())
    assert written["train"] == str((root / "train" / "images").resolve()) and written["nc"] == 1
    assert Path(written["path"]).is_absolute()

    (root / "data.yaml").write_text("train: ../../../etc\nval: ../valid/images\nnames: [crack]\n")
    with (
        session_scope(sqlite_settings.resolved_database_url) as db,
        pytest.raises(Unprocessable, match="outside"),
    ):
        resolve_dataset(sqlite_settings, db, "d" * 32)


def test_a_truncated_last_checkpoint_falls_back_to_the_newest_complete_epoch_copy(tmp_path: Path) -> None:
    """A kill while Ultralytics rewrites last.pt in place leaves it cut short; resume must not pick it."""
    import zipfile

    from app.core.families.ultralytics.layout import weights_dir
    from app.core.families.ultralytics.trainer import UltralyticsTrainer

    folder = weights_dir(tmp_path)
    folder.mkdir(parents=True)

    def checkpoint(name: str) -> Path:
        with zipfile.ZipFile(folder / name, "w") as archive:  # torch.save writes a zip archive
            archive.writestr("archive/data.pkl", b"x" * 4096)
        return folder / name

    assert UltralyticsTrainer.last_checkpoint(tmp_path) is None
    checkpoint("epoch_0001.pt")
    newest_copy = checkpoint("epoch_0002.pt")
    last = checkpoint("last.pt")
    assert UltralyticsTrainer.last_checkpoint(tmp_path) == last
    last.write_bytes(last.read_bytes()[:1000])  # cut short mid-write
    assert UltralyticsTrainer.last_checkpoint(tmp_path) == newest_copy
