"""Inspection (issue 18): structures inspected over time, images with an automatic scale and a position,
maps, reports and crack growth.

Modules: `structures` and `inspections` (CRUD and images), `scale` (the scale in use and cracks in mm),
`views` (rows to API shapes), `locations` (GeoJSON, CSV, map points), `reports` and `growth` (jobs and
their files). The heavy work (EXIF, marker detection, registration, PDF) runs in job handlers
(app/jobs/inspection_jobs.py) that call app/core/inspection; nothing here imports OpenCV.
"""
