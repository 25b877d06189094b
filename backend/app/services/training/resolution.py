"""What a training needs, resolved and checked: the dataset, the starting weights and the device.

Shared by the API (validation before queueing) and the worker (execution).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from app.config import Settings
from app.core.families.config import TrainingConfig
from app.core.families.registry import family_of_architecture, get_family, require_architecture
from app.core.training.config import resolve_device
from app.core.training.offline import is_online
from app.domain.errors import Conflict, InvalidInput, NotFound, Unprocessable
from app.domain.status import DatasetStatus
from app.repositories import training as repo
from app.services import dataset_version_views, dataset_versions
from app.services.ports import JobRunner
from app.utils.paths import is_inside

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}
MODEL_ID = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class ResolvedDataset:
    id: str
    name: str
    root: Path
    splits: dict[str, list[Path]]  # train/val(/test) -> absolute image dirs or list files
    class_names: list[str]
    train_images: int
    version_id: str | None = None  # an immutable dataset version (None: the working copy)
    version_number: int | None = None

    @property
    def version_label(self) -> str:
        return f" version {self.version_number}" if self.version_number is not None else ""

    @property
    def cache_key(self) -> str:
        """Name of the family's derived copy: one per dataset, and one per version of it."""
        return self.id if self.version_id is None else f"{self.id}.v{self.version_id}"


@dataclass(frozen=True)
class StartWeights:
    kind: str  # file | official | download | scratch | starter
    path: Path | None
    label: str


def _split_paths(root: Path, entry: Any, split: str) -> list[Path]:
    entries = entry if isinstance(entry, list) else [entry]
    paths = []
    for item in entries:
        if not isinstance(item, str) or not item.strip():
            raise Unprocessable(f"Dataset data.yaml: '{split}' must be a path or a list of paths")
        candidate = Path(item) if Path(item).is_absolute() else root / item
        if not candidate.exists() and item.startswith("../"):  # Roboflow exports: ../train/images
            candidate = root / item[3:]
        if not is_inside(candidate, root):
            raise Unprocessable(f"Dataset data.yaml: '{split}' points outside the dataset folder")
        if not candidate.exists():
            raise Unprocessable(f"Dataset data.yaml: '{split}' folder {item!r} does not exist")
        paths.append(candidate.resolve())
    return paths


def _count_images(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        elif path.is_file():
            total += sum(1 for line in path.read_text(errors="replace").splitlines() if line.strip())
    return total


def _class_names(raw: Any) -> list[str]:
    names = raw.get("names")
    if isinstance(names, dict):
        names = [names[key] for key in sorted(names)]
    if not isinstance(names, list) or not names or not all(isinstance(n, str | int) for n in names):
        raise Unprocessable("Dataset data.yaml has no class names")
    return [str(n) for n in names]


def _read_data_yaml(data_yaml: Path, dataset_name: str) -> dict[str, Any]:
    if not data_yaml.is_file():
        raise Unprocessable(f"Dataset '{dataset_name}' has no data.yaml")
    try:
        raw = yaml.safe_load(data_yaml.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise Unprocessable(f"Dataset data.yaml is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise Unprocessable("Dataset data.yaml is not a mapping")
    return raw


def _version_root(settings: Settings, dataset_id: str, version_id: str) -> tuple[Path, int]:
    """The YOLO-seg view of a dataset version (built on first use) and the version's number."""
    row, manifest = dataset_versions.load_manifest(settings, dataset_id, version_id)
    return dataset_version_views.materialise(settings, dataset_id, version_id, manifest), row.number


def resolve_dataset(
    settings: Settings, db: Session, dataset_id: str, version_id: str | None = None
) -> ResolvedDataset:
    """The working copy of a ready dataset, or one of its versions (`version_id`)."""
    dataset = repo.get_dataset(db, dataset_id)
    if dataset is None:
        raise NotFound(f"Dataset {dataset_id} does not exist")
    if dataset.status != DatasetStatus.READY or not dataset.path:
        raise Conflict(f"Dataset '{dataset.name}' is not ready (status: {dataset.status})")
    root = (settings.datasets_dir / dataset.path).resolve()
    if not is_inside(root, settings.datasets_dir):
        raise Unprocessable("Dataset path escapes the datasets folder")
    number = None
    if version_id is not None:
        root, number = _version_root(settings, dataset.id, version_id)
    raw = _read_data_yaml(root / "data.yaml", dataset.name)
    splits: dict[str, list[Path]] = {}
    for split in ("train", "val", "test"):
        if raw.get(split):
            splits[split] = _split_paths(root, raw[split], split)
    if "train" not in splits or "val" not in splits:
        raise Unprocessable(f"Dataset '{dataset.name}' needs a train and a val split to train on")
    train_images = _count_images(splits["train"])
    if train_images == 0:
        raise Unprocessable(f"Dataset '{dataset.name}' has no training images")
    return ResolvedDataset(
        dataset.id, dataset.name, root, splits, _class_names(raw), train_images, version_id, number
    )


def write_run_data_yaml(dataset: ResolvedDataset, run_dir: Path) -> Path:
    """A data.yaml for this run with absolute paths (Ultralytics resolves relative ones against cwd)."""
    run_dir.mkdir(parents=True, exist_ok=True)
    content: dict[str, Any] = {"path": str(dataset.root)}
    for split, paths in dataset.splits.items():
        content[split] = [str(p) for p in paths] if len(paths) > 1 else str(paths[0])
    content["nc"] = len(dataset.class_names)
    content["names"] = dataset.class_names
    target = run_dir / "data.yaml"
    target.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def official_weights_path(settings: Settings, arch: str) -> Path:
    """Where the official weights of `arch` are looked for (its family decides)."""
    architecture = require_architecture(arch)
    family = get_family(architecture.framework)
    return family.official_weights_dir(settings.models_dir) / architecture.weights_file


def _weights_file(settings: Settings, db: Session, reference: str, arch: str) -> StartWeights:
    family = family_of_architecture(arch)
    suffixes = " or ".join(family.weights_suffixes)
    if MODEL_ID.match(reference):
        model = repo.get_model(db, reference)
        if model is None:
            raise NotFound(f"Starting weights: model {reference} does not exist")
        if model.framework != family.name:
            raise InvalidInput(
                f"Starting weights: model '{model.name}' is a {model.framework} model; {arch} starts from "
                f"{family.label} weights"
            )
        path = (settings.data_dir / model.path).resolve()
        label = f"model '{model.name}'"
    else:
        path = (settings.data_dir / reference).resolve()
        label = reference
        if not (is_inside(path, settings.models_dir) or is_inside(path, settings.uploads_dir)):
            raise InvalidInput(
                f"Starting weights must be a model id, or a {suffixes} file under models/ or uploads/"
            )
    if path.suffix not in family.weights_suffixes:
        raise InvalidInput(f"Starting weights {label}: {family.label} starts from {suffixes} files")
    if not path.is_file():
        raise InvalidInput(f"Starting weights {label}: file not found")
    return StartWeights("file", path, label)


def _starter_weights(config: TrainingConfig) -> StartWeights | None:
    """The family's shipped starter weights when `weights` names them (None: it names something else)."""
    starter = family_of_architecture(config.model_arch).starter
    if starter is None or config.weights != starter.reference:
        return None
    if config.model_arch != starter.architecture:
        raise InvalidInput(
            f"Starting weights: the {starter.label} is a {starter.architecture}; choose that architecture "
            f"or other starting weights for {config.model_arch}"
        )
    if not starter.available():
        raise InvalidInput(
            f"Starting weights: the {starter.label} is not installed ({starter.path.name} is missing from "
            "the application): reinstall it, or choose other starting weights"
        )
    return StartWeights("starter", starter.path, f"the {starter.label}")


def resolve_start_weights(settings: Settings, db: Session, config: TrainingConfig) -> StartWeights:
    """A user's file, else cached official weights, else a download when online, else scratch when
    chosen. Offline without weights, the family's policy decides: "download" refuses at once with what
    to do (never a hang); "cache_or_scratch" trains from scratch and says so (naming its weights cache)."""
    if config.weights:
        starter = _starter_weights(config)
        return starter or _weights_file(settings, db, config.weights, config.model_arch)
    if not config.pretrained:
        return StartWeights("scratch", None, "scratch (no pretrained weights)")
    official = official_weights_path(settings, config.model_arch)
    if official.is_file():
        return StartWeights("official", official, f"official {config.model_arch} weights ({official.name})")
    if is_online():
        return StartWeights("download", official, f"official {config.model_arch} weights (downloading)")
    family = family_of_architecture(config.model_arch)
    if family.official_weights == "cache_or_scratch":
        return StartWeights(
            "scratch",
            None,
            f"scratch: the official {config.model_arch} weights ({official.name}) are not in the "
            f"{family.label} weights cache {official.parent} and this machine is offline",
        )
    raise Unprocessable(
        f"Official {config.model_arch} weights are not available: this machine is offline. Put "
        f"{official.name} into {official.parent}, choose your own starting weights, or set "
        "pretrained to false to train from scratch."
    )


def validate_device(runner: JobRunner, device: str) -> str:
    """The device resolved against the GPUs one training may use where the runner runs it."""
    try:
        return resolve_device(device, runner.training_gpu_count())
    except ValueError as exc:
        raise Unprocessable(f"device: {exc}") from exc
