"""Where an Ultralytics run keeps its files (pure paths: the worker-side storage checks import it)."""

from __future__ import annotations

from pathlib import Path

RUN_NAME = "train"
EPOCH_CHECKPOINT = "epoch_{epoch:04d}.pt"


def weights_dir(run_dir: Path) -> Path:
    return run_dir / RUN_NAME / "weights"
