"""The forecast page's parts: series picker, headline figures, history-and-forecast chart,
capacity notes, backtest and the per-branch table with downloads.

Everything shown comes from :meth:`ui.context.Context.forecast`: the network's
reconciled forecast cut to the user's scope (a branch manager sees their branch, a
regional lead their region and its branches, HQ everything).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import charts, formatting, i18n
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.forecast import (
    METRICS,
    ForecastUnavailable,
    capacity_notes,
    method_note,
    output_frame,
)
from segmentation.textsafe import md
from ui import auth, context, show, tables
from ui.scoping import describe
from ui.state import relabel

#: weeks of history drawn before the forecast
HISTORY_WEEKS = 104


def render() -> None:
    """Draw the page for the current context."""
    ctx = context.current()
    lang, t = ctx.lang, ctx.t
    st.title(t("fp.title"))
    try:
        with st.spinner(t("common.loading")):
            result = ctx.forecast()
    except ForecastUnavailable as err:  # too little history: say what is missing
        st.warning(md(err.message(lang)))
        st.stop()
    st.caption(t("fp.caption", h=result.config.horizon,
                 last=formatting.day(result.last_week, lang),
                 as_of=formatting.day(ctx.as_of, lang)))
    if not ctx.scope.is_all:
        st.caption(t("fp.scope", scope=describe(ctx.scope, lang)))
    if {"customer_type", "area_type"} & {column for column, _ in ctx.filters}:
        st.caption(t("fp.filters"))
    series = result.series()
    if series.empty:
        st.info(t("fp.empty"))
        st.stop()

    c1, c2 = st.columns([3, 2])
    relabel("forecast_series", "forecast_metric")  # option labels follow a language switch
    labels = [series_label(row, lang) for row in series.itertuples(index=False)]
    kept = st.session_state.get("forecast_series")
    if kept is not None and not 0 <= kept < len(series):  # another dataset or scope
        del st.session_state["forecast_series"]
    first = {} if "forecast_series" in st.session_state else {
        "index": _default_series(series, dict(ctx.filters))}
    pick = c1.selectbox(t("fp.series"), range(len(series)), format_func=lambda i: labels[i],
                        key="forecast_series", **first)
    st.session_state.setdefault("forecast_metric", METRICS[0])
    metric = c2.segmented_control(t("fp.metric"), list(METRICS), required=True,
                                  key="forecast_metric",
                                  format_func=lambda m: i18n.t(f"fc.metric.{m}", lang))
    row = series.iloc[pick if pick is not None and pick < len(series) else 0]
    one = _one(result, row, metric)
    _headline(result, one, metric, lang)
    _chart(ctx, result, one, metric, labels[pick or 0])
    _capacity(result, row, metric, labels[pick or 0], lang)
    _backtest(result, metric, lang)
    _table(ctx, result, metric, lang)


def series_label(row, lang: str) -> str:
    """"Whole network" / "Region 华东" / "Branch 华东-上海浦东网点" (plain text)."""
    if row.level == "network":
        return i18n.t("fp.series.network", lang)
    name = row.region if row.level == "region" else row.branch
    return i18n.t(f"fp.series.{row.level}", lang, name=str(name))


def _default_series(series: pd.DataFrame, filters: dict) -> int:
    """The series a sidebar filter points at (one branch, else one region), else the top."""
    for level, column in (("branch", "branch"), ("region", "region")):
        chosen = filters.get(column) or ()
        if len(chosen) == 1:
            hit = series.index[(series["level"] == level) & (series[column] == chosen[0])]
            if len(hit):
                return int(hit[0])
    return 0


def _one(result, row, metric: str) -> dict[str, pd.DataFrame]:
    def pick(frame: pd.DataFrame) -> pd.DataFrame:
        ok = (frame["level"] == row.level) & (frame["metric"] == metric)
        for column in ("region", "branch"):
            value = getattr(row, column)
            ok &= frame[column].isna() if pd.isna(value) else frame[column] == value
        return frame[ok.fillna(False).to_numpy()].sort_values("week").reset_index(drop=True)

    bt = pick(result.backtest.assign(week=0))
    return {"forecast": pick(result.forecast), "history": pick(result.history),
            "backtest": bt.iloc[0] if len(bt) else None}


def _fmt(value: float, metric: str, lang: str) -> str:
    if metric == "revenue":
        return formatting.compact(value, lang, money=True)
    return formatting.number(value, lang)


def _headline(result, one: dict, metric: str, lang: str) -> None:
    fc, hist, bt = one["forecast"], one["history"], one["backtest"]
    h = result.config.horizon
    prior_weeks = fc["week"] - pd.Timedelta(weeks=52)
    prior = hist.loc[hist["week"].isin(prior_weeks), "value"]
    prior_text = _fmt(prior.sum(), metric, lang) if len(prior) == len(fc) else "–"
    peak = fc.loc[fc["point"].idxmax()] if len(fc) else None
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(i18n.t("fp.m.next", lang, h=h), _fmt(fc["point"].sum(), metric, lang),
              border=True, help=i18n.t("fp.m.next.help", lang, prior=prior_text))
    if peak is not None:
        m2.metric(i18n.t("fp.m.peak", lang), _fmt(peak["point"], metric, lang), border=True,
                  help=i18n.t("fp.m.peak.help", lang, week=formatting.day(peak["week"], lang)))
    if bt is not None:
        m3.metric(i18n.t("fp.m.mase", lang), formatting.decimal(bt["mase"], lang, 2),
                  border=True, help=i18n.t("fp.m.mase.help", lang,
                                           snaive=formatting.decimal(bt["mase_snaive"], lang,
                                                                     2)))
        m4.metric(i18n.t("fp.m.coverage", lang), formatting.percent(bt["coverage_80"], lang, 0),
                  border=True, help=i18n.t("fp.m.coverage.help", lang,
                                           c95=formatting.percent(bt["coverage_95"], lang, 0)))


def _chart(ctx, result, one: dict, metric: str, series_text: str) -> None:
    lang = ctx.lang
    hist = one["history"].tail(HISTORY_WEEKS)
    labels = {"actual": i18n.t("fp.chart.actual", lang),
              "forecast": i18n.t("fp.chart.forecast", lang),
              "band80": i18n.t("fp.chart.band80", lang),
              "band95": i18n.t("fp.chart.band95", lang),
              "week": i18n.t("fp.chart.hover", lang, week="{week}")}
    title = i18n.t("fp.chart.title", lang, metric=i18n.t(f"fc.metric.{metric}", lang),
                   series=series_text)
    show.chart(charts.forecast_bands(hist, one["forecast"], title=title, labels=labels,
                                     money=metric == "revenue", lang=lang),
               key="forecast_chart")


def _capacity(result, row, metric: str, series_text: str, lang: str) -> None:
    st.subheader(i18n.t("fp.capacity", lang))
    st.caption(i18n.t("fp.capacity.help", lang,
                      ratio=formatting.decimal(result.config.peak_ratio, lang, 2),
                      series=md(series_text)))
    notes = capacity_notes(result, lang, level=row.level,
                           region=None if pd.isna(row.region) else row.region,
                           branch=None if pd.isna(row.branch) else row.branch, metric=metric)
    st.markdown("\n".join(f"- {md(note)}" for note in notes))


def _backtest(result, metric: str, lang: str) -> None:
    st.subheader(i18n.t("fp.backtest", lang))
    st.caption(i18n.t("fp.backtest.help", lang, h=result.config.horizon))
    acc = result.accuracy()
    acc = acc[acc["metric"] == metric].drop(columns="metric")
    # the share of branches on the model means nothing above the branch level
    acc["model_share"] = [formatting.percent(v, lang) if lv == "branch" else ""
                          for lv, v in zip(acc["level"], acc["model_share"], strict=True)]
    acc["level"] = [i18n.t(f"fc.level.{lv}", lang) for lv in acc["level"]]
    t = lambda key: i18n.t(f"fp.col.{key}", lang)  # noqa: E731
    st.dataframe(acc, hide_index=True, key="forecast_accuracy", column_config={
        "level": st.column_config.TextColumn(t("level")),
        "series": tables.number(t("series")),
        "mase": tables.number(t("mase"), "decimal"),
        "mase_snaive": tables.number(t("mase_snaive"), "decimal"),
        "model_share": st.column_config.TextColumn(t("model_share")),
        "points": tables.number(t("points")),
        "coverage_80": tables.percent(t("coverage_80")),
        "coverage_95": tables.percent(t("coverage_95")),
    })
    for sentence in method_note(result, lang, metric):
        st.markdown(md(sentence))
    bt = result.backtest
    branches = bt[(bt["level"] == "branch") & (bt["metric"] == metric)]
    if len(branches):
        with st.expander(i18n.t("fp.table.methods", lang)):
            shown = pd.DataFrame({
                "region": branches["region"], "branch": branches["branch"],
                "method": [i18n.t(f"fc.method.{m}", lang) for m in branches["method"]],
                "reason": [i18n.t(f"fc.reason.{r}", lang) for r in branches["reason"]],
                "mase": branches["mase"], "mase_model": branches["mase_model"],
                "mase_snaive": branches["mase_snaive"],
                "coverage_80": branches["coverage_80"]})
            st.dataframe(shown, hide_index=True, key="forecast_methods", column_config={
                "region": st.column_config.TextColumn(t("region")),
                "branch": st.column_config.TextColumn(t("branch")),
                "method": st.column_config.TextColumn(t("method")),
                "reason": st.column_config.TextColumn(t("reason")),
                "mase": tables.number(t("mase"), "decimal"),
                "mase_model": tables.number(t("mase_model"), "decimal"),
                "mase_snaive": tables.number(t("mase_snaive"), "decimal"),
                "coverage_80": tables.percent(t("coverage_80")),
            })


def _table(ctx, result, metric: str, lang: str) -> None:
    st.subheader(i18n.t("fp.table", lang))
    fc = result.forecast[result.forecast["metric"] == metric]
    t = lambda key: i18n.t(f"fp.col.{key}", lang)  # noqa: E731
    kind = "money" if metric == "revenue" else "int"
    shown = pd.DataFrame({
        "level": [i18n.t(f"fc.level.{lv}", lang) for lv in fc["level"]],
        "region": fc["region"], "branch": fc["branch"],
        "week": pd.to_datetime(fc["week"]).dt.date,
        **{c: fc[c] for c in ("point", "lower_80", "upper_80", "lower_95", "upper_95")},
        "method": [i18n.t(f"fc.method.{m}", lang) for m in fc["method"]]})
    st.dataframe(shown, hide_index=True, key="forecast_table", column_config={
        "level": st.column_config.TextColumn(t("level")),
        "region": st.column_config.TextColumn(t("region")),
        "branch": st.column_config.TextColumn(t("branch")),
        "week": st.column_config.DateColumn(t("week"),
                                            format=formatting.date_column_format(lang)),
        **{c: tables.number(t(c), kind)
           for c in ("point", "lower_80", "upper_80", "lower_95", "upper_95")},
        "method": st.column_config.TextColumn(t("method")),
    })
    export = output_frame(result)
    stamp = ctx.as_of.isoformat()
    d1, d2 = st.columns(2)
    auth.download_button(d1, i18n.t("fp.download.csv", lang), lambda: to_csv_bytes(export),
                         file_name=f"forecast_{stamp}.csv", mime="text/csv",
                         key="forecast_download_csv", rows=len(export))
    auth.download_button(d2, i18n.t("fp.download.xlsx", lang),
                         lambda: to_excel_bytes({"forecast": export}),
                         file_name=f"forecast_{stamp}.xlsx", key="forecast_download_xlsx",
                         rows=len(export),
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
