"""The Clusters page's tabs: profiles, tier mix and branches, the map, choosing k and the
download."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import charts, charts_clusters, formatting
from segmentation.clusters import (
    Clustering,
    assignment_table,
    column_label,
    density_bins,
    feature_columns,
    is_share_column,
    profile_table,
    rounded_money,
    tier_mix_long,
    top_branch_table,
)
from segmentation.clusters.results import MONEY_COLUMNS
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.tiers import assign
from ui import auth, context, show, tables
from ui.clusters_settings import pct, suggestion
from ui.scoping import customer_rows
from ui.state import bind, state
from ui.tier_state import current_tier_settings

#: Beyond this the workbook takes minutes to write (a sheet's hard limit is 1,048,576 rows)
EXCEL_MAX_ROWS = 200_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Map cells with fewer customers of a cluster are not shown to roles without the PII right
DENSITY_MIN = 3
#: Profile columns the profile and download tables label themselves
SIZE_HEADERS = ("cluster", "persona", "description", "size", "share", "revenue",
                "revenue_share")


def _column_kind(column: str) -> str:
    if is_share_column(column):
        return "percent"
    if column in MONEY_COLUMNS:
        return "money"
    if column in ("recency_days", "tenure_days"):
        return "int"
    return "decimal1"


def profiles_tab(ctx: context.Context, result: Clustering, names: pd.DataFrame,
                 labels: dict[int, str]) -> None:
    t, lang = ctx.t, ctx.lang
    profiles, zscores = result.profiles, result.zscores
    features = feature_columns(profiles)
    table = rounded_money(profile_table(profiles, names))
    config = {
        "cluster": tables.number(t("cl.col.cluster"), width=60),
        "persona": st.column_config.TextColumn(t("cl.col.persona"), width="medium"),
        "size": tables.number(t("cl.col.size")),
        "share": tables.percent(t("cl.col.share")),
        "revenue": tables.number(t("cl.col.revenue"), "money"),
        "revenue_share": tables.share_bar(t("cl.col.revenue_share")),
    }
    for column in features:
        config[column] = tables.number(
            column_label(column, lang), _column_kind(column),
            help=t("cl.col.mean_help") if is_share_column(column) else t("cl.col.median_help"))
    st.dataframe(table, hide_index=True, key="clusters_profile_table", column_config=config,
                 column_order=["cluster", "persona", "size", "share", "revenue",
                               "revenue_share", *features])
    st.caption(t("cl.profiles.note"))
    column_labels = {c: column_label(c, lang) for c in zscores.columns}
    show.chart(charts_clusters.zscore_heatmap(
        zscores, row_labels=labels, column_labels=column_labels, title=t("cl.heatmap.title"),
        colorbar=t("cl.heatmap.colorbar"), lang=ctx.lang), key="clusters_heatmap")
    st.caption(t("cl.heatmap.help"))
    left, right = st.columns([3, 2], gap="large")
    with left:
        pick = _pick_cluster(ctx, labels)
        show.chart(charts_clusters.zscore_bars(
            zscores.loc[pick], column_labels=column_labels,
            title=t("cl.bars.title", name=labels[pick]), x_label=t("cl.bars.x"), lang=ctx.lang),
            key="clusters_bars")
    with right:
        show.chart(charts_clusters.customer_revenue_shares(
            profiles, labels=labels, title=t("cl.shares.title"),
            customers_label=t("cl.col.share"), revenue_label=t("cl.col.revenue_share"),
            x_label=t("cl.shares.x"), lang=ctx.lang), key="clusters_shares_chart")


def _pick_cluster(ctx: context.Context, labels: dict[int, str]) -> int:
    """The cluster whose bars to show (the first one when k no longer has it); bound, so
    its option texts follow new names and the language."""
    chosen = state().clusters
    if chosen.profile_pick not in labels:
        chosen.profile_pick = next(iter(labels))
    return st.selectbox(ctx.t("cl.bars.pick"), list(labels), format_func=lambda c: labels[c],
                        **bind(chosen, "profile_pick", key="clusters_profile_pick"))


def _tiers(ctx: context.Context) -> tuple[pd.Series, object]:
    settings = current_tier_settings(ctx.lang)
    return assign(ctx.scoring_base(), settings).scored["tier"], settings


def mix_tab(ctx: context.Context, view: pd.DataFrame, result: Clustering,
            labels: dict[int, str]) -> None:
    t = ctx.t
    tiers, settings = _tiers(ctx)
    show.chart(charts.stacked_shares(
        tier_mix_long(tiers, result.labels), by="cluster", series="tier", value="share",
        order=list(settings.tiers), labels=settings.tier_labels(ctx.lang),
        colors=charts.tier_colors(len(settings.tiers)), title=t("cl.mix.title"),
        x_label=t("cl.mix.x"), category_labels={str(c): name for c, name in labels.items()},
        lang=ctx.lang),
        key="clusters_mix_chart")
    st.caption(t("cl.mix.help"))
    top = top_branch_table(view, result.labels, labels, n=3)
    if top.empty:
        return
    st.markdown(f"##### {t('cl.branches')}")
    st.dataframe(
        top, hide_index=True, key="clusters_branches", height=min(36 * (len(top) + 1) + 2, 1100),
        column_order=["persona", "rank", "branch", "customers", "share", "revenue"],
        column_config={
            "persona": st.column_config.TextColumn(t("cl.col.persona"), width="medium"),
            "rank": tables.number(t("cl.col.rank"), width=60),
            "branch": t("cl.col.branch"),
            "customers": tables.number(t("cl.col.size")),
            "share": tables.percent(t("cl.col.branch_share")),
            "revenue": tables.number(t("cl.col.revenue"), "money"),
        })


def map_tab(ctx: context.Context, result: Clustering, labels: dict[int, str]) -> None:
    t, lang = ctx.t, ctx.lang
    points = result.points.copy()
    ratio = points.attrs.get("explained_variance_ratio", [0.0, 0.0])
    if not ctx.pii:  # no single customer (id, branch, spend) in the figure: counts per cell
        cells = density_bins(points, min_count=DENSITY_MIN)
        show.chart(charts_clusters.cluster_density(
            cells, labels=labels,
            title=t("cl.map.density.title", n=formatting.number(len(points), lang)),
            x_label=t("cl.map.axis", n=1, pct=pct(ratio[0], lang)),
            y_label=t("cl.map.axis", n=2, pct=pct(ratio[1], lang)),
            customers_label=t("cl.map.density.customers"), lang=ctx.lang), key="clusters_map")
        st.caption(t("cl.map.density.help", min=DENSITY_MIN))
        return
    if "customer_type" in points.columns:
        points["customer_type"] = points["customer_type"].map(
            lambda v: context.value_label(v, lang))
    show.chart(charts_clusters.cluster_map(
        points, labels=labels, title=t("cl.map.title", n=formatting.number(len(points), lang)),
        x_label=t("cl.map.axis", n=1, pct=pct(ratio[0], lang)),
        y_label=t("cl.map.axis", n=2, pct=pct(ratio[1], lang)),
        hover=[("customer_type", t("cl.col.customer_type"), ""),
               ("branch", t("cl.col.branch"), ""),
               ("monetary_total", t("cl.col.spend"), "money"),
               ("shipments_per_year", column_label("shipments_per_year", lang), "decimal")],
               lang=ctx.lang),
        key="clusters_map")
    st.caption(t("cl.map.help"))


def k_tab(ctx: context.Context, features: tuple[str, ...], k: int) -> None:
    t = ctx.t
    scores, suggested = suggestion(ctx, features)
    st.markdown(t("cl.k.sentence", k=suggested))
    show.chart(charts_clusters.silhouette_curve(
        scores, current_k=k, title=t("cl.k.title"), x_label=t("cl.k.x"),
        y_label=t("cl.k.y"), suggested_label=t("cl.k.suggested_mark"),
        current_label=t("cl.k.current_mark", k=k), reference_label=t("cl.k.reference"),
        lang=ctx.lang),
        key="clusters_silhouette")
    st.caption(t("cl.k.guide"))


def download_tab(ctx: context.Context, view: pd.DataFrame, result: Clustering,
                 names: pd.DataFrame) -> None:
    if not customer_rows(ctx):
        return
    t, lang = ctx.t, ctx.lang
    tiers, settings = _tiers(ctx)
    frame = assignment_table(view, result, names, tiers, settings.tier_labels(lang))
    headers = {c: t(f"cl.export.{c}") for c in frame.columns}
    profiles = profile_table(result.profiles, names, descriptions=True)
    profile_headers = {c: column_label(c, lang) for c in profiles.columns}
    profile_headers.update({c: t(f"cl.export.{c}") for c in SIZE_HEADERS})
    st.caption(t("cl.download.caption", n=formatting.number(len(frame), lang)))
    stem = f"clusters_k{result.model.n_clusters_}_{ctx.as_of}"
    too_big = len(frame) > EXCEL_MAX_ROWS
    c1, c2, _ = st.columns([1, 1, 2])
    auth.download_button(c1, t("cl.download.csv"), lambda: to_csv_bytes(frame, headers=headers),
                         file_name=f"{stem}.csv", mime="text/csv", key="clusters_download_csv",
                         on_click="ignore", width="stretch", rows=len(frame))
    auth.download_button(
        c2, t("cl.download.xlsx"),
        lambda: to_excel_bytes({t("cl.sheet.customers"): frame.rename(columns=headers),
                                t("cl.sheet.profiles"): profiles.rename(columns=profile_headers)}),
        file_name=f"{stem}.xlsx", mime=XLSX, key="clusters_download_xlsx", on_click="ignore",
        width="stretch", disabled=too_big, rows=len(frame),
        help=t("cl.download.too_big", max=formatting.number(EXCEL_MAX_ROWS, lang)) if too_big
        else None)
    st.dataframe(frame.head(200), hide_index=True, key="clusters_download_preview",
                 column_config={c: h for c, h in headers.items()})
