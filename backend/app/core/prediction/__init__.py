"""Inference: one `Predictor` interface (base.py), implemented by each model family
(core/families/<family>/predictor.py), tiled inference,
mask merging and the long-lived prediction worker processes (worker.py).

Modules that import torch, ultralytics or cv2 (the families' predictors, pipeline, tiling, the
worker's request handler) run only in worker processes. The API process imports base, rle, filtering,
render and worker's pool side, which use numpy and Pillow only.
"""
