"""Value tiers and RFM segments.

The default used by the batch CLI (the tiers page refines and tunes it):

* R, F and M scores 1..5 from the customer's percentile rank among all
  customers (recency: fewer days since the last purchase scores higher).
  Tied values share one rank (``method="average"``), so equal customers always
  get equal scores; when every customer has the same value the score is 3 for
  everyone and a warning names the column.
* ``value_score`` = weighted mean of the continuous R, F and M percentiles x 5
  (default weights R 0.2, F 0.3, M 0.5), a number in (0, 5]; continuous so that
  share cuts are exact except where customers truly tie.
* ``tier`` by share of customers, highest value first: top 10 % VIP, next 20 %
  High, next 30 % Medium, the remaining 40 % Low. Customers with equal value
  scores always land in the same tier (the cut is moved to the end of the tie).
* ``rfm_segment`` from the classic 5 x 5 R-F grid (:data:`RFM_SEGMENT_RULES`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import i18n

SCORE_SOURCES: dict[str, tuple[str, bool]] = {
    # score column: (customer-view column, higher value is better)
    "r_score": ("recency_days", False),
    "f_score": ("frequency", True),
    "m_score": ("monetary_total", True),
}

DEFAULT_WEIGHTS: dict[str, float] = {"r_score": 0.2, "f_score": 0.3, "m_score": 0.5}

#: Tier keys, best first, with the share of customers each takes by default.
DEFAULT_TIERS: tuple[tuple[str, float], ...] = (
    ("vip", 0.10), ("high", 0.20), ("medium", 0.30), ("low", 0.40),
)

#: The classic R-F grid: every (r, f) cell 1..5 x 1..5 belongs to exactly one segment.
RFM_SEGMENT_RULES = pd.DataFrame(
    [
        ("champions", 5, 5, 4, 5),
        ("loyal", 3, 4, 4, 5),
        ("potential_loyalists", 4, 5, 2, 3),
        ("new", 5, 5, 1, 1),
        ("promising", 4, 4, 1, 1),
        ("need_attention", 3, 3, 3, 3),
        ("about_to_sleep", 3, 3, 1, 2),
        ("at_risk", 1, 2, 3, 4),
        ("cant_lose", 1, 2, 5, 5),
        ("hibernating", 2, 2, 1, 2),
        ("lost", 1, 1, 1, 2),
    ],
    columns=["segment", "r_min", "r_max", "f_min", "f_max"],
)


@dataclass(frozen=True)
class TierSettings:
    """How customers are graded. ``shares`` are fractions of customers, best tier first."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    tiers: Sequence[str] = tuple(k for k, _ in DEFAULT_TIERS)
    shares: Sequence[float] = tuple(s for _, s in DEFAULT_TIERS)


def rfm_scores(view: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """R, F and M scores (1..``bins``) from percentile ranks.

    Parameters
    ----------
    view : customer view with ``recency_days``, ``frequency``, ``monetary_total``.

    Returns
    -------
    DataFrame with ``r_score``, ``f_score``, ``m_score`` (int64), same index.

    Warns
    -----
    UserWarning when a column is constant (everyone gets the middle score).
    """
    pct = percentile_ranks(view)
    return np.ceil(pct * bins).clip(1, bins).astype("int64")


def percentile_ranks(view: pd.DataFrame) -> pd.DataFrame:
    """Continuous R, F, M percentiles in (0, 1], higher = better; ties share a value.

    A constant column gives 0.5 for everyone (with a warning); a missing value
    counts as the lowest (unknown behaviour is not rewarded).
    """
    out = pd.DataFrame(index=view.index)
    for score, (column, higher_better) in SCORE_SOURCES.items():
        values = pd.to_numeric(view[column], errors="coerce").astype("float64")
        if not higher_better:
            values = -values
        valid = values.dropna()
        if len(valid) > 1 and valid.nunique() == 1:
            warnings.warn(
                f"all customers have the same {column}; its score is 3 for everyone",
                UserWarning, stacklevel=3,
            )
            out[score] = 0.5
            continue
        out[score] = values.rank(method="average", pct=True).fillna(1e-9)
    return out


def value_scores(scores: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Weighted mean of the score columns named in ``weights``.

    Given :func:`percentile_ranks` (as :func:`score_customers` does) the result is
    continuous, so share cuts are exact except where customers truly tie.
    """
    weights = dict(weights or DEFAULT_WEIGHTS)
    total = sum(w for w in weights.values() if w > 0)
    if total <= 0:
        raise ValueError("at least one weight must be positive")
    value = sum(scores[col] * (w / total) for col, w in weights.items() if w > 0)
    return value.astype("float64").rename("value_score")


def assign_tiers_by_share(value: pd.Series, tiers: Sequence[str],
                          shares: Sequence[float]) -> pd.Series:
    """Cut customers into tiers by share, best first; ties never straddle a cut.

    ``shares`` are normalised to sum to 1. The best tier gets the customers with
    the highest ``value``; a cut that would split equal values is moved so that
    all tied customers join the better tier.
    """
    if len(tiers) != len(shares):
        raise ValueError("one share per tier is needed")
    n = len(value)
    labels = pd.Series(pd.Categorical([None] * n, categories=list(tiers)), index=value.index)
    if n == 0:
        return labels
    share = np.asarray(shares, dtype="float64")
    share = share / share.sum()
    order = np.argsort(-value.to_numpy(), kind="stable")
    sorted_vals = value.to_numpy()[order]
    bounds = np.round(np.cumsum(share) * n).astype(int)
    codes = np.empty(n, dtype="int64")
    start = 0
    for i, end in enumerate(bounds):
        end = max(end, start)
        if end < n and end > 0:
            # extend the cut to the end of the tie it would split
            end = int(np.searchsorted(-sorted_vals, -sorted_vals[end - 1], side="right"))
        codes[start:end] = i
        start = end
    codes[start:] = len(tiers) - 1
    out = np.empty(n, dtype="int64")
    out[order] = codes
    return pd.Series(pd.Categorical.from_codes(out, categories=list(tiers)), index=value.index,
                     name="tier")


def rfm_segments(scores: pd.DataFrame,
                 rules: pd.DataFrame = RFM_SEGMENT_RULES) -> pd.Series:
    """Segment per customer from its ``r_score`` and ``f_score`` via a rules table."""
    grid = segment_grid(rules)
    r = scores["r_score"].clip(1, 5).to_numpy() - 1
    f = scores["f_score"].clip(1, 5).to_numpy() - 1
    labels = grid.to_numpy()[r, f]
    return pd.Series(pd.Categorical(labels, categories=list(rules["segment"])),
                     index=scores.index, name="rfm_segment")


def segment_grid(rules: pd.DataFrame = RFM_SEGMENT_RULES) -> pd.DataFrame:
    """The 5 x 5 grid (rows r 1..5, columns f 1..5) of segment names.

    Raises ``ValueError`` naming the cells that no rule or several rules cover.
    """
    cover: dict[tuple[int, int], list[str]] = {(r, f): [] for r in range(1, 6)
                                               for f in range(1, 6)}
    for row in rules.itertuples(index=False):
        for r in range(int(row.r_min), int(row.r_max) + 1):
            for f in range(int(row.f_min), int(row.f_max) + 1):
                if (r, f) in cover:
                    cover[(r, f)].append(row.segment)
    gaps = [cell for cell, segs in cover.items() if len(segs) != 1]
    if gaps:
        raise ValueError(f"RFM cells not covered by exactly one segment: {gaps}")
    return pd.DataFrame([[cover[(r, f)][0] for f in range(1, 6)] for r in range(1, 6)],
                        index=pd.Index(range(1, 6), name="r_score"),
                        columns=pd.Index(range(1, 6), name="f_score"))


def score_customers(view: pd.DataFrame, settings: TierSettings | None = None) -> pd.DataFrame:
    """Add ``r_score``, ``f_score``, ``m_score``, ``value_score``, ``tier``, ``rfm_segment``."""
    settings = settings or TierSettings()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pct = percentile_ranks(view)
    for w in caught:
        warnings.warn(w.message, w.category, stacklevel=2)
    scores = np.ceil(pct * 5).clip(1, 5).astype("int64")
    out = view.copy()
    out[scores.columns] = scores
    # 1..5 scale like the R/F/M scores, but continuous
    out["value_score"] = value_scores(pct * 5, settings.weights)
    out["tier"] = assign_tiers_by_share(out["value_score"], settings.tiers, settings.shares)
    out["rfm_segment"] = rfm_segments(scores)
    return out


i18n.register({
    "tier.vip": {"en": "VIP", "zh": "钻石"},
    "tier.high": {"en": "High", "zh": "黄金"},
    "tier.medium": {"en": "Medium", "zh": "白银"},
    "tier.low": {"en": "Low", "zh": "普通"},
    "segment.champions": {"en": "Champions", "zh": "重要价值客户"},
    "segment.loyal": {"en": "Loyal", "zh": "忠诚客户"},
    "segment.potential_loyalists": {"en": "Potential loyalists", "zh": "潜力客户"},
    "segment.new": {"en": "New", "zh": "新客户"},
    "segment.promising": {"en": "Promising", "zh": "有前景客户"},
    "segment.need_attention": {"en": "Need attention", "zh": "需要关注"},
    "segment.about_to_sleep": {"en": "About to sleep", "zh": "即将沉睡"},
    "segment.at_risk": {"en": "At risk", "zh": "流失风险客户"},
    "segment.cant_lose": {"en": "Can't lose them", "zh": "不能失去的客户"},
    "segment.hibernating": {"en": "Hibernating", "zh": "沉睡客户"},
    "segment.lost": {"en": "Lost", "zh": "已流失客户"},
})
