"""The weekly before/after chart of a campaign's two groups."""

from __future__ import annotations

import plotly.graph_objects as go

from .. import chart_format, i18n
from .estimate import Estimate

__all__ = ["weekly_chart"]

_COLOURS = {"target": "#d62728", "comparison": "#1f77b4"}


def weekly_chart(estimate: Estimate, lang: str, outcome: str = "shipments") -> go.Figure:
    """Mean weekly ``outcome`` (shipments or revenue) per customer of the targeted and the
    comparison group, the campaign's start marked."""
    weekly = estimate.weekly
    kind = "money" if outcome == "revenue" else "number"
    fig = go.Figure()
    names = {"target": i18n.t("campaign.group.target", lang),
             "comparison": i18n.t(f"campaign.group.comparison.{estimate.method}", lang)}
    for group in ("comparison", "target"):
        part = weekly[weekly["group"] == group]
        hover = chart_format.texts(part[outcome], lang,
                                   "money" if kind == "money" else "decimal")
        days = chart_format.texts(part["week_start"], lang, "day")
        fig.add_trace(go.Scatter(
            x=part["week_start"], y=part[outcome], mode="lines+markers", name=names[group],
            line={"color": _COLOURS[group], "width": 2}, marker={"size": 4},
            customdata=chart_format.custom(days, hover),
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + names[group]
                          + "</extra>"))
    start = weekly.loc[weekly["phase"] == "after", "week_start"].min()
    fig.add_vline(x=start, line_dash="dash", line_color="#6b7280")
    fig.add_annotation(x=start, y=1.0, yref="paper", showarrow=False, xanchor="left",
                       text=i18n.t("campaign.chart.start", lang))
    fig.update_layout(
        title=i18n.t(f"campaign.chart.title.{outcome}", lang), height=380,
        legend={"orientation": "h", "y": -0.15}, margin={"l": 10, "r": 10, "b": 10})
    chart_format.month_axis(fig, weekly["week_start"], lang)
    chart_format.value_axis(fig, weekly[outcome], lang, kind=kind)
    return fig
