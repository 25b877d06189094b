"""What a model family is: everything the app needs to know about one training library, in one object.

Light on purpose (the API imports it): the trainer, predictor and exporter are named as "module:attr"
and imported only by worker processes; version checks read package metadata and never import the library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from app.core.export.formats import ExportFormat, FormatOptions
from app.core.families.catalogue import Architecture, catalogue_version
from app.core.families.defaults import DatasetFacts, MachineFacts, Recommendation, StarterWeights
from app.utils.plugins import load_target

if TYPE_CHECKING:
    from app.core.prediction.base import Predictor
    from app.core.training.base import Trainer

OfficialWeightsPolicy = Literal["download", "cache_or_scratch"]


@dataclass(frozen=True)
class FieldLimit:
    """A family's limits on a TrainingConfig field, narrower than the field's own."""

    minimum: float | None = None
    maximum: float | None = None
    multiple_of: int | None = None

    def problem(self, value: float) -> str | None:
        """None when `value` is within the limits, else what is wrong."""
        if self.minimum is not None and value < self.minimum:
            return f"must be at least {self.minimum:g}"
        if self.maximum is not None and value > self.maximum:
            return f"must be at most {self.maximum:g}"
        if self.multiple_of is not None and int(value) % self.multiple_of:
            return f"must be a multiple of {self.multiple_of}"
        return None


@dataclass(frozen=True)
class ModelFamily:
    """One model family (a training library): its plug-ins, its metadata and its rules."""

    name: str  # stored in training_sessions.framework and models.framework
    label: str  # "Ultralytics YOLO"
    description: str  # one line for the architecture picker
    distribution: str | None  # the Python package whose installed version is shown (None: none)
    # Plug-ins, as "module:attr", imported in worker processes only.
    trainer: str  # a app.core.training.base.Trainer subclass
    predictor: str  # a app.core.prediction.base.Predictor subclass
    exporter: str | None  # fn(weights, out_dir, format_name, ExportOptions) -> Path
    # Architectures and their labels.
    architectures: Callable[[], tuple[Architecture, ...]]  # in display order
    measurer: str | None  # fn() -> list[Architecture]: measures them (imports the library; a script)
    series_labels: Mapping[str, str]  # Architecture.family -> label ("yolov8" -> "YOLOv8")
    size_labels: Mapping[str, str]  # Architecture.size -> label ("n" -> "nano")
    # Starting weights.
    weights_suffixes: tuple[str, ...]  # files usable as starting weights, preferred first
    official_weights_dir: Callable[[Path], Path]  # models_dir -> where its official weights are
    official_weights: OfficialWeightsPolicy  # offline without them: refuse (download) or train from scratch
    library_downloads_weights: bool  # the library fetches missing official weights itself while building
    own_weights_help: str
    official_missing_notice: str
    # Training configuration.
    fields: tuple[str, ...] | None  # TrainingConfig fields it uses; None = all of them
    defaults: Mapping[str, Any] = field(default_factory=dict)  # differ from TrainingConfig's defaults
    field_limits: Mapping[str, FieldLimit] = field(default_factory=dict)
    multi_gpu: bool = True  # one training may use several GPUs
    series_name: str | None = None  # its models' `family` in model lists (None: the architecture's series)
    augmentation_note: str | None = None
    # Files of a run and of a registered model.
    model_file: str = "best.pt"
    resume_file: str = "last.pt"
    checkpoint_note: str = ""
    importable_suffixes: tuple[str, ...] = ()  # weights files users may import as models
    evaluates: bool = False  # its models can be evaluated on a dataset split here
    # Export: format name -> options; None for a format means "the format's own options".
    export_formats: Mapping[str, FormatOptions | None] = field(default_factory=dict)
    # A derived copy of each dataset it trains on (e.g. another annotation layout), below the data dir.
    dataset_cache: str | None = None
    # The folder of its shipped architectures.json (None: its architectures are not measured there).
    catalogue_dir: Path | None = None
    # Starting weights shipped with the app (usable offline), and the run that suits a machine
    # (core/families/defaults.py); None: neither.
    starter: StarterWeights | None = None
    recommend: Callable[[MachineFacts, DatasetFacts, dict[str, Architecture]], Recommendation] | None = None

    def version(self) -> str | None:
        """The installed version of its library (package metadata; the library is not imported)."""
        if self.distribution is None:
            return None
        try:
            return metadata.version(self.distribution)
        except metadata.PackageNotFoundError:
            return None

    def trainer_class(self) -> type[Trainer]:
        cls: type[Trainer] = load_target(self.trainer)
        return cls

    def predictor_class(self) -> type[Predictor]:
        cls: type[Predictor] = load_target(self.predictor)
        return cls

    def export_function(self) -> Callable[..., Path]:
        if self.exporter is None:
            raise ValueError(f"{self.label} models cannot be exported")
        function: Callable[..., Path] = load_target(self.exporter)
        return function

    def catalogue_version(self) -> str | None:
        """The library version its shipped architectures were measured with."""
        return catalogue_version(self.catalogue_dir) if self.catalogue_dir is not None else None

    def format_options(self, spec: ExportFormat) -> FormatOptions | None:
        """The options this family's exporter takes for `spec`; None when it cannot export to it. A
        format listed without options takes the format's own (Ultralytics' ExportFormat)."""
        if spec.name not in self.export_formats:
            return None
        return self.export_formats[spec.name] or FormatOptions.of_format(spec)

    def uses(self, config_field: str) -> bool:
        return self.fields is None or config_field in self.fields

    def dataset_cache_dir(self, data_dir: Path, dataset_id: str) -> Path | None:
        """Where its derived copy of a dataset lives (None: it trains on the stored dataset as it is)."""
        return data_dir / self.dataset_cache / dataset_id if self.dataset_cache else None
