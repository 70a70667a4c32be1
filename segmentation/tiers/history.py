"""Tier history: the tiers at consecutive month ends and the moves between them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..access import Scope
from ..churn.lifecycle import lost_customers
from ..features import customer_view
from ..scoping import is_limited
from .assignment import assign
from .constants import GONE, NEW
from .notes import Note
from .scoring import prepare_scoring
from .settings import TierSettings


def month_ends(as_of: pd.Timestamp | str, months: int = 12) -> list[pd.Timestamp]:
    """The last ``months`` month ends on or before ``as_of``, oldest first."""
    day = pd.Timestamp(as_of).normalize()
    last = day if day.is_month_end else day - pd.offsets.MonthEnd(1)
    return list(pd.date_range(end=last, periods=months, freq="ME"))


@dataclass(frozen=True, eq=False)
class TierHistory:
    """Tiers of every customer at consecutive month ends, with one set of settings.

    Attributes
    ----------
    periods : month ends, oldest first.
    tiers : DataFrame indexed by ``customer_id`` (every customer of any period,
        text order), one categorical column per period (NaN = not in that
        period's view).
    settings : the settings used.
    notes : the :class:`Note` s of each period's assignment.
    lost : like ``tiers``, ``bool``: lost at that month end (no purchase for more
        than ``lost_after_days``, :func:`segmentation.churn.lost_customers`);
        ``None`` without a cutoff.
    lost_after_days : the cutoff used, or ``None``.
    """

    periods: tuple[pd.Timestamp, ...]
    tiers: pd.DataFrame
    settings: TierSettings
    notes: Mapping[pd.Timestamp, tuple[Note, ...]]
    lost: pd.DataFrame | None = None
    lost_after_days: int | None = None


def tier_history(bind: Any, *, as_of: pd.Timestamp | str, settings: TierSettings | None = None,
                 months: int = 12,
                 view_fn: Callable[..., pd.DataFrame] = customer_view,
                 scope: Scope | None = None,
                 lost_after_days: int | None = None) -> TierHistory:
    """Tiers at each of the last ``months`` month ends (one customer view per month end).

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the analysis date; the periods are :func:`month_ends` of it.
    settings : the grading (share cuts are taken within each month's customers).
    months : number of month ends.
    view_fn : ``view_fn(bind, as_of=month_end) -> customer view``; default
        :func:`segmentation.features.customer_view`. Wrap it to apply filters.
    scope : show only the customers of this scope: tiers are still graded among
        all customers of ``view_fn`` (network-wide), then each month keeps the
        customers whose branch / region at that month end is in the scope.
    lost_after_days : also flag who is lost at each month end (the churn definition's
        cutoff, so that "stopped shipping" here means "lost" on the Churn page).

    Returns
    -------
    TierHistory

    Notes
    -----
    One aggregation per month end (12 by default): cache the result per
    dataset, analysis date, filters and settings.
    """
    settings = settings if settings is not None else TierSettings()
    periods = tuple(month_ends(as_of, months))
    columns, notes, lost = {}, {}, {}
    for day in periods:
        view = view_fn(bind, as_of=day)
        result = assign(prepare_scoring(view), settings)
        scored = scope.apply(result.scored) if is_limited(scope) else result.scored
        columns[day] = scored["tier"]
        notes[day] = result.notes
        if lost_after_days is not None:
            lost[day] = lost_customers(view, lost_after_days).reindex(
                scored.index, fill_value=False)
    index = pd.Index([], name="customer_id")
    for col in columns.values():
        index = index.union(col.index)  # sorted text order
    index.name = "customer_id"
    tiers = pd.DataFrame({day: col.reindex(index) for day, col in columns.items()}, index=index)
    flags = None if lost_after_days is None else pd.DataFrame(
        {day: col.reindex(index, fill_value=False).astype(bool) for day, col in lost.items()},
        index=index)
    return TierHistory(periods, tiers, settings, notes, flags,
                       None if lost_after_days is None else int(lost_after_days))


def _history_codes(history: TierHistory) -> list[np.ndarray]:
    return [history.tiers[p].cat.codes.to_numpy() for p in history.periods]


def movement_summary(history: TierHistory) -> pd.DataFrame:
    """Moves between consecutive month ends.

    Returns
    -------
    DataFrame, one row per consecutive pair: ``period_from``, ``period_to``,
    ``customers`` (in ``period_to``), ``stayed``, ``up`` (to a better tier),
    ``down``, ``new`` (not in ``period_from``), ``gone`` (not in ``period_to``);
    with the history's lost flags also ``lost`` (became lost in the month: no purchase
    for more than ``lost_after_days`` at ``period_to``, not yet at ``period_from``) and
    ``lost_total`` (lost at ``period_to``: the Churn page's "already lost" at that day).
    """
    codes = _history_codes(history)
    rows = []
    for i in range(1, len(codes)):
        a, b = codes[i - 1], codes[i]
        both = (a >= 0) & (b >= 0)
        rows.append({
            "period_from": history.periods[i - 1], "period_to": history.periods[i],
            "customers": int((b >= 0).sum()),
            "stayed": int((both & (a == b)).sum()),
            "up": int((both & (b < a)).sum()),
            "down": int((both & (b > a)).sum()),
            "new": int(((a < 0) & (b >= 0)).sum()),
            "gone": int(((a >= 0) & (b < 0)).sum()),
        })
        if history.lost is not None:
            was = history.lost[history.periods[i - 1]].to_numpy(dtype=bool)
            now = history.lost[history.periods[i]].to_numpy(dtype=bool)
            rows[-1].update(lost=int((now & ~was & (b >= 0)).sum()),
                            lost_total=int((now & (b >= 0)).sum()))
    columns = ["period_from", "period_to", "customers", "stayed", "up", "down", "new", "gone"]
    if history.lost is not None:
        columns += ["lost", "lost_total"]
    return pd.DataFrame(rows, columns=columns)


def history_flows(history: TierHistory) -> pd.DataFrame:
    """Sankey links between consecutive month ends.

    Returns
    -------
    DataFrame ``period_from``, ``period_to``, ``from_tier``, ``to_tier``,
    ``customers`` (non-zero only); ``from_tier`` is :data:`NEW` for customers
    not in the earlier period, ``to_tier`` :data:`GONE` for those not in the
    later one (:meth:`TierSettings.label` names both).
    """
    tiers = list(history.settings.tiers)
    k = len(tiers)
    names = [NEW, *tiers]  # code + 1
    after = [GONE, *tiers]
    codes = _history_codes(history)
    rows = []
    for i in range(1, len(codes)):
        a, b = codes[i - 1].astype(np.int64) + 1, codes[i].astype(np.int64) + 1
        counts = np.bincount(a * (k + 1) + b, minlength=(k + 1) ** 2).reshape(k + 1, k + 1)
        for x in range(k + 1):
            for y in range(k + 1):
                if counts[x, y] and (x or y):
                    rows.append((history.periods[i - 1], history.periods[i], names[x],
                                 after[y], int(counts[x, y])))
    return pd.DataFrame(rows, columns=["period_from", "period_to", "from_tier", "to_tier",
                                       "customers"])


def history_counts(history: TierHistory) -> pd.DataFrame:
    """Customers per tier at each month end (index periods, columns tiers, int64)."""
    tiers = list(history.settings.tiers)
    data = {p: np.bincount(c[c >= 0], minlength=len(tiers))
            for p, c in zip(history.periods, _history_codes(history), strict=True)}
    return pd.DataFrame.from_dict(data, orient="index", columns=tiers).rename_axis("period")


# --------------------------------------------------------------------------- playbook
