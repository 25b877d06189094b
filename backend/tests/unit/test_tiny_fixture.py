from __future__ import annotations

from pathlib import Path


def test_tiny_trained_model_fixture_produces_loadable_weights(trained_yolo_weights: Path) -> None:
    assert trained_yolo_weights.name == "best.pt"
    assert trained_yolo_weights.stat().st_size > 1_000_000  # a real checkpoint, not a placeholder
    dataset = trained_yolo_weights.parents[3] / "dataset"
    assert (dataset / "data.yaml").is_file()
