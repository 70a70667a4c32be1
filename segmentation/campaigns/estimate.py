"""Did the campaign work? Two honest comparisons, each with an interval.

**With a held-out group** (customers deliberately not contacted, chosen like the
targets): the difference between targets and held-out customers after the
start, per customer, in shipments, revenue and retention. Each difference is the
coefficient of ``targeted`` in an ordinary least-squares regression of the
outcome on ``targeted`` and the same outcome before the start (the pre-period
only sharpens the comparison; it cannot bias it when the split was random),
with heteroskedasticity-robust (HC1) standard errors (statsmodels).

**Without one**: every target is matched to its nearest non-targeted customer
(scikit-learn ``NearestNeighbors``, with replacement) of the *same tier and
branch* with the closest recency, weekly shipments, weekly revenue and trend of
both in the weeks before the start (the last ``check_weeks`` weeks before the
start are left out of the matching). The effect is then the
difference-in-differences: the change from before to after of the targets minus
that of their matches, averaged over the pairs; its interval comes from an OLS
on the pair differences with standard errors clustered by the matched customer
(a comparison customer can be the match of several targets). The parallel-trend
check repeats the same difference-in-differences on the weeks the matching did
not see (the ``check_weeks`` before the start against the weeks before them):
if the two groups already drifted apart there, the estimate is not to be trusted.

Retention: a customer is *retained* when shipping at least once in the
``retention_days`` from the start; the difference-in-differences version
subtracts the same share in the ``retention_days`` before the start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from .model import CampaignError
from .panel import CampaignPanel

__all__ = ["OUTCOMES", "Effect", "EffectConfig", "Estimate", "ParallelCheck", "estimate",
           "naive_difference"]

#: the outcomes measured, in display order
OUTCOMES = ("shipments", "revenue", "retained")
Method = Literal["holdout", "matched"]


@dataclass(frozen=True)
class EffectConfig:
    """How a campaign is measured.

    Attributes
    ----------
    pre_weeks : weeks before the start read for the comparison.
    post_weeks : weeks from the start on counted as the campaign's effect; ``None``:
        the campaign's length plus 8 weeks (cut at the end of the data by the caller).
    retention_days : the window of "still active" (days from the start).
    check_weeks : weeks before the start kept out of the matching, for the
        parallel-trend check.
    confidence : of the intervals.
    method : ``"auto"`` (held-out group when there is one, else matching),
        ``"holdout"`` or ``"matched"``.
    min_group : fewest customers on each side for an estimate (also per tier / branch).
    """

    pre_weeks: int = 26
    post_weeks: int | None = None
    retention_days: int = 90
    check_weeks: int = 4
    confidence: float = 0.95
    method: Literal["auto", "holdout", "matched"] = "auto"
    min_group: int = 10
    #: per tier and per branch too (off in simulations that only need the totals)
    breakdowns: bool = True

    def __post_init__(self) -> None:
        if self.pre_weeks < self.check_weeks + 4:
            raise ValueError("pre_weeks must leave at least 4 weeks besides check_weeks")
        if not 0.5 < self.confidence < 1:
            raise ValueError("confidence must be in (0.5, 1)")


@dataclass(frozen=True)
class Effect:
    """The effect on one outcome, per targeted customer, with its interval."""

    outcome: str
    per_customer: float
    low: float
    high: float
    p_value: float
    n_targets: int

    @property
    def total(self) -> float:
        return self.per_customer * self.n_targets

    @property
    def total_low(self) -> float:
        return self.low * self.n_targets

    @property
    def total_high(self) -> float:
        return self.high * self.n_targets

    @property
    def clear(self) -> bool:
        """Whether the interval excludes zero (an effect told apart from noise)."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True)
class ParallelCheck:
    """The placebo difference-in-differences on the weeks the matching did not see."""

    weeks: int
    per_week: float
    low: float
    high: float
    #: the placebo's interval holds zero: the groups moved together before the start
    passed: bool


@dataclass(frozen=True)
class Estimate:
    """The measured effect of a campaign (:func:`estimate`).

    ``weekly`` has one row per week and group (``"target"``, ``"comparison"``) with
    the mean ``shipments`` and ``revenue`` per customer and ``week_start``, ``phase``
    (``"before"``/``"after"``). ``by_tier`` / ``by_branch`` have one row per tier /
    branch: ``n_targets``, ``n_comparison`` and per outcome ``<outcome>``,
    ``<outcome>_low``, ``<outcome>_high`` (per targeted customer; NaN with too few
    customers).
    """

    method: Method
    effects: dict[str, Effect]
    n_targets: int
    n_comparison: int
    n_unmatched: int
    weekly: pd.DataFrame
    by_tier: pd.DataFrame
    by_branch: pd.DataFrame
    check: ParallelCheck | None
    pre_weeks: int
    post_weeks: int
    retention_days: int
    confidence: float
    notes: tuple[str, ...] = field(default=())


# ------------------------------------------------------------------ regression helpers
def _ols(y: np.ndarray, x: np.ndarray, alpha: float, *, groups: np.ndarray | None = None
         ) -> tuple[float, float, float, float]:
    """Coefficient 1 of ``y ~ x`` (x holds the constant first), its interval and p-value;
    HC1 standard errors, or clustered by ``groups``."""
    from statsmodels.regression.linear_model import OLS

    if groups is None:
        fit = OLS(y, x).fit(cov_type="HC1")
    else:
        fit = OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": groups})
    k = 0 if x.shape[1] == 1 else 1
    low, high = fit.conf_int(alpha)[k]
    return float(fit.params[k]), float(low), float(high), float(fit.pvalues[k])


def _mean_ci(d: np.ndarray, groups: np.ndarray, alpha: float
             ) -> tuple[float, float, float, float]:
    """Mean of pair differences ``d`` with an interval clustered by ``groups``."""
    if len(np.unique(groups)) < 2 or np.allclose(d, d[0]):
        value = float(np.mean(d))
        return value, value, value, 1.0 if value == 0 else 0.0
    return _ols(d, np.ones((len(d), 1)), alpha, groups=groups)


def _holdout_effect(y: np.ndarray, pre: np.ndarray, treated: np.ndarray, alpha: float
                    ) -> tuple[float, float, float, float]:
    centred = pre - pre.mean()
    columns = [np.ones(len(y)), treated.astype(float)]
    if np.ptp(centred) > 0:
        columns.append(centred)
    return _ols(y, np.column_stack(columns), alpha)


# ------------------------------------------------------------------ outcomes
def _outcomes(panel: CampaignPanel) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per outcome: (after, before) per customer, the before scaled to the after's length."""
    pre, post = panel.pre_weeks, panel.post_weeks
    out = {}
    for name, values in (("shipments", panel.shipments), ("revenue", panel.revenue)):
        out[name] = (values[:, pre:].sum(axis=1), values[:, :pre].mean(axis=1) * post)
    out["retained"] = (panel.active_after.astype(float), panel.active_before.astype(float))
    return out


def naive_difference(panel: CampaignPanel, outcome: str = "shipments") -> float:
    """Mean after the start of the targets minus that of every non-targeted customer:
    what a comparison without a held-out group or matching would report."""
    after = _outcomes(panel)[outcome][0]
    return float(after[panel.group("target")].mean() - after[panel.group("pool")].mean())


# ------------------------------------------------------------------ held-out group
def _by_holdout(panel: CampaignPanel, config: EffectConfig) -> Estimate:
    alpha = 1 - config.confidence
    t, h = panel.group("target"), panel.group("holdout")
    if min(len(t), len(h)) < config.min_group:
        raise CampaignError("too_few", n_targets=len(t), n_comparison=len(h),
                            min=config.min_group)
    rows = np.concatenate([t, h])
    treated = np.concatenate([np.ones(len(t)), np.zeros(len(h))])
    outcomes = _outcomes(panel)
    effects = {name: Effect(name, *_holdout_effect(after[rows], before[rows], treated, alpha),
                            n_targets=len(t))
               for name, (after, before) in outcomes.items()}

    def breakdown(column: str) -> pd.DataFrame:
        if not config.breakdowns:
            return pd.DataFrame()
        labels = panel.customers[column].to_numpy()[rows]
        records = []
        for label in pd.unique(labels):
            sel = labels == label
            n_t, n_h = int(treated[sel].sum()), int((1 - treated[sel]).sum())
            rec = {column: label, "n_targets": n_t, "n_comparison": n_h}
            for name, (after, before) in outcomes.items():
                if min(n_t, n_h) >= config.min_group:
                    value, low, high, _ = _holdout_effect(after[rows][sel], before[rows][sel],
                                                          treated[sel], alpha)
                else:
                    value = low = high = np.nan
                rec.update({name: value, f"{name}_low": low, f"{name}_high": high})
            records.append(rec)
        return _sorted(pd.DataFrame.from_records(records), column)

    weekly = _weekly(panel, panel.shipments[t], panel.revenue[t], panel.shipments[h],
                     panel.revenue[h])
    return Estimate("holdout", effects, len(t), len(h), 0, weekly, breakdown("tier"),
                    breakdown("branch"), None, panel.pre_weeks, panel.post_weeks,
                    panel.retention_days, config.confidence)


# ------------------------------------------------------------------ matching + DiD
def _features(panel: CampaignPanel, check_weeks: int) -> np.ndarray:
    """Matching features from the weeks before the check window, split in two halves:
    weekly shipments in the earlier and in the later half (together: level and trend),
    the same for revenue (on an arcsinh scale, so that a few large senders do not
    dominate), and recency; each standardised."""
    seen = panel.pre_weeks - check_weeks
    half = seen // 2
    cols = []
    for values in (panel.shipments, np.arcsinh(panel.revenue / 10.0)):
        cols += [values[:, :half].mean(axis=1), values[:, half:seen].mean(axis=1)]
    cols.append(np.log1p(panel.customers["recency_days"].to_numpy(float).clip(0)))
    feats = np.column_stack(cols)
    scale = feats.std(axis=0)
    return feats / np.where(scale > 0, scale, 1.0)


def _match(panel: CampaignPanel, feats: np.ndarray, t: np.ndarray, pool: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """(matched targets, their matched pool rows): exact on tier and branch, nearest
    (Euclidean, with replacement) on the standardised features (scikit-learn
    ``NearestNeighbors``)."""
    from sklearn.neighbors import NearestNeighbors

    strata = pd.MultiIndex.from_frame(panel.customers[["tier", "branch"]]).factorize()[0]
    # exact strata: a distance of 1e6 between strata is larger than any within one
    gap = 1e6
    x = np.column_stack([strata * gap, feats])
    nn = NearestNeighbors(n_neighbors=1).fit(x[pool])
    dist, idx = nn.kneighbors(x[t])
    ok = dist[:, 0] < gap / 2
    return t[ok], pool[idx[ok, 0]]


def _corrected(changes: dict[str, np.ndarray], feats: np.ndarray, t: np.ndarray,
               c: np.ndarray, pool: np.ndarray) -> dict[str, np.ndarray]:
    """Pair differences of each change with the bias correction of Abadie and Imbens
    (2011): what is left of the features' imbalance within a pair (a match is near, not
    equal) is removed with a least-squares fit of the change on the features and their
    squares and products (scikit-learn ``PolynomialFeatures``), fitted on the comparison
    pool, one least-squares fit for every outcome."""
    from sklearn.preprocessing import PolynomialFeatures

    names = list(changes)
    y = np.column_stack([changes[n] for n in names])
    poly = PolynomialFeatures(2).fit(feats[pool])
    x = poly.transform(feats[pool])
    # normal equations with a whisper of ridge: the features are standardised, and this
    # is some hundred times faster than an SVD-based solver on a busy machine
    gram = x.T @ x + 1e-8 * len(x) * np.eye(x.shape[1])
    coef = np.linalg.solve(gram, x.T @ y[pool])
    fitted = poly.transform(feats) @ coef
    diff = (y[t] - y[c]) - (fitted[t] - fitted[c])
    return {n: diff[:, i] for i, n in enumerate(names)}


def _by_matching(panel: CampaignPanel, config: EffectConfig) -> Estimate:
    alpha = 1 - config.confidence
    t_all, pool = panel.group("target"), panel.group("pool")
    if min(len(t_all), len(pool)) < config.min_group:
        raise CampaignError("too_few", n_targets=len(t_all), n_comparison=len(pool),
                            min=config.min_group)
    feats = _features(panel, config.check_weeks)
    t, c = _match(panel, feats, t_all, pool)
    if len(t) < config.min_group:
        raise CampaignError("too_few", n_targets=len(t), n_comparison=len(np.unique(c)),
                            min=config.min_group)
    pre, post = panel.pre_weeks, panel.post_weeks
    outcomes = _outcomes(panel)
    # placebo on the check window: did the pairs drift apart before the start?
    seen = pre - config.check_weeks
    changes = {name: after - before for name, (after, before) in outcomes.items()}
    changes["check"] = (panel.shipments[:, seen:pre].mean(axis=1)
                        - panel.shipments[:, :seen].mean(axis=1))
    diffs = _corrected(changes, feats, t, c, pool)
    placebo = diffs.pop("check")
    effects = {name: Effect(name, *_mean_ci(d, c, alpha), n_targets=len(t))
               for name, d in diffs.items()}

    value, low, high, _ = _mean_ci(placebo, c, alpha)
    check = ParallelCheck(config.check_weeks, value, low, high, low <= 0 <= high)

    def breakdown(column: str) -> pd.DataFrame:
        if not config.breakdowns:
            return pd.DataFrame()
        labels = panel.customers[column].to_numpy()[t]
        records = []
        for label in pd.unique(labels):
            sel = labels == label
            rec = {column: label, "n_targets": int(sel.sum()),
                   "n_comparison": int(len(np.unique(c[sel])))}
            for name, d in diffs.items():
                if sel.sum() >= config.min_group:
                    value, low, high, _ = _mean_ci(d[sel], c[sel], alpha)
                else:
                    value = low = high = np.nan
                rec.update({name: value, f"{name}_low": low, f"{name}_high": high})
            records.append(rec)
        return _sorted(pd.DataFrame.from_records(records), column)

    weekly = _weekly(panel, panel.shipments[t], panel.revenue[t], panel.shipments[c],
                     panel.revenue[c])
    notes = ("unmatched",) if len(t) < len(t_all) else ()
    return Estimate("matched", effects, len(t), int(len(np.unique(c))), len(t_all) - len(t),
                    weekly, breakdown("tier"), breakdown("branch"), check, pre, post,
                    panel.retention_days, config.confidence, notes)


# ------------------------------------------------------------------ shared
def _sorted(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    return frame.sort_values(["n_targets", column], ascending=[False, True],
                             ignore_index=True)


def _weekly(panel: CampaignPanel, ship_t, rev_t, ship_c, rev_c) -> pd.DataFrame:
    weeks = panel.week_starts
    phase = np.where(np.arange(len(weeks)) < panel.pre_weeks, "before", "after")
    parts = []
    for name, ships, rev in (("target", ship_t, rev_t), ("comparison", ship_c, rev_c)):
        parts.append(pd.DataFrame({"week_start": weeks, "group": name, "phase": phase,
                                   "shipments": ships.mean(axis=0),
                                   "revenue": rev.mean(axis=0)}))
    return pd.concat(parts, ignore_index=True)


def estimate(panel: CampaignPanel, config: EffectConfig | None = None) -> Estimate:
    """The campaign's effect on the customers of ``panel``.

    Parameters
    ----------
    panel : the weekly panel (:func:`~segmentation.campaigns.build_panel`); its
        ``pre_weeks`` must be at least ``config.check_weeks + 4``.
    config : how to measure (:class:`EffectConfig`); ``method="auto"`` uses the
        held-out group when the panel has one.

    Raises
    ------
    CampaignError
        ``too_few`` when a side has fewer than ``config.min_group`` customers,
        ``no_holdout`` when ``method="holdout"`` but nobody was held out.
    """
    config = config or EffectConfig()
    has_holdout = len(panel.group("holdout")) > 0
    method = config.method
    if method == "auto":
        method = "holdout" if has_holdout else "matched"
    if method == "holdout":
        if not has_holdout:
            raise CampaignError("no_holdout")
        return _by_holdout(panel, config)
    return _by_matching(panel, config)
