"""Models area, in modules by seam: registry (list, detail, rename and tag, delete, compare), imports
(.pt uploads), evaluation and export; common holds what they share, views the API shapes.

Nothing here imports torch or ultralytics: checking an uploaded file, evaluating and exporting run in
worker jobs (app/jobs/model_jobs.py).
"""
