"""The report's service and risk sections: satisfaction and complaints, churn exposure with
the accounts to call, and the method (how far the churn ranking can be trusted)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .inputs import ReportInputs, masked
from .model import Section, Table, series_of
from .sections import TOP_BRANCHES, TREND_MONTHS, Frame, change_text

#: accounts on the "to call" slide / table at most
TOP_CALLS = 15
#: the call list's columns in the report (those present), in order
CALL_COLUMNS = ("customer_id", "name", "phone", "branch", "tier_label", "value_at_risk",
                "churn_risk", "main_reason", "action")
#: service figures of the satisfaction headline, in order, with how they read
SERVICE_METRICS = {"index": "row", "mean": "decimal", "responses": "int",
                   "complaints": "int", "complaint_rate": "decimal", "open": "int",
                   "open_past_sla": "int"}


# --------------------------------------------------------------------------- satisfaction


def satisfaction(inputs: ReportInputs, f: Frame) -> Section:
    """Satisfaction index per month, its drivers, complaints per 1,000 shipments."""
    from .. import satisfaction as sat

    lang, title, days = f.lang, f.t("report.satisfaction"), inputs.period_days
    data = inputs.satisfaction
    if data is None:
        return Section("satisfaction", title, f.t("report.satisfaction.none"))
    figures = sat.headline(data, period_days=days)
    nps = data.has_surveys and data.scale.kind == "nps"
    index_kind, scale = ("int", 100.0) if nps else ("percent", 1.0)
    index_name = f.t("report.sat.nps" if nps else "report.sat.csat")
    sentences, charts, tables = [], [], []
    if data.has_surveys:
        row = figures.loc["index"]
        sentences.append(f.t(
            "report.satisfaction.sentence.index", index=index_name, days=days,
            value=_index_text(row["current"], nps, lang),
            change=(f.t("report.no_change") if pd.isna(row["previous"]) else
                    f.t("report.col.previous", days=days) + " "
                    + _index_text(row["previous"], nps, lang)),
            n=fmt.number(figures.at["responses", "current"], lang)))
        trend = sat.survey_trend(data, months=TREND_MONTHS)
        trend = trend.assign(index=trend["index"] * scale)
        charts.append(f.chart("satisfaction_trend", "line",
                              f.t("report.satisfaction.trend", index=index_name),
                              [fmt.month(m, lang) for m in trend["month"]],
                              series_of(trend, ["index"], {"index": index_name}), index_kind,
                              index_name))
        tables.append(Table("satisfaction_trend",
                            f.t("report.satisfaction.trend", index=index_name),
                            trend[["month", "index", "mean", "responses"]],
                            headers={"month": f.t("report.col.month"), "index": index_name,
                                     "mean": f.t("report.sat.mean"),
                                     "responses": f.t("report.col.responses")},
                            kinds={"month": "month", "index": index_kind, "mean": "decimal",
                                   "responses": "int"}))
        drivers = sat.key_drivers(data)
        if not drivers.empty:
            drivers = drivers.assign(label=[sat.label("dimension", d, lang)
                                            for d in drivers["dimension"]])
            charts.append(f.chart("drivers", "bar", f.t("report.satisfaction.drivers"),
                                  drivers["label"],
                                  series_of(drivers, ["importance"],
                                            {"importance": f.t("report.col.importance")}),
                                  "decimal", f.t("report.col.importance")))
            tables.append(Table("drivers", f.t("report.satisfaction.drivers"),
                                drivers[["label", "importance", "performance", "responses"]],
                                headers={"label": f.t("report.col.dimension"),
                                         "importance": f.t("report.col.importance"),
                                         "performance": f.t("report.col.performance"),
                                         "responses": f.t("report.col.responses")},
                                kinds={"importance": "decimal", "performance": "decimal",
                                       "responses": "int"}))
    if data.has_complaints:
        rate = figures.loc["complaint_rate"]
        sentences.append(f.t("report.satisfaction.sentence.rate",
                             rate=fmt.decimal(rate["current"], lang, 1),
                             previous=fmt.decimal(rate["previous"], lang, 1)))
        trend = sat.complaint_trend(data, months=TREND_MONTHS)
        charts.append(f.chart("complaints", "column", f.t("report.satisfaction.complaints"),
                              [fmt.month(m, lang) for m in trend["month"]],
                              series_of(trend, ["per_1000"],
                                        {"per_1000": f.t("report.col.per_1000")}),
                              "decimal", f.t("report.col.per_1000")))
        tables.append(Table("complaints", f.t("report.satisfaction.complaints"),
                            trend[["month", "complaints", "shipments", "per_1000"]],
                            headers={"month": f.t("report.col.month"),
                                     "complaints": f.t("report.col.complaints"),
                                     "shipments": f.t("report.col.shipments"),
                                     "per_1000": f.t("report.col.per_1000")},
                            kinds={"month": "month", "complaints": "int", "shipments": "int",
                                   "per_1000": "decimal"}))
    shown = [m for m in SERVICE_METRICS if m in figures.index]
    head = pd.DataFrame({
        "metric": [index_name if m == "index" else f.t(f"report.sat.{m}") for m in shown],
        "current": [figures.at[m, "current"] * (scale if m == "index" else 1) for m in shown],
        "previous": [figures.at[m, "previous"] * (scale if m == "index" else 1)
                     for m in shown],
        "kind": [index_kind if m == "index" else SERVICE_METRICS[m] for m in shown]})
    tables.insert(0, Table("service", f.t("report.satisfaction.headline"), head,
                           headers={"metric": f.t("report.col.metric"),
                                    "current": f.t("report.col.current", days=days),
                                    "previous": f.t("report.col.previous", days=days)},
                           kinds={"current": "row", "previous": "row"}, row_kind="kind"))
    sep = "" if lang == "zh" else " "
    return Section("satisfaction", title, sep.join(sentences), tuple(charts), tuple(tables))


def _index_text(value: float, nps: bool, lang: str) -> str:
    if pd.isna(value):
        return "–"
    return fmt.number(value * 100, lang) if nps else fmt.percent(value, lang)


# --------------------------------------------------------------------------- churn


def churn(inputs: ReportInputs, f: Frame, *, see_customers: bool, user=None) -> Section:
    """Value at risk by region and branch, and the accounts to call first."""
    from ..churn import summarize

    lang, title = f.lang, f.t("report.churn")
    scores = inputs.churn_scores
    if inputs.churn is None or scores is None:
        return Section("churn", title, f.t("report.churn.none"))
    summary = summarize(scores)
    warned = scores[(scores["status"] == "warning").to_numpy()]
    charts, tables = [], []
    top_name, top_value = "–", np.nan
    for by in ("region", "branch"):
        if by not in warned.columns:
            continue
        groups = (warned.groupby(warned[by].astype("string"), observed=True)
                  .agg(warnings=("value_at_risk", "size"), value_at_risk=("value_at_risk", "sum"))
                  .sort_values("value_at_risk", ascending=False, kind="stable"))
        if groups.empty or (by == "region" and len(groups) < 2):
            continue
        if pd.isna(top_value):
            top_name, top_value = str(groups.index[0]), float(groups["value_at_risk"].iloc[0])
        shown = groups.head(TOP_BRANCHES)
        key = "report.churn.by_region" if by == "region" else "report.churn.by_branch"
        charts.append(f.chart(f"risk_by_{by}", "bar", f.t(key, n=TOP_BRANCHES), shown.index,
                              series_of(shown, ["value_at_risk"],
                                        {"value_at_risk": f.t("report.col.value_at_risk")}),
                              "money", f.t("report.col.value_at_risk")))
        frame = groups.reset_index().rename(columns={"index": by})
        tables.append(Table(f"risk_by_{by}", f.t(key, n=len(groups)), frame,
                            headers={by: f.t(f"report.col.{by}"),
                                     "warnings": f.t("report.col.warnings"),
                                     "value_at_risk": f.t("report.col.value_at_risk")},
                            kinds={"warnings": "int", "value_at_risk": "money"}))
    sentence = f.t("report.churn.sentence", warnings=fmt.number(summary.warnings, lang),
                   value=fmt.money(summary.value_at_risk, lang), top=top_name,
                   top_value=fmt.money(top_value, lang))
    notes = ()
    if see_customers:
        calls = masked(_top_calls(inputs, warned, f), user)
        tables.append(Table("calls", f.t("report.churn.calls"), calls,
                            headers={c: f.t(f"report.col.{c if c != 'tier_label' else 'tier'}")
                                     for c in calls.columns
                                     if c not in ("main_reason",)}
                            | {"main_reason": f.t("report.col.reason")},
                            kinds={"value_at_risk": "money", "churn_risk": "percent"}))
    else:
        notes = (f.t("report.churn.calls.none"),)
    return Section("churn", title, sentence, tuple(charts), tuple(tables), notes)


def _top_calls(inputs: ReportInputs, warned: pd.DataFrame, f: Frame) -> pd.DataFrame:
    """This week's calls with the most value at risk, as the Churn page lists them
    (:func:`~segmentation.churn.warning_list` at its default 50 % risk, each branch cut to
    its weekly capacity by :func:`~segmentation.churn.call_list`): only the warned
    customers' few columns are sorted, only the rows shown get names and actions."""
    from ..churn import call_list, warning_list
    from ..churn.calls import CONTACT_COLUMNS

    needed = [c for c in ("status", "churn_risk", "value_at_risk", "reason_codes", "branch",
                          "main_reason") if c in warned.columns]
    listed = call_list(warning_list(warned[needed], min_risk=0.5),
                       calls_per_branch=inputs.calls_per_branch)
    top = listed[listed["call_this_week"].to_numpy(dtype=bool)].head(TOP_CALLS)
    settings = inputs.tiers.settings
    tier = inputs.tiers.scored["tier"].reindex(top.index)
    first = {k: (settings.actions(k, f.lang) or [""])[0] for k in settings.tiers}
    top = top.assign(tier_label=tier.map(f.tier_labels), action=tier.map(first))
    contacts = inputs.view.reindex(top.index)[
        [c for c in CONTACT_COLUMNS if c in inputs.view.columns]]
    top = top.join(contacts).rename_axis("customer_id").reset_index()
    return top[[c for c in CALL_COLUMNS if c in top.columns]].reset_index(drop=True)


# --------------------------------------------------------------------------- method


def method(inputs: ReportInputs, f: Frame) -> Section:
    """Which churn ranking is used and how it did in the backtest, with its interval."""
    from .. import i18n

    lang, title = f.lang, f.t("report.method")
    result = inputs.churn
    if result is None:
        return Section("method", title, f.t("report.churn.none"))
    bt = result.backtest
    sep = "" if lang == "zh" else " "
    if bt is None or bt.metrics.empty:
        return Section("method", title, sep.join([result.explanation(lang),
                                                  f.t("report.method.none")]))
    metrics = bt.metrics
    names = [i18n.t(f"churn.candidate.{c}", lang) for c in metrics.index]
    chart = f.chart("backtest", "column", f.t("report.method.chart"), names,
                    series_of(metrics, ["precision_top10_min", "precision_top10",
                                        "precision_top10_max"],
                              {"precision_top10_min": f.t("report.method.low"),
                               "precision_top10": f.t("report.method.mean"),
                               "precision_top10_max": f.t("report.method.high")}), "percent",
                    f.t("report.col.top10"))
    diff = {c: bt.comparison.loc[(c, "precision_top10")]
            if (c, "precision_top10") in bt.comparison.index else None for c in metrics.index}
    frame = pd.DataFrame({
        "candidate": names,
        "chosen": [f.t("report.yes") if c == result.ranking.chosen else ""
                   for c in metrics.index],
        "windows": metrics["windows"].to_numpy(),
        "top10": metrics["precision_top10"].to_numpy(),
        "top10_low": metrics["precision_top10_min"].to_numpy(),
        "top10_high": metrics["precision_top10_max"].to_numpy(),
        "auc": metrics["roc_auc"].to_numpy(),
        "diff": [np.nan if d is None else d["diff"] for d in diff.values()],
        "diff_low": [np.nan if d is None else d["low"] for d in diff.values()],
        "diff_high": [np.nan if d is None else d["high"] for d in diff.values()]})
    table = Table("backtest", f.t("report.method.chart"), frame,
                  headers={c: f.t(f"report.col.{c}") for c in frame.columns},
                  kinds={"windows": "int", "top10": "percent", "top10_low": "percent",
                         "top10_high": "percent", "auc": "decimal", "diff": "percent",
                         "diff_low": "percent", "diff_high": "percent"})
    sentence = sep.join([result.explanation(lang), bt.design_sentence(lang)])
    return Section("method", title, sentence, (chart,), (table,),
                   lead=result.ranking.sentence(lang))


__all__ = ["change_text", "churn", "method", "satisfaction"]
