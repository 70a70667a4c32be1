"""Headline figures, monthly trends, group comparisons and score-drop alerts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .data import SatisfactionData, period_rows
from .indices import (
    adjusted_index,
    finish_estimates,
    index_estimates,
    mean_interval,
    score_counts,
    z_value,
)
from .scales import CURRENT, PREVIOUS

# --------------------------------------------------------------------------- headline & trends


def headline(data: SatisfactionData, *, period_days: int = 90, sla_days: int = 7,
             confidence: float = 0.95) -> pd.DataFrame:
    """Headline figures of the current period ``(as_of - P, as_of]`` and the one before.

    Returns
    -------
    DataFrame indexed by metric with ``current``, ``previous``, ``lo``, ``hi``
    (interval of ``current`` where one exists). Metrics: ``index`` (CSAT / NPS),
    ``mean`` and ``responses`` (with surveys); ``complaints``, ``complaint_rate``
    (per 1,000 shipments), ``open``, ``open_past_sla`` (with complaints).
    """
    rows: dict[str, tuple[float, float, float, float]] = {}
    nan = float("nan")
    if data.has_surveys:
        now = index_estimates(period_rows(data.surveys, data.as_of, period_days), data.scale,
                              confidence=confidence).iloc[0]
        before = index_estimates(period_rows(data.surveys, data.as_of, period_days, back=1),
                                 data.scale, confidence=confidence).iloc[0]
        rows["index"] = (now["index"], before["index"], now["index_lo"], now["index_hi"])
        rows["mean"] = (now["mean"], before["mean"], now["mean_lo"], now["mean_hi"])
        rows["responses"] = (now["responses"], before["responses"], nan, nan)
    if data.has_complaints:
        cp = data.complaints
        n_now = len(period_rows(cp, data.as_of, period_days))
        n_before = len(period_rows(cp, data.as_of, period_days, back=1))
        rows["complaints"] = (n_now, n_before, nan, nan)
        rows["complaint_rate"] = (_per_1000(n_now, data.shipment_total(CURRENT)),
                                  _per_1000(n_before, data.shipment_total(PREVIOUS)), nan, nan)
        rows["open"] = (float(cp["is_open"].sum()), nan, nan, nan)
        rows["open_past_sla"] = (float((cp["age_days"] > sla_days).sum()), nan, nan, nan)
    out = pd.DataFrame.from_dict(rows, orient="index",
                                 columns=["current", "previous", "lo", "hi"]).astype("float64")
    out.index.name = "metric"
    return out


def _per_1000(count: float, shipments: float) -> float:
    return 1000.0 * count / shipments if shipments and shipments > 0 else float("nan")


def month_frame(as_of: pd.Timestamp, months: int, first: pd.Timestamp | None) -> pd.DataFrame:
    last = as_of.to_period("M")
    periods = pd.period_range(last - (months - 1), last, freq="M")
    out = pd.DataFrame({"month": periods.to_timestamp()})
    out["partial"] = (periods == last) & (as_of != as_of + pd.offsets.MonthEnd(0))
    if first is not None and pd.notna(first):
        out = out[out["month"] >= first.to_period("M").to_timestamp()]
    return out.reset_index(drop=True)


def survey_trend(data: SatisfactionData, *, months: int = 24, by: str | None = None,
                 confidence: float = 0.95) -> pd.DataFrame:
    """Monthly CSAT / NPS and mean score with intervals and response counts.

    Returns
    -------
    DataFrame with ``month`` (first day), ``by`` (when given), ``responses``
    (0 for a month without answers), ``mean``, ``mean_lo``, ``mean_hi``,
    ``index``, ``index_lo``, ``index_hi`` and ``partial`` (the month of
    ``as_of`` when it is not the month's last day), from the first month with
    answers; one row per month (and group seen in the data).
    """
    sv = data.surveys
    frame = sv.assign(month=sv["date"].dt.to_period("M").dt.to_timestamp())
    keys = ["month"] if by is None else ["month", by]
    est = index_estimates(frame, data.scale, by=keys, confidence=confidence).reset_index()
    months_f = month_frame(data.as_of, months, sv["date"].min() if len(sv) else None)
    if by is None:
        grid = months_f
    else:
        groups = pd.DataFrame({by: sorted(frame[by].dropna().unique())})
        grid = months_f.merge(groups, how="cross")
    out = grid.merge(est, on=keys, how="left")
    out["responses"] = out["responses"].fillna(0).astype("int64")
    return out


def dimension_trend(data: SatisfactionData, *, months: int = 24,
                    confidence: float = 0.95) -> pd.DataFrame:
    """Monthly mean of the overall score and of each dimension with its t interval.

    Returns
    -------
    Long DataFrame: ``month``, ``dimension`` (``score`` first, then the
    dimensions), ``responses``, ``mean``, ``lo``, ``hi``, ``partial``.
    """
    sv = data.surveys
    months_f = month_frame(data.as_of, months, sv["date"].min() if len(sv) else None)
    month = sv["date"].dt.to_period("M").dt.to_timestamp()
    parts = []
    for dim in ("score", *data.dimensions):
        values = pd.to_numeric(sv[dim], errors="coerce")
        g = values.groupby(month.to_numpy()).agg(["count", "mean", "std"])
        g.index.name = "month"
        g = months_f.merge(g.reset_index(), on="month", how="left")
        lo, hi = mean_interval(g["mean"], g["std"], g["count"].fillna(0),
                               confidence=confidence)
        parts.append(pd.DataFrame({
            "month": g["month"], "dimension": dim,
            "responses": g["count"].fillna(0).astype("int64"),
            "mean": g["mean"].astype("float64"), "lo": lo, "hi": hi, "partial": g["partial"],
        }))
    return pd.concat(parts, ignore_index=True)


def compare_groups(data: SatisfactionData, by: str, *, period_days: int = 90,
                   baseline_periods: int = 2, min_responses: int = 10,
                   confidence: float = 0.95) -> pd.DataFrame:
    """CSAT / NPS per group now and in the baseline, with the drop test of the module doc.

    Parameters
    ----------
    data : the (selected) data.
    by : a group column (``tier``, ``region``, ``branch``, ``customer_type`` …).
    period_days : P, the length of the current period.
    baseline_periods : the baseline is the ``baseline_periods · P`` days before it.
    min_responses : answers needed in each of the two for an alert.
    confidence : of the intervals and of the test (``z`` two-sided).

    Returns
    -------
    DataFrame indexed by the group with ``responses``, ``index``, ``index_lo``,
    ``index_hi``, ``mean`` (current period), ``baseline_responses``,
    ``baseline_index``, ``change`` (index now - baseline), ``margin`` (the drop
    the noise allows), ``alert`` (bool) and one column per dimension (its mean
    now). Groups without an answer in either period are absent; sorted by
    ``index``, lowest first.
    """
    sv = data.surveys
    if by not in sv.columns or sv[by].isna().all():
        return pd.DataFrame()
    now = period_rows(sv, data.as_of, period_days)
    base = period_rows(sv, data.as_of, period_days, back=1, length=baseline_periods)
    c_now, c_base = score_counts(now, data.scale, [by]), score_counts(base, data.scale, [by])
    groups = c_now.index.union(c_base.index)
    c_now = c_now.reindex(groups, fill_value=0)
    c_base = c_base.reindex(groups, fill_value=0)
    out = finish_estimates(c_now, data.scale, confidence)[
        ["responses", "index", "index_lo", "index_hi", "mean"]]
    base_est = finish_estimates(c_base, data.scale, confidence)
    out["baseline_responses"] = base_est["responses"]
    out["baseline_index"] = base_est["index"]
    out["change"] = out["index"] - out["baseline_index"]
    adj_now, v_now = adjusted_index(c_now, data.scale)
    adj_base, v_base = adjusted_index(c_base, data.scale)
    out["margin"] = z_value(confidence) * np.sqrt(v_now + v_base)
    enough = (out["responses"] >= min_responses) & (out["baseline_responses"] >= min_responses)
    out["alert"] = (enough & ((adj_now - adj_base) < -out["margin"])).astype(bool)
    if data.dimensions and len(now):
        out = out.join(now.groupby(by, observed=True)[list(data.dimensions)].mean())
    out.index.name = by
    return out.sort_values(["index", "responses"], ascending=[True, False], na_position="last")


def score_alerts(data: SatisfactionData, by: Sequence[str] = ("branch", "tier", "region",
                                                              "customer_type"), **kwargs
                 ) -> pd.DataFrame:
    """Groups whose CSAT / NPS fell by more than the noise allows (:func:`compare_groups`).

    Returns
    -------
    DataFrame with ``grouping`` (the column), ``group`` (its value),
    ``responses``, ``index``, ``baseline_responses``, ``baseline_index``,
    ``change``, ``margin``; largest drop first. Empty when nothing fell.
    """
    parts = []
    for column in by:
        if data.surveys is None or column not in data.surveys.columns:
            continue
        cmp = compare_groups(data, column, **kwargs)
        if cmp.empty:
            continue
        hit = cmp[cmp["alert"]]
        parts.append(pd.DataFrame({
            "grouping": column, "group": hit.index.astype(str),
            **{c: hit[c].to_numpy() for c in ("responses", "index", "baseline_responses",
                                              "baseline_index", "change", "margin")},
        }))
    cols = ["grouping", "group", "responses", "index", "baseline_responses",
            "baseline_index", "change", "margin"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values("change", kind="stable").reset_index(drop=True)[cols]
