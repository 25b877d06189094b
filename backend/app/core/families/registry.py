"""The ONE list of model families, and the catalogue of architectures they train.

Light on purpose (the API imports it): family objects hold metadata and name their plug-ins as strings.
Adding a family: see app/core/families/__init__.py. `register_family` adds one at run time (tests use it
for a toy family); `unregister_family` takes it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.core.families import rfdetr, ultralytics
from app.core.families.base import ModelFamily
from app.core.families.catalogue import Architecture

_FAMILIES: dict[str, ModelFamily] = {f.name: f for f in (ultralytics.FAMILY, rfdetr.FAMILY)}
_catalogue: dict[str, Architecture] | None = None


def families() -> list[ModelFamily]:
    """Every registered family, in display order."""
    return list(_FAMILIES.values())


def family_names() -> list[str]:
    return list(_FAMILIES)


def get_family(name: str) -> ModelFamily:
    try:
        return _FAMILIES[name]
    except KeyError:
        raise ValueError(f"unknown model family {name!r}; known: {', '.join(_FAMILIES)}") from None


def find_family(name: str) -> ModelFamily | None:
    return _FAMILIES.get(name)


def register_family(family: ModelFamily) -> None:
    """Adds `family` (its architectures join the catalogue). Raises ValueError on a name clash."""
    global _catalogue
    if family.name in _FAMILIES:
        raise ValueError(f"model family {family.name!r} is already registered")
    clashes = set(load_catalogue()) & {a.name for a in family.architectures()}
    if clashes:
        raise ValueError(f"architectures already in the catalogue: {', '.join(sorted(clashes))}")
    _FAMILIES[family.name] = family
    _catalogue = None


def unregister_family(name: str) -> None:
    global _catalogue
    _FAMILIES.pop(name, None)
    _catalogue = None


@contextmanager
def registered(family: ModelFamily) -> Iterator[ModelFamily]:
    """`family` registered for the duration of a `with` block."""
    register_family(family)
    try:
        yield family
    finally:
        unregister_family(family.name)


def load_catalogue() -> dict[str, Architecture]:
    """Every family's architectures, keyed by name, in display order."""
    global _catalogue
    if _catalogue is None:
        _catalogue = {a.name: a for family in _FAMILIES.values() for a in family.architectures()}
    return _catalogue


def architecture_names() -> list[str]:
    return list(load_catalogue())


def get_architecture(name: str) -> Architecture | None:
    return load_catalogue().get(name)


def require_architecture(name: str) -> Architecture:
    arch = get_architecture(name)
    if arch is None:
        raise ValueError(f"unknown architecture {name!r}")
    return arch


def family_of_architecture(arch_name: str) -> ModelFamily:
    """The family that trains `arch_name` (an architecture of the catalogue)."""
    return get_family(require_architecture(arch_name).framework)


def dataset_cache_dirs(data_dir: Path, dataset_id: str) -> list[Path]:
    """The derived copies of a dataset the families keep (deleted with the dataset)."""
    dirs = (f.dataset_cache_dir(data_dir, dataset_id) for f in _FAMILIES.values())
    return [d for d in dirs if d is not None]
