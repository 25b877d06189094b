"""Inference: one `Predictor` interface (base.py) with one module per framework, tiled inference,
mask merging and the long-lived prediction worker processes (worker.py).

Modules that import torch, ultralytics or cv2 (ultralytics_predictor, pipeline, tiling, the worker's
request handler) run only in worker processes. The API process imports base, rle, filtering, render and
worker's pool side, which use numpy and Pillow only.
"""
