"""Lifecycle stages at each month end and the flows between months."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..sql import (
    as_text,
    connected,
    day_of,
    fetch,
    is_purchase,
    resolve_tables,
    transactions_source,
)
from .defaults import (
    HORIZON_OPTIONS,
    check_horizon,
    default_horizon,
    default_lost_after,
    resolve_as_of,
)
from .signals import days_since_purchase

#: Lifecycle stages, in display order.
STAGES: tuple[str, ...] = ("new", "active", "reactivated", "at_risk", "lapsed")
#: ``from_stage`` of a flow for customers who had not bought yet at the previous month end.
NOT_YET = "not_yet"


@dataclass(frozen=True)
class Lifecycle:
    """Lifecycle stages over the last months.

    Attributes
    ----------
    counts : DataFrame, one row per month end (index ``month_end``, the last
        one is ``as_of``), one ``int64`` column per stage of :data:`STAGES`;
        each row sums to the customers with a purchase on or before that day.
    flows : DataFrame with ``month_end`` (the later month), ``from_stage``
        (:data:`STAGES` or ``"not_yet"``), ``to_stage`` and ``customers``:
        how many customers moved between the previous month end and this one.
    current : the stage of every known customer at ``as_of`` (``str``,
        indexed by ``customer_id``).
    lost_after_days, overdue_factor, typical_interval_days : the settings used.
    """

    counts: pd.DataFrame
    flows: pd.DataFrame
    current: pd.Series
    lost_after_days: int
    overdue_factor: float
    typical_interval_days: float

    def latest_flows(self) -> tuple[pd.Timestamp, pd.Timestamp, pd.DataFrame]:
        """The flows into the last month end: ``(previous month end, last, flows)`` (the
        previous one is the last itself when there is a single month)."""
        last = self.flows["month_end"].max()
        ends = sorted(self.flows["month_end"].unique())
        start = ends[-2] if len(ends) > 1 else last
        return (pd.Timestamp(start), pd.Timestamp(last),
                self.flows[self.flows["month_end"] == last])


def is_lost(recency_days, lost_after_days: float) -> np.ndarray:
    """The one definition of a *lost* customer: no purchase for more than
    ``lost_after_days`` (the Churn page's "already lost", the lifecycle's "lapsed", the
    Tiers page's "stopped shipping").

    Parameters
    ----------
    recency_days : days since the last purchase, per customer (array-like; NaN = never
        bought, not lost).
    lost_after_days : the cutoff (:func:`default_lost_after` or the user's choice).

    Returns
    -------
    bool array, one per customer.
    """
    days = pd.to_numeric(pd.Series(recency_days, copy=False)).to_numpy(
        dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        return days > float(lost_after_days)


def lost_customers(view: pd.DataFrame, lost_after_days: float) -> pd.Series:
    """Who is lost at the view's ``as_of``: :func:`is_lost` of the days since the last
    purchase (:func:`days_since_purchase`, as the churn scores count them).

    Parameters
    ----------
    view : customer view (:func:`segmentation.features.customer_view`) with
        ``last_purchase_date``, ``recency_days`` and ``attrs["as_of"]``.
    lost_after_days : the cutoff.

    Returns
    -------
    Series of ``bool`` indexed like ``view``, named ``lost``.
    """
    return pd.Series(is_lost(days_since_purchase(view), lost_after_days), index=view.index,
                     name="lost")


def _month_ends(as_of: pd.Timestamp, count: int) -> list[pd.Timestamp]:
    """``count`` evaluation days, oldest first: month ends before ``as_of``, then ``as_of``."""
    current = as_of.to_period("M")
    ends = [(current - i).to_timestamp(how="end").normalize() for i in range(count - 1, 0, -1)]
    return [*ends, as_of]


def lifecycle_stages(bind: sa.Engine | sa.Connection, *, as_of=None, months: int = 12,
                     horizon_days: int | None = None, lost_after_days: int | None = None,
                     overdue_factor: float = 2.0,
                     table_names: Mapping[str, str] | None = None,
                     customers: Iterable[str] | None = None) -> Lifecycle:
    """Each customer's stage at each month end, the counts and the flows between months.

    Stages at a month end ``e`` (for customers whose first purchase is on or
    before ``e``), the first that applies:

    - **new**: the first purchase falls in the month (after the previous month end);
    - **reactivated**: bought in the month after more than ``lost_after_days``
      without a purchase;
    - **lapsed**: no purchase for more than ``lost_after_days``;
    - **at risk**: no purchase for more than ``overdue_factor`` times the usual
      interval (as in :func:`churn_signals`: own gaps with one typical gap mixed in);
    - **active**: everyone else.

    One query reads, per customer and month bucket (the months in the window
    and one bucket for everything before), the first and last purchase day and
    the number of purchase days: at most ``months + 2`` rows per customer,
    computed inside the database (bucketed with bound dates, so portable).

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day (default: the last transaction day); the months are
        the ``months`` calendar months ending with the one holding ``as_of``,
        the last one cut at ``as_of``.
    months : number of month ends reported (flows come from the month end before).
    horizon_days : used only for the default ``lost_after_days``.
    lost_after_days : default :func:`default_lost_after` at ``as_of`` with
        ``horizon_days`` (itself defaulting to :func:`default_horizon`).
    overdue_factor : the "at risk" multiple of the usual interval.
    table_names : canonical table -> actual name.
    customers : count only these customer ids (e.g. the customers of a user's
        scope). Stages, the usual interval and the default ``lost_after_days``
        are still those of all customers (network-wide), so a customer's stage
        does not depend on who looks. ``None``: everyone.

    Returns
    -------
    Lifecycle
    """
    if int(months) != months or months < 1:
        raise ValueError(f"months must be a positive whole number, got {months!r}")
    day = resolve_as_of(bind, as_of, table_names)
    # two extra month ends before the reported ones: the first is where the
    # history bucket ends, the second is the "from" side of the first flow
    ends = _month_ends(day, int(months) + 2)
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        cid, date = tx.c("customer_id"), tx.c("date")
        pday = day_of(date)
        whens = [(date < sa.bindparam(f"b{i}", (e + pd.Timedelta(days=1)).date(),
                                      type_=sa.Date()), i) for i, e in enumerate(ends)]
        bucket = sa.case(*whens, else_=len(ends)).label("bucket")
        end = sa.bindparam("end_excl", (day + pd.Timedelta(days=1)).date(), type_=sa.Date())
        query = (sa.select(cid.label("customer_id"), bucket,
                           sa.func.min(pday).label("first_day"),
                           sa.func.max(pday).label("last_day"),
                           sa.func.count(sa.distinct(pday)).label("days"))
                 .select_from(tx.table)
                 .where(date < end, is_purchase(tx.c("amount")), cid.is_not(None))
                 .group_by(cid, bucket))
        raw = fetch(conn, query)
    ids, cust = np.unique(as_text(raw["customer_id"]).to_numpy(dtype=object).astype(str),
                          return_inverse=True)
    n, m = len(ids), len(ends)
    b = raw["bucket"].to_numpy(dtype="int64")
    day_unit = np.timedelta64(1, "D")
    base = np.datetime64("1970-01-01", "ns")
    first_day = (pd.to_datetime(raw["first_day"]).to_numpy("datetime64[ns]") - base) / day_unit
    last_day = (pd.to_datetime(raw["last_day"]).to_numpy("datetime64[ns]") - base) / day_unit
    n_days = raw["days"].to_numpy(dtype="int64")
    grid_first = np.full((n, m), np.nan)
    grid_last = np.full((n, m), np.nan)
    grid_days = np.zeros((n, m), dtype="int64")
    grid_first[cust, b] = first_day
    grid_last[cust, b] = last_day
    grid_days[cust, b] = n_days
    end_days = np.array([(e.to_datetime64() - base) / day_unit for e in ends])
    # cumulative state at each month end
    first_purchase = np.fmin.accumulate(grid_first, axis=1)
    last_purchase = np.fmax.accumulate(grid_last, axis=1)
    freq = np.cumsum(grid_days, axis=1)
    # usual interval and defaults at as_of (the last column)
    span_now = last_purchase[:, -1] - first_purchase[:, -1]
    repeat = freq[:, -1] >= 2
    intervals = span_now[repeat] / (freq[repeat, -1] - 1)
    typical = float(np.median(intervals)) if len(intervals) else float(HORIZON_OPTIONS[-1])
    if lost_after_days is None:
        stats = pd.DataFrame({"frequency": freq[:, -1],
                              "avg_interval_days": np.where(repeat, span_now / np.maximum(
                                  freq[:, -1] - 1, 1), np.nan)})
        h = default_horizon(stats) if horizon_days is None else check_horizon(horizon_days)
        lost_after_days = default_lost_after(stats, h)
    lost_after = int(lost_after_days)
    known = np.isfinite(first_purchase)
    recency = end_days[None, :] - last_purchase
    usual = (np.nan_to_num(last_purchase - first_purchase) + typical) / np.maximum(freq, 1)
    # gap before the first purchase in each month: from the last purchase before the month
    prev_last = np.full((n, m), np.nan)
    prev_last[:, 1:] = last_purchase[:, :-1]
    gap = grid_first - prev_last
    bought = grid_days > 0
    new = known & bought & ~np.isfinite(prev_last)
    reactivated = bought & (gap > lost_after)
    lapsed = known & is_lost(recency.ravel(), lost_after).reshape(recency.shape)
    at_risk = known & (recency > overdue_factor * usual)
    codes = np.full((n, m), -1, dtype=np.int8)  # -1 = not yet a customer
    stage_index = {s: i for i, s in enumerate(STAGES)}
    for name, mask in (("active", known), ("at_risk", at_risk), ("lapsed", lapsed),
                       ("reactivated", reactivated), ("new", new)):
        codes[mask] = stage_index[name]  # later assignments win: "new" has priority
    if customers is not None:  # counted and listed: only these (stages stay network-wide)
        shown = np.isin(ids, np.asarray(list(customers), dtype=object).astype(str))
        ids, codes = ids[shown], codes[shown]
    months_index = pd.DatetimeIndex(ends[2:], name="month_end")
    counts = pd.DataFrame(
        {s: (codes[:, 2:] == i).sum(axis=0).astype("int64") for s, i in stage_index.items()},
        index=months_index)
    labels = np.array(list(STAGES) + [NOT_YET], dtype=object)
    frames = []
    for j in range(2, m):
        before = np.where(codes[:, j - 1] >= 0, codes[:, j - 1], len(STAGES))
        after = codes[:, j]
        mask = after >= 0
        pair = before[mask] * (len(STAGES) + 1) + after[mask]
        uniq, cnt = np.unique(pair, return_counts=True)
        frames.append(pd.DataFrame({
            "month_end": ends[j],
            "from_stage": labels[uniq // (len(STAGES) + 1)],
            "to_stage": labels[uniq % (len(STAGES) + 1)],
            "customers": cnt.astype("int64"),
        }))
    flows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["month_end", "from_stage", "to_stage", "customers"])
    flows["from_stage"] = flows["from_stage"].astype("str")
    flows["to_stage"] = flows["to_stage"].astype("str")
    now = codes[:, -1]
    current = pd.Series(pd.array(labels[now[now >= 0]], dtype="str"),
                        index=pd.Index(ids[now >= 0], dtype="str", name="customer_id"),
                        name="stage")
    return Lifecycle(counts=counts, flows=flows, current=current, lost_after_days=lost_after,
                     overdue_factor=float(overdue_factor), typical_interval_days=typical)
