"""Training engines. Importing this package is cheap: torch/ultralytics load only inside a worker."""
