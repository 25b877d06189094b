"""Model files: checking an imported checkpoint and evaluating a model (worker side, heavy imports inside)."""
