"""Ultralytics YOLO segmentation: the family's metadata (light: the API imports it).

Its plug-ins live beside it: trainer.py, predictor.py, exporter.py (worker processes only), args.py
(TrainingConfig -> `model.train` arguments) and catalogue.py (measures the architectures; a script).
"""

from __future__ import annotations

from pathlib import Path

from app.core.families.base import ModelFamily
from app.core.families.catalogue import Architecture, shipped_architectures
from app.core.families.ultralytics.defaults import STARTER, recommend

NAME = "ultralytics"
FOLDER = Path(__file__).parent  # holds its architectures.json
OFFICIAL_WEIGHTS_DIR = "official"  # below the models directory
SERIES: dict[str, tuple[str, ...]] = {
    "yolov8": ("n", "s", "m", "l", "x"),
    "yolov9": ("c", "e"),
    "yolo11": ("n", "s", "m", "l", "x"),
    "yolo26": ("n", "s", "m", "l", "x"),
}
ARCHITECTURE_NAMES = tuple(f"{series}{size}-seg" for series, sizes in SERIES.items() for size in sizes)
EXPORT_FORMATS = ("onnx", "torchscript", "openvino", "engine", "ncnn", "mnn")


def official_weights_dir(models_dir: Path) -> Path:
    return models_dir / OFFICIAL_WEIGHTS_DIR


def architectures() -> tuple[Architecture, ...]:
    return shipped_architectures(FOLDER, ARCHITECTURE_NAMES)


FAMILY = ModelFamily(
    name=NAME,
    label="Ultralytics YOLO",
    description="YOLO instance segmentation (Ultralytics): fast, many sizes, every export format.",
    distribution="ultralytics",
    trainer="app.core.families.ultralytics.trainer:UltralyticsTrainer",
    predictor="app.core.families.ultralytics.predictor:UltralyticsPredictor",
    exporter="app.core.families.ultralytics.exporter:export_weights",
    architectures=architectures,
    measurer="app.core.families.ultralytics.catalogue:measure_architectures",
    series_labels={"yolov8": "YOLOv8", "yolov9": "YOLOv9", "yolo11": "YOLO11", "yolo26": "YOLO26"},
    size_labels={
        "n": "nano",
        "s": "small",
        "m": "medium",
        "l": "large",
        "x": "extra large",
        "c": "compact",
        "e": "extended",
    },
    weights_suffixes=(".pt",),
    official_weights_dir=official_weights_dir,
    official_weights="download",
    library_downloads_weights=False,
    own_weights_help="A registered model id, or an Ultralytics .pt file under models/ or uploads/ in the "
    "data directory.",
    official_missing_notice="This machine is offline and the official weights are not in the official "
    "weights folder: put the file there, choose your own weights, or train from scratch.",
    fields=None,
    model_file="best.pt",
    resume_file="last.pt",
    checkpoint_note="The best weights and the last epoch checkpoints kept by the retention setting.",
    importable_suffixes=(".pt",),
    evaluates=True,
    export_formats=dict.fromkeys(EXPORT_FORMATS),
    catalogue_dir=FOLDER,
    starter=STARTER,
    recommend=recommend,
)
