"""The satisfaction page's value-and-churn tab: the top tier against the rest, customers
with a churn warning against the others."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import satisfaction as sat
from segmentation.satisfaction import charts
from ui import show
from ui.satisfaction_view import COUNT, DAYS, DECIMAL, DECIMAL1, PCT, SatisfactionView, show_table


def _compare(view: SatisfactionView, groups: pd.Series, names: dict[str, str], key: str,
             *source) -> None:
    t, index_name = view.t, view.index_name
    summary = view.ctx.satisfaction_summary(view.graded, view.settings, view.scale_key,
                                            view.with_surveys, key, groups, tuple(names),
                                            *source)
    shown = summary.reset_index()
    shown["label"] = [names.get(g, g) for g in shown["group"]]
    if "index" in shown and shown["index"].notna().any():
        show.chart(charts.group_intervals(
            shown, group="label", kind=view.kind,
            title=t("sat.links.chart", index=index_name, days=DAYS), value_label=index_name,
            now_label=t("sat.compare.now", days=DAYS), baseline_label="",
            alert_label="", lang=view.lang), key=f"{key}_chart")
    shown = view.points(shown, ["index", "index_lo", "index_hi"])
    config = {
        "label": view.text("sat.col.group", width="medium"),
        "customers": view.number("sat.col.customers", **COUNT),
        "responses": view.number("sat.col.responses", **COUNT),
        "index": st.column_config.NumberColumn(index_name, **view.idx),
        "index_lo": view.number("sat.col.index_lo", **view.idx),
        "index_hi": view.number("sat.col.index_hi", **view.idx),
        "mean": view.number("sat.col.mean", **DECIMAL),
        "complaints": view.number("sat.col.complaints", **COUNT),
        "complainants": view.number("sat.col.complainants", **PCT),
        "per_1000": view.number("sat.col.per_1000", **DECIMAL1),
        "open": view.number("sat.col.open", **COUNT),
    }
    show_table(shown, config, f"{key}_table")


def draw(view: SatisfactionView) -> None:
    t, ctx = view.t, view.ctx
    st.subheader(t("sat.links.top.header"))
    st.caption(t("sat.links.top.caption", days=DAYS))
    if view.tier_options:
        top_tier = view.tier_options[0]
        groups = sat.top_tier_groups(view.graded.attributes, top_tier)
        _compare(view, groups, {"top": t("sat.links.top", tier=view.settings.label(top_tier,
                                                                                 view.lang)),
                                "rest": t("sat.links.rest")}, "sat_links_top")
    st.subheader(t("sat.links.churn.header"))
    # the churn scores under the session's definition (scored once per dataset, date and
    # definition, whether or not the Churn page was opened)
    current = ctx.current_churn()
    if current is not None:
        churn = sat.churn_groups(current.scores)
        source = (current.horizon, current.lost_after)
    else:  # a view that already carries churn scores (e.g. from the batch CLI)
        churn = sat.churn_groups(ctx.full_view())
        source = ()
    if churn is None:
        st.info(t("sat.links.churn.pending"))
        return
    if current is not None:
        st.caption(t("sat.links.churn.caption", h=current.horizon, days=DAYS))
    _compare(view, churn, {"warning": t("sat.links.churn.warning"),
                           "other": t("sat.links.churn.other")}, "sat_links_churn", *source)
