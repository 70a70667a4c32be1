"""Chart texts through the formatting layer: axis ticks, month axes and hover texts.

Plotly formats numbers and dates with d3 (``tickformat="~s"`` writes ``2M``,
``%{x|%b %Y}`` writes ``Jul 2023``), which knows neither 万 / 亿 nor Chinese month
names, so a chart would not read like the page around it. The builders of
:mod:`segmentation.charts` set tick values and texts from
:func:`segmentation.formatting.axis_ticks` / :func:`~segmentation.formatting.month`
and pass hover texts already formatted (``customdata``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from segmentation import formatting

#: month steps a month axis may use, so that it has at most ``max_ticks`` ticks
_MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)


def _numbers(values: Iterable[Any]) -> np.ndarray:
    array = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce")
    array = array.to_numpy(dtype="float64")
    return array[np.isfinite(array)]


def _update(fig: go.Figure, which: str, selector: dict[str, Any], props: dict[str, Any]) -> None:
    (fig.update_xaxes if which == "x" else fig.update_yaxes)(**props, **selector)


def value_axis(fig: go.Figure, values: Iterable[Any], lang: str, *, which: str = "y",
               kind: formatting.TickKind = "number", include_zero: bool = True,
               bounds: tuple[float, float] | None = None, n: int = 6,
               **selector: Any) -> None:
    """Ticks of a numeric axis from the formatting layer, the range covering them.

    ``values`` are the data shown on the axis (with zero when ``include_zero``, as bars
    need); ``bounds`` fixes the range instead (e.g. a 1–5 score). ``selector`` goes to
    ``update_xaxes`` / ``update_yaxes`` (``secondary_y=True``, ``row=``, ``col=``).
    """
    if bounds is not None:
        lo, hi = float(bounds[0]), float(bounds[1])
        vals, texts = formatting.axis_ticks(lo, hi, lang, kind=kind, n=n)
        props: dict[str, Any] = dict(range=[lo, hi])
    else:
        data = _numbers(values)
        if include_zero:
            data = np.append(data, 0.0)
        if data.size == 0:
            return
        lo, hi = float(data.min()), float(data.max())
        vals, texts = formatting.axis_ticks(lo, hi, lang, kind=kind, n=n)
        if len(vals) >= 2:  # one more tick beyond the data at either end, if needed
            step = vals[1] - vals[0]
            if vals[-1] < hi - 1e-12:
                vals.append(vals[-1] + step)
            if vals[0] > lo + 1e-12:
                vals.insert(0, vals[0] - step)
            texts = formatting.tick_texts(vals, lang, kind=kind)
        if not vals:
            return
        pad = (vals[-1] - vals[0]) * 0.02 or max(abs(vals[0]) * 0.1, 1.0)
        props = dict(range=[vals[0] - (0 if vals[0] == 0 else pad), vals[-1] + pad])
    props.update(tickmode="array", tickvals=vals, ticktext=texts, tickformat=None,
                 tickprefix=None)
    _update(fig, which, selector, props)


def month_starts(dates: Iterable[Any], max_ticks: int = 8) -> list[pd.Timestamp]:
    """First days of months between the earliest and the latest date, evenly thinned."""
    stamps = pd.to_datetime(pd.Series(list(dates)), errors="coerce").dropna()
    if stamps.empty:
        return []
    first = stamps.min().to_period("M").to_timestamp()
    last = stamps.max().to_period("M").to_timestamp()
    months = list(pd.date_range(first, last, freq="MS"))
    step = next((s for s in _MONTH_STEPS if math.ceil(len(months) / s) <= max_ticks),
                _MONTH_STEPS[-1])
    aligned = [m for m in months if (m.month - 1) % min(step, 12) == 0]  # Jan, Apr, Jul ...
    if step > 12:
        aligned = aligned[:: step // 12]
    return aligned or months[::step]


def month_axis(fig: go.Figure, dates: Iterable[Any], lang: str, *, which: str = "x",
               max_ticks: int = 8, **selector: Any) -> None:
    """A date axis labelled with month names of ``lang`` (``Jul 2023`` / ``2023年7月``)."""
    ticks = month_starts(dates, max_ticks)
    _update(fig, which, selector, dict(
        tickmode="array", tickvals=[t.strftime("%Y-%m-%d") for t in ticks],
        ticktext=[formatting.month(t, lang) for t in ticks], tickformat=None, dtick=None))


def texts(values: Iterable[Any], lang: str, kind: str, **kwargs: Any) -> list[str]:
    """Each value formatted by :mod:`segmentation.formatting` (for hover and bar texts).

    ``kind`` is a :func:`~segmentation.formatting.format_value` kind, or ``"signed"``
    (a signed decimal), ``"signed_percent"``, ``"day"``.
    """
    out = []
    for value in values:
        if kind == "signed":
            out.append(formatting.decimal(value, lang, kwargs.get("digits", 2), signed=True))
        elif kind == "signed_percent":
            out.append(formatting.percent(value, lang, kwargs.get("digits", 1), signed=True))
        elif kind == "percent":
            out.append(formatting.percent(value, lang, kwargs.get("digits", 1)))
        elif kind == "decimal":
            out.append(formatting.decimal(value, lang, kwargs.get("digits", 2)))
        elif kind == "day":
            out.append(formatting.day(value, lang))
        else:
            out.append(formatting.format_value(value, lang, kind))
    return out


def custom(*columns: list[str]) -> np.ndarray:
    """``customdata`` of several text columns (``%{customdata[0]}``, ``[1]`` ...)."""
    return np.array(list(zip(*columns, strict=True)), dtype=object).reshape(
        len(columns[0]) if columns else 0, len(columns))
