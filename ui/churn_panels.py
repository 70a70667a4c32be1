"""The Churn page's call list, model check and lifecycle tabs (drawing only: the library
computes)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import charts, i18n
from segmentation.churn import (
    SHEET_FORMATS,
    STAGES,
    Backtest,
    CallList,
    Lifecycle,
    Ranking,
    thin_evidence,
)
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.keys import AnalysisKey, ChurnKey
from ui import auth, show
from ui.strings_churn import COLUMN_KEYS

#: On-screen widths (pixels) of the call list's first columns: together they fit the
#: main area of a 1440 px wide window with the sidebar open, no horizontal scrolling.
_WIDTHS = {"name": 68, "phone": 100, "account_manager": 80, "last_purchase_date": 90,
           "usual_interval_days": 72, "tier_label": 64, "value_at_risk": 80,
           "main_reason": 262, "action": 120}
#: Rows of the further warnings sent to the browser (the downloads hold all of them).
REST_ROWS = 1000
#: Columns whose short header has a longer explanation (``<header key>.help``).
_HELP = ("account_manager", "usual_interval_days", "value_at_risk")


def call_list_headers(lang: str) -> dict[str, str]:
    """The call list's column headers (screen and downloads) in ``lang``."""
    return {c: i18n.t(key, lang) for c, key in COLUMN_KEYS.items()}


def _column_config(lang: str) -> dict:
    headers = call_list_headers(lang)
    config: dict[str, object] = dict(headers)
    helps = {c: i18n.t(f"{COLUMN_KEYS[c]}.help", lang) for c in _HELP}

    def sized(kind, column: str, **kwargs):
        return kind(headers[column], width=_WIDTHS[column], help=helps.get(column), **kwargs)

    for column in _WIDTHS:
        config[column] = sized(st.column_config.TextColumn, column)
    number = st.column_config.NumberColumn
    config.update({
        "last_purchase_date": sized(st.column_config.DateColumn, "last_purchase_date",
                                    format="YYYY-MM-DD"),
        "usual_interval_days": sized(number, "usual_interval_days", format="%d"),
        "value_at_risk": sized(number, "value_at_risk", format="%.0f"),
        "branch_rank": number(headers["branch_rank"], format="%d"),
        "churn_risk": st.column_config.ProgressColumn(
            headers["churn_risk"], format="percent", min_value=0.0, max_value=1.0),
        "clv_12m": number(headers["clv_12m"], format="%.0f"),
        "recency_days": number(headers["recency_days"], format="%d"),
        "risk_reasons": st.column_config.TextColumn(headers["risk_reasons"], width="large"),
    })
    return config


def draw_call_list(shown: CallList, lang: str):
    """This week's calls (selectable) and the further warnings below; returns the
    selection event of this week's list."""
    config = _column_config(lang)
    event = st.dataframe(shown.week[shown.columns], hide_index=True, key="churn_list",
                         on_select="rerun", selection_mode="single-row", height=420,
                         column_config=config)
    if not shown.table.empty:
        st.markdown(f"**{i18n.t('cp.list.rest', lang, n=i18n.fmt_int(len(shown.rest), lang))}**")
        if shown.rest.empty:
            st.caption(i18n.t("cp.list.rest.none", lang))
        else:  # a bounded page travels to the browser; the downloads hold every one
            st.dataframe(shown.rest[shown.columns].head(REST_ROWS), hide_index=True,
                         key="churn_list_rest", height=300, column_config=config)
            if len(shown.rest) > REST_ROWS:
                st.caption(i18n.t("cp.list.rest.more", lang,
                                  shown=i18n.fmt_int(REST_ROWS, lang),
                                  n=i18n.fmt_int(len(shown.rest), lang)))
    return event


def draw_downloads(shown: CallList, lang: str, as_of: object) -> None:
    """The list as CSV and as an Excel sheet (number formats, frozen header, filter): the
    same columns as on screen, this week's calls first."""
    export, headers = shown.export, call_list_headers(lang)
    d1, d2 = st.columns(2)
    auth.download_button(d1, i18n.t("cp.download.csv", lang),
                         lambda: to_csv_bytes(export, headers=headers),
                         file_name=f"churn_warnings_{as_of}.csv", mime="text/csv",
                         key="churn_download_csv", on_click="ignore", rows=len(export))
    auth.download_button(d2, i18n.t("cp.download.xlsx", lang),
                         lambda: to_excel_bytes({"warnings": export}, headers=headers,
                                                formats=SHEET_FORMATS),
                         file_name=f"churn_warnings_{as_of}.xlsx",
                         key="churn_download_xlsx", on_click="ignore", rows=len(export),
                         mime="application/vnd.openxmlformats-officedocument."
                              "spreadsheetml.sheet")


def draw_trust(bt: Backtest | None, ranking: Ranking, lang: str, of: ChurnKey) -> None:
    """Every ranking's backtest side by side (mean and spread over the windows, the
    difference to the recency rule with its interval), each window, the calibration and
    its reliability curve (``of``: the key of the model, under which the chart is
    cached)."""
    def t(key: str, **params) -> str:
        return i18n.t(key, lang, **params)

    if bt is None:
        st.info(t("cp.trust.none"))
        return
    st.markdown(bt.design_sentence(lang))
    thin = thin_evidence(bt.scores["churned"])
    if thin is not None:
        st.warning(thin.message(lang), icon=":material/data_alert:")
    elif bt.uncertain:
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
    show.chart(lambda: charts.reliability(
        bt.reliability, title=t("cp.trust.reliability"), x_label=t("cp.trust.predicted"),
        y_label=t("cp.trust.observed")), cached_as=show.FigureKey("churn_reliability", of, lang),
        key="churn_reliability")


def draw_lifecycle(life: Lifecycle, lang: str, of: AnalysisKey) -> None:
    """Customers per lifecycle stage at each month end, and the last month's moves
    (``of``: the key of ``life``, under which the charts are cached)."""
    counts = life.counts.reset_index()
    stage_labels = {s: i18n.t(f"churn.stage.{s}", lang) for s in (*STAGES, "not_yet")}
    stage_help = {s: i18n.t(f"churn.stage_help.{s}", lang, days=life.lost_after_days,
                            factor=life.overdue_factor) for s in STAGES}
    extra = (life.lost_after_days,)
    show.chart(lambda: charts.stacked_area(
        counts, x=counts.columns[0], columns=list(STAGES), labels=stage_labels,
        title=i18n.t("cp.lifecycle.chart", lang), x_label=i18n.t("cp.lifecycle.month", lang),
        y_label=i18n.t("cp.lifecycle.customers", lang)),
        cached_as=show.FigureKey("churn_lifecycle_area", of, lang, extra),
        key="churn_lifecycle_area")
    st.caption(" · ".join(f"**{stage_labels[s]}**: {stage_help[s]}" for s in STAGES))
    start, last, part = life.latest_flows()
    show.chart(lambda: charts.sankey(
        part, source="from_stage", target="to_stage", value="customers",
        source_labels=stage_labels, target_labels=stage_labels,
        source_order=["not_yet", *STAGES], target_order=list(STAGES),
        title=i18n.t("cp.lifecycle.flows", lang, start=str(start.date()),
                     end=str(last.date()))),
        cached_as=show.FigureKey("churn_lifecycle_sankey", of, lang, extra),
        key="churn_lifecycle_sankey")


def draw_timeline(customer: str, history: dict[str, pd.DataFrame], lang: str,
                  of: AnalysisKey) -> None:
    """One customer's monthly spend, survey scores and complaints (``history``: the
    customer's records at ``of``'s date, under which the chart is cached)."""
    def build():
        tx = history["transactions"]
        monthly = (tx.groupby(tx["date"].dt.to_period("M"))["amount"].sum()
                   .rename_axis("month").reset_index())
        monthly["month"] = monthly["month"].dt.to_timestamp()
        return charts.customer_timeline(
            monthly, history.get("surveys"), history.get("complaints"),
            title=i18n.t("cp.detail.timeline", lang, id=customer),
            spend_label=i18n.t("cp.detail.spend", lang),
            score_label=i18n.t("cp.detail.score", lang),
            complaint_label=i18n.t("cp.detail.complaint", lang))

    show.chart(build, cached_as=show.FigureKey("churn_timeline", of, lang, (str(customer),)),
               key="churn_timeline")
