"""Summaries of a scored view: per tier, Pareto curve, top share, tier mix, RFM grid."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import formatting, i18n
from .arrays import clean, codes_and_categories, float_column
from .constants import BREAKDOWN_COLUMNS, REVENUE, RFM_SEGMENT_RULES
from .notes import segment_label
from .settings import TierSettings, segment_grid


def summary_frame(codes: np.ndarray, cats: list, name: str, revenue: np.ndarray,
                  frequency: np.ndarray, recency: np.ndarray) -> pd.DataFrame:
    k = len(cats)
    ok = codes >= 0
    every = bool(ok.all())
    c = codes if every else codes[ok]

    def sums(values: np.ndarray) -> np.ndarray:
        return np.bincount(c, weights=values if every else values[ok], minlength=k)[:k]

    customers = np.bincount(c, minlength=k)[:k].astype(np.int64)
    revenue_sum = sums(revenue)
    n, total = customers.sum(), revenue_sum.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = customers / n if n else np.full(k, np.nan)
        rev_share = revenue_sum / total if total > 0 else np.full(k, np.nan)
        return pd.DataFrame({
            "customers": customers,
            "share": share,
            "revenue": revenue_sum,
            "revenue_share": rev_share,
            "avg_spend": np.where(customers > 0, revenue_sum / customers, np.nan),
            "avg_frequency": np.where(customers > 0, sums(frequency) / customers, np.nan),
            "avg_recency_days": np.where(customers > 0, sums(recency) / customers, np.nan),
            "cum_share": np.cumsum(share),
            "cum_revenue_share": np.cumsum(rev_share),
        }, index=pd.Index(cats, name=name))


def tier_summary(scored: pd.DataFrame, by: str = "tier") -> pd.DataFrame:
    """Customers, revenue and averages per tier (or per ``rfm_segment`` / ``frequency_class``).

    :meth:`TierResult.summary` gives the same frame faster (cached inputs).

    Parameters
    ----------
    scored : a scored view (:func:`assign`) with ``by``, ``monetary_total``,
        ``frequency`` and ``recency_days``.
    by : the grouping column; categories keep their order and empty ones stay.

    Returns
    -------
    DataFrame indexed by the ``by`` values with ``customers`` (int64),
    ``share`` (of customers), ``revenue`` (sum of ``monetary_total``),
    ``revenue_share``, ``avg_spend`` (revenue per customer), ``avg_frequency``,
    ``avg_recency_days``, and in index order ``cum_share`` /
    ``cum_revenue_share`` ("the best two tiers are 30 % of customers and bring
    80 % of revenue"). Averages are NaN for an empty group; shares are NaN when
    there are no customers or total revenue is not positive. Missing measures
    count as 0.
    """
    codes, cats = codes_and_categories(scored[by])
    return summary_frame(codes, cats, by, clean(float_column(scored, REVENUE)),
                         clean(float_column(scored, "frequency")),
                         clean(float_column(scored, "recency_days")))


def pareto(scored: pd.DataFrame, *, by: str = REVENUE, points: int = 101) -> pd.DataFrame:
    """The Pareto curve: cumulative share of customers vs cumulative share of revenue.

    Parameters
    ----------
    scored : a view with ``monetary_total`` (and ``by``).
    by : order customers by this column, highest first: ``monetary_total``
        (the classic curve, independent of the sliders, so cache it) or
        ``value_score`` (how much revenue the best-valued customers bring;
        changes with the weights). Ties keep view order.
    points : number of evenly spaced customer shares from 0 to 1.

    Returns
    -------
    DataFrame with ``customer_share`` and ``revenue_share`` (``points`` rows;
    revenue share NaN when total revenue is not positive; it may exceed 1
    before the end when some customers have net refunds).
    """
    revenue = np.nan_to_num(float_column(scored, REVENUE))
    n = len(revenue)
    if by == REVENUE:
        ordered = -np.sort(-revenue)
    else:
        key = np.nan_to_num(float_column(scored, by), nan=-np.inf)
        ordered = revenue[np.argsort(-key, kind="stable")]
    cum = np.concatenate([[0.0], np.cumsum(ordered)])
    grid = np.linspace(0.0, 1.0, points)
    taken = np.floor(grid * n + 0.5).astype(np.int64)
    total = cum[-1]
    share = cum[taken] / total if total > 0 else np.full(points, np.nan)
    return pd.DataFrame({"customer_share": grid, "revenue_share": share})


def top_share(scored: pd.DataFrame, pct: float, *, by: str = REVENUE) -> float:
    """Share of revenue brought by the top ``pct`` (0..1) of customers ordered by ``by``.

    The top ``round(pct x n)`` customers (at least one when ``pct > 0``). NaN
    without customers or without positive total revenue.
    """
    if not 0 <= pct <= 1:
        raise ValueError(f"pct must be between 0 and 1, got {pct!r}")
    revenue = np.nan_to_num(float_column(scored, REVENUE))
    n = len(revenue)
    total = revenue.sum()
    if n == 0 or total <= 0:
        return float("nan")
    k = int(math.floor(pct * n + 0.5))
    if pct > 0:
        k = max(k, 1)
    if k == 0:
        return 0.0
    if by == REVENUE:
        top = np.partition(revenue, n - k)[n - k:].sum()
    else:
        key = np.nan_to_num(float_column(scored, by), nan=-np.inf)
        top = revenue[np.argsort(-key, kind="stable")[:k]].sum()
    return float(top / total)


def available_breakdowns(scored: pd.DataFrame) -> list[str]:
    """The :data:`BREAKDOWN_COLUMNS` present in ``scored`` with at least one value."""
    return [c for c in BREAKDOWN_COLUMNS if c in scored.columns and scored[c].notna().any()]


def mix_frame(g_codes: np.ndarray, groups: list, by: str, t_codes: np.ndarray, tiers: list,
              tier: str, revenue: np.ndarray) -> pd.DataFrame:
    ok = (g_codes >= 0) & (t_codes >= 0)
    every = bool(ok.all())
    k, m = len(tiers), len(groups)
    cell = g_codes.astype(np.int64) * k + t_codes
    if not every:
        cell, revenue = cell[ok], revenue[ok]
    customers = np.bincount(cell, minlength=m * k)[: m * k].reshape(m, k)
    money = np.bincount(cell, weights=revenue, minlength=m * k)[: m * k].reshape(m, k)
    g_n = customers.sum(axis=1, keepdims=True)
    g_rev = money.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(g_n > 0, customers / g_n, np.nan)
        rev_share = np.where(g_rev > 0, money / g_rev, np.nan)
    return pd.DataFrame({
        by: np.repeat(np.asarray(groups, dtype=object), k),
        tier: pd.Categorical.from_codes(np.tile(np.arange(k), m), categories=tiers),
        "customers": customers.ravel().astype(np.int64),
        "share": share.ravel(),
        "revenue": money.ravel(),
        "revenue_share": rev_share.ravel(),
    })


def tier_mix(scored: pd.DataFrame, by: str, *, tier: str = "tier") -> pd.DataFrame:
    """The tier mix per group (branch, region, customer_type, area_type, frequency_class).

    :meth:`TierResult.mix` gives the same frame faster (the groups of the view
    are factorised once per view).

    Parameters
    ----------
    scored : a scored view with ``by``, ``tier`` and ``monetary_total``.
    by : grouping column; customers without a value are left out.
    tier : the tier column (``rfm_segment`` works too).

    Returns
    -------
    Long DataFrame, one row per (group, tier) including zeros, groups in text
    order (categorical order for categoricals), tiers in tier order: ``by``,
    ``tier`` (categorical), ``customers``, ``share`` (of the group's
    customers), ``revenue``, ``revenue_share`` (of the group's revenue, NaN
    when not positive).
    """
    if by not in scored.columns:
        raise ValueError(f"no {by!r} column to break the tiers down by")
    g_codes, groups = codes_and_categories(scored[by])
    t_codes, tiers = codes_and_categories(scored[tier])
    return mix_frame(g_codes, groups, by, t_codes, tiers, tier,
                     clean(float_column(scored, REVENUE)))


def grid_frame(cells: np.ndarray, revenue: np.ndarray, segments: np.ndarray) -> pd.DataFrame:
    customers = np.bincount(cells, minlength=25).astype(np.int64)
    money = np.bincount(cells, weights=revenue, minlength=25)
    n, total = customers.sum(), money.sum()
    return pd.DataFrame({
        "r_score": np.repeat(np.arange(1, 6), 5),
        "f_score": np.tile(np.arange(1, 6), 5),
        "segment": segments,
        "customers": customers,
        "revenue": money,
        "customer_share": customers / n if n else np.full(25, np.nan),
        "revenue_share": money / total if total > 0 else np.full(25, np.nan),
    })


def rfm_grid(scored: pd.DataFrame,
             rules: pd.DataFrame | Sequence[Mapping[str, Any]] | TierSettings = RFM_SEGMENT_RULES
             ) -> pd.DataFrame:
    """Customers and revenue per R x F cell with the cell's segment (for the heatmap).

    Returns
    -------
    DataFrame of 25 rows (r 1..5 x f 1..5): ``r_score``, ``f_score``,
    ``segment``, ``customers``, ``revenue``, ``customer_share``,
    ``revenue_share``. ``.pivot(index="r_score", columns="f_score",
    values="customers")`` gives the heatmap matrix.
    """
    if isinstance(rules, TierSettings):
        rules = rules.rfm_rules
    r = np.clip(scored["r_score"].to_numpy(dtype="int64"), 1, 5)
    f = np.clip(scored["f_score"].to_numpy(dtype="int64"), 1, 5)
    return grid_frame((r - 1) * 5 + (f - 1), clean(float_column(scored, REVENUE)),
                      segment_grid(rules).to_numpy().ravel())


# --------------------------------------------------------------------------- what-if


def rfm_grid_text(grid: pd.DataFrame, value: str = "customers",
                  lang: str = i18n.DEFAULT_LANG) -> list[list[str]]:
    """Cell texts of the RFM heatmap from :func:`rfm_grid`: rows r 1..5, columns f 1..5.

    Each text is the segment's name and the cell's ``customers`` (a count) or
    ``revenue`` (money), separated by ``<br>``.
    """
    pivot = grid.pivot(index="r_score", columns="f_score").sort_index()
    def fmt(v: float, lang: str) -> str:
        return formatting.number(v, lang) if value == "customers" else \
            formatting.compact(v, lang, money=True)

    return [[f"{segment_label(pivot.loc[r, ('segment', f)], lang)}<br>"
             f"{fmt(pivot.loc[r, (value, f)], lang)}" for f in pivot["segment"].columns]
            for r in pivot.index]
