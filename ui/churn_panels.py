"""The Churn page's model check and lifecycle tabs (drawing only: the library computes)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from segmentation import charts, i18n
from segmentation.churn import STAGES, Backtest, Lifecycle


def draw_trust(bt: Backtest | None, attrs: Mapping[str, object], lang: str) -> None:
    """How the rankings did on the backtest, the calibration and its reliability curve."""
    def t(key: str, **params) -> str:
        return i18n.t(key, lang, **params)

    if bt is None:
        st.info(t("cp.trust.none"))
        return
    st.markdown(bt.design_sentence(lang))
    st.markdown(f"**{t('cp.trust.candidates')}**")
    metrics = bt.metrics.T.rename(index=lambda m: t(f"cp.trust.{m}"))

    def _candidate(c: str) -> str:
        name = t(f"churn.candidate.{c}")
        return t("cp.trust.chosen", name=name) if c == attrs["ranked_by"] else name

    metrics.columns = [_candidate(c) for c in metrics.columns]
    st.dataframe(metrics.style.format("{:.3f}"), key="churn_metrics")
    for note in bt.unused_sentences(lang):
        st.caption(note)
    st.markdown(bt.calibration_sentence(lang))
    st.plotly_chart(charts.reliability(
        bt.reliability, title=t("cp.trust.reliability"), x_label=t("cp.trust.predicted"),
        y_label=t("cp.trust.observed")), key="churn_reliability")


def draw_lifecycle(life: Lifecycle, lang: str) -> None:
    """Customers per lifecycle stage at each month end, and the last month's moves."""
    counts = life.counts.reset_index()
    stage_labels = {s: i18n.t(f"churn.stage.{s}", lang) for s in (*STAGES, "not_yet")}
    st.plotly_chart(charts.stacked_area(
        counts, x=counts.columns[0], columns=list(STAGES), labels=stage_labels,
        title=i18n.t("cp.lifecycle.chart", lang), x_label=i18n.t("cp.lifecycle.month", lang),
        y_label=i18n.t("cp.lifecycle.customers", lang)), key="churn_lifecycle_area")
    st.caption(" · ".join(f"**{stage_labels[s]}**: {i18n.t(f'churn.stage_help.{s}', lang)}"
                          for s in STAGES))
    start, last, part = life.latest_flows()
    st.plotly_chart(charts.sankey(
        part, source="from_stage", target="to_stage", value="customers",
        source_labels=stage_labels, target_labels=stage_labels,
        source_order=["not_yet", *STAGES], target_order=list(STAGES),
        title=i18n.t("cp.lifecycle.flows", lang, start=str(start.date()),
                     end=str(last.date()))), key="churn_lifecycle_sankey")
