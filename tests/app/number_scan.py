"""Find numbers that a page shows outside the formatting layer (segmentation.formatting).

:func:`scan` walks an AppTest run: element texts (markdown, captions, metrics, alerts),
table cells as the browser would show them (a pandas Styler's display strings, or the
column's number format applied to the raw values) and the plotly specs (titles, tick
texts, trace texts, hover templates). It returns one line per problem:

- a number of 10,000 or more without grouping (``12457``, ``23432371``);
- more than two decimals (``0.5222222``, ``1.546``);
- an English month name on a Chinese page (``Jul 2023``);
- a compact unit of the other language (``¥306K`` on a Chinese page, ``250万`` in
  English), or full and compact amounts of money in one text (``¥62,123`` and ``¥2.52M``);
- a numeric or date chart axis whose tick texts plotly makes itself (d3 formats do not
  know 万, nor Chinese months), a hover template that formats numbers or dates with d3,
  a table column shown in Streamlit's own number formats (``percent`` has two decimals,
  ``%.0f`` no grouping).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pyarrow as pa

_UNGROUPED = re.compile(r"(?<![\w.,:/-])\d{5,}(?:\.\d+)?(?![\w/-])")
_DECIMALS = re.compile(r"(?<![\w.])\d[\d,]*\.\d{3,}(?![\w.])")
_EN_MONTH = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s*'?\d{2,4}\b"
    r"|\b\d{4}\s*(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_COMPACT_EN = re.compile(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?\s?[KMB]\b")
_COMPACT_ZH = re.compile(r"(?<![\d.,])\d[\d,]*(?:\.\d+)?\s?[万亿]")
_MONEY_FULL = re.compile(r"¥\d{1,3}(?:,\d{3})+")
_MONEY_COMPACT = re.compile(r"¥\d+(?:\.\d+)?\s?(?:[KMB]\b|[万亿])")
#: a plotly placeholder that formats a number or a date itself: %{y:,.0f}, %{x|%Y-%m}
_D3_PLACEHOLDER = re.compile(r"%\{(?!customdata|text|hovertext|fullData|label|meta)"
                             r"[^}:|]+[:|][^}]+\}")
_PHONE = re.compile(r"^1\d{10}$")


def text_problems(text: str, lang: str) -> list[str]:
    """The forbidden forms in one piece of text shown to a person."""
    if not isinstance(text, str) or not text:
        return []
    found: list[str] = []
    for m in _UNGROUPED.finditer(text):
        if not _PHONE.match(m.group()):
            found.append(f"ungrouped {m.group()!r}")
    found += [f"decimals {m.group()!r}" for m in _DECIMALS.finditer(text)]
    if lang == "zh":
        found += [f"English month {m.group()!r}" for m in _EN_MONTH.finditer(text)]
        found += [f"English compact {m.group()!r}" for m in _COMPACT_EN.finditer(text)]
    else:
        found += [f"Chinese compact {m.group()!r}" for m in _COMPACT_ZH.finditer(text)]
    full, short = _MONEY_FULL.findall(text), _MONEY_COMPACT.findall(text)
    if full and short:
        found.append(f"mixed money styles {full[0]!r} / {short[0]!r}")
    return found


def scan(at: Any, lang: str) -> list[str]:
    """Every problem of an AppTest run, as ``"<element>: <problem>"`` lines."""
    problems: list[str] = []
    for where, text in _texts(at):
        problems += [f"{where}: {p}" for p in text_problems(text, lang)]
    for i, table in enumerate([*at.get("arrow_table"), *at.dataframe]):
        problems += [f"table {i}: {p}" for p in _table_problems(table.proto, lang)]
    for i, chart in enumerate(at.get("plotly_chart")):
        problems += [f"chart {i}: {p}" for p in chart_problems(json.loads(chart.proto.spec),
                                                                  lang)]
    return sorted(set(problems))


def _texts(at: Any) -> Iterator[tuple[str, str]]:
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info",
                 "warning", "success", "error", "toast", "latex", "code"):
        for el in at.get(kind):
            yield kind, str(getattr(el, "value", "") or getattr(el.proto, "body", ""))
    for m in at.metric:
        yield "metric", f"{m.label} | {m.value} | {m.proto.delta}"
    for e in at.expander:
        yield "expander", str(e.label)
    for tab in at.tabs:
        yield "tab", str(tab.label)


def _table_problems(proto: Any, lang: str) -> list[str]:
    arrow = proto.arrow_data if hasattr(proto, "arrow_data") else proto
    data = pa.ipc.open_stream(arrow.data).read_pandas() if arrow.data else pd.DataFrame()
    config = json.loads(proto.columns) if getattr(proto, "columns", "") else {}
    shown = None
    if arrow.HasField("styler") and arrow.styler.display_values:
        shown = pa.ipc.open_stream(arrow.styler.display_values).read_pandas()
    found: list[str] = []
    order = list(getattr(proto, "column_order", []) or [])
    for column in data.columns:
        if order and str(column) not in order:
            continue  # not shown
        values = data[column]
        conf = config.get(str(column), {}).get("type_config", {})
        fmt = conf.get("format")
        if shown is not None and column in shown.columns and not fmt:
            for text in shown[column].astype(str).unique()[:200]:
                found += [f"{column}: {p}" for p in text_problems(text, lang)]
            continue
        if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            for text in values.dropna().astype(str).unique()[:200]:
                found += [f"{column}: {p}" for p in text_problems(text, lang)]
            continue
        # Streamlit's percent shows the decimals of ``step`` less two: 0.001 -> 52.2%
        two_decimals = fmt == "percent" and conf.get("step") != 0.001
        if conf.get("type") == "progress" or config.get(str(column), {}).get("hidden"):
            if two_decimals:
                found.append(f"{column}: Streamlit 'percent' format (two decimals)")
            continue
        numbers = values.dropna().astype(float)
        if numbers.empty:
            continue
        fractional = bool((numbers.round(0) != numbers).any())
        large = bool((numbers.abs() >= 10_000).any())
        if fmt == "percent":
            if two_decimals:
                found.append(f"{column}: Streamlit 'percent' format (two decimals)")
        elif fmt in (None, "plain", "localized", "accounting") and fractional:
            found.append(f"{column}: raw decimals ({numbers.iloc[0]!r})")
        elif fmt in (None, "plain") and large:
            found.append(f"{column}: ungrouped ({numbers.abs().max():.0f})")
        elif fmt and "%" in fmt and "," not in fmt and large:  # printf: "%.0f", "¥%d"
            found.append(f"{column}: ungrouped format {fmt!r}")
        elif fmt and re.search(r"\.\d*[3-9]f", fmt):
            found.append(f"{column}: format {fmt!r} with more than two decimals")
    return found


def _axis_kind(values: list[Any]) -> str:
    sample = [v for v in values if v is not None][:50]
    if not sample:
        return "empty"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in sample):
        return "number"
    if all(isinstance(v, str) and re.match(r"^\d{4}-\d{2}-\d{2}", v) for v in sample):
        return "date"
    return "category"


def _decoded(values: Any) -> list[Any]:
    """Plotly 6 stores numeric arrays as typed buffers ({"dtype", "bdata"})."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np

        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
        return array.astype(float).tolist()
    if isinstance(values, list):
        return [_decoded(v) if isinstance(v, dict) else v for v in values]
    return [] if values is None else [values]


def chart_problems(spec: dict, lang: str) -> list[str]:
    """Problems of one plotly figure spec (``fig.to_plotly_json()``)."""
    data, layout = spec.get("data", []), spec.get("layout", {})
    found: list[str] = []
    title = layout.get("title", {})
    found += text_problems(title.get("text", "") if isinstance(title, dict) else str(title),
                           lang)
    axes_used: dict[str, str] = {}
    for trace in data:
        kind = trace.get("type", "scatter")
        for key in ("hovertemplate", "texttemplate"):
            template = trace.get(key)
            for t in template if isinstance(template, list) else [template]:
                if isinstance(t, str):
                    found += [f"{kind} {key} formats with d3: {m.group()!r}"
                              for m in _D3_PLACEHOLDER.finditer(t)]
                    found += [f"{kind} {key}: {p}" for p in text_problems(t, lang)]
        for text in _flat(trace.get("text")):
            found += [f"{kind} text: {p}" for p in text_problems(str(text), lang)]
        if kind in ("bar", "scatter", "scattergl", "histogram", "box"):
            for letter in ("x", "y"):
                axis = trace.get(f"{letter}axis", letter)
                axis_name = f"{letter}axis{axis[1:]}"
                values = _decoded(trace.get(letter))
                if kind == "histogram" and not values:
                    continue
                axis_kind = _axis_kind(_flat(values))
                if axis_kind in ("number", "date"):
                    axes_used.setdefault(axis_name, axis_kind)
                if (letter in str(trace.get("hovertemplate") or "") and axis_kind != "category"
                        and re.search(r"%\{" + letter + r"\}", trace.get("hovertemplate"))):
                    found.append(f"{kind} hovertemplate shows raw {letter} ({axis_kind})")
    for axis_name, axis_kind in axes_used.items():
        axis = layout.get(axis_name, {})
        if axis.get("showticklabels") is False or axis.get("visible") is False:
            continue
        if axis.get("type") == "category":
            continue
        ticktext = axis.get("ticktext")
        if not ticktext:
            found.append(f"{axis_name} ({axis_kind}): tick texts made by plotly "
                         f"(tickformat {axis.get('tickformat')!r})")
            continue
        for text in ticktext:
            found += [f"{axis_name} tick: {p}" for p in text_problems(str(text), lang)]
        if lang == "zh" and any(_COMPACT_EN.search(str(t)) for t in ticktext):
            found.append(f"{axis_name}: K/M ticks on a Chinese page")
    for axis_name, axis in layout.items():
        if axis_name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            at = axis.get("title", {})
            found += text_problems(at.get("text", "") if isinstance(at, dict) else str(at), lang)
    return found


def _flat(values: Any) -> list[Any]:
    if values is None:
        return []
    if isinstance(values, dict):
        return _decoded(values)
    if isinstance(values, list):
        out: list[Any] = []
        for v in values:
            out += _flat(v) if isinstance(v, list | dict) else [v]
        return out
    return [values]
