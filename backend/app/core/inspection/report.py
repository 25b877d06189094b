"""Inspection reports: the data (report_model.py) and its two renderings, PDF (ReportLab) and HTML.

`build_report_pdf(report, out)` and `build_report_html(report)` take the same `InspectionReport`.
"""

from __future__ import annotations

from app.core.inspection.report_html import build_report_html
from app.core.inspection.report_model import (
    InspectionReport,
    ReportCrack,
    ReportGrowth,
    ReportImage,
    ReportModel,
    SeveritySummaryRow,
    severity_summary,
)
from app.core.inspection.report_pdf import build_report_pdf

__all__ = [
    "InspectionReport",
    "ReportCrack",
    "ReportGrowth",
    "ReportImage",
    "ReportModel",
    "SeveritySummaryRow",
    "build_report_html",
    "build_report_pdf",
    "severity_summary",
]
