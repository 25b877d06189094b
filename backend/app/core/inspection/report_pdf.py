"""The inspection report as PDF, with ReportLab's platypus (A4).

Text is set in DejaVu Sans when the system has it (embedded: Latin, Greek, Cyrillic and more), else in
the built-in Helvetica (Latin-1 only: other characters print as boxes; the HTML report shows them all).

Pages: the cover; the summary by severity with an overview of the images; one page per image
(annotated photo, scale with its source and uncertainty, location, crack table in mm); the model and its
metrics; one page per growth comparison (overlay and per-crack change). Every text the user typed goes
through `escape` (platypus paragraphs parse a small markup language). Embedded photos are re-encoded
as JPEG with the long side at most 2000 px, so a report of many 20-megapixel photos stays small.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

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
    fmt_date,
    growth_facts,
    growth_rows,
    growth_summary_text,
    image_facts,
    metric_rows,
    model_facts,
    overview_table_rows,
    severity_table_rows,
)

EMBED_MAX_SIDE = 2000
EMBED_MAX_PIXELS = 120_000_000  # refuse to decode anything larger (decompression bombs)
MAX_TEXT = 4000  # notes and other free text are cut here
_MARGIN = 1.8 * cm
_FRAME_WIDTH = A4[0] - 2 * _MARGIN
_IMAGE_MAX_HEIGHT = 11.5 * cm
_FONT_FOLDERS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
_SEVERITY_TINTS = {"narrow": "#dcedc8", "moderate": "#ffe0b2", "wide": "#ffcdd2"}  # light: text stays legible


def build_report_pdf(report: InspectionReport, out: Path) -> Path:
    """Write the report to `out` (its folder must exist) and return the path."""
    styles = _styles()
    story: list[Flowable] = []
    story += _cover(report, styles)
    story += _summary(report, styles)
    for index, image in enumerate(report.images, start=1):
        story += _image_page(index, image, styles)
    if report.model is not None:
        story += _model_page(report.model, styles)
    for growth in report.growth:
        story += _growth_page(growth, styles)
    if isinstance(story[-1], PageBreak):
        story.pop()
    footer = f"{report.structure[:80]} - inspection {fmt_date(report.inspection_date)}"

    def on_page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(_fonts()[0], 8)
        canvas.setFillColor(colors.grey)
        canvas.drawString(_MARGIN, 1.0 * cm, footer)
        canvas.drawRightString(A4[0] - _MARGIN, 1.0 * cm, f"Page {doc.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        str(out),
        pagesize=A4,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=f"{report.title} - {report.structure}"[:200],
        author=(report.inspector or "")[:200],
        subject="Crack inspection",
        creator="crackdet",
    )
    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out


# --------------------------------------------------------------------------------------------------
# Sections
# --------------------------------------------------------------------------------------------------


def _cover(report: InspectionReport, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        Spacer(1, 5 * cm),
        _p(report.title, styles["Title"]),
        _p(report.structure, styles["CoverHeading"]),
        Spacer(1, 1 * cm),
        _key_value_table(cover_facts(report), styles),
    ]
    if report.notes:
        story += [Spacer(1, 0.8 * cm), _p("Notes", styles["Heading3"]), _p(report.notes, styles["BodyText"])]
    return [*story, PageBreak()]


def _summary(report: InspectionReport, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    severity = [SEVERITY_TABLE_HEADER, *severity_table_rows(report)]
    overview = [OVERVIEW_TABLE_HEADER, *overview_table_rows(report)]
    return [
        _p("Summary by severity", styles["Heading1"]),
        _table(severity, styles, severity_column=0),
        Spacer(1, 0.8 * cm),
        _p("Images", styles["Heading2"]),
        _table(overview, styles, severity_column=2),
        PageBreak(),
    ]


def _image_page(index: int, image: ReportImage, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [_p(f"Image {index}: {image.name}", styles["Heading1"])]
    picture = _picture(image.annotated_png, _FRAME_WIDTH, _IMAGE_MAX_HEIGHT)
    if picture is not None:
        story += [picture, Spacer(1, 0.3 * cm)]
    facts = image_facts(image)
    if image.scale and image.scale.warning:
        facts.append(("Scale warning", image.scale.warning))
    if image.scale_conflict:
        facts.append(("Scale conflict", image.scale_conflict))
    if image.notes:
        facts.append(("Notes", image.notes))
    story.append(_key_value_table(facts, styles))
    story.append(Spacer(1, 0.3 * cm))
    if image.cracks:
        story.append(_table([CRACK_TABLE_HEADER, *crack_rows(image)], styles, severity_column=4))
    else:
        story.append(_p("No cracks found.", styles["BodyText"]))
    return [*story, PageBreak()]


def _model_page(model: ReportModel, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [_p("Model", styles["Heading1"]), _key_value_table(model_facts(model), styles)]
    if model.metrics:
        metrics = [METRIC_TABLE_HEADER, *metric_rows(model)]
        story += [Spacer(1, 0.5 * cm), _p("Metrics", styles["Heading2"]), _table(metrics, styles)]
    return [*story, PageBreak()]


def _growth_page(growth: ReportGrowth, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    story: list[Flowable] = [
        _p(f"Growth: {growth.title}", styles["Heading1"]),
        _key_value_table(growth_facts(growth), styles),
        Spacer(1, 0.3 * cm),
        _p(growth_summary_text(growth), styles["BodyText"]),
        Spacer(1, 0.3 * cm),
    ]
    picture = _picture(growth.overlay_png, _FRAME_WIDTH, _IMAGE_MAX_HEIGHT)
    if picture is not None:
        story += [
            picture,
            _p("Blue: before. Red: after. Magenta: both.", styles["Small"]),
            Spacer(1, 0.3 * cm),
        ]
    table_rows = growth_rows(growth)
    if table_rows:
        story.append(_table([GROWTH_TABLE_HEADER, *table_rows], styles))
    return [*story, PageBreak()]


# --------------------------------------------------------------------------------------------------
# Building blocks
# --------------------------------------------------------------------------------------------------


@functools.cache
def _fonts() -> tuple[str, str]:
    """(regular, bold) font names: DejaVu Sans registered from the system when found, else Helvetica."""
    for folder in _FONT_FOLDERS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
                pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
            except (OSError, TTFError):
                continue
            return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    sheet = getSampleStyleSheet()
    styles = {
        name: ParagraphStyle(name, parent=sheet[name], fontName=bold if name != "BodyText" else regular)
        for name in ("Title", "Heading1", "Heading2", "Heading3", "BodyText")
    }
    styles["CoverHeading"] = ParagraphStyle("CoverHeading", parent=styles["Heading1"], alignment=TA_CENTER)
    styles["Cell"] = ParagraphStyle("Cell", parent=styles["BodyText"], fontSize=8.5, leading=10.5)
    styles["CellBold"] = ParagraphStyle("CellBold", parent=styles["Cell"], fontName=bold)
    styles["Small"] = ParagraphStyle("Small", parent=styles["BodyText"], fontSize=8, textColor=colors.grey)
    return styles


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text[:MAX_TEXT]).replace("\n", "<br/>"), style)


def _key_value_table(rows: Sequence[tuple[str, str]], styles: dict[str, ParagraphStyle]) -> Table:
    data = [[_p(key, styles["CellBold"]), _p(value, styles["Cell"])] for key, value in rows]
    table = Table(data, colWidths=[4 * cm, _FRAME_WIDTH - 4 * cm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _table(
    rows: Sequence[Sequence[str]], styles: dict[str, ParagraphStyle], severity_column: int | None = None
) -> Table:
    header, *body = rows
    data = [[_p(h, styles["CellBold"]) for h in header]] + [
        [_p(cell, styles["Cell"]) for cell in row] for row in body
    ]
    table = Table(data, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eaf0")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#b0b4c0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if severity_column is not None:
        for row_index, row in enumerate(body, start=1):
            colour = _SEVERITY_TINTS.get(row[severity_column])
            if colour:
                commands.append(
                    (
                        "BACKGROUND",
                        (severity_column, row_index),
                        (severity_column, row_index),
                        colors.HexColor(colour),
                    )
                )
    table.setStyle(TableStyle(commands))
    return table


def _picture(data: bytes | None, max_width: float, max_height: float) -> Image | None:
    """The image bytes as a platypus Image fitted into max_width x max_height (None when unreadable)."""
    if not data:
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as source:
            if source.width * source.height > EMBED_MAX_PIXELS:
                return None
            picture = source.convert("RGB")
    except (OSError, ValueError, PILImage.DecompressionBombError):
        return None
    picture.thumbnail((EMBED_MAX_SIDE, EMBED_MAX_SIDE))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=88)
    buffer.seek(0)
    ratio = min(max_width / picture.width, max_height / picture.height)
    return Image(buffer, width=picture.width * ratio, height=picture.height * ratio)
