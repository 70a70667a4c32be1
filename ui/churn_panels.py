"""The Churn page's model check and lifecycle tabs (drawing only: the library computes)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui.strings_churn  # noqa: F401  (registers the page strings)
from segmentation import charts, i18n
from segmentation.churn import STAGES, Backtest, Lifecycle, Ranking
from ui import show


def draw_trust(bt: Backtest | None, ranking: Ranking, lang: str) -> None:
    """Every ranking's backtest side by side (mean and spread over the windows, the
    difference to the recency rule with its interval), each window, the calibration and
    its reliability curve."""
    def t(key: str, **params) -> str:
        return i18n.t(key, lang, **params)

    if bt is None:
        st.info(t("cp.trust.none"))
        return
    st.markdown(bt.design_sentence(lang))
    if bt.uncertain:
        st.warning(t("cp.trust.uncertain"))
    st.markdown(f"**{t('cp.trust.candidates')}**")

    def name(c: str) -> str:
        label = t(f"churn.candidate.{c}")
        return t("cp.trust.chosen", name=label) if c == ranking.chosen else label

    def spread(row, col: str, fmt) -> str:
        return f"{fmt(row[col])} ({fmt(row[col + '_min'])}–{fmt(row[col + '_max'])})"

    def pct(v: float) -> str:
        return i18n.fmt_pct(v, lang, decimals=0)

    conf = i18n.fmt_pct(bt.confidence, lang, decimals=0)
    rows = []
    for cand, row in bt.metrics.iterrows():
        diff = ""
        if (cand, "precision_top10") in bt.comparison.index:
            d = bt.comparison.loc[(cand, "precision_top10")]
            diff = (f"{d['diff'] * 100:+.1f} ({d['low'] * 100:+.1f} … {d['high'] * 100:+.1f})"
                    f" · {int(d['wins'])}/{int(d['windows'])}")
        rows.append({t("cp.trust.col.candidate"): name(str(cand)),
                     t("cp.trust.col.windows"): int(row["windows"]),
                     t("cp.trust.col.top10"): spread(row, "precision_top10", pct),
                     t("cp.trust.col.capacity"): spread(row, "precision_capacity", pct),
                     t("cp.trust.col.auc"): spread(row, "roc_auc", lambda v: f"{v:.3f}"),
                     t("cp.trust.col.diff", conf=conf): diff})
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="churn_metrics")
    st.caption(ranking.figures(lang))
    for note in bt.unused_sentences(lang):
        st.caption(note)
    with st.expander(t("cp.trust.per_window")):
        per = bt.windows.assign(
            cutoff=bt.windows["cutoff"].dt.date.astype(str),
            candidate=bt.windows["candidate"].map(name))
        per = per[["cutoff", "candidate", "precision_top10", "precision_capacity", "roc_auc",
                   "base_rate", "n", "churned", "capacity"]]
        per.columns = [t("cp.trust.col.cutoff"), t("cp.trust.col.candidate"),
                       *(t(f"cp.trust.{c}") for c in per.columns[2:])]
        st.dataframe(per, hide_index=True, key="churn_windows")
    st.markdown(bt.calibration_sentence(lang))
    show.chart(charts.reliability(
        bt.reliability, title=t("cp.trust.reliability"), x_label=t("cp.trust.predicted"),
        y_label=t("cp.trust.observed")), key="churn_reliability")


def draw_lifecycle(life: Lifecycle, lang: str) -> None:
    """Customers per lifecycle stage at each month end, and the last month's moves."""
    counts = life.counts.reset_index()
    stage_labels = {s: i18n.t(f"churn.stage.{s}", lang) for s in (*STAGES, "not_yet")}
    show.chart(charts.stacked_area(
        counts, x=counts.columns[0], columns=list(STAGES), labels=stage_labels,
        title=i18n.t("cp.lifecycle.chart", lang), x_label=i18n.t("cp.lifecycle.month", lang),
        y_label=i18n.t("cp.lifecycle.customers", lang)), key="churn_lifecycle_area")
    st.caption(" · ".join(f"**{stage_labels[s]}**: {i18n.t(f'churn.stage_help.{s}', lang)}"
                          for s in STAGES))
    start, last, part = life.latest_flows()
    show.chart(charts.sankey(
        part, source="from_stage", target="to_stage", value="customers",
        source_labels=stage_labels, target_labels=stage_labels,
        source_order=["not_yet", *STAGES], target_order=list(STAGES),
        title=i18n.t("cp.lifecycle.flows", lang, start=str(start.date()),
                     end=str(last.date()))), key="churn_lifecycle_sankey")
