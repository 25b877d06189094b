"""RF-DETR in the API without training: catalogue, defaults, resolution rule, starting weights, metric
mapping and what the models area lets an RF-DETR model be exported to.

test_rfdetr_training.py trains, stops, resumes, predicts and exports a real RF-DETR model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.core.families.config import TrainingConfig
from app.core.families.rfdetr.args import rfdetr_train_args
from app.core.families.rfdetr.trainer import RFDETRTrainer, flat_metrics
from app.db.session import session_scope
from app.db.tables import Model
from app.services.training.resolution import resolve_start_weights
from tests.helpers.training import add_dataset, tiny_config

API = "/api/v1/training"
RFDETR_SIZES = {
    "rfdetr-nano": ("detect", 32),
    "rfdetr-small": ("detect", 32),
    "rfdetr-medium": ("detect", 32),
    "rfdetr-large": ("detect", 32),
    "rfdetr-seg-nano": ("segment", 12),
    "rfdetr-seg-small": ("segment", 24),
    "rfdetr-seg-medium": ("segment", 24),
    "rfdetr-seg-large": ("segment", 24),
    "rfdetr-seg-xlarge": ("segment", 24),
    "rfdetr-seg-2xlarge": ("segment", 24),
}


def rfdetr_config(dataset_id: str, **overrides: Any) -> dict[str, Any]:
    return tiny_config(dataset_id, model_arch="rfdetr-seg-nano", image_size=96, **overrides)


def test_catalogue_lists_rfdetr_detection_and_segmentation_with_their_rules(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("RF_HOME", str(tmp_path / "rf-home"))
    (tmp_path / "rf-home").mkdir()
    (tmp_path / "rf-home" / "rf-detr-seg-nano.pt").write_bytes(b"weights")
    body = client.get(f"{API}/architectures").json()
    assert body["rfdetr_version"] == "1.11.2"
    items = {item["name"]: item for item in body["items"] if item["framework"] == "rfdetr"}
    assert set(items) == set(RFDETR_SIZES)
    for name, (task, multiple) in RFDETR_SIZES.items():
        item = items[name]
        assert (item["task"], item["image_multiple"]) == (task, multiple), name
        assert item["default_image_size"] % multiple == 0 and item["parameters"] > 20_000_000
        assert item["family_label"] == ("RF-DETR Seg" if task == "segment" else "RF-DETR")
    assert items["rfdetr-seg-nano"]["weights_file"] == "rf-detr-seg-nano.pt"
    assert items["rfdetr-seg-nano"]["official_weights_available"] is True  # found in $RF_HOME
    assert items["rfdetr-seg-small"]["official_weights_available"] is False

    defaults = client.get(f"{API}/defaults").json()
    assert defaults["rfdetr_weights_dir"] == str(tmp_path / "rf-home")
    assert defaults["framework_defaults"]["rfdetr"]["learning_rate"] == 0.0001
    assert "optimizer" not in defaults["framework_fields"]["rfdetr"]
    assert "image_size" in defaults["framework_fields"]["rfdetr"]


@pytest.mark.parametrize(
    ("arch", "size", "nearest"),
    [
        ("rfdetr-seg-nano", 100, "96 or 108"),
        ("rfdetr-seg-small", 100, "96 or 120"),
        ("rfdetr-nano", 100, "96 or 128"),
        ("rfdetr-seg-large", 2040, "2040"),  # 2040 = 85 x 24: valid
    ],
)
def test_resolution_must_follow_the_models_rule(
    client: TestClient, settings: Settings, arch: str, size: int, nearest: str
) -> None:
    body = tiny_config("x" * 32, model_arch=arch, image_size=size)
    response = client.post(f"{API}/sessions", json=body)
    errors = {e["field"]: e["message"] for e in response.json().get("errors", [])}
    if size % RFDETR_SIZES[arch][1] == 0:
        assert "image_size" not in errors
        return
    assert response.status_code == 422
    multiple = RFDETR_SIZES[arch][1]
    assert f"multiple of {multiple} for {arch}" in errors["image_size"]
    assert f"nearest valid sizes: {nearest}" in errors["image_size"]


def test_rfdetr_trains_on_one_gpu_and_takes_its_own_defaults() -> None:
    with pytest.raises(ValueError, match="RF-DETR trains on one GPU"):
        TrainingConfig(model_arch="rfdetr-seg-small", device="0,1")
    config = TrainingConfig.model_validate({"model_arch": "rfdetr-seg-small"})
    assert (config.learning_rate, config.batch_size, config.image_size, config.warmup_epochs) == (
        0.0001,
        4,
        384,
        0.0,
    )
    explicit = TrainingConfig.model_validate({"model_arch": "rfdetr-nano", "learning_rate": 0.0005})
    assert explicit.learning_rate == 0.0005 and explicit.image_size == 384
    assert TrainingConfig().learning_rate == 0.01  # YOLO keeps its own
    args = rfdetr_train_args(explicit, device="0")
    assert args["device"] == "cuda:0" and args["resolution"] == 384 and args["lr_encoder"] == 0.00075
    assert args["tensorboard"] is False and args["checkpoint_interval"] > 1000  # no 0.5 GB epoch copies


def test_starting_weights_for_rfdetr(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CRACKDET_OFFLINE", "1")
    monkeypatch.setenv("RF_HOME", str(tmp_path / "rf-home"))
    config = TrainingConfig(model_arch="rfdetr-seg-nano", pretrained=True)
    with session_scope(settings.resolved_database_url) as db:
        scratch = resolve_start_weights(settings, db, config)
        assert scratch.kind == "scratch" and scratch.path is None
        assert "offline" in scratch.label and str(tmp_path / "rf-home") in scratch.label
        (tmp_path / "rf-home").mkdir()
        (tmp_path / "rf-home" / "rf-detr-seg-nano.pt").write_bytes(b"weights")
        cached = resolve_start_weights(settings, db, config)
        assert cached.kind == "official" and cached.path == tmp_path / "rf-home" / "rf-detr-seg-nano.pt"


def test_starting_weights_must_be_of_the_same_framework(client: TestClient, settings: Settings) -> None:
    dataset_id = add_dataset(settings)
    model_id = _add_model(settings, "ultralytics", "best.pt")
    response = client.post(f"{API}/sessions", json=rfdetr_config(dataset_id, weights=model_id))
    assert response.status_code == 400 and "RF-DETR weights" in response.json()["detail"]
    (settings.uploads_dir / "start.pt2").write_bytes(b"x")
    response = client.post(f"{API}/sessions", json=rfdetr_config(dataset_id, weights="uploads/start.pt2"))
    assert response.status_code == 400 and ".pth or .pt" in response.json()["detail"]


def test_lightning_metrics_map_to_the_common_names() -> None:
    raw = {
        "train/loss": 75.3,
        "train/loss_bbox": 1.3,
        "train/loss_giou": 1.2,
        "train/loss_ce": 0.07,
        "train/loss_mask_ce": 0.78,
        "train/loss_mask_dice": 0.67,
        "val/mAP_50": 0.5,
        "val/mAP_50_95": 0.25,
        "val/segm_mAP_50": 0.4,
        "val/segm_mAP_50_95": 0.2,
        "val/precision": 0.6,
        "val/recall": 0.3,
        "train/lr": 8.3e-05,
        "val/F1": float("nan"),
        "loss": 73.0,
    }
    assert flat_metrics(raw) == {
        "train_loss": 75.3,
        "train_box_loss": 1.3,
        "train_giou_loss": 1.2,
        "train_cls_loss": 0.07,
        "train_seg_loss": 0.78,
        "train_dice_loss": 0.67,
        "box_map50": 0.5,
        "box_map50_95": 0.25,
        "mask_map50": 0.4,
        "mask_map50_95": 0.2,
        "box_precision": 0.6,
        "box_recall": 0.3,
        "lr": 8.3e-05,
    }


def test_tidying_keeps_the_resumable_checkpoint_then_only_the_best_weights(tmp_path: Path) -> None:
    out = tmp_path / "run" / "train"
    out.mkdir(parents=True)
    for name in ("last.ckpt", "checkpoint_best_ema.pth", "metrics.csv"):
        (out / name).write_bytes(b"x" * 10)
    stopped = RFDETRTrainer.tidy_run(tmp_path / "run", completed=False)
    assert [(k.path.name, k.role) for k in stopped or []] == [
        ("checkpoint_best_ema.pth", "best"),
        ("last.ckpt", "resumable"),
    ]
    assert RFDETRTrainer.last_checkpoint(tmp_path / "run") == out / "last.ckpt"
    for name in ("checkpoint_best_total.pth", "last_ema.pth", "checkpoint_9.ckpt"):
        (out / name).write_bytes(b"x" * 10)
    completed = RFDETRTrainer.tidy_run(tmp_path / "run", completed=True)
    assert [(k.path.name, k.role) for k in completed or []] == [("checkpoint_best_total.pth", "best")]
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint_best_total.pth", "metrics.csv"]
    assert RFDETRTrainer.last_checkpoint(tmp_path / "run") is None


def _add_model(settings: Settings, framework: str, file_name: str, image_size: int = 96) -> str:
    folder = settings.models_dir / framework
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file_name).write_bytes(b"weights")
    arch = "rfdetr-seg-nano" if framework == "rfdetr" else "yolov8n-seg"
    with session_scope(settings.resolved_database_url) as db:
        model = Model(
            name=f"{framework} model",
            source="trained",
            framework=framework,
            model_arch=arch,
            task="segment",
            class_names=["crack"],
            image_size=image_size,
            path=f"models/{framework}/{file_name}",
        )
        db.add(model)
        db.flush()
        return model.id


def test_rfdetr_models_export_to_onnx_only(client: TestClient, settings: Settings) -> None:
    formats = {f["name"]: f for f in client.get("/api/v1/models/export-formats").json()["formats"]}
    assert "rfdetr" in formats["onnx"]["frameworks"]
    assert formats["torchscript"]["frameworks"] == ["ultralytics"]
    assert formats["onnx"]["framework_options"]["rfdetr"] == {
        "dynamic": False,
        "simplify": False,
        "opset": True,
        "half": False,
    }
    model_id = _add_model(settings, "rfdetr", "best.pth", image_size=312)
    refused = client.post(f"/api/v1/models/{model_id}/export", json={"format": "torchscript"})
    assert refused.status_code == 409 and "exports to ONNX, not TorchScript" in refused.json()["detail"]
    for body, text in (
        ({"format": "onnx", "half": True}, "half"),
        ({"format": "onnx", "dynamic": True}, "dynamic"),
        ({"format": "onnx", "imgsz": 320}, "training size, 312"),
    ):
        response = client.post(f"/api/v1/models/{model_id}/export", json=body)
        assert response.status_code == 422 and text in response.json()["detail"], response.text


def test_a_mask_logit_map_is_resampled_over_its_box_only() -> None:
    """RF-DETR masks cover the whole image at a quarter of the input size (no letterbox)."""
    import numpy as np

    from app.core.families.rfdetr.predictor import crop_mask_from_logits

    logits = np.full((24, 24), -5.0, dtype=np.float32)
    logits[6:12, 12:18] = 5.0  # a block at x 0.5-0.75, y 0.25-0.5 of the image
    mask = crop_mask_from_logits(logits, (90.0, 40.0, 160.0, 110.0), (200, 200))
    assert mask is not None and (mask.x0, mask.y0, mask.x1, mask.y1) == (90, 40, 160, 110)
    full = mask.to_full(200, 200)
    ys, xs = np.nonzero(full)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == pytest.approx((100, 149, 50, 99), abs=2)
    assert crop_mask_from_logits(logits, (150.0, 150.0, 150.0, 180.0), (200, 200)) is None  # empty box
