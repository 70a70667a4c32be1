"""Plotly figure builders: data in, figure out. Titles and labels come from the caller."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from segmentation import formatting
from segmentation.chart_format import custom, month_axis, texts, value_axis

PALETTE = ("#0f6e56", "#e07b39", "#3b6fb6", "#b8477a", "#7a8a99", "#c9a227")
_LAYOUT = dict(template="plotly_white", margin=dict(l=10, r=10, t=56, b=10),
               font=dict(family="Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"),
               legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1))


def monthly_activity(trend: pd.DataFrame, *, title: str, month_label: str,
                     shipments_label: str, revenue_label: str, lang: str = "en") -> go.Figure:
    """Shipments as bars (left axis) and revenue as a line (right axis) per month.

    ``trend`` has ``month``, ``shipments``, ``revenue`` and ``partial``; a partial
    month is drawn paler so nobody reads an incomplete month as a drop.
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    colors = [PALETTE[0] if not p else "#a9d3c6" for p in trend["partial"]]
    months = texts(trend["month"], lang, "month")
    fig.add_trace(go.Bar(x=trend["month"], y=trend["shipments"], name=shipments_label,
                         marker_color=colors,
                         customdata=custom(months, texts(trend["shipments"], lang, "int")),
                         hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"),
                  secondary_y=False)
    fig.add_trace(go.Scatter(x=trend["month"], y=trend["revenue"], name=revenue_label,
                             mode="lines+markers", line=dict(color=PALETTE[1], width=2.5),
                             customdata=custom(months, texts(trend["revenue"], lang, "money")),
                             hovertemplate="%{customdata[0]}<br>%{customdata[1]}"
                                           "<extra></extra>"),
                  secondary_y=True)
    fig.update_layout(title=title, hovermode="x unified", **_LAYOUT)
    fig.update_xaxes(title_text=month_label)
    month_axis(fig, trend["month"], lang)
    fig.update_yaxes(title_text=shipments_label, secondary_y=False)
    value_axis(fig, trend["shipments"], lang, secondary_y=False)
    fig.update_yaxes(title_text=revenue_label, secondary_y=True, showgrid=False)
    value_axis(fig, trend["revenue"], lang, kind="money", secondary_y=True)
    return fig


def line(frame: pd.DataFrame, *, x: str, y: str, title: str, x_label: str, y_label: str,
         y_range: tuple[float, float] | None = None, lang: str = "en") -> go.Figure:
    """One line over time (month starts), e.g. the monthly average satisfaction."""
    fig = go.Figure(go.Scatter(
        x=frame[x], y=frame[y], mode="lines+markers", line=dict(color=PALETTE[2], width=2.5),
        customdata=custom(texts(frame[x], lang, "month"), texts(frame[y], lang, "decimal")),
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    fig.update_layout(title=title, **_LAYOUT)
    fig.update_xaxes(title_text=x_label)
    month_axis(fig, frame[x], lang)
    fig.update_yaxes(title_text=y_label)
    value_axis(fig, frame[y], lang, include_zero=False, bounds=y_range)
    return fig


def ranked_bars(frame: pd.DataFrame, *, category: str, value: str, title: str,
                value_label: str, text: pd.Series | None = None,
                money: bool = True, lang: str = "en") -> go.Figure:
    """Horizontal bars, largest at the top; optional text beside each bar (e.g. change)."""
    data = frame.sort_values(value)
    fig = go.Figure(go.Bar(
        y=data[category].astype(str), x=data[value], orientation="h",
        marker_color=PALETTE[0],
        text=None if text is None else text.reindex(data.index), textposition="outside",
        customdata=custom(texts(data[value], lang, "money" if money else "int")),
        hovertemplate="%{y}<br>%{customdata[0]}<extra></extra>",
    ))
    fig.update_layout(title=title, showlegend=False, **_LAYOUT)
    fig.update_xaxes(title_text=value_label)
    value_axis(fig, data[value], lang, which="x", kind="money" if money else "number", n=4)
    fig.update_layout(height=max(260, 48 * len(data) + 120))
    return fig


TIER_COLORS = ("#0f6e56", "#3b8f73", "#7fb8a2", "#bcd9cc", "#e3efe9")


def tier_colors(n: int) -> list[str]:
    """Darkest for the best tier; as many colours as tiers (up to 5)."""
    return list(TIER_COLORS[: max(n, 1)]) if n <= len(TIER_COLORS) else list(PALETTE) * n


def pareto_curve(curve: pd.DataFrame, *, title: str, x_label: str, y_label: str,
                 marker: tuple[float, float] | None = None,
                 marker_text: str | None = None, lang: str = "en") -> go.Figure:
    """Cumulative revenue share against cumulative customer share, with the diagonal."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", showlegend=False,
                             line=dict(color="#b0b7bf", dash="dot"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=curve["customer_share"], y=curve["revenue_share"], mode="lines",
                             line=dict(color=PALETTE[0], width=3), showlegend=False,
                             customdata=custom(texts(curve["customer_share"], lang, "percent"),
                                               texts(curve["revenue_share"], lang, "percent")),
                             hovertemplate="%{customdata[0]} → %{customdata[1]}"
                                           "<extra></extra>"))
    if marker is not None:
        fig.add_trace(go.Scatter(x=[marker[0]], y=[marker[1]], mode="markers+text",
                                 marker=dict(color=PALETTE[1], size=12), showlegend=False,
                                 text=[marker_text or ""], textposition="middle right",
                                 hoverinfo="skip"))
    fig.update_layout(title=title, **_LAYOUT)
    fig.update_xaxes(title_text=x_label)
    value_axis(fig, [], lang, which="x", kind="percent", bounds=(0, 1))
    fig.update_yaxes(title_text=y_label)
    value_axis(fig, [], lang, kind="percent", bounds=(0, 1.02))
    return fig


def stacked_shares(mix: pd.DataFrame, *, by: str, series: str, value: str, order: list[str],
                   labels: dict[str, str], colors: list[str], title: str, x_label: str,
                   category_labels: dict[str, str] | None = None,
                   lang: str = "en") -> go.Figure:
    """100 % horizontal bars: the share of each ``series`` value within each ``by`` group."""
    fig = go.Figure()
    groups = list(dict.fromkeys(mix[by].astype(str)))
    names = [category_labels.get(g, g) if category_labels else g for g in groups]
    for key, color in zip(order, colors, strict=False):
        rows = mix[mix[series].astype(str) == key]
        part = rows.set_index(rows[by].astype(str))[value]
        part = part.reindex(groups).fillna(0.0)
        fig.add_trace(go.Bar(y=names, x=part.to_numpy(), name=labels.get(key, key),
                             orientation="h", marker_color=color,
                             customdata=custom(texts(part, lang, "percent")),
                             hovertemplate="%{y}: %{customdata[0]}<extra>"
                             + labels.get(key, key) + "</extra>"))
    fig.update_layout(barmode="stack", title=title, height=max(280, 28 * len(groups) + 140),
                      **_LAYOUT)
    fig.update_layout(legend_traceorder="normal")
    fig.update_xaxes(title_text=x_label)
    value_axis(fig, [], lang, which="x", kind="percent", bounds=(0, 1))
    fig.update_yaxes(autorange="reversed")
    return fig


def grid_heatmap(grid: pd.DataFrame, *, value: str, text: list[list[str]], title: str,
                 x_label: str, y_label: str, colorbar: str, lang: str = "en") -> go.Figure:
    """The 5 x 5 R-F grid: rows R 5 (recent) at the top, columns F 1..5.

    ``text`` is row-major in ascending R (row 0 = R 1), like the pivot of ``grid``;
    ``value`` ``"revenue"`` is money, anything else a count.
    """
    table = grid.pivot(index="r_score", columns="f_score", values=value).sort_index()
    z = table.to_numpy(dtype="float64")
    finite = z[np.isfinite(z)]
    ticks, tick_text = formatting.axis_ticks(
        float(finite.min()) if finite.size else 0.0, float(finite.max()) if finite.size else 1.0,
        lang, kind="money" if value == "revenue" else "number", n=5)
    fig = go.Figure(go.Heatmap(
        z=z, x=[str(c) for c in table.columns], y=[str(r) for r in table.index],
        text=text, texttemplate="%{text}", colorscale="Greens",
        colorbar=dict(title=colorbar, tickmode="array", tickvals=ticks, ticktext=tick_text),
        hovertemplate="R %{y} · F %{x}<br>%{text}<extra></extra>"))
    fig.update_layout(title=title, height=520, **_LAYOUT)
    fig.update_xaxes(title_text=x_label)
    fig.update_yaxes(title_text=y_label)
    return fig


def sankey(flows: pd.DataFrame, *, source: str, target: str, value: str,
           source_labels: dict[str, str], target_labels: dict[str, str],
           source_order: list[str], target_order: list[str], title: str,
           colors: dict[str, str] | None = None, lang: str = "en") -> go.Figure:
    """Flows between two categorical states (tiers before / after, stage this / next month)."""
    flows = flows[flows[value] > 0]
    left = [k for k in source_order if k in set(flows[source].astype(str))]
    right = [k for k in target_order if k in set(flows[target].astype(str))]
    index_left = {k: i for i, k in enumerate(left)}
    index_right = {k: len(left) + i for i, k in enumerate(right)}
    node_colors = [(colors or {}).get(k, PALETTE[4]) for k in left + right]
    out_of = flows.groupby(flows[source].astype(str))[value].sum()
    into = flows.groupby(flows[target].astype(str))[value].sum()
    totals = [out_of.get(k, 0) for k in left] + [into.get(k, 0) for k in right]
    fig = go.Figure(go.Sankey(
        arrangement="snap",
        node=dict(label=[source_labels.get(k, k) for k in left]
                  + [target_labels.get(k, k) for k in right],
                  color=node_colors, pad=18, thickness=18,
                  customdata=texts(totals, lang, "int"),
                  hovertemplate="%{label}<br>%{customdata}<extra></extra>"),
        link=dict(source=[index_left[str(s)] for s in flows[source]],
                  target=[index_right[str(t)] for t in flows[target]],
                  value=flows[value].astype(float).tolist(),
                  customdata=texts(flows[value], lang, "int"),
                  hovertemplate="%{source.label} → %{target.label}<br>%{customdata}"
                                "<extra></extra>",
                  color="rgba(15,110,86,0.18)"),
    ))
    fig.update_layout(title=title, height=460, **_LAYOUT)
    return fig


def diverging_bars(frame: pd.DataFrame, *, x: str, up: str, down: str, up_label: str,
                   down_label: str, title: str, x_label: str, y_label: str,
                   lang: str = "en") -> go.Figure:
    """Moves up (above zero) and down (below zero) per period (``x``: month labels)."""
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame[x], y=frame[up], name=up_label, marker_color=PALETTE[0],
                         customdata=custom(texts(frame[up], lang, "int")),
                         hovertemplate="%{x}<br>%{customdata[0]}<extra></extra>"))
    fig.add_trace(go.Bar(x=frame[x], y=-frame[down], name=down_label, marker_color=PALETTE[1],
                         customdata=custom(texts(frame[down], lang, "int")),
                         hovertemplate="%{x}<br>%{customdata[0]}<extra></extra>"))
    fig.update_layout(barmode="relative", title=title, **_LAYOUT)
    fig.update_xaxes(title_text=x_label, type="category")
    fig.update_yaxes(title_text=y_label)
    value_axis(fig, [*frame[up], *(-frame[down])], lang)
    # moves down are drawn below zero but counted as positive numbers
    ticks = fig.layout.yaxis.tickvals
    fig.update_yaxes(ticktext=texts([abs(v) for v in ticks], lang, "int"))
    return fig


def reliability(curve: pd.DataFrame, *, title: str, x_label: str, y_label: str,
                lang: str = "en") -> go.Figure:
    """Mean predicted probability against the observed rate per bin, with the diagonal."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", showlegend=False,
                             line=dict(color="#b0b7bf", dash="dot"), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=curve["mean_predicted"], y=curve["observed"],
                             mode="lines+markers", showlegend=False,
                             marker=dict(size=9, color=PALETTE[0]), line=dict(color=PALETTE[0]),
                             customdata=custom(texts(curve["mean_predicted"], lang, "percent"),
                                               texts(curve["observed"], lang, "percent")),
                             hovertemplate="%{customdata[0]} → %{customdata[1]}"
                                           "<extra></extra>"))
    fig.update_layout(title=title, **_LAYOUT)
    fig.update_xaxes(title_text=x_label)
    value_axis(fig, [], lang, which="x", kind="percent", bounds=(0, 1))
    fig.update_yaxes(title_text=y_label)
    value_axis(fig, [], lang, kind="percent", bounds=(0, 1))
    return fig


def stacked_area(frame: pd.DataFrame, *, x: str, columns: list[str], labels: dict[str, str],
                 title: str, x_label: str, y_label: str, lang: str = "en") -> go.Figure:
    """Counts per category over time (month ends), stacked."""
    fig = go.Figure()
    months = texts(frame[x], lang, "month")
    for column, color in zip(columns, PALETTE, strict=False):
        fig.add_trace(go.Scatter(x=frame[x], y=frame[column], name=labels.get(column, column),
                                 mode="lines", stackgroup="one", line=dict(width=0.5),
                                 fillcolor=color, marker_color=color,
                                 customdata=custom(months, texts(frame[column], lang, "int")),
                                 hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>"
                                 + labels.get(column, column) + "</extra>"))
    fig.update_layout(title=title, hovermode="x unified", **_LAYOUT)
    fig.update_xaxes(title_text=x_label)
    month_axis(fig, frame[x], lang)
    fig.update_yaxes(title_text=y_label)
    value_axis(fig, frame[columns].sum(axis=1), lang)
    return fig


def customer_timeline(monthly: pd.DataFrame, surveys: pd.DataFrame | None,
                      complaints: pd.DataFrame | None, *, title: str, spend_label: str,
                      score_label: str, complaint_label: str,
                      score_range: tuple[float, float] = (1, 5), lang: str = "en") -> go.Figure:
    """Monthly spend (bars), survey scores (dots, right axis) and complaints (markers)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Bar(x=monthly["month"], y=monthly["amount"], name=spend_label,
                         marker_color=PALETTE[0],
                         customdata=custom(texts(monthly["month"], lang, "month"),
                                           texts(monthly["amount"], lang, "money")),
                         hovertemplate="%{customdata[0]}: %{customdata[1]}<extra></extra>"),
                  secondary_y=False)
    dates = list(monthly["month"])
    if surveys is not None and not surveys.empty:
        fig.add_trace(go.Scatter(x=surveys["date"], y=surveys["score"], name=score_label,
                                 mode="markers+lines", marker=dict(size=9, color=PALETTE[2]),
                                 customdata=custom(texts(surveys["date"], lang, "day"),
                                                   texts(surveys["score"], lang, "decimal",
                                                         digits=1)),
                                 hovertemplate="%{customdata[0]}: %{customdata[1]}"
                                               "<extra></extra>"),
                      secondary_y=True)
        dates += list(surveys["date"])
    if complaints is not None and not complaints.empty:
        fig.add_trace(go.Scatter(
            x=complaints["date"], y=[score_range[0]] * len(complaints), name=complaint_label,
            mode="markers", marker=dict(symbol="x", size=13, color="#c0392b"),
            text=complaints.get("category"),
            customdata=custom(texts(complaints["date"], lang, "day")),
            hovertemplate="%{customdata[0]}: %{text}<extra>" + complaint_label + "</extra>"),
            secondary_y=True)
        dates += list(complaints["date"])
    fig.update_layout(title=title, **_LAYOUT)
    month_axis(fig, dates, lang)
    fig.update_yaxes(title_text=spend_label, secondary_y=False)
    value_axis(fig, monthly["amount"], lang, kind="money", secondary_y=False)
    fig.update_yaxes(title_text=score_label, secondary_y=True, showgrid=False)
    value_axis(fig, [], lang, secondary_y=True, n=4,
               bounds=(score_range[0] - 0.3, score_range[1] + 0.3))
    return fig


def forecast_bands(history: pd.DataFrame, forecast: pd.DataFrame, *, title: str,
                   labels: dict[str, str], money: bool = False, lang: str = "en") -> go.Figure:
    """Weekly history (``week``, ``value``) and the forecast after it (``week``, ``point``,
    ``lower_95`` / ``upper_95``, ``lower_80`` / ``upper_80``) with its two bands.

    ``labels`` names the traces: ``actual``, ``forecast``, ``band80``, ``band95``, and
    ``week`` (a hover line with ``{week}``).
    """
    kind = "money" if money else "int"
    fig = go.Figure()
    weeks_h = [labels["week"].format(week=w) for w in texts(history["week"], lang, "day")]
    weeks_f = [labels["week"].format(week=w) for w in texts(forecast["week"], lang, "day")]
    for lv, fill in ((95, "rgba(224,123,57,0.15)"), (80, "rgba(224,123,57,0.30)")):
        x = list(forecast["week"]) + list(forecast["week"])[::-1]
        y = list(forecast[f"upper_{lv}"]) + list(forecast[f"lower_{lv}"])[::-1]
        fig.add_trace(go.Scatter(x=x, y=y, fill="toself", fillcolor=fill, mode="lines",
                                 line=dict(width=0), name=labels[f"band{lv}"],
                                 hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=history["week"], y=history["value"], mode="lines", name=labels["actual"],
        line=dict(color=PALETTE[0], width=2),
        customdata=custom(weeks_h, texts(history["value"], lang, kind)),
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<extra></extra>"))
    ranges = [f"{a} – {b}" for a, b in zip(texts(forecast["lower_80"], lang, kind),
                                           texts(forecast["upper_80"], lang, kind), strict=True)]
    fig.add_trace(go.Scatter(
        x=forecast["week"], y=forecast["point"], mode="lines+markers", name=labels["forecast"],
        line=dict(color=PALETTE[1], width=2.5, dash="dash"),
        customdata=custom(weeks_f, texts(forecast["point"], lang, kind), ranges),
        hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>"
                      + labels["band80"] + ": %{customdata[2]}<extra></extra>"))
    fig.update_layout(title=title, **_LAYOUT)
    dates = list(history["week"]) + list(forecast["week"])
    month_axis(fig, dates, lang)
    value_axis(fig, list(history["value"]) + list(forecast["upper_95"]), lang,
               kind="money" if money else "number")
    return fig
