"""What can be trained, and with which defaults: the model families' architectures and metadata."""

from __future__ import annotations

from typing import Any

from app.config import Settings
from app.core.export.formats import FORMATS
from app.core.families.base import ModelFamily
from app.core.families.catalogue import REFERENCE_CLASSES, REFERENCE_IMAGE_SIZE
from app.core.families.config import TrainingConfig
from app.core.families.registry import families, get_family, load_catalogue
from app.core.training import events
from app.core.training.config import AUGMENTATION_PRESETS
from app.core.training.offline import is_online
from app.schemas.training import (
    ArchitectureOut,
    ArchitecturesResponse,
    FamilyOut,
    FieldLimitOut,
    StarterWeightsOut,
    TrainingDefaults,
)
from app.services.ports import JobRunner
from app.services.training import recommendation as recommendation_service
from app.services.training.recommendation import recommended_out
from app.services.training.resolution import official_weights_path
from app.utils.paths import relative_posix


def weights_location(settings: Settings, family: ModelFamily) -> str:
    """Where `family` looks for official weights: relative to the data directory when inside it."""
    folder = family.official_weights_dir(settings.models_dir)
    try:
        return relative_posix(folder, settings.data_dir)
    except ValueError:
        return str(folder)


def family_out(settings: Settings, family: ModelFamily) -> FamilyOut:
    options = {name: family.format_options(spec) for name, spec in FORMATS.items()}
    supported = {name: option for name, option in options.items() if option is not None}
    return FamilyOut(
        name=family.name,
        label=family.label,
        description=family.description,
        version=family.version(),
        weights_suffixes=list(family.weights_suffixes),
        weights_location=weights_location(settings, family),
        official_weights=family.official_weights,
        own_weights_help=family.own_weights_help,
        official_missing_notice=family.official_missing_notice,
        fields=list(family.fields) if family.fields is not None else list(TrainingConfig.model_fields),
        field_limits={
            name: FieldLimitOut(minimum=limit.minimum, maximum=limit.maximum, multiple_of=limit.multiple_of)
            for name, limit in family.field_limits.items()
        },
        defaults=dict(family.defaults),
        multi_gpu=family.multi_gpu,
        augmentation_note=family.augmentation_note,
        export_formats=list(supported),
        export_options={
            name: {
                "dynamic": option.dynamic,
                "simplify": option.simplify,
                "opset": option.opset,
                "half": option.half,
                "fixed_size": option.fixed_size,
            }
            for name, option in supported.items()
        },
        model_file=family.model_file,
        importable_suffixes=list(family.importable_suffixes),
        evaluates=family.evaluates,
        resume_file=family.resume_file,
        checkpoint_note=family.checkpoint_note,
        starter_weights=_starter_out(family),
    )


def _starter_out(family: ModelFamily) -> StarterWeightsOut | None:
    starter = family.starter
    if starter is None:
        return None
    return StarterWeightsOut(
        reference=starter.reference,
        label=starter.label,
        architecture=starter.architecture,
        available=starter.available(),
        image_size=starter.image_size,
    )


def _legacy_fields(settings: Settings, suffix: str) -> dict[str, Any]:
    """`<family>_version` and `<family>_weights_dir`, the per-family fields the API had before `families`
    (kept for its clients; the response models declare the ones they had and ignore the others)."""
    if suffix == "version":
        return {f"{f.name}_version": f.catalogue_version() for f in families()}
    return {
        f"{f.name}_weights_dir": str(f.official_weights_dir(settings.models_dir))
        for f in families()
        if f.official_weights == "cache_or_scratch"
    }


def architectures(settings: Settings) -> ArchitecturesResponse:
    items = []
    for a in load_catalogue().values():
        family = get_family(a.framework)
        items.append(
            ArchitectureOut(
                name=a.name,
                family=a.family,
                family_label=family.series_labels.get(a.family, a.family),
                size=a.size,
                size_label=family.size_labels.get(a.size, a.size),
                framework=a.framework,
                task=a.task,
                parameters=a.parameters,
                gflops=a.gflops,
                layers=a.layers,
                official_weights_available=official_weights_path(settings, a.name).is_file(),
                image_multiple=a.image_multiple,
                default_image_size=a.default_image_size,
                weights_file=a.weights_file,
            )
        )
    legacy = {"ultralytics_version": "", **_legacy_fields(settings, "version")}
    return ArchitecturesResponse(
        reference_classes=REFERENCE_CLASSES,
        reference_image_size=REFERENCE_IMAGE_SIZE,
        items=items,
        families=[family_out(settings, family) for family in families()],
        **legacy,
    )


def defaults(settings: Settings, runner: JobRunner, dataset_id: str | None = None) -> TrainingDefaults:
    """`config` is the run recommended for this server (and `dataset_id`'s size, when given)."""
    gpus = runner.training_gpu_count()
    recommendation = recommendation_service.recommended_run(settings, gpus, dataset_id)
    devices = ["auto", "cpu", *(str(i) for i in range(gpus))]
    if gpus > 1:
        devices.append(",".join(str(i) for i in range(gpus)))
    return TrainingDefaults(
        config=TrainingConfig.model_validate(recommendation.values if recommendation else {}),
        recommended=recommended_out(recommendation) if recommendation else None,
        augmentation_presets={level.value: preset for level, preset in AUGMENTATION_PRESETS.items()},
        gpu_count=gpus,
        devices=devices,
        online=is_online(),
        official_weights_dir=weights_location(settings, families()[0]),
        primary_metric=events.PRIMARY_METRIC,
        framework_defaults={f.name: dict(f.defaults) for f in families() if f.defaults},
        framework_fields={f.name: list(f.fields) for f in families() if f.fields is not None},
        families=[family_out(settings, family) for family in families()],
        **_legacy_fields(settings, "weights_dir"),
    )
