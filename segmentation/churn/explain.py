"""Which ranking orders the call list and why (:class:`Ranking`), in words, with every
candidate's backtest figures and their spread across windows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from .. import formatting, i18n
from .calibration import Calibration


@dataclass(frozen=True)
class Ranking:
    """The ranking used and why.

    Attributes
    ----------
    chosen : the :data:`CANDIDATES` name whose score ranks.
    why : reason code, text key ``churn.why.<why>``: "best" (it beat the recency
        rule in the backtest), "no_better" (nothing did: the recency rule ranks),
        "no_outcome" (the latest window had too few churners or stayers),
        "short" (no backtest possible: BG/NBD, unchecked), "rank_only" (neither:
        the recency rank).
    params : the figures of the reason.
    calibration : how the chosen score becomes a probability.
    unused : candidate -> (reason code, parameters) for those not checked.
    metrics : per candidate, the backtest figures averaged over the windows with
        their spread (``Backtest.metrics``; empty without a backtest).
    uncertain : the backtest's figures come from few customers or churners.
    confidence : level of the bootstrap intervals.
    """

    chosen: str
    why: str
    params: Mapping[str, object]
    calibration: Calibration
    unused: Mapping[str, tuple[str, dict]] = field(default_factory=dict)
    metrics: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    uncertain: bool = False
    confidence: float = 0.9

    @property
    def checked(self) -> bool:
        """True when a backtest showed the chosen ranking beats the recency rule."""
        return self.why == "best"

    def sentence(self, lang: str = "en") -> str:
        """The main sentence: which ranking and why."""
        return why_text(self.chosen, self.why, self.params, lang, confidence=self.confidence)

    def figures(self, lang: str = "en") -> str:
        """Every candidate's backtest figures: mean over the windows (lowest to highest)."""
        if self.metrics.empty:
            return ""
        parts = []
        for cand, row in self.metrics.iterrows():
            parts.append(i18n.t(
                "churn.figures.candidate", lang,
                name=i18n.t(f"churn.candidate.{cand}", lang),
                prec=_pct(row["precision_top10"], lang),
                prec_min=_pct(row["precision_top10_min"], lang),
                prec_max=_pct(row["precision_top10_max"], lang),
                cap=_pct(row["precision_capacity"], lang),
                cap_min=_pct(row["precision_capacity_min"], lang),
                cap_max=_pct(row["precision_capacity_max"], lang),
                auc=_auc(row["roc_auc"], lang), auc_min=_auc(row["roc_auc_min"], lang),
                auc_max=_auc(row["roc_auc_max"], lang)))
        windows = int(self.metrics["windows"].max())
        head = i18n.t("churn.figures.head" if windows > 1 else "churn.figures.head_one", lang,
                      windows=windows)
        sep = "；" if lang == "zh" else "; "
        return head + sep.join(parts) + ("。" if lang == "zh" else ".")

    def uncertainty(self, lang: str = "en") -> str:
        """The warning that the figures come from few customers, with the interval."""
        if not self.uncertain or self.metrics.empty:
            return ""
        p = dict(self.params)
        key = "churn.figures.uncertain"
        params = {"n": formatting.number(p.get("n_min"), lang),
                  "churned": formatting.number(p.get("churned_min"), lang)}
        if "prec_low" in p:
            key = "churn.figures.uncertain_interval"
            params.update(conf=formatting.percent(self.confidence, lang, 0),
                          low=_pts(p["prec_low"], lang), high=_pts(p["prec_high"], lang),
                          best=i18n.t(f"churn.candidate.{p.get('best', self.chosen)}", lang))
        return i18n.t(key, lang, **params)

    def explanation(self, lang: str = "en") -> str:
        """Which score ranks the customers and why, in ``lang``: the choice with its
        figures and their spread, the uncertainty, the calibration, the candidates left
        out. What the page shows above the list and the CLI prints."""
        parts = [self.sentence(lang), self.figures(lang), self.uncertainty(lang)]
        method = self.calibration.method
        if method in ("isotonic", "platt"):
            parts.append(i18n.t("churn.why.calibrated", lang,
                                method=i18n.t(f"churn.calibration.{method}", lang)))
        elif method == "rank" and self.why != "rank_only":
            parts.append(i18n.t("churn.why.rank_note", lang))
        for code, params in dict(self.unused).values():
            if (self.why == "short" and code == "history") or code == "not_final":
                continue  # the main sentence says it already
            parts.append(i18n.t(f"churn.unused.{code}", lang, **params))
        return ("" if lang == "zh" else " ").join(p for p in parts if p)


def _pct(value: float, lang: str) -> str:
    return formatting.percent(value, lang, 0)


def _auc(value: float, lang: str) -> str:
    return formatting.decimal(value, lang)


def _pts(value: float, lang: str) -> str:
    """A difference of two shares in percentage points, signed."""
    return formatting.decimal(value * 100, lang, 1, signed=True)


def why_text(chosen: str, why: str, params: Mapping[str, object], lang: str, *,
             confidence: float = 0.9) -> str:
    """The sentence of a ranking choice (``churn.why.<why>``) in ``lang``."""
    p = dict(params)
    label = i18n.t(f"churn.candidate.{chosen}", lang)
    conf = formatting.percent(confidence, lang, 0)
    if why == "best":
        how = i18n.t(f"churn.why.how_{p['how']}", lang, windows=p["windows"], conf=conf)
        return i18n.t("churn.why.best", lang, model=label, horizon=p["horizon"], how=how,
                      windows=p["windows"],
                      auc=_auc(p["auc"], lang), auc_base=_auc(p["auc_base"], lang),
                      prec=_pct(p["prec"], lang), prec_base=_pct(p["prec_base"], lang),
                      diff=_pts(p["prec_diff"], lang), low=_pts(p["prec_low"], lang),
                      high=_pts(p["prec_high"], lang), conf=conf)
    if why == "no_better":
        if p.get("best", "recency") == "recency":
            return i18n.t("churn.why.alone", lang, horizon=p["horizon"], windows=p["windows"])
        return i18n.t("churn.why.no_better", lang, horizon=p["horizon"], windows=p["windows"],
                      best=i18n.t(f"churn.candidate.{p['best']}", lang), conf=conf,
                      auc=_auc(p["auc"], lang), auc_base=_auc(p["auc_base"], lang),
                      prec=_pct(p["prec"], lang), prec_base=_pct(p["prec_base"], lang),
                      wins=p.get("prec_wins", 0), shared=p.get("prec_windows", 0),
                      low=_pts(p.get("prec_low", float("nan")), lang),
                      high=_pts(p.get("prec_high", float("nan")), lang))
    if why == "no_outcome":
        outcome = i18n.t(f"churn.why.{p['outcome']}", lang, churned=p["churned"],
                         stayed=p["stayed"])
        return i18n.t("churn.why.no_outcome", lang, model=label, horizon=p["horizon"],
                      outcome=outcome)
    if why == "short":
        return i18n.t("churn.why.short", lang, model=label, horizon=p["horizon"],
                      need=p["need"], have=p["have"])
    return i18n.t("churn.why.rank_only", lang, detail=i18n.t("churn.why.no_btyd", lang))
