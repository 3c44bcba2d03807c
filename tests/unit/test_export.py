"""Exports: the Word document is a valid package, and the score chart renders to PNG."""

from __future__ import annotations

import io
import struct
import time
import zipfile
from datetime import date, timedelta
from itertools import pairwise
from xml.etree import ElementTree as ET

import pytest

from bot.domain.scores import DEFAULT_SCALE
from bot.export.chart import score_chart_png
from bot.export.docx import journal_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
REQUIRED_PARTS = (
    "[Content_Types].xml",
    "_rels/.rels",
    "word/document.xml",
    "word/_rels/document.xml.rels",
    "word/styles.xml",
)
SECTIONS = [
    ("Dato for evaluering", "23.11.2026"),
    ("Hvordan det går med at nå målet/delmålet", "Første linje\nAnden linje: æøå ÆØÅ"),
    ('Refleksioner <&> "citat"', "a < b && c > d </w:t> ]]>"),
    ("Kvantitativt grundlag", "Periode: 1.9.2026–23.11.2026\n\nSvarprocent: 72 %"),
]


def _paragraphs(docx: bytes) -> list[tuple[str | None, list[str]]]:
    """Return (style, lines) per paragraph of word/document.xml; w:br splits lines."""
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        root = ET.fromstring(archive.read("word/document.xml"))
    found = []
    for paragraph in root.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        lines = [""]
        for node in paragraph.iter():
            if node.tag == f"{W}t":
                lines[-1] += node.text or ""
            elif node.tag == f"{W}br":
                lines.append("")
        found.append((None if style is None else style.get(f"{W}val"), lines))
    return found


# --- docx --------------------------------------------------------------------------------


def test_docx_has_the_required_parts_and_they_parse() -> None:
    docx = journal_docx("Evaluering af mål og delmål", SECTIONS)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml"
        assert set(REQUIRED_PARTS) <= set(names)
        for name in names:
            ET.fromstring(archive.read(name))  # every part is well-formed XML
        types = archive.read("[Content_Types].xml").decode()
        rels = ET.fromstring(archive.read("_rels/.rels"))
    assert "wordprocessingml.document.main+xml" in types
    assert 'PartName="/word/document.xml"' in types
    targets = [r.get("Target") for r in rels]
    assert targets == ["word/document.xml"]


def test_docx_lays_out_title_headings_and_bodies() -> None:
    paragraphs = _paragraphs(journal_docx("Evaluering af mål og delmål", SECTIONS))
    assert paragraphs == [
        ("Title", ["Evaluering af mål og delmål"]),
        ("Heading1", ["Dato for evaluering"]),
        (None, ["23.11.2026"]),
        ("Heading1", ["Hvordan det går med at nå målet/delmålet"]),
        (None, ["Første linje", "Anden linje: æøå ÆØÅ"]),
        ("Heading1", ['Refleksioner <&> "citat"']),
        (None, ["a < b && c > d </w:t> ]]>"]),
        ("Heading1", ["Kvantitativt grundlag"]),
        (None, ["Periode: 1.9.2026–23.11.2026"]),
        (None, ["Svarprocent: 72 %"]),
    ]


def test_docx_styles_define_the_styles_used() -> None:
    with zipfile.ZipFile(io.BytesIO(journal_docx("T", SECTIONS))) as archive:
        styles = ET.fromstring(archive.read("word/styles.xml"))
    ids = {style.get(f"{W}styleId") for style in styles.iter(f"{W}style")}
    assert {"Normal", "Title", "Heading1"} <= ids


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        pytest.param("", [""], id="empty"),
        pytest.param("a\r\nb", ["a", "b"], id="windows-line-end"),
        pytest.param("bell\x07 and nul\x00 dropped", ["bell and nul dropped"], id="control-chars"),
        pytest.param("  spaced  ", ["  spaced  "], id="spaces-kept"),
        pytest.param("emoji 📝", ["emoji 📝"], id="emoji"),
    ],
)
def test_docx_bodies_survive(body: str, lines: list[str]) -> None:
    paragraphs = _paragraphs(journal_docx("T", [("H", body)]))
    assert paragraphs[2] == (None, lines)


def test_docx_section_without_heading_is_body_only() -> None:
    paragraphs = _paragraphs(journal_docx("T", [("", "Beboer: Mia\nDelmål: x"), ("H", "b")]))
    assert paragraphs == [
        ("Title", ["T"]),
        (None, ["Beboer: Mia", "Delmål: x"]),
        ("Heading1", ["H"]),
        (None, ["b"]),
    ]


def test_docx_is_deterministic() -> None:
    assert journal_docx("T", SECTIONS) == journal_docx("T", SECTIONS)


# --- chart -------------------------------------------------------------------------------

START = date(2026, 9, 1)
PERIOD = (START, START + timedelta(days=89))
NINETY_DAYS = [(START + timedelta(days=i), 1 + (i * 7) % 5) for i in range(90)]


def _png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize(
    ("points", "period"),
    [
        pytest.param(NINETY_DAYS, PERIOD, id="ninety-daily-points"),
        pytest.param([], PERIOD, id="no-scores"),
        pytest.param([(START, 3)], (START, START), id="one-day-period"),
        pytest.param([(START + timedelta(days=5), 2), (START, 4)], PERIOD, id="unordered"),
    ],
)
def test_chart_renders_png(points: list[tuple[date, int]], period: tuple[date, date]) -> None:
    png = score_chart_png(
        points, DEFAULT_SCALE, "Delmål: æøå", period, mean_label="Gennemsnit", empty_text="Ingen"
    )
    assert _png_size(png) == (800, 400)


def test_chart_in_english() -> None:
    png = score_chart_png(NINETY_DAYS, DEFAULT_SCALE, "Sub-goal", PERIOD, locale="en")
    assert png.startswith(PNG_SIGNATURE)


def test_chart_draws_something_different_for_different_scores() -> None:
    flat = score_chart_png([(START, 1), (START + timedelta(days=1), 1)], DEFAULT_SCALE, "x", PERIOD)
    high = score_chart_png([(START, 5), (START + timedelta(days=1), 5)], DEFAULT_SCALE, "x", PERIOD)
    assert flat != high


@pytest.mark.parametrize("span", [0, 1, 6, 13, 30, 61, 89, 92, 366])
def test_chart_day_ticks_stay_few_and_start_at_the_period(span: int) -> None:
    from bot.export.chart import MAX_TICKS, _day_ticks

    ticks = _day_ticks(span)
    assert ticks[0] == 0
    assert ticks[-1] <= span
    assert len(ticks) <= MAX_TICKS
    assert len({b - a for a, b in pairwise(ticks)}) <= 1  # evenly spaced


def test_chart_refuses_a_backwards_period() -> None:
    with pytest.raises(ValueError, match="period"):
        score_chart_png([], DEFAULT_SCALE, "x", (START, START - timedelta(days=1)))


def test_chart_of_three_months_is_quick() -> None:
    score_chart_png(NINETY_DAYS, DEFAULT_SCALE, "warm-up", PERIOD)  # first call loads fonts
    began = time.perf_counter()
    score_chart_png(NINETY_DAYS, DEFAULT_SCALE, "Delmål", PERIOD, mean_label="Gennemsnit")
    # Target 300 ms; the bound is generous so a busy CI machine does not fail it by chance.
    assert time.perf_counter() - began < 1.5
