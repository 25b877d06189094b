"""Starter weights to and from their .npz form (int8 per-channel kernels, fp16 rest, no pickle).

Imports torch and Ultralytics inside the functions that need them: worker processes and scripts only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.core.families.ultralytics.starter import (
    MATERIALIZED_NAME,
    STARTER_ARCH,
    STARTER_CLASS_NAMES,
    STARTER_WEIGHTS,
    starter_image_size,
)

_QUANT, _SCALE, _HALF, _RAW = "q|", "s|", "h|", "r|"


def quantize_state(state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Arrays to store: int8 + per-output-channel scale for float kernels (ndim >= 2), fp16 else."""
    packed: dict[str, np.ndarray] = {}
    for name, array in state.items():
        if not np.issubdtype(array.dtype, np.floating):
            packed[_RAW + name] = array
        elif array.ndim >= 2:
            flat = array.astype(np.float32).reshape(array.shape[0], -1)
            scale = np.abs(flat).max(axis=1) / 127.0
            scale[scale == 0] = 1.0
            packed[_QUANT + name] = np.rint(flat / scale[:, None]).astype(np.int8).reshape(array.shape)
            packed[_SCALE + name] = scale.astype(np.float32)
        else:
            packed[_HALF + name] = array.astype(np.float16)
    return packed


def dequantize_state(packed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    state: dict[str, np.ndarray] = {}
    for key, array in packed.items():
        kind, name = key[:2], key[2:]
        if kind == _QUANT:
            scale = packed[_SCALE + name].reshape((-1,) + (1,) * (array.ndim - 1))
            state[name] = array.astype(np.float32) * scale
        elif kind == _HALF:
            state[name] = array.astype(np.float32)
        elif kind == _RAW:
            state[name] = array
    return state


def load_state(path: Path | None = None) -> dict[str, np.ndarray]:
    with np.load(path or STARTER_WEIGHTS, allow_pickle=False) as archive:
        return dequantize_state({key: archive[key] for key in archive.files})


def pack_checkpoint(checkpoint: Path, target: Path) -> int:
    """Write an Ultralytics checkpoint's weights (EMA when present) as the starter .npz; its size."""
    import torch

    ckpt = torch.load(checkpoint, map_location="cpu", weights_only=False)
    model = ckpt.get("ema") or ckpt["model"]
    state = {
        name: tensor.detach().float().numpy() if tensor.is_floating_point() else tensor.numpy()
        for name, tensor in model.state_dict().items()
    }
    np.savez_compressed(target, allow_pickle=False, **quantize_state(state))
    return target.stat().st_size


def materialize(target_dir: Path) -> Path:
    """Write (once) the starter as an Ultralytics checkpoint in `target_dir`; returns its path."""
    target = target_dir / MATERIALIZED_NAME
    if target.is_file():
        return target
    import torch
    from ultralytics.nn.tasks import SegmentationModel

    model = SegmentationModel(f"{STARTER_ARCH}.yaml", nc=len(STARTER_CLASS_NAMES), verbose=False)
    tensors = {name: torch.from_numpy(np.ascontiguousarray(array)) for name, array in load_state().items()}
    model.load_state_dict(tensors, strict=True)
    train_args = {"imgsz": starter_image_size(), "task": "segment"}
    model.names = dict(enumerate(STARTER_CLASS_NAMES))
    model.args = train_args  # type: ignore[assignment]  # Ultralytics keeps its arguments here
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    torch.save({"model": model.half(), "train_args": train_args, "epoch": -1}, partial)
    partial.replace(target)
    return target
