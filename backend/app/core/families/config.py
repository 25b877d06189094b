"""The training configuration checked against the model families.

`TrainingOptions` (app/core/training/config.py) holds the fields and the limits every family shares;
this subclass adds what only the registry knows: the architecture exists, fields a request leaves out
take its family's defaults and default image size, the family's narrower limits, the architecture's
image-size multiple and the family's one-GPU rule. Requests, stored sessions and jobs use this class;
trainers only read the fields (typed as `TrainingOptions`), so the engines need no registry.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo, field_validator, model_validator

from app.core.families.registry import architecture_names, family_of_architecture, get_architecture
from app.core.training.config import IMAGE_STRIDE, TrainingOptions, nearest_sizes


class TrainingConfig(TrainingOptions):
    """Everything a training run needs, validated with limits. Stored as JSON on the session."""

    @model_validator(mode="before")
    @classmethod
    def _family_defaults(cls, data: Any) -> Any:
        """Fields the request leaves out take the architecture's family defaults and default size."""
        if not isinstance(data, dict):
            return data
        arch = get_architecture(str(data.get("model_arch", "")))
        if arch is None:
            return data
        family = family_of_architecture(arch.name)
        filled = {**family.defaults, "image_size": arch.default_image_size}
        return {**filled, **data}

    @model_validator(mode="after")
    def _family_limits(self) -> TrainingConfig:
        """The family's narrower limits on the fields it uses."""
        family = family_of_architecture(self.model_arch)
        for name, limit in family.field_limits.items():
            value = getattr(self, name, None)
            if isinstance(value, int | float) and (problem := limit.problem(value)) is not None:
                raise ValueError(f"{name}: {problem} for {family.label}")
        return self

    @field_validator("model_arch")
    @classmethod
    def _known_arch(cls, value: str) -> str:
        names = architecture_names()
        if value not in names:
            raise ValueError(f"unknown architecture {value!r}; choose one of {', '.join(names)}")
        return value

    @field_validator("image_size")
    @classmethod
    def _size_rule(cls, value: int, info: ValidationInfo) -> int:
        arch = get_architecture(str(info.data.get("model_arch", "")))
        multiple = arch.image_multiple if arch is not None else IMAGE_STRIDE
        if value % multiple:
            model = f" for {arch.name}" if arch is not None else ""
            raise ValueError(
                f"must be a multiple of {multiple}{model}; nearest valid sizes: "
                f"{' or '.join(str(v) for v in nearest_sizes(value, multiple))}"
            )
        return value

    @field_validator("device")
    @classmethod
    def _family_gpus(cls, value: str, info: ValidationInfo) -> str:
        arch = get_architecture(str(info.data.get("model_arch", "")))
        family = family_of_architecture(arch.name) if arch is not None else None
        if "," in value and family is not None and not family.multi_gpu:
            raise ValueError(f"{family.label} trains on one GPU here: choose a single GPU index (e.g. '0')")
        return value
