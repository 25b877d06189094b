"""Training sessions, in modules by seam: resolution (dataset, weights, device checks), state (status,
events, logs, metrics, checkpoints), sessions (create, list, stop, cancel, resume, delete) and catalogue
(the model families' architectures and defaults).

The API process never trains: it records a `queued` session and submits a "training" job to the runner;
the worker (app/jobs/training_job.py) does the rest and reports through the database.
"""
