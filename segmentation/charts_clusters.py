"""Plotly figures of the clusters page: data in, figure out. Text comes from the caller."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .chart_format import custom, texts, value_axis
from .charts import _LAYOUT, PALETTE

#: One colour per cluster (up to 10), the dashboard's palette first.
CLUSTER_COLORS = (*PALETTE, "#5b4fa8", "#2a9d8f", "#8c564b", "#d1495b")
_UP, _DOWN = PALETTE[0], PALETTE[1]


#: A legend to the right of a map, one cluster per line.
_SIDE_LEGEND = dict(orientation="v", yanchor="top", y=1, xanchor="left", x=1.01)


def _cluster_color(colors: list[str], cluster) -> str:
    """The colour of ``cluster``: the given palette, else the default one, cycled."""
    k = int(cluster)
    return colors[k] if k < len(colors) else CLUSTER_COLORS[k % len(CLUSTER_COLORS)]


def cluster_colors(n: int) -> list[str]:
    """``n`` colours, cluster 0 first (repeating after 10)."""
    return [CLUSTER_COLORS[i % len(CLUSTER_COLORS)] for i in range(max(n, 0))]


def customer_revenue_shares(profiles: pd.DataFrame, *, labels: Mapping[int, str], title: str,
                            customers_label: str, revenue_label: str,
                            x_label: str, lang: str = "en") -> go.Figure:
    """Share of customers against share of revenue per cluster (grouped horizontal bars).

    ``profiles`` is :func:`segmentation.clusters.cluster_profiles` (``share``,
    ``revenue_share``); ``labels`` maps a cluster to its display name.
    """
    names = [labels.get(c, str(c)) for c in profiles.index]
    fig = go.Figure()
    for column, name, color in (("share", customers_label, PALETTE[4]),
                                ("revenue_share", revenue_label, PALETTE[0])):
        values = profiles[column].fillna(0.0).to_numpy() if column in profiles else \
            np.zeros(len(profiles))
        fig.add_trace(go.Bar(y=names, x=values, name=name, orientation="h", marker_color=color,
                             text=texts(values, lang, "percent", digits=0),
                             textposition="outside", cliponaxis=False,
                             customdata=custom(texts(values, lang, "percent")),
                             hovertemplate="%{y}: %{customdata[0]}<extra>" + name + "</extra>"))
    top = float(np.nanmax(profiles[["share", "revenue_share"]].to_numpy(), initial=0.0)) \
        if {"share", "revenue_share"} <= set(profiles.columns) else 1.0
    fig.update_layout(barmode="group", title=title, bargap=0.25,
                      height=max(300, 56 * len(names) + 140), **_LAYOUT)
    fig.update_xaxes(title_text=x_label)
    value_axis(fig, [], lang, which="x", kind="percent", n=5,
               bounds=(0, min(1.0, top * 1.18) or 1))
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def zscore_heatmap(zscores: pd.DataFrame, *, row_labels: Mapping[int, str],
                   column_labels: Mapping[str, str], title: str, colorbar: str,
                   limit: float = 2.0, lang: str = "en") -> go.Figure:
    """How each cluster (row) differs from the average customer on each feature (column).

    Colours are clipped at ``±limit`` standard deviations so that one extreme
    cluster does not wash out the others; the cell text shows the real value.
    """
    rows = [row_labels.get(c, str(c)) for c in zscores.index]
    columns = [column_labels.get(c, c) for c in zscores.columns]
    values = zscores.to_numpy(dtype=float)
    text = [texts(row, lang, "signed", digits=1) for row in values]
    hover = [texts(row, lang, "signed", digits=2) for row in values]
    fig = go.Figure(go.Heatmap(
        z=np.clip(values, -limit, limit), x=columns, y=rows, text=text, customdata=hover,
        texttemplate="%{text}", zmin=-limit, zmax=limit, zmid=0,
        colorscale=[[0.0, "#c2571a"], [0.5, "#f7f7f7"], [1.0, "#0f6e56"]],
        colorbar=dict(title=dict(text=colorbar, side="right"), thickness=12),
        hovertemplate="%{y}<br>%{x}: %{customdata}<extra></extra>", xgap=1, ygap=1))
    fig.update_layout(title=title, height=max(320, 46 * len(rows) + 220), **_LAYOUT)
    fig.update_xaxes(tickangle=-35, side="bottom", automargin=True)
    fig.update_yaxes(autorange="reversed", automargin=True)
    return fig


def zscore_bars(zscores: pd.Series, *, column_labels: Mapping[str, str], title: str,
                x_label: str, lang: str = "en") -> go.Figure:
    """One cluster's z-scores as horizontal bars, most distinguishing first."""
    data = zscores.astype(float).reindex(zscores.abs().sort_values(ascending=True).index)
    names = [column_labels.get(c, c) for c in data.index]
    colors = [_UP if v >= 0 else _DOWN for v in data.to_numpy()]
    fig = go.Figure(go.Bar(y=names, x=data.to_numpy(), orientation="h", marker_color=colors,
                           text=texts(data, lang, "signed", digits=1), textposition="outside",
                           cliponaxis=False, customdata=custom(texts(data, lang, "signed")),
                           hovertemplate="%{y}: %{customdata[0]}<extra></extra>"))
    span = max(1.0, float(data.abs().max()) if len(data) else 1.0) * 1.2
    fig.update_layout(title=title, showlegend=False, height=max(300, 30 * len(names) + 140),
                      **_LAYOUT)
    fig.update_xaxes(title_text=x_label, zeroline=True, zerolinecolor="#7a8a99")
    value_axis(fig, [], lang, which="x", bounds=(-span, span), n=5)
    fig.update_yaxes(automargin=True)
    return fig


def cluster_map(points: pd.DataFrame, *, labels: Mapping[int, str], title: str, x_label: str,
                y_label: str, hover: Sequence[tuple[str, str, str]] = (),
                lang: str = "en") -> go.Figure:
    """The 2-D projection of a customer sample, one colour (and legend entry) per cluster.

    Parameters
    ----------
    points : :func:`segmentation.clusters.projection` (``x``, ``y``, ``cluster``,
        ``customer_id`` and hover columns).
    labels : cluster -> legend name.
    hover : ``(column, label, kind)`` triples shown on hover when the column exists:
        ``kind`` a :func:`segmentation.chart_format.texts` kind (``""`` for text), e.g.
        ``("monetary_total", "Spend", "money")``.

    The axes are the projection's components: they carry no unit, so no tick labels.
    """
    shown = [(c, label, kind) for c, label, kind in hover if c in points.columns]
    template = "<b>%{customdata[0]}</b><br>%{fullData.name}"
    for i, (_, label, _kind) in enumerate(shown, start=1):
        template += f"<br>{label}: %{{customdata[{i}]}}"
    fig = go.Figure()
    colors = cluster_colors(max(labels, default=-1) + 1)
    for cluster in sorted(points["cluster"].unique()):
        part = points[points["cluster"] == cluster]
        data = custom(part["customer_id"].astype(str).tolist(),
                      *[texts(part[c], lang, kind) if kind else part[c].astype(str).tolist()
                        for c, _, kind in shown]) if len(part) else None
        fig.add_trace(go.Scattergl(
            x=part["x"], y=part["y"], mode="markers", name=labels.get(int(cluster), str(cluster)),
            marker=dict(size=6, opacity=0.7, color=_cluster_color(colors, cluster)),
            customdata=data, hovertemplate=template + "<extra></extra>"))
    layout = {**_LAYOUT, "legend": _SIDE_LEGEND}
    fig.update_layout(title=title, height=560, **layout)
    fig.update_xaxes(title_text=x_label, zeroline=False, showticklabels=False)
    fig.update_yaxes(title_text=y_label, zeroline=False, showticklabels=False)
    return fig


def silhouette_curve(scores: pd.DataFrame, *, current_k: int | None, title: str, x_label: str,
                     y_label: str, suggested_label: str, current_label: str,
                     reference_label: str | None = None, lang: str = "en") -> go.Figure:
    """Silhouette score per k (:func:`segmentation.clusters.suggest_k`), the suggestion
    starred, the chosen k marked by a vertical line and, with ``reference_label``, the
    silhouette of structureless data as a dashed line."""
    valid = scores[scores["silhouette"].notna()]
    fig = go.Figure(go.Scatter(x=valid["k"], y=valid["silhouette"], mode="lines+markers",
                               line=dict(color=PALETTE[2], width=2.5), marker=dict(size=8),
                               showlegend=False,
                               customdata=custom(texts(valid["silhouette"], lang, "decimal")),
                               hovertemplate="k = %{x}<br>%{customdata[0]}<extra></extra>"))
    if reference_label is not None and "reference" in valid:
        fig.add_trace(go.Scatter(x=valid["k"], y=valid["reference"], mode="lines",
                                 line=dict(color=PALETTE[0], width=1.5, dash="dash"),
                                 name=reference_label, showlegend=True,
                                 customdata=custom(texts(valid["reference"], lang, "decimal")),
                                 hovertemplate="k = %{x}<br>%{customdata[0]}"
                                               "<extra></extra>"))
    best = valid[valid["suggested"]] if "suggested" in valid else valid.iloc[0:0]
    if len(best):
        fig.add_trace(go.Scatter(x=best["k"], y=best["silhouette"], mode="markers+text",
                                 marker=dict(symbol="star", size=18, color=PALETTE[1]),
                                 text=[suggested_label], textposition="top center",
                                 name=suggested_label, showlegend=False, hoverinfo="skip"))
    if current_k is not None:
        fig.add_vline(x=current_k, line=dict(color=PALETTE[0], dash="dash"),
                      annotation_text=current_label, annotation_position="top right")
    fig.update_layout(title=title, **_LAYOUT)
    ks = [int(k) for k in valid["k"]]
    fig.update_xaxes(title_text=x_label, tickmode="array", tickvals=ks,
                     ticktext=texts(ks, lang, "int"))
    fig.update_yaxes(title_text=y_label)
    value_axis(fig, [*valid["silhouette"], *(valid["reference"] if "reference" in valid
                                             else [])], lang, n=5)
    return fig


def cluster_density(cells: pd.DataFrame, *, labels: Mapping[int, str], title: str,
                    x_label: str, y_label: str, customers_label: str,
                    lang: str = "en") -> go.Figure:
    """The map as a grid of circles, one colour per cluster, sized by customers per cell
    (:func:`segmentation.clusters.density_bins`): no single customer in the figure."""
    fig = go.Figure()
    colors = cluster_colors(max(labels, default=-1) + 1)
    top = float(cells["customers"].max()) if len(cells) else 1.0
    for cluster in sorted(cells["cluster"].unique()):
        part = cells[cells["cluster"] == cluster]
        fig.add_trace(go.Scatter(
            x=part["x"], y=part["y"], mode="markers", name=labels.get(int(cluster), str(cluster)),
            marker=dict(size=(6 + 22 * np.sqrt(part["customers"] / top)).to_numpy(),
                        opacity=0.55, line=dict(width=0),
                        color=_cluster_color(colors, cluster)),
            customdata=custom(texts(part["customers"], lang, "int")),
            hovertemplate="%{fullData.name}<br>" + customers_label
                          + ": %{customdata[0]}<extra></extra>"))
    layout = {**_LAYOUT, "legend": _SIDE_LEGEND}
    fig.update_layout(title=title, height=560, **layout)
    fig.update_xaxes(title_text=x_label, zeroline=False, showticklabels=False)
    fig.update_yaxes(title_text=y_label, zeroline=False, showticklabels=False)
    return fig
