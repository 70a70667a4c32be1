"""The report's business sections: headline figures, tiers, tier movement, personas.

Each builder reads :class:`~segmentation.report.inputs.ReportInputs` (the library's own
results) and returns a :class:`~segmentation.report.model.Section` with the sentence the
page shows, its charts (the figures the tests compare with the library's) and tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import formatting as fmt
from .. import i18n
from .inputs import ReportInputs
from .model import Chart, Section, Table, series_of

#: headline metrics of the overview, in order
OVERVIEW_METRICS = ("customers", "active_customers", "revenue", "shipments", "avg_satisfaction")
#: how each headline metric reads
METRIC_KINDS = {"customers": "int", "active_customers": "int", "revenue": "money",
                "shipments": "int", "avg_satisfaction": "decimal"}
#: months of the revenue trend
TREND_MONTHS = 13
#: bars of a branch chart at most (the rest stays in the table)
TOP_BRANCHES = 15
_BREAKDOWN_TITLES = {"region": "report.overview.regions", "branch": "report.overview.branches"}
#: points of the Pareto chart (every 5 % of customers)
PARETO_STEP = 0.05


@dataclass(frozen=True)
class Frame:
    """What every builder needs besides the inputs: language, context line, tier names."""

    lang: str
    context: str
    tier_labels: dict

    def t(self, key: str, /, **params) -> str:
        return i18n.t(key, self.lang, **params)

    def chart(self, key: str, type_: str, title: str, categories, series, kind: str,
              value_label: str = "") -> Chart:
        return Chart(key=key, type=type_, title=title, subtitle=self.context,
                     categories=tuple(str(c) for c in categories), series=series, kind=kind,
                     value_label=value_label)


def change_text(change: float, lang: str) -> str:
    """``"up 14.9%"`` / ``"down 3.0%"`` for a relative change (NaN: no earlier period)."""
    if change is None or pd.isna(change):
        return i18n.t("report.no_change", lang)
    if round(change, 3) == 0:
        return i18n.t("report.flat", lang)
    key = "report.up" if change > 0 else "report.down"
    return i18n.t(key, lang, pct=fmt.percent(abs(change), lang))


# --------------------------------------------------------------------------- overview


def overview(inputs: ReportInputs, f: Frame) -> Section:
    """Headline figures against the previous period, revenue per month and per region."""
    from ..overview import breakdown, headline, monthly_trend

    days, lang = inputs.period_days, f.lang
    filters = dict(inputs.filters)
    figures = headline(inputs.view, inputs.activity, inputs.surveys, as_of=inputs.as_of,
                       period_days=days, filters=filters)
    kpis = figures.reindex([m for m in OVERVIEW_METRICS if m in figures.index])
    table = pd.DataFrame({
        "metric": [f.t(f"report.metric.{m}") for m in kpis.index],
        "current": kpis["current"].to_numpy(), "previous": kpis["previous"].to_numpy(),
        "change": kpis["change"].to_numpy()})
    kinds = [METRIC_KINDS[m] for m in kpis.index]
    kpi_table = Table("kpis", f.t("report.overview.kpis"), table.assign(kind=kinds),
                      headers={"metric": f.t("report.col.metric"),
                               "current": f.t("report.col.current", days=days),
                               "previous": f.t("report.col.previous", days=days),
                               "change": f.t("report.col.change")},
                      kinds={"change": "percent", "current": "row", "previous": "row"},
                      row_kind="kind")
    revenue = figures.loc["revenue"] if "revenue" in figures.index else None
    sentence = f.t("report.overview.sentence", days=days,
                   revenue=fmt.money(revenue["current"], lang) if revenue is not None else "–",
                   change=change_text(revenue["change"] if revenue is not None else np.nan,
                                      lang),
                   shipments=fmt.number(figures.at["shipments", "current"], lang),
                   active=fmt.number(figures.at["active_customers", "current"], lang))
    trend = monthly_trend(inputs.activity, inputs.surveys, as_of=inputs.as_of,
                          months=TREND_MONTHS, filters=filters)
    charts = [f.chart("revenue_trend", "column", f.t("report.overview.trend"),
                      [fmt.month(m, lang) for m in trend["month"]],
                      series_of(trend, ["revenue"], {"revenue": f.t("report.col.revenue")}),
                      "money", f.t("report.col.revenue"))]
    tables = [kpi_table,
              Table("trend", f.t("report.overview.trend"),
                    trend[["month", "revenue", "shipments"]],
                    headers={"month": f.t("report.col.month"),
                             "revenue": f.t("report.col.revenue"),
                             "shipments": f.t("report.col.shipments")},
                    kinds={"month": "month", "revenue": "money", "shipments": "int"})]
    for by in ("region", "branch"):
        part = breakdown(inputs.view, inputs.activity, by=by, as_of=inputs.as_of,
                         period_days=days, filters=filters)
        if part.empty or (by == "region" and len(part) < 2):
            continue
        shown = part.head(TOP_BRANCHES)
        charts.append(f.chart(f"revenue_by_{by}", "bar",
                              f.t(_BREAKDOWN_TITLES[by], days=days), shown.index,
                              series_of(shown, ["revenue"],
                                        {"revenue": f.t("report.col.revenue")}),
                              "money", f.t("report.col.revenue")))
        frame = part.reset_index()[[by, "customers", "active_customers", "revenue",
                                    "revenue_previous", "revenue_change", "shipments"]]
        tables.append(Table(f"by_{by}", f.t(_BREAKDOWN_TITLES[by], days=days), frame,
                            headers={c: f.t(f"report.col.{c}") for c in frame.columns
                                     if c != "revenue_change"}
                            | {"revenue_change": f.t("report.col.change")},
                            kinds={"customers": "int", "active_customers": "int",
                                   "revenue": "money", "revenue_previous": "money",
                                   "revenue_change": "percent", "shipments": "int"}))
        if by == "region":
            break  # a network with regions: branches are in the churn section's chart
    return Section("overview", f.t("report.overview"), sentence, tuple(charts), tuple(tables))


# --------------------------------------------------------------------------- tiers


def tiers(inputs: ReportInputs, f: Frame) -> Section:
    """Customers and revenue per tier, and the Pareto curve of revenue."""
    from ..tiers import top_share

    lang, result = f.lang, inputs.tiers
    summary = result.summary()
    labels = [f.tier_labels.get(k, str(k)) for k in summary.index]
    shares = f.chart("tier_shares", "column", f.t("report.tiers.shares"), labels,
                     series_of(summary, ["share", "revenue_share"],
                               {"share": f.t("report.col.customer_share"),
                                "revenue_share": f.t("report.col.revenue_share")}),
                     "percent")
    curve = inputs.pareto
    steps = np.round(np.arange(0, 1 + PARETO_STEP / 2, PARETO_STEP), 2)
    x = curve["customer_share"].to_numpy(dtype="float64")
    y = curve["revenue_share"].to_numpy(dtype="float64")
    at = np.interp(steps, x, y) if len(x) else np.full(len(steps), np.nan)
    pareto_chart = f.chart("pareto", "line", f.t("report.tiers.pareto"),
                           [fmt.percent(s, lang, 0) for s in steps],
                           {f.t("report.col.cum_revenue"): tuple(float(v) for v in at)},
                           "percent", f.t("report.col.cum_revenue"))
    top = top_share(result.scored, 0.2)
    best = summary.index[0]
    sentence = f.t("report.tiers.sentence", pct=fmt.percent(0.2, lang, 0),
                   rev=fmt.percent(top, lang), tier=f.tier_labels.get(best, str(best)),
                   share=fmt.percent(summary.at[best, "share"], lang),
                   tier_rev=fmt.percent(summary.at[best, "revenue_share"], lang))
    frame = summary.reset_index()[["tier", "customers", "share", "revenue", "revenue_share",
                                   "avg_spend", "avg_frequency"]]
    frame["tier"] = labels
    table = Table("tier_summary", f.t("report.tiers.summary"), frame,
                  headers={"tier": f.t("report.col.tier"),
                           "customers": f.t("report.col.customers"),
                           "share": f.t("report.col.customer_share"),
                           "revenue": f.t("report.col.revenue"),
                           "revenue_share": f.t("report.col.revenue_share"),
                           "avg_spend": f.t("report.col.avg_spend"),
                           "avg_frequency": f.t("report.col.avg_frequency")},
                  kinds={"customers": "int", "share": "percent", "revenue": "money",
                         "revenue_share": "percent", "avg_spend": "money",
                         "avg_frequency": "decimal"})
    pareto_table = Table("pareto", f.t("report.tiers.pareto"),
                         pd.DataFrame({"top": steps, "revenue_share": at}),
                         headers={"top": f.t("report.col.top_customers"),
                                  "revenue_share": f.t("report.col.cum_revenue")},
                         kinds={"top": "percent", "revenue_share": "percent"})
    return Section("tiers", f.t("report.tiers"), sentence, (shares, pareto_chart),
                   (table, pareto_table))


# --------------------------------------------------------------------------- movement


def movement(inputs: ReportInputs, f: Frame) -> Section:
    """Customers moving up and down the tiers at each month end of the history."""
    from ..tiers import movement_summary

    lang, title = f.lang, f.t("report.movement")
    moves = movement_summary(inputs.history) if inputs.history is not None else None
    if moves is None or moves.empty:
        return Section("movement", title, f.t("report.movement.none"))
    columns = [c for c in ("up", "down", "new", "lost") if c in moves.columns]
    months = [fmt.month(p, lang) for p in moves["period_to"]]
    chart = f.chart("movement", "column", f.t("report.movement.chart"), months,
                    series_of(moves, columns, {c: f.t(f"report.col.{c}") for c in columns}),
                    "int", f.t("report.col.customers"))
    totals = {c: fmt.number(moves[c].sum(), lang) for c in ("up", "down", "new")}
    sentence = f.t("report.movement.sentence", start=fmt.day(moves["period_from"].iloc[0], lang),
                   end=fmt.day(moves["period_to"].iloc[-1], lang),
                   lost=fmt.number(moves["lost"].sum(), lang) if "lost" in moves else "–",
                   **totals)
    frame = moves[["period_to", "customers", "stayed", *columns]].rename(
        columns={"period_to": "month"})
    table = Table("movement", f.t("report.movement.chart"), frame,
                  headers={"month": f.t("report.col.month"),
                           "customers": f.t("report.col.customers"),
                           "stayed": f.t("report.col.stayed")}
                  | {c: f.t(f"report.col.{c}") for c in columns},
                  kinds={"month": "month", "customers": "int", "stayed": "int"}
                  | {c: "int" for c in columns})
    return Section("movement", title, sentence, (chart,), (table,))


# --------------------------------------------------------------------------- personas


def personas(inputs: ReportInputs, f: Frame) -> Section:
    """The personas' share of customers and of revenue, with their descriptions."""
    lang, title = f.lang, f.t("report.personas")
    found = inputs.personas
    if found is None or found.profiles.empty:
        return Section("personas", title, f.t("report.personas.none"))
    profiles, names = found.profiles, found.names(lang)
    frame = pd.DataFrame({
        "persona": names["name"].reindex(profiles.index).to_numpy(),
        "customers": profiles["size"].to_numpy(),
        "share": profiles["share"].to_numpy(),
        "revenue_share": profiles.get("revenue_share",
                                      pd.Series(np.nan, index=profiles.index)).to_numpy(),
        "description": names["description"].reindex(profiles.index).to_numpy()})
    frame = frame.sort_values("share", ascending=False, kind="stable").reset_index(drop=True)
    chart = f.chart("personas", "bar", f.t("report.personas.chart"), frame["persona"],
                    series_of(frame, ["share", "revenue_share"],
                              {"share": f.t("report.col.customer_share"),
                               "revenue_share": f.t("report.col.revenue_share")}), "percent")
    richest = frame.loc[frame["revenue_share"].fillna(-1).idxmax()]
    sentence = f.t("report.personas.sentence", n=fmt.number(len(frame), lang),
                   largest=frame.at[0, "persona"], share=fmt.percent(frame.at[0, "share"], lang),
                   richest=richest["persona"], rev=fmt.percent(richest["revenue_share"], lang))
    table = Table("personas", title, frame,
                  headers={"persona": f.t("report.col.persona"),
                           "customers": f.t("report.col.customers"),
                           "share": f.t("report.col.customer_share"),
                           "revenue_share": f.t("report.col.revenue_share"),
                           "description": f.t("report.col.description")},
                  kinds={"customers": "int", "share": "percent", "revenue_share": "percent"})
    return Section("personas", title, sentence, (chart,), (table,))
