"""The inspection report: a PDF read back with pypdf (pages, texts, images) and the same report as HTML."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest
from pypdf import PdfReader

from app.core.inspection.growth import compare_cracks, growth_overlay, register
from app.core.inspection.report import (
    InspectionReport,
    ReportCrack,
    ReportGrowth,
    ReportImage,
    ReportModel,
    build_report_html,
    build_report_pdf,
    severity_summary,
)
from app.core.inspection.report_pdf import _fonts
from app.core.inspection.scale import ScaleEstimate
from app.core.measure import measure_crack
from app.data.synthetic import render_crack_image
from tests.helpers.inspection_images import growth_pair

STRUCTURE = "Bridge <7> & Sons"  # markup characters must come out as text
MM_PER_PX = 0.5


def _png(image: np.ndarray) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


@pytest.fixture(scope="module")
def report() -> InspectionReport:
    pair = growth_pair(seed=5)
    registration = register(pair.old_image, pair.new_image)
    result = compare_cracks(
        pair.old_masks, pair.new_masks, registration, pair.mm_per_px_old, pair.mm_per_px_new
    )
    overlay = growth_overlay(pair.old_image, pair.new_image, pair.old_masks, pair.new_masks, registration)
    annotated = pair.new_image.copy()
    for mask in pair.new_masks:
        annotated[mask] = (0, 0, 255)
    scale = ScaleEstimate("marker", MM_PER_PX, 0.8, "DICT_4X4_50 marker #7, 50 mm side = 100.0 px")
    located = ReportImage(
        name="pier3-north.jpg",
        annotated_png=_png(annotated),
        cracks=[
            ReportCrack.from_measurement(i, measure_crack(m, mm_per_px=MM_PER_PX), 0.9)
            for i, m in enumerate(pair.new_masks, start=1)
        ],
        scale=scale,
        latitude=52.52,
        longitude=13.405,
        altitude_m=41.0,
        captured_at=datetime(2026, 5, 14, 8, 31, tzinfo=UTC),
    )
    _, masks = render_crack_image(np.random.default_rng(4), 200, 200, n_cracks=2)
    unscaled = ReportImage(
        name="indoor.jpg",
        cracks=[ReportCrack.from_measurement(i, measure_crack(m)) for i, m in enumerate(masks, start=1)],
    )
    return InspectionReport(
        structure=STRUCTURE,
        inspection_date=date(2026, 5, 14),
        inspector="A. Engineer",
        notes="Spring visit.\nDeck and piers from the boat.",
        images=[located, unscaled],
        model=ReportModel(
            "deck-cracks v3", "yolov8n-seg", {"mask mAP50": 0.612, "box mAP50": 0.701}, {"epochs": "40"}
        ),
        growth=[
            ReportGrowth(
                "Pier 3, north face",
                "pier3-2025.jpg",
                "pier3-north.jpg",
                "2025-05-02",
                "2026-05-14",
                _png(overlay),
                result,
                registration.quality,
                old_crack_ids=(17,),
                new_crack_ids=(31, 32),
            ),
            ReportGrowth(
                "Abutment", "a-2025.jpg", "a-2026.jpg", failure="Only 5 of 61 feature matches agree."
            ),
        ],
    )


@pytest.fixture(scope="module")
def pages(report: InspectionReport, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    out = build_report_pdf(report, tmp_path_factory.mktemp("report") / "report.pdf")
    reader = PdfReader(out)
    assert reader.metadata is not None and reader.metadata.title == f"Crack inspection report - {STRUCTURE}"
    assert len(reader.pages[2].images) == 1 and len(reader.pages[3].images) == 0  # annotated photo / none
    assert len(reader.pages[5].images) == 1  # the growth overlay
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def test_pdf_has_cover_summary_a_page_per_image_model_and_growth(pages: list[str]) -> None:
    assert len(pages) == 7
    headings = [
        "Crack inspection report",
        "Summary by severity",
        "Image 1: pier3-north.jpg",
        "Image 2: indoor.jpg",
        "Model",
        "Growth: Pier 3, north face",
        "Growth: Abutment",
    ]
    for page, heading in zip(pages, headings, strict=True):
        assert heading in page
    for number, page in enumerate(pages, start=1):
        assert f"Page {number}" in page


def test_pdf_cover(pages: list[str]) -> None:
    cover = pages[0]
    assert STRUCTURE in cover  # escaped for ReportLab's markup, printed literally
    assert "A. Engineer" in cover and "2026-05-14" in cover and "Deck and piers from the boat." in cover


def test_pdf_summary_by_severity(pages: list[str], report: InspectionReport) -> None:
    summary = pages[1]
    rows = {row.severity: row for row in severity_summary(report)}
    assert rows["no scale"].cracks == 2 and rows["no scale"].images == 1
    scaled = [c for c in report.images[0].cracks]
    assert sum(rows[s].cracks for s in ("narrow", "moderate", "wide")) == len(scaled) == 2
    for severity, row in rows.items():
        assert re.search(rf"{severity} {row.cracks} {row.images}", summary), (severity, summary)
    total = sum(c.length_mm for c in scaled if c.severity == "moderate")
    if total:
        assert f"{total:.1f}" in summary


def test_pdf_image_pages(pages: list[str], report: InspectionReport) -> None:
    located, unscaled = pages[2], pages[3]
    assert "0.5 mm/px \u00b1 0.8 %, from the marker" in located
    assert "52.520000 N, 13.405000 E, altitude 41.0 m" in located
    assert "2026-05-14 08:31 UTC" in located
    for crack in report.images[0].cracks:
        assert f"{crack.length_mm:.1f}" in located and f"{crack.max_width_mm:.2f}" in located
    assert "No GPS position in the photo." in unscaled and "No scale" in unscaled
    for crack in report.images[1].cracks:
        assert f"{crack.length_px:.1f}" in unscaled


def test_pdf_model_and_growth_pages(pages: list[str], report: InspectionReport) -> None:
    assert "yolov8n-seg" in pages[4] and "0.612" in pages[4] and "epochs 40" in pages[4]
    growth = pages[5]
    assert "1 crack(s) found in both, 1 new, 0 no longer found" in growth
    result = report.growth[0].result
    assert result is not None
    grown = result.matched[0]
    assert f"17 -> 31 matched {grown.old_length_mm:.1f} mm {grown.new_length_mm:.1f} mm" in growth
    assert f"{grown.length_change_mm:+.1f}" in growth and f"{grown.width_change_mm:+.2f}" in growth
    assert "- -> 32 new" in growth
    assert "could not be aligned: Only 5 of 61 feature matches agree." in pages[6]


def test_html_has_the_same_sections_escaped_and_self_contained(report: InspectionReport) -> None:
    page = build_report_html(report)
    assert page.startswith("<!DOCTYPE html>")
    assert "Bridge &lt;7&gt; &amp; Sons" in page and STRUCTURE not in page
    assert page.count("<section") == 7
    assert page.count('src="data:image/png;base64,') == 2  # the annotated photo and the overlay
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org", "")
    for text in (
        "Summary by severity",
        "52.520000 N, 13.405000 E",
        "No GPS position",
        "yolov8n-seg",
        "1 crack(s) found in both, 1 new",
        "could not be aligned",
    ):
        assert text in page


def test_report_without_images_model_or_growth(tmp_path: Path) -> None:
    empty = InspectionReport(structure="Wall", inspection_date=date(2026, 1, 2))
    reader = PdfReader(build_report_pdf(empty, tmp_path / "empty.pdf"))
    assert len(reader.pages) == 2  # cover and summary
    assert "Summary by severity" in reader.pages[1].extract_text()
    assert "<section" in build_report_html(empty)


def test_unreadable_image_bytes_are_left_out_not_fatal(tmp_path: Path) -> None:
    broken = InspectionReport(
        structure="Wall",
        inspection_date=date(2026, 1, 2),
        images=[ReportImage("x.jpg", annotated_png=b"not a png")],
    )
    reader = PdfReader(build_report_pdf(broken, tmp_path / "broken.pdf"))
    assert len(reader.pages) == 3 and len(reader.pages[2].images) == 0


def test_text_beyond_ascii_prints(tmp_path: Path) -> None:
    """Latin-1 always; Cyrillic and Greek too with the DejaVu font (found on this system's font path)."""
    report = InspectionReport(
        structure="Brücke \u2013 Мост Ωmega", inspection_date=date(2026, 1, 2), inspector="Zoë"
    )
    cover = PdfReader(build_report_pdf(report, tmp_path / "u.pdf")).pages[0].extract_text()
    assert "Brücke \u2013" in cover and "Zoë" in cover
    if _fonts()[0] == "DejaVuSans":
        assert "Мост Ωmega" in cover
