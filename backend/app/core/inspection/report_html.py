"""The inspection report as one self-contained HTML page (same sections as the PDF).

Images are embedded as data URIs, the styles inline; no script and no external resource, so the file
opens offline and prints one section per page. Every text goes through `html.escape`.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence

from app.core.inspection.report_model import (
    CRACK_TABLE_HEADER,
    GROWTH_TABLE_HEADER,
    METRIC_TABLE_HEADER,
    OVERVIEW_TABLE_HEADER,
    SEVERITY_TABLE_HEADER,
    InspectionReport,
    ReportGrowth,
    ReportImage,
    ReportModel,
    cover_facts,
    crack_rows,
    growth_facts,
    growth_rows,
    growth_summary_text,
    image_facts,
    metric_rows,
    model_facts,
    overview_table_rows,
    severity_table_rows,
)

MAX_TEXT = 4000

_CSS = """
body { font-family: Helvetica, Arial, sans-serif; color: #1d2330; margin: 2rem auto; max-width: 60rem; }
section { page-break-after: always; margin-bottom: 3rem; }
section:last-child { page-break-after: auto; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #b0b4c0; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #e8eaf0; }
table.facts th { width: 10rem; }
img { max-width: 100%; max-height: 36rem; display: block; margin: 0.5rem 0; }
.severity-narrow { background: #2e7d3233; } .severity-moderate { background: #ef6c0033; }
.severity-wide { background: #c6282833; } .warning { color: #b71c1c; }
.small { color: #6b7080; font-size: 0.8rem; }
"""


def build_report_html(report: InspectionReport) -> str:
    sections = [_cover(report), _summary(report)]
    sections += [_image_section(index, image) for index, image in enumerate(report.images, start=1)]
    if report.model is not None:
        sections.append(_model_section(report.model))
    sections += [_growth_section(growth) for growth in report.growth]
    title = _e(f"{report.title} - {report.structure}")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(sections)
        + "\n</body></html>\n"
    )


def _e(text: object) -> str:
    return html.escape(str(text)[:MAX_TEXT])


def _facts(rows: Sequence[tuple[str, str]], css_class: str = "facts") -> str:
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    return f'<table class="{css_class}">{body}</table>'


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], severity_column: int | None = None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            css = (
                f' class="severity-{_e(cell)}"'
                if index == severity_column and cell in ("narrow", "moderate", "wide")
                else ""
            )
            cells.append(f"<td{css}>{_e(cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _img(data: bytes | None, alt: str) -> str:
    if not data:
        return ""
    mime = "image/png" if data[:8] == b"\x89PNG\r\n\x1a\n" else "image/jpeg"
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:{mime};base64,{encoded}" alt="{_e(alt)}">'


def _cover(report: InspectionReport) -> str:
    notes = f"<h3>Notes</h3><p>{_e(report.notes)}</p>" if report.notes else ""
    heading = f"<h1>{_e(report.title)}</h1><h2>{_e(report.structure)}</h2>"
    return f'<section id="cover">{heading}{_facts(cover_facts(report))}{notes}</section>'


def _summary(report: InspectionReport) -> str:
    return (
        '<section id="summary"><h1>Summary by severity</h1>'
        + _table(SEVERITY_TABLE_HEADER, severity_table_rows(report), severity_column=0)
        + "<h2>Images</h2>"
        + _table(OVERVIEW_TABLE_HEADER, overview_table_rows(report), severity_column=2)
        + "</section>"
    )


def _image_section(index: int, image: ReportImage) -> str:
    facts = image_facts(image)
    if image.notes:
        facts.append(("Notes", image.notes))
    warnings = [w for w in (image.scale.warning if image.scale else None, image.scale_conflict) if w]
    warning_html = "".join(f'<p class="warning">{_e(w)}</p>' for w in warnings)
    cracks = (
        _table(CRACK_TABLE_HEADER, crack_rows(image), severity_column=4)
        if image.cracks
        else "<p>No cracks found.</p>"
    )
    return (
        f'<section class="image"><h1>Image {index}: {_e(image.name)}</h1>'
        f"{_img(image.annotated_png, image.name)}{_facts(facts)}{warning_html}{cracks}</section>"
    )


def _model_section(model: ReportModel) -> str:
    metrics = "<h2>Metrics</h2>" + _table(METRIC_TABLE_HEADER, metric_rows(model)) if model.metrics else ""
    return f'<section id="model"><h1>Model</h1>{_facts(model_facts(model))}{metrics}</section>'


def _growth_section(growth: ReportGrowth) -> str:
    overlay = _img(growth.overlay_png, f"Growth overlay: {growth.title}")
    legend = '<p class="small">Blue: before. Red: after. Magenta: both.</p>' if overlay else ""
    table_rows = growth_rows(growth)
    table = _table(GROWTH_TABLE_HEADER, table_rows) if table_rows else ""
    css = "warning" if growth.failure else ""
    return (
        f'<section class="growth"><h1>Growth: {_e(growth.title)}</h1>{_facts(growth_facts(growth))}'
        f'<p class="{css}">{_e(growth_summary_text(growth))}</p>{overlay}{legend}{table}</section>'
    )
