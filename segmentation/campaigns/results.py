"""A campaign's result as people read it: money, return, the sentence, the assumptions."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from .. import formatting, i18n
from .estimate import OUTCOMES, Estimate
from .model import Campaign

__all__ = ["CampaignResult", "uplift_table"]


@dataclass(frozen=True)
class CampaignResult:
    """A measured campaign within one scope.

    Attributes
    ----------
    campaign : what was run.
    estimate : the effect (:class:`~segmentation.campaigns.Estimate`).
    n_contacted : contacted customers of the scope known before the start (the cost
        counts them all, also those without a match).
    n_missing : listed targets not found among the scope's customers before the start.
    """

    campaign: Campaign
    estimate: Estimate
    n_contacted: int
    n_missing: int

    @property
    def cost(self) -> float:
        return self.campaign.cost_per_contact * self.n_contacted

    def _total(self, outcome: str) -> tuple[float, float, float]:
        """Per-customer effect times the contacted customers, with its interval."""
        e = self.estimate.effects[outcome]
        n = self.n_contacted
        return e.per_customer * n, e.low * n, e.high * n

    @property
    def incremental_revenue(self) -> tuple[float, float, float]:
        return self._total("revenue")

    @property
    def incremental_shipments(self) -> tuple[float, float, float]:
        return self._total("shipments")

    @property
    def extra_retained(self) -> tuple[float, float, float]:
        return self._total("retained")

    @property
    def roi(self) -> float | None:
        """(extra revenue - cost) / cost; ``None`` for a campaign that cost nothing."""
        if self.cost <= 0:
            return None
        return (self.incremental_revenue[0] - self.cost) / self.cost

    @property
    def cost_per_retained(self) -> float | None:
        """Cost per extra retained customer; ``None`` when none was retained."""
        extra = self.extra_retained[0]
        if extra <= 0 or self.cost <= 0:
            return None
        return self.cost / extra

    def comparison(self, lang: str) -> str:
        return i18n.t(f"campaign.comparison.{self.estimate.method}", lang)

    def sentence(self, lang: str) -> str:
        """What a regional lead can read out, in ``lang``."""
        conf = formatting.percent(self.estimate.confidence, lang, digits=0)
        n, low, high = self.extra_retained
        ret = self.estimate.effects["retained"]
        key = "campaign.sentence.retained" if ret.clear and n > 0 \
            else "campaign.sentence.retained.unclear"
        first = i18n.t(key, lang, name=self.campaign.name, n=formatting.number(n, lang),
                       comparison=self.comparison(lang), conf=conf,
                       low=formatting.number(low, lang), high=formatting.number(high, lang))
        rev, rlo, rhi = self.incremental_revenue
        clear = self.estimate.effects["revenue"].clear
        roi = self.roi
        second = i18n.t(
            "campaign.sentence.revenue" if clear else "campaign.sentence.revenue.unclear",
            lang, revenue=formatting.money(rev, lang), low=formatting.money(rlo, lang),
            high=formatting.money(rhi, lang), cost=formatting.money(self.cost, lang),
            roi="–" if roi is None else formatting.percent(roi, lang, digits=0, signed=True))
        return f"{first} {second}" if lang != "zh" else first + second

    def assumptions(self, lang: str) -> list[str]:
        """The assumptions behind the figures, in plain words."""
        est = self.estimate
        keys = ("campaign.assume.holdout", "campaign.assume.holdout.spill") \
            if est.method == "holdout" else ("campaign.assume.matched",
                                             "campaign.assume.matched.trend")
        out = [i18n.t(k, lang) for k in keys]
        out.append(i18n.t("campaign.assume.window", lang,
                          weeks=formatting.number(est.post_weeks, lang),
                          days=formatting.number(est.retention_days, lang)))
        return out

    def notes(self, lang: str) -> list[str]:
        """Warnings about who is left out and the parallel-trend check."""
        est = self.estimate
        out = []
        if self.n_missing:
            out.append(i18n.t("campaign.note.missing", lang,
                              n=formatting.number(self.n_missing, lang)))
        if est.n_unmatched:
            out.append(i18n.t("campaign.note.unmatched", lang,
                              n=formatting.number(est.n_unmatched, lang)))
        return out

    def check_text(self, lang: str) -> str | None:
        check = self.estimate.check
        if check is None:
            return None
        key = "campaign.check.passed" if check.passed else "campaign.check.failed"
        return i18n.t(key, lang, weeks=formatting.number(check.weeks, lang),
                      value=formatting.decimal(check.per_week, lang, 3, signed=True),
                      conf=formatting.percent(self.estimate.confidence, lang, digits=0),
                      low=formatting.decimal(check.low, lang, 3),
                      high=formatting.decimal(check.high, lang, 3))


def uplift_table(frame: pd.DataFrame, by: str, lang: str) -> pd.DataFrame:
    """Per tier or branch: customers and the uplift per targeted customer of each outcome
    with its interval, as display texts (columns named in ``lang``)."""
    if frame.empty:
        return frame

    def interval(row, name: str, fmt) -> str:
        if math.isnan(row[name]):
            return "–"
        return f"{fmt(row[name])} ({fmt(row[f'{name}_low'])} – {fmt(row[f'{name}_high'])})"

    fmts = {"shipments": lambda v: formatting.decimal(v, lang, 2, signed=True),
            "revenue": lambda v: formatting.money(v, lang),
            "retained": lambda v: formatting.percent(v, lang, digits=1, signed=True)}
    out = pd.DataFrame({
        i18n.t(f"campaign.col.{by}", lang): frame[by].astype(str),
        i18n.t("campaign.col.n_targets", lang): [formatting.number(v, lang)
                                                 for v in frame["n_targets"]],
    })
    for name in OUTCOMES:
        out[i18n.t(f"campaign.col.{name}", lang)] = [interval(row, name, fmts[name])
                                                     for _, row in frame.iterrows()]
    return out
