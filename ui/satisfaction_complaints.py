"""The satisfaction page's complaints tab: trend and mix, breakdown, resolution times,
deadline breaches and repeat complainers."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting
from segmentation import satisfaction as sat
from segmentation.formatting import date_column_format
from segmentation.satisfaction import charts
from ui import show
from ui.satisfaction_view import (
    COUNT,
    DAYS,
    DECIMAL1,
    MONTHS,
    PCT,
    SatisfactionView,
    show_table,
)
from ui.scoping import customer_rows
from ui.state import bind, state


def draw(view: SatisfactionView) -> None:
    if not view.complaints_ready():
        return
    t, lang, data = view.t, view.lang, view.data
    cp_trend = view.computed("complaint_trend", months=MONTHS)
    mix = view.computed("complaint_mix", by="category", months=MONTHS)
    show.chart(charts.complaint_trend(
        cp_trend, mix, by="category",
        names={c: sat.label("category", c, lang) for c in mix["category"].unique()},
        title=t("sat.cp.trend.title"), month_label=t("sat.trend.month"),
        count_label=t("sat.cp.count"), rate_label=t("sat.cp.rate"),
        lang=view.lang), key="sat_cp_trend_chart")

    options = sat.complaint_options(data)
    chosen = state().satisfaction
    if chosen.complaints_by not in options:
        chosen.complaints_by = options[0]
    cp_by = st.segmented_control(t("sat.cp.by"), options=options, format_func=view.group_title,
                                 **bind(chosen, "complaints_by", key="sat_cp_by"))
    if cp_by:
        _breakdown(view, cp_by)
    _resolution(view)
    _breaches(view)
    _repeat(view)


def _breakdown(view: SatisfactionView, by: str) -> None:
    t = view.t
    ranking = view.computed("complaint_ranking", by=by, period_days=DAYS, sla_days=view.sla)
    if ranking is None:
        st.info(t("sat.no_complaints_selected"))
        return
    shown = ranking.table.assign(label=[view.group_label(by, v) for v in ranking.table[by]])
    top = shown.loc[ranking.top.index]
    show.chart(charts.count_bars(
        top, label="label", value=ranking.value,
        title=t("sat.cp.by.title" if ranking.by_rate else "sat.cp.by.title_count",
                by=view.group_title(by), days=DAYS),
        value_label=t("sat.cp.rate" if ranking.by_rate else "sat.cp.count"),
        text=[formatting.number(n, view.lang) for n in top["complaints"]] if ranking.by_rate
        else None, digits=1 if ranking.by_rate else 0, lang=view.lang),
        key="sat_cp_by_chart")
    config = {
        "label": st.column_config.TextColumn(view.group_title(by)),
        "complaints": view.number("sat.col.complaints", **COUNT),
        "share": view.number("sat.col.share", **PCT),
        "per_1000": view.number("sat.col.per_1000", **DECIMAL1),
        "open": view.number("sat.col.open", **COUNT),
        "open_past_sla": view.number("sat.col.open_past_sla", **COUNT),
        "median_days": view.number("sat.col.median_days", **DECIMAL1),
        "p90_days": view.number("sat.col.p90_days", **DECIMAL1),
        "within_sla": view.number("sat.col.within_sla", **PCT),
    }
    show_table(shown, config, "sat_cp_table")


def _resolution(view: SatisfactionView) -> None:
    t, lang, sla = view.t, view.lang, view.sla
    res = view.computed("resolution_summary", sla_days=sla)
    if not res["resolved"]:
        st.info(t("sat.cp.res.none"))
        return
    show.chart(charts.resolution_histogram(
        view.data.complaints, sla_days=sla, by="severity",
        names={s: sat.label("severity", s, lang) for s in ("low", "medium", "high")},
        title=t("sat.cp.res.title"), days_label=t("sat.cp.res.days"),
        count_label=t("sat.cp.res.count"), sla_label=t("sat.cp.res.sla", days=sla), lang=view.lang),
        key="sat_res_chart")
    st.caption(t("sat.cp.res.caption", n=formatting.number(res["resolved"], lang),
                 median=formatting.decimal(res["median_days"], lang, 0),
                 p90=formatting.decimal(res["p90_days"], lang, 0),
                 share=formatting.percent(res["within_sla"], lang), sla=sla))


def _place_columns(view: SatisfactionView) -> dict:
    """Where a complaint or complainer belongs: branch and tier."""
    return {"branch": view.text("filter.branch"), "tier": view.text("sat.group.tier")}


def _breaches(view: SatisfactionView) -> None:
    t, lang, sla = view.t, view.lang, view.sla
    st.subheader(t("sat.cp.sla.header"))
    late = view.computed("sla_breaches", sla_days=sla)
    if late.empty:
        st.success(t("sat.cp.sla.none", sla=sla))
        return
    st.warning(t("sat.cp.sla.some", n=formatting.number(len(late), lang), sla=sla))
    if not customer_rows(view.ctx):
        return
    shown = late.assign(**{c: view.group_labels(c, late[c])
                           for c in ("category", "severity", "tier") if c in late})
    config = {c: view.text(f"sat.col.{c}") for c in
              ("complaint_id", "customer_id", "category", "severity")}
    config.update({
        "date": st.column_config.DateColumn(t("sat.col.date"),
                                            format=date_column_format(view.lang)),
        **_place_columns(view),
        "age_days": view.number("sat.col.age_days"),
        "days_over": view.number("sat.col.days_over"),
    })
    show_table(shown, config, "sat_sla_table")


def _repeat(view: SatisfactionView) -> None:
    t, lang = view.t, view.lang
    st.subheader(t("sat.cp.repeat.header"))
    repeat = view.computed("repeat_complainers", min_complaints=2, window_days=365)
    if repeat.empty:
        st.info(t("sat.cp.repeat.none"))
        return
    st.caption(t("sat.cp.repeat.caption", n=formatting.number(len(repeat), lang)))
    if not customer_rows(view.ctx):
        return
    shown = repeat.reset_index()
    sep = "、" if lang == "zh" else ", "
    shown["categories"] = [sep.join(sat.label("category", c, lang) for c in cats.split(", "))
                           for cats in shown["categories"]]
    for c in ("tier", "customer_type"):
        if c in shown:
            shown[c] = view.group_labels(c, shown[c])
    config = {
        "customer_id": view.text("sat.col.customer_id"),
        "complaints": view.number("sat.col.complaints", **COUNT),
        "open": view.number("sat.col.open", **COUNT),
        "categories": view.text("sat.col.categories"),
        "first_date": st.column_config.DateColumn(t("sat.col.first_date"),
                                                   format=date_column_format(view.lang)),
        "last_date": st.column_config.DateColumn(t("sat.col.last_date"),
                                                  format=date_column_format(view.lang)),
        **_place_columns(view),
        "customer_type": view.text("filter.customer_type"),
    }
    show_table(shown, config, "sat_repeat_table")
