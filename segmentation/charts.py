"""Plotly figure builders: data in, figure out. Titles and labels come from the caller."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

PALETTE = ("#0f6e56", "#e07b39", "#3b6fb6", "#b8477a", "#7a8a99", "#c9a227")
_LAYOUT = dict(template="plotly_white", margin=dict(l=10, r=10, t=56, b=10),
               font=dict(family="Noto Sans SC, PingFang SC, Microsoft YaHei, sans-serif"),
               legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1))


def monthly_activity(trend: pd.DataFrame, *, title: str, month_label: str,
                     shipments_label: str, revenue_label: str) -> go.Figure:
    """Shipments as bars (left axis) and revenue as a line (right axis) per month.

    ``trend`` has ``month``, ``shipments``, ``revenue`` and ``partial``; a partial
    month is drawn paler so nobody reads an incomplete month as a drop.
    """
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    colors = [PALETTE[0] if not p else "#a9d3c6" for p in trend["partial"]]
    fig.add_trace(go.Bar(x=trend["month"], y=trend["shipments"], name=shipments_label,
                         marker_color=colors,
                         hovertemplate="%{x|%Y-%m}<br>%{y:,.0f}<extra></extra>"),
                  secondary_y=False)
    fig.add_trace(go.Scatter(x=trend["month"], y=trend["revenue"], name=revenue_label,
                             mode="lines+markers", line=dict(color=PALETTE[1], width=2.5),
                             hovertemplate="%{x|%Y-%m}<br>¥%{y:,.0f}<extra></extra>"),
                  secondary_y=True)
    fig.update_layout(title=title, hovermode="x unified", **_LAYOUT)
    fig.update_xaxes(title_text=month_label, dtick="M3", tickformat="%Y-%m")
    fig.update_yaxes(title_text=shipments_label, secondary_y=False, rangemode="tozero")
    fig.update_yaxes(title_text=revenue_label, secondary_y=True, rangemode="tozero",
                     showgrid=False, tickprefix="¥", tickformat="~s", tickmode="auto",
                     nticks=7)
    return fig


def line(frame: pd.DataFrame, *, x: str, y: str, title: str, x_label: str, y_label: str,
         y_range: tuple[float, float] | None = None) -> go.Figure:
    """One line over time, e.g. the monthly average satisfaction."""
    fig = go.Figure(go.Scatter(x=frame[x], y=frame[y], mode="lines+markers",
                               line=dict(color=PALETTE[2], width=2.5),
                               hovertemplate="%{x|%Y-%m}<br>%{y:.2f}<extra></extra>"))
    fig.update_layout(title=title, **_LAYOUT)
    fig.update_xaxes(title_text=x_label, tickformat="%Y-%m")
    fig.update_yaxes(title_text=y_label, range=list(y_range) if y_range else None)
    return fig


def ranked_bars(frame: pd.DataFrame, *, category: str, value: str, title: str,
                value_label: str, text: pd.Series | None = None,
                money: bool = True) -> go.Figure:
    """Horizontal bars, largest at the top; optional text beside each bar (e.g. change)."""
    data = frame.sort_values(value)
    fig = go.Figure(go.Bar(
        y=data[category].astype(str), x=data[value], orientation="h",
        marker_color=PALETTE[0],
        text=None if text is None else text.reindex(data.index), textposition="outside",
        hovertemplate=("%{y}<br>¥%{x:,.0f}" if money else "%{y}<br>%{x:,.0f}")
        + "<extra></extra>",
    ))
    fig.update_layout(title=title, showlegend=False, **_LAYOUT)
    fig.update_xaxes(title_text=value_label, tickprefix="¥" if money else None)
    fig.update_layout(height=max(260, 48 * len(data) + 120))
    return fig
