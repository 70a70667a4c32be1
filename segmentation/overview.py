"""Headline figures, monthly trends and breakdowns for the overview page.

Transactions and surveys are reduced *inside the database* to daily cubes
(one row per day x branch x customer attributes), so that filters and period
comparisons are cheap pandas work on a few thousand rows, whatever the number
of transactions. Customer counts (not additive across cube cells) come from the
customer view instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .access import Scope
from .filters import FILTER_COLUMNS, Filters, apply_filters
from .scoping import is_limited, scope_tables
from .sql import TableNames, day_of, find_tables, is_purchase

CUBE_KEYS: tuple[str, ...] = ("day",) + FILTER_COLUMNS


def _tables(engine: sa.Engine | sa.Connection, table_names: TableNames | None,
            scope: Scope | None = None):
    return scope_tables(find_tables(engine, table_names), scope)


def _in_scope(cube: pd.DataFrame, scope: Scope | None) -> pd.DataFrame:
    """Cube rows whose branch / region key is in ``scope`` (rows without one are out)."""
    if not is_limited(scope):
        return cube
    return scope.apply(cube).reset_index(drop=True)


def _grouped_cube(fact, tables, *, as_of: date, measures) -> sa.Select:
    cust = tables.get("customers")
    day = day_of(fact.c.date).label("day")
    keys = [day]
    source = fact
    if cust is not None:
        source = fact.outerjoin(cust, fact.c.customer_id == cust.c.customer_id)
    for column in FILTER_COLUMNS:
        expr = None
        if cust is not None and column in cust.c:
            expr = cust.c[column]
            if column in fact.c:
                expr = sa.func.coalesce(cust.c[column], fact.c[column])
        elif column in fact.c:
            expr = fact.c[column]
        if expr is not None:
            keys.append(expr.label(column))
    query = (sa.select(*keys, *measures).select_from(source)
             .where(day_of(fact.c.date) <= sa.bindparam("as_of", as_of, sa.Date))
             .group_by(*[k.element if hasattr(k, "element") else k for k in keys]))
    return query


def activity_cube_query(engine: sa.Engine | sa.Connection, *, as_of: date,
                        table_names: TableNames | None = None,
                        scope: Scope | None = None) -> sa.Select:
    """SQL for the daily activity cube (see :func:`activity_cube`)."""
    tables = _tables(engine, table_names, scope)
    tx = tables["transactions"]
    positive = sa.case((is_purchase(tx.c.amount), 1), else_=0)
    measures = [sa.func.sum(positive).label("shipments"),
                sa.func.sum(tx.c.amount).label("revenue")]
    return _grouped_cube(tx, tables, as_of=as_of, measures=measures)


def activity_cube(engine: sa.Engine, *, as_of: date | pd.Timestamp,
                  table_names: TableNames | None = None,
                  scope: Scope | None = None) -> pd.DataFrame:
    """Transactions up to ``as_of`` per day and customer attributes.

    ``scope`` (see :mod:`segmentation.scoping`): only the transactions of the
    customers who may be in it are read (a ``WHERE`` in the query), and only
    the cube rows whose branch / region is in it are kept.

    Returns
    -------
    DataFrame with ``day`` (datetime64), the filter columns the data has
    (``branch``, ``region``, ``customer_type``, ``area_type``: the customer's
    attribute from the customers table, else the transaction's branch),
    ``shipments`` (transactions with a positive amount) and ``revenue``
    (net: refunds included), one row per distinct key.
    """
    as_of = pd.Timestamp(as_of).date()
    query = activity_cube_query(engine, as_of=as_of, table_names=table_names, scope=scope)
    with engine.connect() as conn:
        cube = pd.DataFrame(conn.execute(query).mappings().all())
    return _in_scope(_typed_cube(cube, ("shipments", "revenue")), scope)


def survey_cube(engine: sa.Engine, *, as_of: date | pd.Timestamp,
                table_names: TableNames | None = None,
                scope: Scope | None = None) -> pd.DataFrame | None:
    """Survey responses per day and customer attributes: ``responses``, ``score_sum``.

    ``None`` when there is no surveys table. ``scope`` as in :func:`activity_cube`;
    answers without a customer (and without a branch of their own) are in no
    limited scope.
    """
    query = survey_cube_query(engine, as_of=pd.Timestamp(as_of).date(),
                              table_names=table_names, scope=scope)
    if query is None:
        return None
    with engine.connect() as conn:
        cube = pd.DataFrame(conn.execute(query).mappings().all())
    return _in_scope(_typed_cube(cube, ("responses", "score_sum")), scope)


def survey_cube_query(engine: sa.Engine | sa.Connection, *, as_of: date,
                      table_names: TableNames | None = None,
                      scope: Scope | None = None) -> sa.Select | None:
    """SQL for the daily survey cube (see :func:`survey_cube`); ``None`` without surveys."""
    tables = _tables(engine, table_names, scope)
    sv = tables.get("surveys")
    if sv is None:
        return None
    if "customer_id" not in sv.c:
        tables = {k: v for k, v in tables.items() if k != "customers"}
    measures = [sa.func.count(sv.c.score).label("responses"),
                sa.func.sum(sv.c.score).label("score_sum")]
    return _grouped_cube(sv, tables, as_of=as_of, measures=measures)


def _typed_cube(cube: pd.DataFrame, measures) -> pd.DataFrame:
    if cube.empty:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"),
                             **{m: pd.Series(dtype="float64") for m in measures}})
    cube["day"] = pd.to_datetime(cube["day"]).astype("datetime64[ns]")
    for m in measures:
        cube[m] = pd.to_numeric(cube[m]).astype("float64")
    for col in FILTER_COLUMNS:
        if col in cube.columns:
            cube[col] = cube[col].astype("string")
    return cube


def _window(cube: pd.DataFrame, as_of: pd.Timestamp, days: int, back: int = 0) -> pd.DataFrame:
    end = as_of - pd.Timedelta(days=days * back)
    start = end - pd.Timedelta(days=days)
    return cube[(cube["day"] > start) & (cube["day"] <= end)]


def headline(view: pd.DataFrame, activity: pd.DataFrame, surveys: pd.DataFrame | None, *,
             as_of: date | pd.Timestamp, period_days: int = 90,
             filters: Filters | None = None) -> pd.DataFrame:
    """Headline figures for the current period and the one before it.

    The current period is ``(as_of - period_days, as_of]``, the previous one the
    ``period_days`` before it. ``view`` must be built with ``window_days ==
    period_days`` (its ``frequency_recent`` / ``frequency_prior`` columns).

    Returns
    -------
    DataFrame indexed by metric (``customers``, ``active_customers``,
    ``revenue``, ``shipments``, ``avg_satisfaction``) with columns ``current``,
    ``previous`` and ``change`` (relative change; NaN when previous is 0 or NaN).
    """
    as_of = pd.Timestamp(as_of)
    v = apply_filters(view, filters)
    act = apply_filters(activity, filters)
    now, before = _window(act, as_of, period_days), _window(act, as_of, period_days, back=1)
    rows = {
        "customers": (len(v), float(((v["tenure_days"] >= period_days)).sum())
                      if "tenure_days" in v else np.nan),
        "active_customers": (float((v["frequency_recent"] > 0).sum()),
                             float((v["frequency_prior"] > 0).sum())),
        "revenue": (now["revenue"].sum(), before["revenue"].sum()),
        "shipments": (now["shipments"].sum(), before["shipments"].sum()),
    }
    if surveys is not None:
        sv = apply_filters(surveys, filters)
        s_now, s_before = _window(sv, as_of, period_days), _window(sv, as_of, period_days, 1)
        rows["avg_satisfaction"] = (_ratio(s_now["score_sum"].sum(), s_now["responses"].sum()),
                                    _ratio(s_before["score_sum"].sum(),
                                           s_before["responses"].sum()))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["current", "previous"])
    out = out.astype("float64")
    out["change"] = np.where(out["previous"] > 0, out["current"] / out["previous"] - 1, np.nan)
    out.index.name = "metric"
    return out


def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def monthly_trend(activity: pd.DataFrame, surveys: pd.DataFrame | None = None, *,
                  as_of: date | pd.Timestamp, months: int = 24,
                  filters: Filters | None = None) -> pd.DataFrame:
    """Shipments, revenue (and average satisfaction) per calendar month.

    Returns
    -------
    DataFrame with ``month`` (first day, datetime64), ``shipments``,
    ``revenue``, ``avg_satisfaction`` (when surveys are given) and ``partial``
    (True for the month of ``as_of`` when ``as_of`` is not its last day), for
    the last ``months`` months up to ``as_of``.
    """
    as_of = pd.Timestamp(as_of)
    act = apply_filters(activity, filters)
    month = act["day"].dt.to_period("M")
    out = act.groupby(month)[["shipments", "revenue"]].sum()
    if surveys is not None:
        sv = apply_filters(surveys, filters)
        s = sv.groupby(sv["day"].dt.to_period("M"))[["score_sum", "responses"]].sum()
        out = out.join(s, how="outer")
        out["avg_satisfaction"] = out["score_sum"] / out["responses"].where(out["responses"] > 0)
        out = out.drop(columns=["score_sum", "responses"])
    last = as_of.to_period("M")
    full = pd.period_range(last - (months - 1), last, freq="M")
    out = out.reindex(full)
    out[["shipments", "revenue"]] = out[["shipments", "revenue"]].fillna(0.0)
    out.index.name = "month"
    out = out.reset_index()
    out["partial"] = (out["month"] == last) & (as_of != as_of + pd.offsets.MonthEnd(0))
    out["month"] = out["month"].dt.to_timestamp()
    first = act["day"].min()
    if pd.notna(first):
        out = out[out["month"] >= first.to_period("M").to_timestamp()]
    return out.reset_index(drop=True)


def breakdown(view: pd.DataFrame, activity: pd.DataFrame, *, by: str,
              as_of: date | pd.Timestamp, period_days: int = 90,
              filters: Filters | None = None) -> pd.DataFrame:
    """Per ``region`` or ``branch``: customers, active customers, revenue and its change.

    Returns
    -------
    DataFrame indexed by ``by`` with ``customers``, ``active_customers``,
    ``revenue`` (current period), ``revenue_previous``, ``revenue_change``,
    ``shipments`` and ``avg_satisfaction`` (customer mean, where known), sorted
    by revenue, highest first. Empty when the data has no ``by`` column.
    """
    as_of = pd.Timestamp(as_of)
    v = apply_filters(view, filters)
    act = apply_filters(activity, filters)
    if by not in v.columns or by not in act.columns:
        return pd.DataFrame()
    per_customer = v.groupby(by, observed=True).agg(
        customers=("frequency", "size"),
        active_customers=("frequency_recent", lambda s: int((s > 0).sum())),
    )
    if "satisfaction_avg" in v.columns:
        per_customer["avg_satisfaction"] = v.groupby(by, observed=True)["satisfaction_avg"].mean()
    return breakdown_of(per_customer, act, by=by, as_of=as_of, period_days=period_days)


def breakdown_of(per_customer: pd.DataFrame, activity: pd.DataFrame, *, by: str,
                 as_of: date | pd.Timestamp, period_days: int = 90) -> pd.DataFrame:
    """:func:`breakdown` from customer counts already grouped by ``by`` (``customers``,
    ``active_customers``, optionally ``avg_satisfaction``; counted in the engine for a
    network too large to fetch, see :mod:`segmentation.bignet`) and the cube rows of
    the same customers (filters applied)."""
    as_of, act = pd.Timestamp(as_of), activity
    if by not in act.columns:
        return pd.DataFrame()
    now = _window(act, as_of, period_days).groupby(by)[["revenue", "shipments"]].sum()
    before = _window(act, as_of, period_days, back=1).groupby(by)["revenue"].sum()
    out = per_customer.join(now, how="outer")
    out["revenue_previous"] = before
    out[["revenue", "shipments", "revenue_previous"]] = out[
        ["revenue", "shipments", "revenue_previous"]].fillna(0.0)
    out["revenue_change"] = np.where(out["revenue_previous"] > 0,
                                     out["revenue"] / out["revenue_previous"] - 1, np.nan)
    out[["customers", "active_customers"]] = out[["customers", "active_customers"]].fillna(0)
    out.index.name = by
    return out.sort_values("revenue", ascending=False)


@dataclass(frozen=True)
class OverviewFigures:
    """Everything the Overview computes from the customer view and the cubes: the
    headline (:func:`headline`), the monthly trend (:func:`monthly_trend`) and the
    region and branch breakdowns (:func:`breakdown`)."""

    headline: pd.DataFrame
    trend: pd.DataFrame
    regions: pd.DataFrame
    branches: pd.DataFrame


def overview_figures(view: pd.DataFrame, activity: pd.DataFrame,
                     surveys: pd.DataFrame | None, *, as_of: date | pd.Timestamp,
                     period_days: int = 90, filters: Filters | None = None) -> OverviewFigures:
    """The Overview's figures of the customers of ``view`` (already filtered) and of the
    cubes cut by ``filters``, in one call (the app caches the result per key)."""
    kwargs = {"as_of": as_of, "filters": filters}
    return OverviewFigures(
        headline=headline(view, activity, surveys, period_days=period_days, **kwargs),
        trend=monthly_trend(activity, surveys, **kwargs),
        regions=breakdown(view, activity, by="region", period_days=period_days, **kwargs),
        branches=breakdown(view, activity, by="branch", period_days=period_days, **kwargs))
