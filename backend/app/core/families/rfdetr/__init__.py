"""RF-DETR (Roboflow) detection and segmentation: the family's metadata (light: the API imports it).

Its plug-ins live beside it: trainer.py, predictor.py, exporter.py (worker processes only), args.py
(TrainingConfig -> `model.train` arguments) and catalogue.py (measures the architectures; a script).
It trains on a COCO copy of the stored YOLO-seg dataset (app/data/coco_convert.py), cached below the
data directory in `dataset_cache`.
"""

from __future__ import annotations

import os
from pathlib import Path

from app.core.export.formats import FormatOptions
from app.core.families.base import ModelFamily
from app.core.families.catalogue import Architecture, shipped_architectures

NAME = "rfdetr"
FOLDER = Path(__file__).parent  # holds its architectures.json
# RF-DETR variants in rfdetr 1.11.2: catalogue name -> rfdetr class. The names are rfdetr's own `size`.
VARIANTS: dict[str, str] = {
    "rfdetr-nano": "RFDETRNano",
    "rfdetr-small": "RFDETRSmall",
    "rfdetr-medium": "RFDETRMedium",
    "rfdetr-large": "RFDETRLarge",
    "rfdetr-seg-nano": "RFDETRSegNano",
    "rfdetr-seg-small": "RFDETRSegSmall",
    "rfdetr-seg-medium": "RFDETRSegMedium",
    "rfdetr-seg-large": "RFDETRSegLarge",
    "rfdetr-seg-xlarge": "RFDETRSegXLarge",
    "rfdetr-seg-2xlarge": "RFDETRSeg2XLarge",
}
# The TrainingConfig fields RF-DETR uses (YOLO's optimiser, loss and mosaic knobs are ignored).
FIELDS = (
    "model_arch",
    "pretrained",
    "weights",
    "image_size",
    "epochs",
    "batch_size",
    "learning_rate",
    "weight_decay",
    "cosine_lr",
    "warmup_epochs",
    "patience",
    "augmentation_level",
    "device",
    "num_workers",
    "seed",
)


def weights_dir() -> Path:
    """RF-DETR's weights cache, resolved as rfdetr 1.11.2 does: $RF_HOME, else $ROBOFLOW_HOME, else
    ~/.roboflow/models. Official weights put there are used without a download."""
    for variable in ("RF_HOME", "ROBOFLOW_HOME"):
        value = os.environ.get(variable, "").strip()
        if value:
            return Path(value).expanduser()
    return Path.home() / ".roboflow" / "models"


def official_weights_dir(_models_dir: Path) -> Path:
    return weights_dir()


def architectures() -> tuple[Architecture, ...]:
    return shipped_architectures(FOLDER, tuple(VARIANTS))


FAMILY = ModelFamily(
    name=NAME,
    label="RF-DETR",
    description="RF-DETR detection and segmentation (Roboflow): a transformer with a DINOv2 backbone.",
    distribution="rfdetr",
    trainer="app.core.families.rfdetr.trainer:RFDETRTrainer",
    predictor="app.core.families.rfdetr.predictor:RFDETRPredictor",
    exporter="app.core.families.rfdetr.exporter:export_rfdetr_weights",
    architectures=architectures,
    measurer="app.core.families.rfdetr.catalogue:measure_architectures",
    series_labels={"rfdetr": "RF-DETR", "rfdetr-seg": "RF-DETR Seg"},
    size_labels={
        "nano": "nano",
        "small": "small",
        "medium": "medium",
        "large": "large",
        "xlarge": "extra large",
        "2xlarge": "2x extra large",
    },
    weights_suffixes=(".pth", ".pt"),
    official_weights_dir=official_weights_dir,
    official_weights="cache_or_scratch",
    library_downloads_weights=True,
    own_weights_help="A registered RF-DETR model, or an RF-DETR .pth checkpoint under models/ or uploads/ "
    "in the data directory.",
    official_missing_notice="This machine is offline and the official weights are not in the RF-DETR "
    "weights cache: the run will train from scratch. Copy the file there to start from pretrained weights.",
    fields=FIELDS,
    defaults={"learning_rate": 0.0001, "weight_decay": 0.0001, "warmup_epochs": 0.0, "batch_size": 4},
    multi_gpu=False,
    series_name="rf-detr",
    augmentation_note="RF-DETR: none = no augmentation; light, medium and heavy = its flips and scale "
    "jitter (light and heavy use its Albumentations presets when rfdetr[augment] is installed).",
    model_file="best.pth",
    resume_file="last.ckpt",
    checkpoint_note="The best weights, and the resumable last.ckpt while the run can still resume.",
    export_formats={
        "onnx": FormatOptions(
            opset=True,
            fixed_size=True,
            notes=("RF-DETR exports at the resolution it was trained at, FP32, batch 1.",),
        )
    },
    dataset_cache="cache/rfdetr-coco",
    catalogue_dir=FOLDER,
)
