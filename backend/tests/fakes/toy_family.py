"""A toy model family, registered by tests to show that a third family needs no change outside its folder.

Its trainer writes a weights file per epoch without any ML library; its predictor is the deterministic
dark-pixel predictor of tests/helpers/fake_predictors.py.
"""

from __future__ import annotations

import time
from pathlib import Path

from app.core.export.formats import FormatOptions
from app.core.families.base import FieldLimit, ModelFamily
from app.core.families.catalogue import Architecture
from app.core.training.base import EpochResult, Trainer, TrainingListener, TrainingOutcome, TrainingRequest

TOY = "toy"
TOY_ARCHITECTURES = (
    Architecture(
        name="toy-tiny",
        family="toynet",
        size="t",
        framework=TOY,
        task="segment",
        yaml="toy-tiny",
        parameters=1234,
        gflops=0.1,
        layers=3,
        image_multiple=16,
        default_image_size=128,
        weights_name="toy-tiny.toy",
    ),
    Architecture(
        name="toy-big",
        family="toynet",
        size="b",
        framework=TOY,
        task="segment",
        yaml="toy-big",
        parameters=56789,
        gflops=1.5,
        layers=9,
    ),
)


class ToyTrainer(Trainer):
    framework = TOY

    @staticmethod
    def best_checkpoint(run_dir: Path) -> Path | None:
        best = run_dir / "toy" / "best.toy"
        return best if best.is_file() else None

    def train(self, request: TrainingRequest, listener: TrainingListener) -> TrainingOutcome:
        out = request.run_dir / "toy"
        out.mkdir(parents=True, exist_ok=True)
        for epoch in range(1, request.config.epochs + 1):
            (out / "best.toy").write_text(f"epoch {epoch}")
            metrics = {"mask_map50_95": epoch / 10}
            listener.on_epoch(
                EpochResult(epoch, request.config.epochs, metrics, epoch / 10, True, time.time())
            )
        return TrainingOutcome(out / "best.toy", None, request.config.epochs, None, request.config.epochs, {})


def toy_family(tmp_path: Path) -> ModelFamily:
    return ModelFamily(
        name=TOY,
        label="Toy Net",
        description="A toy family registered by the tests.",
        distribution=None,
        trainer="tests.fakes.toy_family:ToyTrainer",
        predictor="tests.helpers.fake_predictors:DarkPixelPredictor",
        exporter=None,
        architectures=lambda: TOY_ARCHITECTURES,
        measurer=None,
        series_labels={"toynet": "ToyNet"},
        size_labels={"t": "tiny", "b": "big"},
        weights_suffixes=(".toy", ".pt"),
        official_weights_dir=lambda _models_dir: tmp_path / "toy-weights",
        official_weights="cache_or_scratch",
        library_downloads_weights=False,
        own_weights_help="A .toy file under models/ or uploads/.",
        official_missing_notice="Offline without toy weights: trains from scratch.",
        fields=(
            "model_arch",
            "pretrained",
            "weights",
            "image_size",
            "epochs",
            "batch_size",
            "device",
            "seed",
        ),
        defaults={"batch_size": 2, "epochs": 7},
        field_limits={"batch_size": FieldLimit(maximum=8)},
        multi_gpu=False,
        augmentation_note="Toy Net does not augment.",
        model_file="best.toy",
        resume_file="last.toy",
        checkpoint_note="Only the best weights.",
        export_formats={"onnx": FormatOptions(opset=True, fixed_size=True, notes=("Toy ONNX.",))},
    )
