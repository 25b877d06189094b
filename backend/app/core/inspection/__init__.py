"""Inspection algorithms (worker-side): photo metadata, automatic scale, locations, crack growth, reports.

Plain dataclasses and numpy arrays in and out; no database, no settings. `metadata` (Pillow), `scale`
and `growth` (OpenCV) and `report_pdf` (ReportLab) run in worker processes (job handlers, the
prediction worker). `geo`, `scale_choice`, `report_model`, `report_html` and `cameras` are pure Python
(no numpy, no OpenCV), so the API process may use them too (GeoJSON, CSV, the scale choice, HTML).

- `metadata`: EXIF / DJI XMP of a photo (size, camera, focal length, sensor, GPS, altitude, capture time).
- `scale`: mm per px from a fiducial marker (ArUco / AprilTag) or from the camera (ground sample
  distance); `scale_choice`: the estimate types and `reconcile`, choosing between the sources and
  flagging disagreements.
- `geo`: cracks as GeoJSON (RFC 7946) and CSV with latitude / longitude.
- `growth`: registration of two photos of the same element, matching of their cracks and the change.
- `report`: the inspection report as PDF (ReportLab) and HTML.
"""
