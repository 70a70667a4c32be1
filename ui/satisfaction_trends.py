"""The satisfaction page's trends tab: the monthly index, the dimensions, the group
comparison and the score-drop alerts."""

from __future__ import annotations

import streamlit as st

from segmentation.satisfaction import charts
from ui import show
from ui.satisfaction_view import (
    BASELINE_PERIODS,
    COUNT,
    DAYS,
    DECIMAL,
    MIN_RESPONSES,
    MONTHS,
    SatisfactionView,
    show_table,
)
from ui.state import bind, state


def draw(view: SatisfactionView) -> None:
    if not view.surveys_ready():
        return
    t, data, index_name = view.t, view.data, view.index_name
    trend = view.computed("survey_trend", months=MONTHS)
    show.chart(charts.score_trend(
        trend, kind=view.kind, title=t("sat.trend.title", index=index_name),
        month_label=t("sat.trend.month"), index_label=index_name,
        responses_label=t("sat.trend.responses"), band_label=t("sat.trend.band"), lang=view.lang),
        key="sat_trend_chart")
    st.caption(t("sat.trend.caption"))
    if data.dimensions:
        dims = view.computed("dimension_trend", months=MONTHS)
        show.chart(charts.dimension_panels(
            dims, names={d: view.dim_label(d) for d in ("score", *data.dimensions)},
            title=t("sat.dims.title"), y_label=t("sat.dims.axis"),
            lang=view.lang), key="sat_dims_chart")

    st.subheader(t("sat.compare.header"))
    by = None
    if view.groups:
        chosen = state().satisfaction
        if chosen.compare_by not in view.groups:
            chosen.compare_by = view.groups[0]
        by = st.segmented_control(t("sat.compare.by"), options=view.groups,
                                  format_func=view.group_title,
                                  **bind(chosen, "compare_by", key="sat_compare_by"))
    if by:
        _compare(view, by)
    _alerts(view)


def _index_columns(view: SatisfactionView) -> dict:
    """The columns of a group's index now, in the baseline and its change."""
    t = view.t
    return {
        "responses": view.number("sat.col.responses", **COUNT),
        "index": st.column_config.NumberColumn(view.index_name, **view.idx),
        "baseline_responses": view.number("sat.col.baseline_responses", **COUNT),
        "baseline_index": view.number("sat.col.baseline_index", **view.idx),
        "change": st.column_config.NumberColumn(t(f"sat.col.change.{view.unit}"), **view.diff),
        "margin": st.column_config.NumberColumn(t(f"sat.col.margin.{view.unit}"),
                                                **view.margin),
    }


def _compare(view: SatisfactionView, by: str) -> None:
    t, data, index_name = view.t, view.data, view.index_name
    cmp = view.computed("compare_groups", by=by, period_days=DAYS,
                           baseline_periods=BASELINE_PERIODS,
                             min_responses=MIN_RESPONSES)
    if cmp.empty:
        st.info(t("sat.no_answers"))
        return
    shown = cmp.reset_index()
    shown["label"] = [view.group_label(by, v) for v in shown[by]]
    show.chart(charts.group_intervals(
        shown, group="label", kind=view.kind,
        title=t("sat.compare.title", index=index_name, group=view.group_title(by), days=DAYS),
        value_label=index_name, now_label=t("sat.compare.now", days=DAYS),
        baseline_label=t("sat.compare.baseline", days=DAYS * BASELINE_PERIODS),
        alert_label=t("sat.compare.alert"), lang=view.lang), key="sat_compare_chart")
    st.caption(t("sat.compare.caption", days=DAYS, base=DAYS * BASELINE_PERIODS))
    shown = view.points(shown, ["index", "index_lo", "index_hi", "baseline_index"],
                        ("change", "margin"))
    columns = _index_columns(view)
    config = {
        "label": st.column_config.TextColumn(view.group_title(by)),
        "responses": columns.pop("responses"),
        "index": columns.pop("index"),
        "index_lo": view.number("sat.col.index_lo", **view.idx),
        "index_hi": view.number("sat.col.index_hi", **view.idx),
        "mean": view.number("sat.col.mean", **DECIMAL),
        **columns,
        "alert": st.column_config.CheckboxColumn(t("sat.col.alert")),
        **{d: st.column_config.NumberColumn(view.dim_label(d), **DECIMAL)
           for d in data.dimensions},
    }
    show_table(shown, config, "sat_compare_table")


def _alerts(view: SatisfactionView) -> None:
    t = view.t
    st.subheader(t("sat.alerts.header"))
    alerts = view.computed("score_alerts", by=tuple(view.groups), period_days=DAYS,
                              baseline_periods=BASELINE_PERIODS, min_responses=MIN_RESPONSES)
    if alerts.empty:
        st.success(t("sat.alerts.none"))
    else:
        st.warning(t("sat.alerts.some", n=len(alerts)))
        shown = alerts.assign(
            grouping=[view.group_title(g) for g in alerts["grouping"]],
            group=[view.group_label(g, v) for g, v in zip(alerts["grouping"], alerts["group"],
                                                           strict=True)])
        shown = view.points(shown, ["index", "baseline_index"], ("change", "margin"))
        config = {"grouping": view.text("sat.col.grouping"),
                  "group": view.text("sat.col.group"), **_index_columns(view)}
        show_table(shown, config, "sat_alert_table")
    with st.expander(t("sat.alerts.rule_title")):
        st.markdown(t("sat.alerts.rule", index=view.index_name, days=DAYS,
                      base=DAYS * BASELINE_PERIODS, min_n=MIN_RESPONSES))
