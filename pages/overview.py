"""Overview: headline figures, monthly trends, regions and branches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import charts, formatting
from segmentation.churn import summarize
from ui import background, background_view, context, show, tables
from ui.scoping import no_customers, scope_caption

ctx = context.current()
lang, t = ctx.lang, ctx.t
days = context.PERIOD_DAYS

st.title(t("ov.title"))
st.caption(t("ov.caption", days=days, as_of=formatting.day(ctx.as_of, lang)))
scope_caption(ctx)

if not ctx.customer_count():  # counted in the database when the scope is too large to fetch
    no_customers(ctx)
    st.stop()

results = ctx.overview(days)  # cached per key: a rerun recomputes nothing
figures = results.headline
of = ctx.key.with_(pii=True)  # what the charts draw (no names)

FORMATS = {
    "customers": lambda v: formatting.number(v, lang),
    "active_customers": lambda v: formatting.number(v, lang),
    "revenue": lambda v: formatting.compact(v, lang, money=True),
    "shipments": lambda v: formatting.number(v, lang),
    "avg_satisfaction": lambda v: formatting.decimal(v, lang),
}
cols = [c for _ in range(2) for c in st.columns(3)]  # two rows of three, labels in full
at_risk_slot = cols[-1].empty()  # filled last: the churn scores must not hold up the rest
for col, metric in zip(cols, FORMATS, strict=False):
    with col:
        if metric not in figures.index:
            st.metric(t(f"ov.metric.{metric}"), "–", border=True, help=t("ov.no_surveys"))
            continue
        row = figures.loc[metric]
        if metric == "avg_satisfaction":
            delta = None if pd.isna(row["previous"]) or pd.isna(row["current"]) else (
                formatting.decimal(row["current"] - row["previous"], lang, signed=True))
        else:
            delta = None if pd.isna(row["change"]) else formatting.percent(row["change"], lang,
                                                                      signed=True)
        st.metric(t(f"ov.metric.{metric}"), FORMATS[metric](row["current"]), delta=delta,
                  border=True, help=t(f"ov.metric.{metric}.help", days=days))

trend = results.trend
show.chart(
    lambda: charts.monthly_activity(trend, title=t("ov.trend.title"),
                                    month_label=t("ov.trend.month"),
                                    shipments_label=t("ov.trend.shipments"),
                                    revenue_label=t("ov.trend.revenue"), lang=lang),
    cached_as=show.FigureKey("ov_trend_chart", of, lang), key="ov_trend_chart",
)
if trend["partial"].any():
    st.caption(t("ov.trend.partial", as_of=formatting.day(ctx.as_of, lang)))
if "avg_satisfaction" in trend.columns and trend["avg_satisfaction"].notna().any():
    show.chart(
        lambda: charts.line(trend.dropna(subset=["avg_satisfaction"]), x="month",
                            y="avg_satisfaction", title=t("ov.sat.title"),
                            x_label=t("ov.trend.month"), y_label=t("ov.sat.axis"),
                            y_range=(1, 5) if trend["avg_satisfaction"].max() <= 5 else None,
                            lang=lang),
        cached_as=show.FigureKey("ov_sat_chart", of, lang), key="ov_sat_chart",
    )


def _table(frame: pd.DataFrame, by: str) -> None:
    shown = frame.reset_index()
    total = shown["revenue"].sum()
    shown["share"] = shown["revenue"] / total if total else 0.0
    column_config = {
        by: st.column_config.TextColumn(t(f"ov.col.{by}")),
        "customers": tables.number(t("ov.col.customers")),
        "active_customers": tables.number(t("ov.col.active_customers")),
        "revenue": tables.number(t("ov.col.revenue"), "money"),
        "share": tables.share_bar(t("ov.col.share")),
        "revenue_change": tables.percent(t("ov.col.revenue_change")),
        "shipments": tables.number(t("ov.col.shipments")),
        "avg_satisfaction": tables.number(t("ov.col.avg_satisfaction"), "decimal"),
    }
    order = [c for c in (by, "customers", "active_customers", "revenue", "share",
                         "revenue_change", "shipments", "avg_satisfaction") if c in shown]
    st.dataframe(shown, column_order=order, column_config=column_config, hide_index=True,
                 key=f"ov_table_{by}")


tab_region, tab_branch = st.tabs([t("ov.by_region"), t("ov.by_branch")])
with tab_region:
    regions = results.regions
    if regions.empty:
        st.info(t("ov.no_region"))
    else:
        change = regions["revenue_change"].map(
            lambda c: "" if pd.isna(c) else formatting.percent(c, lang, signed=True))
        show.chart(
            lambda: charts.ranked_bars(regions.reset_index(), category="region", value="revenue",
                                       title=t("ov.region.chart", days=days),
                                       value_label=t("ov.col.revenue"),
                                       text=change.reset_index(drop=True), lang=lang),
            cached_as=show.FigureKey("ov_region_chart", of, lang, (days,)),
            key="ov_region_chart",
        )
        _table(regions, "region")
with tab_branch:
    branches = results.branches
    if branches.empty:
        st.info(t("ov.no_branch"))
    else:
        _table(branches, "branch")


def _at_risk() -> None:
    """Customers at risk under the session's churn definition, drawn into its slot once
    every other figure of the page is on screen; while the dataset's default scores are
    being prepared in the background, a "being prepared" state that fills in when ready."""
    if background.churn_pending(ctx.snap.dataset_id, ctx.as_of) is not None:
        with at_risk_slot.container():
            background_view.at_risk_preparing(ctx.snap.dataset_id, ctx.as_of,
                                         t("ov.metric.at_risk"), lang)
        return
    if not ctx.network_fits():  # the churn model needs every customer of the network
        with at_risk_slot.container():
            st.metric(t("ov.metric.at_risk"), "–", border=True,
                      help=t("ov.metric.at_risk.unavailable"))
            st.page_link("pages/churn.py", label=t("ov.metric.at_risk.why"),
                         icon=":material/arrow_forward:")
        return
    horizon, lost_after = ctx.churn_definition()
    at_risk = None
    if not ctx.filters and ctx.scope.is_all:  # the network's count, stored with its defaults
        at_risk = background.stored_warnings(ctx.snap.dataset_id, ctx.as_of, horizon, lost_after)
    with at_risk_slot.container(), st.spinner(t("bg.scoring", as_of=formatting.day(ctx.as_of, lang),
                                                  h=horizon)):
        if at_risk is None:
            churn = ctx.current_churn()  # the session's definition; None: cannot be scored
            at_risk = None if churn is None else summarize(churn.scores).warnings
        st.metric(t("ov.metric.at_risk"),
                  "–" if at_risk is None else formatting.number(at_risk, lang), border=True,
                  help=t("ov.metric.at_risk.help" if at_risk is not None
                         else "ov.metric.at_risk.unavailable"))
        if at_risk is None:
            st.page_link("pages/churn.py", label=t("ov.metric.at_risk.why"),
                         icon=":material/arrow_forward:")


_at_risk()
