"""Plotly figure builders for the satisfaction page: data in, figure out.

Titles, axis labels and category names come from the caller (in the user's
language). ``kind`` is the scale kind of :mod:`segmentation.satisfaction`:
``"csat"`` figures are shares (drawn as percentages), ``"nps"`` figures are in
[-1, 1] and drawn as -100..+100.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..chart_format import custom, month_axis, texts, value_axis
from ..charts import _LAYOUT, PALETTE

BAND = "rgba(59, 111, 182, 0.18)"
BAR_GREY = "rgba(122, 138, 153, 0.35)"
ALERT = PALETTE[1]


def _index_range(kind: str) -> list[float]:
    return [-100.0, 100.0] if kind == "nps" else [0.0, 1.02]


def _index_values(values: pd.Series | np.ndarray, kind: str) -> np.ndarray:
    values = np.asarray(values, dtype="float64")
    return values * 100 if kind == "nps" else values


def _index_texts(values, kind: str, lang: str) -> list[str]:
    """CSAT as a percent (``82.5%``), NPS as a signed whole number (``+12``)."""
    if kind == "nps":
        return texts(values, lang, "signed", digits=0)
    return texts(values, lang, "percent")


def _interval_hover(value, lo, hi, n, kind: str, lang: str) -> np.ndarray:
    """``customdata`` columns: the index, its interval and the number of answers."""
    return custom(_index_texts(value, kind, lang), _index_texts(lo, kind, lang),
                  _index_texts(hi, kind, lang), texts(n, lang, "int"))


_INTERVAL = "%{customdata[0]} [%{customdata[1]} – %{customdata[2]}]<br>n = %{customdata[3]}"


def score_trend(trend: pd.DataFrame, *, kind: str, title: str, month_label: str,
                index_label: str, responses_label: str, band_label: str,
                lang: str = "en") -> go.Figure:
    """Monthly CSAT / NPS with its uncertainty band, responses as pale bars behind.

    ``trend`` is :func:`segmentation.satisfaction.survey_trend` output
    (``month``, ``responses``, ``index``, ``index_lo``, ``index_hi``, ``partial``).
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=trend["month"], y=trend["responses"], name=responses_label,
                         marker_color=BAR_GREY,
                         customdata=custom(texts(trend["month"], lang, "month"),
                                           texts(trend["responses"], lang, "int")),
                         hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"),
                  secondary_y=True)
    has = trend["index"].notna()
    data = trend[has]
    lo, hi = _index_values(data["index_lo"], kind), _index_values(data["index_hi"], kind)
    fig.add_trace(go.Scatter(x=data["month"], y=hi, mode="lines", line=dict(width=0),
                             hoverinfo="skip", showlegend=False), secondary_y=False)
    fig.add_trace(go.Scatter(x=data["month"], y=lo, mode="lines", line=dict(width=0),
                             fill="tonexty", fillcolor=BAND, name=band_label,
                             hoverinfo="skip"), secondary_y=False)
    symbols = ["circle-open" if p else "circle" for p in data["partial"]]
    value = _index_values(data["index"], kind)
    fig.add_trace(go.Scatter(
        x=data["month"], y=value, name=index_label,
        mode="lines+markers", line=dict(color=PALETTE[2], width=2.5),
        marker=dict(symbol=symbols, size=8),
        customdata=np.column_stack([texts(data["month"], lang, "month"),
                                    _interval_hover(value, lo, hi, data["responses"], kind,
                                                    lang)]),
        hovertemplate=("%{customdata[0]}<br>%{customdata[1]} [%{customdata[2]} – "
                       "%{customdata[3]}]<br>n = %{customdata[4]}<extra></extra>"),
    ), secondary_y=False)
    fig.update_layout(title=title, hovermode="x unified", bargap=0.3, **_LAYOUT)
    fig.update_xaxes(title_text=month_label)
    month_axis(fig, trend["month"], lang)
    # the line (and its band) in the upper two thirds, the answer bars in the lower third
    bounds = _index_range(kind)
    if len(data):
        lo_all, hi_all = float(np.nanmin(lo)), float(np.nanmax(hi))
        span = max(hi_all - lo_all, 0.05 * (bounds[1] - bounds[0]))
        bounds = [max(bounds[0], lo_all - 0.6 * span), min(bounds[1], hi_all + 0.08 * span)]
    fig.update_yaxes(title_text=index_label, secondary_y=False)
    value_axis(fig, [], lang, kind="number" if kind == "nps" else "percent",
               bounds=(bounds[0], bounds[1]), secondary_y=False)
    top = float(trend["responses"].max() or 1)
    fig.update_yaxes(title_text=responses_label, secondary_y=True, showgrid=False)
    value_axis(fig, [], lang, bounds=(0, top * 3), n=4, secondary_y=True)
    return fig


def dimension_panels(frame: pd.DataFrame, *, names: Mapping[str, str], title: str,
                     y_label: str, y_range: tuple[float, float] | None = None,
                     columns: int = 3, lang: str = "en") -> go.Figure:
    """Small multiples: the monthly mean of each dimension with its 95 % band.

    ``frame`` is :func:`segmentation.satisfaction.dimension_trend` output.
    """
    dims = list(dict.fromkeys(frame["dimension"]))
    rows = math.ceil(len(dims) / columns)
    fig = make_subplots(rows=rows, cols=columns, shared_xaxes=True, shared_yaxes=True,
                        subplot_titles=[names.get(d, d) for d in dims],
                        vertical_spacing=0.14 if rows > 1 else 0.1, horizontal_spacing=0.04)
    for i, dim in enumerate(dims):
        r, c = i // columns + 1, i % columns + 1
        d = frame[(frame["dimension"] == dim) & frame["mean"].notna()]
        color = PALETTE[2] if dim == "score" else PALETTE[0]
        fig.add_trace(go.Scatter(x=d["month"], y=d["hi"], mode="lines", line=dict(width=0),
                                 hoverinfo="skip", showlegend=False), row=r, col=c)
        fig.add_trace(go.Scatter(x=d["month"], y=d["lo"], mode="lines", line=dict(width=0),
                                 fill="tonexty", fillcolor=BAND, hoverinfo="skip",
                                 showlegend=False), row=r, col=c)
        fig.add_trace(go.Scatter(
            x=d["month"], y=d["mean"], mode="lines", line=dict(color=color, width=2),
            name=names.get(dim, dim), showlegend=False,
            customdata=custom(texts(d["month"], lang, "month"), texts(d["mean"], lang, "decimal"),
                              texts(d["lo"], lang, "decimal"), texts(d["hi"], lang, "decimal"),
                              texts(d["responses"], lang, "int")),
            hovertemplate=("%{customdata[0]}<br>%{customdata[1]} [%{customdata[2]} – "
                           "%{customdata[3]}]<br>n = %{customdata[4]}<extra></extra>"),
        ), row=r, col=c)
    fig.update_layout(title=title, height=260 * rows + 90, **_LAYOUT)
    month_axis(fig, frame["month"], lang, max_ticks=4)
    shown = frame.loc[frame["mean"].notna(), ["lo", "hi"]].to_numpy().ravel()
    value_axis(fig, shown, lang, include_zero=False, bounds=y_range, n=4)
    for r in range(1, rows + 1):
        fig.update_yaxes(title_text=y_label, row=r, col=1)
    return fig


def group_intervals(frame: pd.DataFrame, *, group: str, kind: str, title: str,
                    value_label: str, now_label: str, baseline_label: str,
                    alert_label: str, names: Mapping[str, str] | None = None,
                    lang: str = "en") -> go.Figure:
    """Per group: the current CSAT / NPS with its interval, the baseline as a hollow mark.

    ``frame`` is :func:`segmentation.satisfaction.compare_groups` output with
    the group as a column ``group``; alerted groups are drawn in the alert colour.
    The groups are drawn top-down in the order of ``frame``, the order of the table
    beside the chart (tiers best first).
    """
    data = frame[frame["index"].notna()]
    labels = [str((names or {}).get(g, g)) for g in data[group]]
    value = _index_values(data["index"], kind)
    lo, hi = _index_values(data["index_lo"], kind), _index_values(data["index_hi"], kind)
    alert = data["alert"].to_numpy(bool) if "alert" in data else np.zeros(len(data), bool)
    fig = go.Figure()
    shown = [*lo, *hi]
    if "baseline_index" in data:
        baseline = _index_values(data["baseline_index"], kind)
        shown += list(baseline)
        fig.add_trace(go.Scatter(
            x=baseline, y=labels, mode="markers",
            name=baseline_label, marker=dict(symbol="diamond-open", size=10, color=PALETTE[4]),
            customdata=custom(_index_texts(baseline, kind, lang)),
            hovertemplate="%{y}<br>%{customdata[0]}<extra>" + baseline_label + "</extra>"))
    hover = _interval_hover(value, lo, hi, data["responses"].to_numpy(), kind, lang)
    for flag, name, color in ((False, now_label, PALETTE[2]), (True, alert_label, ALERT)):
        sel = alert == flag
        if not sel.any():
            continue
        fig.add_trace(go.Scatter(
            x=value[sel], y=np.asarray(labels, dtype=object)[sel], mode="markers", name=name,
            marker=dict(size=10, color=color),
            error_x=dict(type="data", symmetric=False, array=(hi - value)[sel],
                         arrayminus=(value - lo)[sel], color=color, thickness=1.5, width=5),
            customdata=hover[sel],
            hovertemplate="%{y}<br>" + _INTERVAL + "<extra></extra>"))
    fig.update_layout(title=title, height=max(220, 30 * len(data) + 140), **_LAYOUT)
    fig.update_xaxes(title_text=value_label)
    value_axis(fig, shown, lang, which="x", include_zero=False, n=5,
               kind="number" if kind == "nps" else "percent")
    fig.update_yaxes(type="category", automargin=True, categoryorder="array",
                     categoryarray=labels, autorange="reversed")
    return fig


def driver_quadrant(drivers: pd.DataFrame, *, names: Mapping[str, str],
                    quadrant_names: Mapping[str, str], title: str, importance_label: str,
                    performance_label: str, lang: str = "en") -> go.Figure:
    """Importance (x) against performance (y) per dimension, split at the medians.

    ``drivers`` is one group of :func:`segmentation.satisfaction.key_drivers`.
    """
    x, y = drivers["importance"].to_numpy(float), drivers["performance"].to_numpy(float)
    mx, my = float(np.median(x)), float(np.median(y))
    colors = {"fix": ALERT, "keep": PALETTE[0], "overkill": PALETTE[2],
              "low_priority": PALETTE[4]}
    fig = go.Figure()
    for quadrant, color in colors.items():
        sel = (drivers["quadrant"] == quadrant).to_numpy()
        if not sel.any():
            continue
        fig.add_trace(go.Scatter(
            x=x[sel], y=y[sel], mode="markers+text", name=quadrant_names[quadrant],
            text=[names.get(d, d) for d in drivers["dimension"][sel]],
            textposition="top center", marker=dict(size=16, color=color),
            customdata=custom(texts(x[sel], lang, "decimal"), texts(y[sel], lang, "decimal")),
            hovertemplate="%{text}<br>" + importance_label + ": %{customdata[0]}<br>"
            + performance_label + ": %{customdata[1]}<extra></extra>"))
    pad_x = max((x.max() - x.min()) * 0.25, 0.05)
    pad_y = max((y.max() - y.min()) * 0.3, 0.05)
    x0, x1 = x.min() - pad_x, x.max() + pad_x
    y0, y1 = y.min() - pad_y, y.max() + pad_y
    fig.add_vline(x=mx, line=dict(color=PALETTE[4], dash="dot", width=1))
    fig.add_hline(y=my, line=dict(color=PALETTE[4], dash="dot", width=1))
    corners = {"fix": (x1, y0, "right", "bottom"), "keep": (x1, y1, "right", "top"),
               "overkill": (x0, y1, "left", "top"), "low_priority": (x0, y0, "left", "bottom")}
    for quadrant, (ax, ay, xa, ya) in corners.items():
        fig.add_annotation(x=ax, y=ay, text=f"<b>{quadrant_names[quadrant]}</b>",
                           showarrow=False, xanchor=xa, yanchor=ya,
                           font=dict(color=colors[quadrant], size=13))
    fig.update_layout(title=title, height=480, **_LAYOUT)
    fig.update_xaxes(title_text=importance_label, zeroline=False)
    value_axis(fig, [], lang, which="x", bounds=(x0, x1), n=5)
    fig.update_yaxes(title_text=performance_label)
    value_axis(fig, [], lang, bounds=(y0, y1), n=5)
    return fig


def complaint_trend(trend: pd.DataFrame, mix: pd.DataFrame, *, by: str,
                    names: Mapping[str, str], title: str, month_label: str,
                    count_label: str, rate_label: str, lang: str = "en") -> go.Figure:
    """Complaints per month stacked by ``by`` (bars) and per 1,000 shipments (line)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    order = list(mix.groupby(by)["complaints"].sum().sort_values(ascending=False).index)
    for i, value in enumerate(order):
        d = mix[mix[by] == value]
        fig.add_trace(go.Bar(x=d["month"], y=d["complaints"], name=names.get(value, value),
                             marker_color=PALETTE[i % len(PALETTE)],
                             customdata=custom(texts(d["month"], lang, "month"),
                                               texts(d["complaints"], lang, "int")),
                             hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra>"
                             + str(names.get(value, value)) + "</extra>"),
                      secondary_y=False)
    if trend["per_1000"].notna().any():
        fig.add_trace(go.Scatter(x=trend["month"], y=trend["per_1000"], name=rate_label,
                                 mode="lines+markers", line=dict(color="#333333", width=2),
                                 customdata=custom(texts(trend["month"], lang, "month"),
                                                   texts(trend["per_1000"], lang, "decimal",
                                                         digits=1)),
                                 hovertemplate="%{customdata[0]}<br>%{customdata[1]}"
                                               "<extra></extra>"),
                      secondary_y=True)
        fig.update_yaxes(title_text=rate_label, secondary_y=True, showgrid=False)
        value_axis(fig, trend["per_1000"], lang, secondary_y=True)
    fig.update_layout(title=title, barmode="stack", hovermode="x unified", **_LAYOUT)
    fig.update_layout(legend_traceorder="normal")
    fig.update_xaxes(title_text=month_label)
    month_axis(fig, [*trend["month"], *mix["month"]], lang)
    fig.update_yaxes(title_text=count_label, secondary_y=False)
    totals = mix.groupby("month")["complaints"].sum() if len(mix) else []
    value_axis(fig, totals, lang, secondary_y=False)
    return fig


def resolution_histogram(complaints: pd.DataFrame, *, sla_days: float, by: str,
                         names: Mapping[str, str], title: str, days_label: str,
                         count_label: str, sla_label: str, lang: str = "en") -> go.Figure:
    """Days to resolve, one stacked histogram per value of ``by`` (severity), SLA marked."""
    data = complaints[complaints["resolution_days"].notna()]
    top = float(max(np.nanpercentile(data["resolution_days"], 99) if len(data) else 1,
                    sla_days) + 2)
    fig = go.Figure()
    days = np.arange(0, int(math.ceil(top)) + 1)
    heights = np.zeros(len(days))
    values = list(dict.fromkeys(["low", "medium", "high"]
                                + sorted(data[by].dropna().astype(str).unique()))) \
        if by in data else [None]
    for i, value in enumerate(values):
        d = data if value is None else data[data[by].astype("string") == value]
        if d.empty:
            continue
        # counted here (whole days), so that hover and axis texts come from the formatter
        counts = np.bincount(np.clip(np.round(d["resolution_days"].to_numpy(float)), 0,
                                     days[-1]).astype(int), minlength=len(days))
        heights += counts
        fig.add_trace(go.Bar(
            x=days, y=counts, name=names.get(value, value) if value else count_label,
            marker_color=(PALETTE[0], PALETTE[5], ALERT, *PALETTE[2:])[i % 6],
            customdata=custom(texts(days, lang, "int"), texts(counts, lang, "int")),
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig.add_vline(x=sla_days + 0.5, line=dict(color="#b8102e", dash="dash", width=2),
                  annotation_text=sla_label, annotation_position="top right")
    fig.update_layout(title=title, barmode="stack", bargap=0, **_LAYOUT)
    fig.update_xaxes(title_text=days_label)
    value_axis(fig, [], lang, which="x", bounds=(-0.5, top + 0.5))
    fig.update_yaxes(title_text=count_label)
    value_axis(fig, heights, lang)
    return fig


def share_bars(frame: pd.DataFrame, *, label: str, share: str, count: str, title: str,
               value_label: str, color: str = PALETTE[0], lang: str = "en") -> go.Figure:
    """Horizontal bars of a share (largest at the top) with the count as text."""
    data = frame.iloc[::-1]
    fig = go.Figure(go.Bar(
        y=data[label].astype(str), x=data[share], orientation="h", marker_color=color,
        text=texts(data[count], lang, "int"), textposition="outside",
        customdata=custom(texts(data[share], lang, "percent")),
        hovertemplate="%{y}<br>%{customdata[0]}<extra></extra>"))
    fig.update_layout(title=title, showlegend=False,
                      height=max(240, 30 * len(data) + 120), **_LAYOUT)
    top = float(data[share].max()) if len(data) else 1.0
    fig.update_xaxes(title_text=value_label)
    value_axis(fig, [], lang, which="x", kind="percent", bounds=(0, top * 1.2 or 1), n=5)
    fig.update_yaxes(automargin=True)
    return fig


def count_bars(frame: pd.DataFrame, *, label: str, value: str, title: str, value_label: str,
               text: list[str] | None = None, color: str = PALETTE[0],
               digits: int = 1, lang: str = "en") -> go.Figure:
    """Horizontal bars of a count or rate (``digits`` decimals), largest at the top,
    optional text beside each."""
    data = frame.iloc[::-1]
    fig = go.Figure(go.Bar(
        y=data[label].astype(str), x=data[value], orientation="h", marker_color=color,
        text=None if text is None else list(reversed(text)), textposition="outside",
        customdata=custom(texts(data[value], lang, "decimal", digits=digits)),
        hovertemplate="%{y}<br>%{customdata[0]}<extra></extra>"))
    fig.update_layout(title=title, showlegend=False,
                      height=max(240, 28 * len(data) + 120), **_LAYOUT)
    top = float(data[value].max()) if len(data) else 1.0
    fig.update_xaxes(title_text=value_label)
    value_axis(fig, [], lang, which="x", bounds=(0, top * 1.25 if top > 0 else 1), n=5)
    fig.update_yaxes(automargin=True)
    return fig
