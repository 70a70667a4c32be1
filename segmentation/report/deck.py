"""The editable deck (PPTX): native PowerPoint charts with their data inside, tables, and the
page's sentence in each slide's speaker notes.

A lead restyles or edits a chart in PowerPoint as any chart made there: every chart is a
chart part with an embedded workbook (python-pptx's ``add_chart``), never a picture.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from .. import formatting as fmt
from .. import i18n
from .model import Chart, Report, Section, Table, format_value

_CHART_TYPES = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
                "line": XL_CHART_TYPE.LINE_MARKERS,
                "stacked_column": XL_CHART_TYPE.COLUMN_STACKED}
#: tables shown on slides (the others are in the workbook and the HTML report)
DECK_TABLES = ("kpis", "tier_summary", "personas", "service", "calls", "backtest")
#: rows of a table slide at most (the call list's rows wrap: fewer)
MAX_ROWS = 15
ROWS = {"calls": 8}
#: columns left off a table slide (long texts; the HTML report and the workbook hold them)
SKIP_COLUMNS = {"calls": ("action",)}
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
#: a font that has the Chinese glyphs (LibreOffice and PowerPoint fall back to it)
CJK_FONT = "Noto Sans CJK SC"


def write_deck(report: Report, target: str | Path | io.BytesIO) -> None:
    """Write ``report`` as a PPTX file (or into a binary buffer)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _title_slide(deck, report)
    for section in report.sections:
        _section_slides(deck, report, section)
    deck.save(target)


def deck_bytes(report: Report) -> bytes:
    """The PPTX file of ``report`` as bytes (for a download button)."""
    buffer = io.BytesIO()
    write_deck(report, buffer)
    return buffer.getvalue()


def _lang_font(run, lang: str) -> None:
    if lang == "zh":
        run.font.name = CJK_FONT
        rpr = run._r.get_or_add_rPr()  # the East Asian typeface of the run
        if rpr.find(qn("a:ea")) is None:
            rpr.append(rpr.makeelement(qn("a:ea"), {"typeface": CJK_FONT}))


def _text(frame, lines: Sequence[str], lang: str, sizes: Sequence[int]) -> None:
    frame.clear()
    for i, line in enumerate(lines):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        run = para.add_run()
        run.text = line
        run.font.size = Pt(sizes[min(i, len(sizes) - 1)])
        _lang_font(run, lang)


def _title_slide(deck, report: Report) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    lang = report.lang

    def t(key: str) -> str:
        return i18n.t(key, lang)

    _text(slide.shapes.title.text_frame, [report.title], lang, [40])
    sep = "：" if lang == "zh" else ": "
    lines = [t("report.meta.scope") + sep + report.scope,
             t("report.meta.as_of") + sep + fmt.day(report.as_of, lang),
             t("report.meta.source") + sep + report.source,
             t("report.meta.author") + sep + report.author]
    if report.created is not None:
        lines.append(t("report.meta.created") + sep + fmt.day(report.created, lang))
    _text(slide.placeholders[1].text_frame, lines, lang, [20])
    _notes(slide, [report.title, report.context], lang)


def _notes(slide, lines: Sequence[str], lang: str) -> None:
    _text(slide.notes_slide.notes_text_frame, [line for line in lines if line], lang, [12])


def _slide(deck, report: Report, title: str, sentence: str, lead: str = ""):
    """A title-only slide with the lead (else the sentence) under the title, and the
    sentence in the speaker notes."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    title_shape = slide.shapes.title
    title_shape.left, title_shape.top = MARGIN, Inches(0.3)
    title_shape.width, title_shape.height = WIDTH - 2 * MARGIN, Inches(0.9)
    _text(title_shape.text_frame, [title], report.lang, [28])
    box = slide.shapes.add_textbox(MARGIN, Inches(1.15), WIDTH - 2 * MARGIN, Inches(0.9))
    box.text_frame.word_wrap = True
    _text(box.text_frame, [lead or sentence], report.lang, [14 if len(lead or sentence) < 260
                                                             else 12])
    _notes(slide, [sentence], report.lang)
    return slide


def _section_slides(deck, report: Report, section: Section) -> None:
    tables = [t for t in section.tables if t.key in DECK_TABLES]
    if not section.charts and not tables:
        _slide(deck, report, section.title, section.sentence)
        return
    for chart in section.charts:
        slide = _slide(deck, report, section.title, section.sentence, section.lead)
        _add_chart(slide, chart, report.lang)
    for table in tables:
        slide = _slide(deck, report, section.title, section.sentence, section.lead)
        _add_table(slide, table, report)
    for note in section.notes:
        _slide(deck, report, section.title, note)


def _values(values: Sequence[float]) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)
            for v in values]


def chart_format(kind: str) -> str:
    """The number format of a chart's axis and labels: the formatting layer's, money in whole
    yuan (cents on an axis of ten thousands are noise)."""
    kind = kind if kind in ("int", "decimal", "money", "percent") else "int"
    number_format = fmt.excel_format(kind)
    return number_format.replace(".00", "") if kind == "money" else number_format


def _add_chart(slide, chart: Chart, lang: str) -> None:
    number_format = chart_format(chart.kind)
    data = CategoryChartData(number_format=number_format)
    data.categories = list(chart.categories)
    for name, values in chart.series.items():
        data.add_series(name, _values(values))
    top = Inches(2.1)
    frame = slide.shapes.add_chart(_CHART_TYPES[chart.type], MARGIN, top, WIDTH - 2 * MARGIN,
                                   HEIGHT - top - Inches(0.3), data)
    plot = frame.chart
    plot.has_title = True
    _text(plot.chart_title.text_frame, [chart.title, chart.subtitle], lang, [16, 11])
    plot.has_legend = len(chart.series) > 1
    if plot.has_legend:
        plot.legend.position = XL_LEGEND_POSITION.BOTTOM
        plot.legend.include_in_layout = False
    axis = plot.value_axis
    axis.tick_labels.number_format = number_format
    axis.tick_labels.number_format_is_linked = False
    axis.has_major_gridlines = True
    axis.tick_labels.font.size = Pt(11)
    plot.category_axis.tick_labels.font.size = Pt(11)
    if chart.type == "bar":  # the first category on top, as in the table
        plot.category_axis.reverse_order = True
    if chart.type in ("bar", "column") and len(chart.categories) <= 12:
        plot.plots[0].has_data_labels = True
        labels = plot.plots[0].data_labels
        labels.number_format = number_format
        labels.number_format_is_linked = False
        labels.font.size = Pt(10)
        labels.show_value = True


def _add_table(slide, table: Table, report: Report) -> None:
    lang = report.lang
    columns = [c for c in table.columns if c not in SKIP_COLUMNS.get(table.key, ())]
    n_rows = min(len(table.frame), ROWS.get(table.key, MAX_ROWS))
    top = Inches(2.1)
    height = Emu(int(Inches(0.4) * (n_rows + 1)))
    shape = slide.shapes.add_table(n_rows + 1, len(columns), MARGIN, top, WIDTH - 2 * MARGIN,
                                   height)
    grid = shape.table
    size = 11 if len(columns) <= 6 else 9
    for j, column in enumerate(columns):
        _text(grid.cell(0, j).text_frame, [table.header(column)], lang, [size])
        for i in range(n_rows):
            value = table.frame[column].iloc[i]
            text = format_value(value, table.cell_kind(column, i), lang)
            _text(grid.cell(i + 1, j).text_frame, [text], lang, [size])
    caption = slide.shapes.add_textbox(MARGIN, HEIGHT - Inches(0.6), WIDTH - 2 * MARGIN,
                                       Inches(0.4))
    _text(caption.text_frame, [f"{table.title} · {report.context}"], lang, [10])
