"""Plug-ins named as "module:attr" strings, imported only when used.

Model families name their trainer, predictor and exporter this way so the API process (which reads the
families' metadata) never imports the heavy libraries behind them, and a prediction request names its
predictor the same way so the prediction engine needs no list of families.
"""

from __future__ import annotations

import importlib
from typing import Any


def load_target(target: str) -> Any:
    """The attribute `attr` of module `module` for "module:attr"."""
    module_name, separator, attribute = target.partition(":")
    if not separator or not module_name or not attribute:
        raise ValueError(f"{target!r} is not a 'module:attr' plug-in name")
    return getattr(importlib.import_module(module_name), attribute)
