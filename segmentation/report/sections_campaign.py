"""The report's campaign section: the latest campaign within the user's scope, its effect
read out, the weekly before/after chart (one slide) and the uplift per tier and branch
(the HTML report and the workbook)."""

from __future__ import annotations

import pandas as pd

from .. import formatting as fmt
from .inputs import ReportInputs
from .model import Section, Table, series_of
from .sections import Frame


def campaign(inputs: ReportInputs, f: Frame) -> Section | None:
    """The campaign section, ``None`` when the inputs hold no measured campaign."""
    result = inputs.campaign
    if result is None:
        return None
    lang, est = f.lang, result.estimate
    title = f.t("report.campaign", name=result.campaign.name)
    weekly = est.weekly.pivot(index="week_start", columns="group", values="shipments")
    names = {"target": f.t("campaign.group.target"),
             "comparison": f.t(f"campaign.group.comparison.{est.method}")}
    chart = f.chart("campaign_weekly", "line", f.t("campaign.chart.title.shipments"),
                    [fmt.day(d, lang) for d in weekly.index],
                    series_of(weekly.reset_index(), ["target", "comparison"], names),
                    "decimal", f.t("campaign.outcome.shipments"))
    kept, low, high = result.extra_retained
    rev, rlo, rhi = result.incremental_revenue
    figures = pd.DataFrame({
        "figure": [f.t("report.campaign.retained"), f.t("report.campaign.revenue"),
                   f.t("report.campaign.cost"), f.t("report.campaign.roi")],
        "value": [kept, rev, result.cost, result.roi],
        "low": [low, rlo, None, None], "high": [high, rhi, None, None],
        "kind": ["int", "money", "money", "percent"]})
    tables = [Table("campaign_figures", title, figures,
                    headers={"figure": f.t("report.campaign.figure"),
                             "value": f.t("report.campaign.value"),
                             "low": f.t("report.campaign.low"),
                             "high": f.t("report.campaign.high")},
                    kinds={"value": "row", "low": "row", "high": "row"}, row_kind="kind")]
    for by in ("tier", "branch"):
        frame = getattr(est, f"by_{by}")
        if frame.empty:
            continue
        if by == "tier":
            frame = frame.assign(tier=frame["tier"].map(lambda k: f.tier_labels.get(k, k)))
        columns = [by, "n_targets", "shipments", "revenue", "retained"]
        tables.append(Table(
            f"campaign_{by}", f.t(f"report.campaign.by_{by}"), frame[columns],
            headers={by: f.t(f"campaign.col.{by}"),
                     "n_targets": f.t("campaign.col.n_targets"),
                     "shipments": f.t("report.campaign.col.shipments"),
                     "revenue": f.t("report.campaign.col.revenue"),
                     "retained": f.t("report.campaign.col.retained")},
            kinds={"n_targets": "int", "shipments": "decimal", "revenue": "money",
                   "retained": "percent"}))
    notes = tuple(result.notes(lang))
    check = result.check_text(lang)
    lines = [result.sentence(lang), *([check] if check else []), *result.assumptions(lang)]
    return Section("campaign", title, " ".join(lines), charts=(chart,), tables=tuple(tables),
                   notes=notes, lead=result.sentence(lang))
