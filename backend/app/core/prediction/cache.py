"""Which model file to load and a bounded LRU cache of loaded predictors (one per worker process).

The cache key is (model id, backend, weights path, file modification time): re-exporting or replacing
a model's file loads it afresh, and the least recently used model is closed when the cache is full.
"""

from __future__ import annotations

import gc
import logging
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from app.core.prediction.base import Predictor
from app.utils.plugins import load_target

log = logging.getLogger("app.prediction.cache")


@dataclass(frozen=True)
class ModelSpec:
    """A model as the worker needs it: the file for the chosen backend and how to read its output."""

    model_id: str
    framework: str
    task: str
    weights: str  # absolute path of the file (or OpenVINO folder) for `backend`
    backend: str  # pytorch | onnx | openvino
    class_names: tuple[str, ...] = ()
    image_size: int | None = None
    # The family's Predictor as "module:attr" (ModelFamily.predictor), so this engine needs no registry.
    predictor: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["class_names"] = list(self.class_names)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelSpec:
        return cls(**{**data, "class_names": tuple(data.get("class_names", ()))})


CacheKey = tuple[str, str, str, int]


def _mtime_ns(path: Path) -> int:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def load_predictor(spec: ModelSpec) -> Predictor:
    if not spec.predictor:
        raise ValueError(f"No predictor for framework {spec.framework!r}")
    # each family's predictor takes the weights first (the base class's constructor does not)
    factory: Callable[..., Predictor] = load_target(spec.predictor)
    return factory(Path(spec.weights), backend=spec.backend, task=spec.task, class_names=spec.class_names)


class ModelCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, capacity)
        self._items: OrderedDict[CacheKey, Predictor] = OrderedDict()
        self.loads = 0

    def key(self, spec: ModelSpec) -> CacheKey:
        return (spec.model_id, spec.backend, spec.weights, _mtime_ns(Path(spec.weights)))

    def get(self, spec: ModelSpec) -> Predictor:
        key = self.key(spec)
        predictor = self._items.get(key)
        if predictor is not None:
            self._items.move_to_end(key)
            return predictor
        self._drop_stale(spec)
        while len(self._items) >= self.capacity:
            self._evict()
        predictor = load_predictor(spec)
        self.loads += 1
        self._items[key] = predictor
        log.info("loaded model %s (%s, %s)", spec.model_id, spec.backend, spec.weights)
        return predictor

    def _drop_stale(self, spec: ModelSpec) -> None:
        """Older versions of the same model file (its mtime changed) are closed at once."""
        for key in [k for k in self._items if k[0] == spec.model_id and k[1] == spec.backend]:
            self._close(self._items.pop(key))

    def _evict(self) -> None:
        _key, predictor = self._items.popitem(last=False)
        self._close(predictor)

    @staticmethod
    def _close(predictor: Predictor) -> None:
        try:
            predictor.close()
        finally:
            gc.collect()

    def loaded(self) -> list[CacheKey]:
        return list(self._items)

    def clear(self) -> None:
        while self._items:
            self._evict()
