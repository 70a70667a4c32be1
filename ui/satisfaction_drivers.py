"""The satisfaction page's drivers tab: what moves the overall score, per tier."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting
from segmentation import satisfaction as sat
from segmentation.satisfaction import charts
from segmentation.textsafe import md
from ui import show, tables
from ui.satisfaction_view import DECIMAL, MIN_DRIVER_RESPONSES, SatisfactionView, show_table
from ui.state import bind, state


def draw(view: SatisfactionView) -> None:
    if not view.surveys_ready():
        return
    t, lang, settings = view.t, view.lang, view.settings
    tiers_here = [k for k in view.tier_options if not view.chosen_tiers or k in view.chosen_tiers]
    options = ["_all", *tiers_here]
    chosen = state().satisfaction
    if chosen.driver_group not in options:
        chosen.driver_group = "_all"
    choice = st.selectbox(
        t("sat.drivers.group"), options=options,
        format_func=lambda k: (t("sat.drivers.all") if k == "_all"
                               else t("sat.drivers.tier", tier=settings.label(k, lang))),
        **bind(chosen, "driver_group", key="sat_driver_group"))
    data = view.data if choice == "_all" else view.data.select(tiers=[choice])
    drivers = sat.key_drivers(data, min_responses=MIN_DRIVER_RESPONSES)
    if drivers.empty:
        st.info(t("sat.drivers.none", n=MIN_DRIVER_RESPONSES))
        return
    top, fix = sat.driver_highlights(drivers)
    top = [f"{md(view.dim_label(d))} ({formatting.percent(s, lang, 0)})" for d, s in top]
    fix = [md(view.dim_label(d)) for d in fix]
    sep = "、" if lang == "zh" else ", "
    st.markdown(t("sat.drivers.summary", drivers=sep.join(top), fix=sep.join(fix))
                if fix else t("sat.drivers.summary_nofix", drivers=sep.join(top)))
    show.chart(charts.driver_quadrant(
        drivers, names={d: view.dim_label(d) for d in drivers["dimension"]},
        quadrant_names={q: sat.label("quadrant", q, lang) for q in sat.DRIVER_QUADRANTS},
        title=t("sat.drivers.title"), importance_label=t("sat.drivers.importance"),
        performance_label=t("sat.drivers.performance"), lang=view.lang), key="sat_driver_chart")
    st.caption(t("sat.drivers.caption", n=formatting.number(drivers["responses"].iloc[0], lang)))
    shown = drivers.assign(dimension=[view.dim_label(d) for d in drivers["dimension"]],
                           quadrant=[sat.label("quadrant", q, lang) for q in drivers["quadrant"]])
    config = {
        "dimension": view.text("sat.col.dimension"),
        "importance": view.number("sat.col.importance", **DECIMAL),
        "share": tables.share_bar(t("sat.col.importance_share")),
        "correlation": view.number("sat.col.correlation", **DECIMAL),
        "performance": view.number("sat.col.performance", **DECIMAL),
        "quadrant": view.text("sat.col.quadrant"),
    }
    show_table(shown, config, "sat_driver_table")
