"""The run that suits this server, and how long a run will take here.

Gathers the facts (GPUs, network, official and starter weights on disk, throughput measured from past
epochs on this machine or probed) and hands them to the model family's `recommend`
(core/families/<family>/defaults.py), which owns the recipe.
"""

from __future__ import annotations

import os
from typing import Any

from app.config import Settings
from app.core.families.base import ModelFamily
from app.core.families.config import TrainingConfig
from app.core.families.defaults import (
    DatasetFacts,
    Estimate,
    MachineFacts,
    Recommendation,
    Throughput,
    estimate_duration,
    image_gflops,
    probed_throughput,
    throughput_from_epochs,
)
from app.core.families.registry import (
    families,
    family_of_architecture,
    get_architecture,
    load_catalogue,
    require_architecture,
)
from app.core.training.offline import is_online
from app.db.session import session_scope
from app.domain.errors import NotFound, Unprocessable
from app.repositories import run_timings
from app.schemas.training import RecommendedRun, RunEstimateOut, RunEstimateRequest
from app.services.training.resolution import official_weights_path

# The dataset a recommendation assumes before one is chosen (about the demo's size).
NOMINAL_DATASET = DatasetFacts(train_images=64, val_images=12)
MIN_PAST_EPOCHS = 3  # fewer measured epochs than this: the probe decides


def _on_gpu(device: str, gpu_count: int) -> bool:
    return device != "cpu" and gpu_count > 0


def measured_throughput(settings: Settings, gpu_count: int, on_gpu: bool) -> Throughput:
    """GFLOP/s from this machine's past epochs on the same kind of device (GPU or CPU), else the
    probe's figure."""
    with session_scope(settings.resolved_database_url) as db:
        timings = run_timings.recent_epoch_timings(db)
    samples = []
    for timing in timings:
        arch = get_architecture(timing.model_arch)
        if arch is None or _on_gpu(timing.device, gpu_count) != on_gpu:
            continue
        work = image_gflops(arch, timing.image_size) * (3 * timing.train_images + timing.val_images)
        samples.append((work, timing.seconds))
    rate = throughput_from_epochs(samples) if len(samples) >= MIN_PAST_EPOCHS else None
    if rate is None:
        return probed_throughput(gpu_count if on_gpu else 0)
    return Throughput(round(rate, 1), f"{len(samples)} past epochs on this machine")


def machine_facts(settings: Settings, gpu_count: int) -> MachineFacts:
    official = frozenset(name for name in load_catalogue() if official_weights_path(settings, name).is_file())
    starter = any(f.starter is not None and f.starter.available() for f in families())
    return MachineFacts(
        gpu_count=gpu_count,
        cpu_count=os.cpu_count() or 1,
        online=is_online(),
        official_weights=official,
        starter_available=starter,
        throughput=measured_throughput(settings, gpu_count, on_gpu=gpu_count > 0),
    )


def dataset_facts(settings: Settings, dataset_id: str | None) -> DatasetFacts:
    if dataset_id is None:
        return NOMINAL_DATASET
    with session_scope(settings.resolved_database_url) as db:
        counts = run_timings.dataset_split_images(db, dataset_id)
    if counts is None:
        raise NotFound(f"Dataset {dataset_id} does not exist")
    return DatasetFacts(train_images=counts[0], val_images=counts[1])


def _recommending_family(model_arch: str | None) -> ModelFamily | None:
    if model_arch is not None:
        family = family_of_architecture(model_arch)
        return family if family.recommend is not None else None
    return next((f for f in families() if f.recommend is not None), None)


def recommended_run(
    settings: Settings, gpu_count: int, dataset_id: str | None = None, model_arch: str | None = None
) -> Recommendation | None:
    """What a run on this machine should use; None when no family recommends one."""
    family = _recommending_family(model_arch)
    if family is None or family.recommend is None:
        return None
    machine = machine_facts(settings, gpu_count)
    return family.recommend(machine, dataset_facts(settings, dataset_id), load_catalogue())


def recommended_config(settings: Settings, gpu_count: int, dataset_id: str | None) -> TrainingConfig:
    """The full configuration of the recommended run (the family defaults where it is silent)."""
    recommendation = recommended_run(settings, gpu_count, dataset_id)
    return TrainingConfig.model_validate(recommendation.values if recommendation else {})


WEIGHTS_CHOICE = ("pretrained", "weights")  # one decision: a request giving either makes it


def config_for_request(
    settings: Settings, gpu_count: int, dataset_id: str, given: dict[str, Any]
) -> TrainingConfig:
    """A new session's configuration: a request that names no architecture gets the run recommended
    for this machine and dataset, with the fields it does give on top (a request that chooses its
    weights, `pretrained` or `weights`, makes that choice alone); one that names an architecture gets
    exactly what it asks for (the family's defaults fill the rest)."""
    if "model_arch" in given:
        return TrainingConfig.model_validate(given)
    recommendation = recommended_run(settings, gpu_count, dataset_id)
    base = dict(recommendation.values) if recommendation else {}
    if any(key in given for key in WEIGHTS_CHOICE):
        for key in WEIGHTS_CHOICE:
            base.pop(key, None)
    return TrainingConfig.model_validate({**base, **given})


def estimate_out(estimate: Estimate) -> RunEstimateOut:
    return RunEstimateOut(
        seconds=estimate.seconds,
        epoch_seconds=estimate.epoch_seconds,
        throughput_gflops=estimate.throughput.gflops,
        basis=estimate.throughput.basis,
        warning=estimate.warning,
    )


def recommended_out(recommendation: Recommendation) -> RecommendedRun:
    return RecommendedRun(
        reason=recommendation.reason,
        values=recommendation.values,
        estimate=estimate_out(recommendation.estimate),
    )


def estimate_run(settings: Settings, gpu_count: int, request: RunEstimateRequest) -> RunEstimateOut:
    """How long `request`'s run would take here (GFLOPs x images x epochs / measured throughput)."""
    try:
        arch = require_architecture(request.model_arch)
    except ValueError as exc:  # a valid request body naming an unknown architecture
        raise Unprocessable(str(exc)) from None
    on_gpu = _on_gpu(request.device.strip().lower(), gpu_count)
    throughput = measured_throughput(settings, gpu_count, on_gpu=on_gpu)
    dataset = dataset_facts(settings, request.dataset_id)
    return estimate_out(estimate_duration(arch, request.image_size, request.epochs, dataset, throughput))
