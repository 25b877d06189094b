"""Which model file a prediction runs, and the options the worker receives.

The backend (PyTorch weights, or a completed ONNX / OpenVINO export of the model) is chosen here: on a
CPU-only machine `auto` prefers an export when one exists.
"""

from __future__ import annotations

import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.config import Settings
from app.core.families.registry import family_names, find_family
from app.core.prediction.cache import ModelSpec
from app.db.session import session_scope
from app.domain.errors import Conflict, InvalidInput, NotFound
from app.repositories import prediction as repo
from app.schemas.prediction import PredictParams
from app.services.prediction_files import DISPLAY_STEM, data_path, prediction_dir

EXPORT_BACKENDS = ("onnx", "openvino")  # preference order of backend=auto on a CPU-only machine


@dataclass(frozen=True)
class ResolvedModel:
    spec: ModelSpec
    name: str


@functools.cache
def _has_gpu() -> bool:
    from app.core.hardware import gpu_count

    return gpu_count() > 0


@functools.cache
def _openvino_installed() -> bool:
    return importlib.util.find_spec("openvino") is not None


def _own_backend(weights: Path) -> str:
    if weights.suffix == ".onnx":
        return "onnx"
    if weights.is_dir() and weights.name.endswith("_openvino_model"):
        return "openvino"
    return "pytorch"


def _export_files(settings: Settings, db: Any, model_id: str) -> dict[str, Path]:
    """Completed ONNX / OpenVINO exports of the model that are on disk (the models area makes them)."""
    found = {}
    for fmt, stored in repo.latest_completed_exports(db, model_id, EXPORT_BACKENDS).items():
        path = data_path(settings, stored)
        if path.exists():
            found[fmt] = path
    return found


def _backend_file(name: str, weights: Path, choice: str, exports: dict[str, Path]) -> tuple[str, Path]:
    own = _own_backend(weights)
    if choice in ("auto", own) and own != "pytorch":
        return own, weights
    if choice == "pytorch":
        if own != "pytorch":
            raise Conflict(f"Model '{name}' is an {own} file: it has no PyTorch weights")
        return "pytorch", weights
    if choice == "auto":
        if not _has_gpu():
            for fmt in EXPORT_BACKENDS:
                if fmt in exports and (fmt != "openvino" or _openvino_installed()):
                    return fmt, exports[fmt]
        return own, weights
    if choice == "openvino" and not _openvino_installed():
        raise Conflict("OpenVINO is not installed on this server (pip install openvino)")
    if choice not in exports:
        raise Conflict(
            f"Model '{name}' has no completed {choice.upper()} export: export it on the Models page "
            "first, or use backend=auto"
        )
    return choice, exports[choice]


def resolve_model(settings: Settings, model_id: str, backend_choice: str) -> ResolvedModel:
    with session_scope(settings.resolved_database_url) as db:
        model = repo.get_model(db, model_id)
        if model is None:
            raise NotFound(f"Model {model_id} does not exist")
        family = find_family(model.framework)
        if family is None:
            raise Conflict(
                f"Model '{model.name}' is a {model.framework} model: prediction supports "
                f"{', '.join(sorted(family_names()))} models"
            )
        weights = data_path(settings, model.path)
        if not weights.exists():
            raise Conflict(f"The weights file of model '{model.name}' is missing on disk")
        exports = _export_files(settings, db, model.id) if backend_choice != "pytorch" else {}
        backend, path = _backend_file(model.name, weights, backend_choice, exports)
        spec = ModelSpec(
            model_id=model.id,
            framework=model.framework,
            task=model.task or "segment",
            weights=str(path),
            backend=backend,
            class_names=tuple(model.class_names or ()),
            image_size=model.image_size,
            predictor=family.predictor,
        )
        return ResolvedModel(spec=spec, name=model.name)


def severity_bands(settings: Settings, params: PredictParams) -> dict[str, Any]:
    narrow, moderate = settings.crack_severity_bands_mm
    narrow = params.narrow_max_mm if params.narrow_max_mm is not None else narrow
    moderate = params.moderate_max_mm if params.moderate_max_mm is not None else moderate
    if moderate <= narrow:
        raise InvalidInput(
            f"Severity bands must increase: narrow below {narrow} mm, moderate up to {moderate} mm"
        )
    return {"narrow_max_mm": narrow, "moderate_max_mm": moderate, "width": settings.crack_severity_width}


def pipeline_options(settings: Settings, params: PredictParams, model: ResolvedModel) -> dict[str, Any]:
    """What the worker's PipelineOptions.from_dict receives."""
    imgsz = params.imgsz or (None if params.tiling else model.spec.image_size)
    return {
        "conf": params.conf,
        "iou": params.iou,
        "imgsz": imgsz,
        "tiling": params.tiling,
        "tile_size": params.tile_size,
        "overlap": params.overlap,
        "mm_per_px": params.mm_per_px,
        "score_floor": settings.prediction_score_floor,
        "candidate_iou": settings.prediction_candidate_iou,
        "bands": severity_bands(settings, params),
    }


def worker_request(
    settings: Settings, model: ResolvedModel, options: dict[str, Any], prediction_id: str, image: Path
) -> dict[str, Any]:
    return {
        "image_path": str(image),
        "display_stem": str(prediction_dir(settings, prediction_id) / DISPLAY_STEM),
        "model": model.spec.to_dict(),
        "options": options,
    }
