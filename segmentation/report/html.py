"""The one-file HTML report: interactive plotly charts (plotly.js inline, once, so that it
opens offline) and a print stylesheet for clean A4 pages.

Every section starts on a new printed page; the footer of each printed page holds the
scope and the analysis date; there is no sidebar, nothing to click away. Values from the
data (branch names, persona names ...) are escaped, in the page and in the charts.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from .. import formatting as fmt
from .. import i18n
from ..textsafe import safe_figure
from .model import Chart, Report, Section, Table, format_value

#: rows of a table in the page at most (the workbook holds them all)
MAX_ROWS = 50
#: chart size in CSS pixels: fits the A4 text width (186 mm) at 96 dpi
CHART_WIDTH, CHART_HEIGHT = 700, 380
_NUMERIC = ("int", "decimal", "money", "percent", "row")

CSS = """
:root { --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --accent: #2f6fb0; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Noto Sans CJK SC", "Microsoft YaHei", Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 760px; padding: 24px 30px 60px;
       line-height: 1.45; font-size: 14px; }
header.cover { padding: 40px 0 24px; border-bottom: 3px solid var(--accent); }
header.cover h1 { font-size: 30px; margin: 0 0 16px; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.meta dt { color: var(--muted); } dl.meta dd { margin: 0; }
nav.toc ol { padding-left: 20px; }
section { padding-top: 12px; }
section h2 { font-size: 22px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
p.lead { font-size: 15px; }
p.note { color: var(--muted); font-style: italic; }
.chart { margin: 12px 0 20px; width: 700px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin-bottom: 8px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left;
         vertical-align: top; }
th { background: #f0f4f8; }
td.num, th.num { text-align: right; white-space: nowrap; }
p.more { color: var(--muted); font-size: 12px; }
footer.page { color: var(--muted); font-size: 11px; margin-top: 40px;
              border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm 18mm 12mm; }
@media print {
  body { max-width: none; padding: 0; }
  section { break-before: page; padding-top: 0; }
  .chart, h3, tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  footer.page { position: fixed; bottom: 0; left: 0; right: 0; margin: 0;
                background: white; }
  nav.toc a { color: inherit; text-decoration: none; }
}
"""


def write_html(report: Report, target: str | Path) -> None:
    """Write ``report`` as one self-contained HTML file."""
    Path(target).write_text(html_text(report), encoding="utf-8")


def html_text(report: Report) -> str:
    """The report's HTML page."""
    lang = report.lang
    esc = html.escape

    def t(key: str, **params) -> str:
        return i18n.t(key, lang, **params)

    meta = [(t("report.meta.scope"), report.scope),
            (t("report.meta.as_of"), fmt.day(report.as_of, lang)),
            (t("report.meta.source"), report.source),
            (t("report.meta.author"), report.author)]
    if report.created is not None:
        meta.append((t("report.meta.created"), fmt.day(report.created, lang)))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(report.title)} · {esc(report.context)}</title>",
        f"<style>{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head>", "<body>",
        '<header class="cover">', f"<h1>{esc(report.title)}</h1>", '<dl class="meta">',
        *(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta),
        "</dl>", "</header>",
        f'<nav class="toc"><h3>{esc(t("report.contents"))}</h3><ol>',
        *(f'<li><a href="#{s.key}">{esc(s.title)}</a></li>' for s in report.sections),
        "</ol></nav>",
    ]
    for section in report.sections:
        parts.append(_section(report, section))
    parts += [f'<footer class="page">{esc(report.title)} · {esc(report.context)}</footer>',
              "</body>", "</html>"]
    return "\n".join(parts)


def _section(report: Report, section: Section) -> str:
    esc = html.escape
    out = [f'<section id="{section.key}">', f"<h2>{esc(section.title)}</h2>",
           f'<p class="lead">{esc(section.sentence)}</p>']
    for note in section.notes:
        out.append(f'<p class="note">{esc(note)}</p>')
    for chart in section.charts:
        out.append(f'<div class="chart">{_chart_html(chart, report.lang)}</div>')
    for table in section.tables:
        out.append(_table_html(table, report.lang))
    out.append("</section>")
    return "\n".join(out)


def _clean(values) -> list[float | None]:
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else v
            for v in values]


def figure(chart: Chart, lang: str) -> go.Figure:
    """The plotly figure of ``chart``: title with its context, ticks and hover texts from
    the formatting layer."""
    horizontal = chart.type == "bar"
    categories = list(chart.categories)
    fig = go.Figure()
    labels = len(categories) <= 12 and chart.type != "line"
    for name, values in chart.series.items():
        texts = [format_value(v, chart.kind, lang) for v in values]
        common = dict(name=name, customdata=texts, text=texts if labels else None)
        if chart.type == "line":
            trace = go.Scatter(x=categories, y=_clean(values), mode="lines+markers",
                               hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}"
                                             "</extra>", **common)
        elif horizontal:
            trace = go.Bar(y=categories, x=_clean(values), orientation="h",
                           textposition="outside" if labels else None, cliponaxis=False,
                           hovertemplate="%{y}: %{customdata}<extra>%{fullData.name}</extra>",
                           **common)
        else:
            trace = go.Bar(x=categories, y=_clean(values),
                           textposition="outside" if labels else None, cliponaxis=False,
                           hovertemplate="%{x}: %{customdata}<extra>%{fullData.name}</extra>",
                           **common)
        fig.add_trace(trace)
    finite = [v for vs in chart.series.values() for v in vs if v is not None and
              not (isinstance(v, float) and math.isnan(v))]
    lo, hi = (min(0.0, min(finite)), max(finite)) if finite else (0.0, 1.0)
    if chart.type == "line" and finite:
        lo = min(finite)
    if hi <= lo:
        hi = lo + 1.0
    tick_kind = {"money": "money", "percent": "percent"}.get(chart.kind, "number")
    tickvals, ticktext = fmt.axis_ticks(lo, hi * (1.12 if labels else 1.0), lang,
                                        kind=tick_kind)
    value_axis = dict(tickvals=list(tickvals), ticktext=list(ticktext), title=None,
                      zeroline=True)
    fig.update_layout(
        title=dict(text=chart.title, subtitle=dict(text=chart.subtitle), x=0.02),
        width=CHART_WIDTH, height=max(CHART_HEIGHT, 26 * len(categories) + 140)
        if horizontal else CHART_HEIGHT,
        barmode="stack" if chart.type == "stacked_column" else "group",
        margin=dict(l=10, r=30, t=80, b=40), template="plotly_white",
        legend=dict(orientation="h", y=-0.15), showlegend=len(chart.series) > 1,
        font=dict(family="Noto Sans, Noto Sans CJK SC, Arial, sans-serif", size=12))
    if horizontal:
        fig.update_xaxes(**value_axis)
        fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    else:
        fig.update_yaxes(**value_axis)
        fig.update_xaxes(type="category", automargin=True)
    return fig


def _chart_html(chart: Chart, lang: str) -> str:
    return pio.to_html(safe_figure(figure(chart, lang)), full_html=False,
                       include_plotlyjs=False, div_id=f"chart-{chart.key}",
                       config={"displaylogo": False, "responsive": False})


def _table_html(table: Table, lang: str) -> str:
    esc = html.escape
    columns = table.columns
    shown = table.frame.head(MAX_ROWS)

    def cls(column: str) -> str:
        return ' class="num"' if table.kind(column) in _NUMERIC else ""

    head = "".join(f"<th{cls(c)}>{esc(table.header(c))}</th>" for c in columns)
    rows = []
    for i in range(len(shown)):
        cells = "".join(
            f"<td{cls(c)}>{esc(format_value(shown[c].iloc[i], table.cell_kind(c, i), lang))}"
            "</td>" for c in columns)
        rows.append(f"<tr>{cells}</tr>")
    more = ""
    if len(table.frame) > MAX_ROWS:
        text = i18n.t("report.rows_shown", lang, shown=fmt.number(MAX_ROWS, lang),
                      total=fmt.number(len(table.frame), lang))
        more = f'<p class="more">{esc(text)}</p>'
    return (f"<h3>{esc(table.title)}</h3><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{more}")
