"""A network too large to fetch: what the app computes in the engine instead.

Issue 24, item 3 (the app side). When a scope holds more customers than
:func:`segmentation.sql.max_customer_rows`, no page may bring its customer view into
the app. The app then asks the engine for:

- :func:`customer_groups`: the number of customers (and of active customers) per
  combination of the sidebar's filter columns (region, branch, customer type, area type)
  in the scope: one aggregation, a few rows per branch. From it, without another query:
  the scope's size (:func:`size_of`, with or without sidebar filters), the sidebar's
  choices (:func:`segmentation.filters.filter_options` of these rows) and the Overview's
  per-region / per-branch customer counts;
- :func:`overview_in_engine`: the Overview's figures (headline from
  :func:`segmentation.pushdown.headline_in_engine`, the monthly trend and the breakdowns
  from the daily cubes, which the engine aggregates already);
- :func:`fetch_scope`: the narrowest :class:`~segmentation.access.Scope` that holds the
  customers of a scope and its sidebar filters, so that picking a region or a branch
  narrows the query (the filters become part of its ``WHERE``), not rows already fetched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pandas as pd
import sqlalchemy as sa

from .access import Scope
from .filters import FILTER_COLUMNS, Filters, apply_filters, normalize_filters
from .overview import OverviewFigures, breakdown_of, monthly_trend
from .pushdown import customer_measures, headline_in_engine, in_selection
from .sql import TableNames, connected, fetch

__all__ = ["branches_inside", "customer_groups", "fetch_scope", "fetch_size",
           "overview_in_engine", "size_of"]


def customer_groups(bind: sa.Engine | sa.Connection, *, as_of, window_days: int = 90,
                    table_names: TableNames | None = None, scope: Scope | None = None
                    ) -> pd.DataFrame:
    """Customers of ``scope`` counted in the engine per combination of the filter columns
    the data has.

    Returns
    -------
    DataFrame with the filter columns present (text; missing values kept missing),
    ``customers`` and ``active_customers`` (a purchase in the last ``window_days``), one
    row per combination: a few rows per branch travel, never one per customer.
    """
    with connected(bind) as conn:
        measures = customer_measures(conn, as_of=as_of, window_days=window_days,
                                     table_names=table_names, scope=scope)
        keys = [measures.c[c] for c in FILTER_COLUMNS if c in measures.c]
        active = sa.func.sum(sa.case((measures.c.frequency_recent > 0, 1), else_=0))
        query = (sa.select(*keys, sa.func.count().label("customers"),
                           active.label("active_customers"))
                 .select_from(measures).where(*in_selection(measures, scope, None)))
        if keys:
            query = query.group_by(*keys)
        groups = fetch(conn, query)
    for column in groups.columns:
        if column in FILTER_COLUMNS:
            groups[column] = groups[column].astype("str")
        else:
            groups[column] = pd.to_numeric(groups[column]).fillna(0).astype("int64")
    return groups[groups["customers"] > 0].reset_index(drop=True)


def _mapping(filters) -> dict:
    """Filters given as a mapping or as the normalised pairs of a key."""
    if not filters:
        return {}
    return dict(filters.items() if isinstance(filters, Mapping) else filters)


def size_of(groups: pd.DataFrame, filters=None) -> int:
    """Customers of :func:`customer_groups` rows that match ``filters`` (a mapping or the
    pairs of :func:`~segmentation.filters.normalize_filters`)."""
    return int(apply_filters(groups, _mapping(filters))["customers"].sum())


def fetch_scope(scope: Scope, filters: Filters | None,
                network: pd.DataFrame | None = None) -> Scope:
    """The scope a customer-view query reads for ``scope`` narrowed by sidebar
    ``filters``: the selected branches, else the selected regions, else ``scope``.

    The result lies within ``scope``. A limited scope is narrowed only by values of its
    own, and to branches it does not name (a regional lead's branch) only when
    ``network`` (:func:`customer_groups` of the whole network) shows that every customer
    of those branches is inside ``scope``; a branch with customers elsewhere reads the
    scope's regions. The caller applies the filters to the rows read.
    """
    chosen = dict(normalize_filters(_mapping(filters)))
    branches, regions = chosen.get("branch"), chosen.get("region")
    # a limited scope is narrowed only within itself (Scope.restrict keeps a region
    # selection inside a regional scope; a branch must be one of the scope's branches,
    # or wholly inside the scope by the network's counts)
    if branches and (scope.is_all or set(branches) <= set(scope.branches)
                     or branches_inside(network, branches, scope)):
        return Scope(branches=branches)
    if regions and (scope.is_all or set(regions) <= set(scope.regions)):
        return Scope(regions=regions)
    return scope


def branches_inside(network: pd.DataFrame | None, branches, scope: Scope) -> bool:
    """Whether the customers of ``branches`` (home branch) are all inside ``scope``, by
    the network's :func:`customer_groups` rows (``False`` without them or without any
    customer of those branches)."""
    if network is None or "branch" not in network.columns:
        return False
    rows = network[network["branch"].isin([str(b) for b in branches])]
    return len(rows) > 0 and bool(scope.mask(rows).all())


def fetch_size(groups: pd.DataFrame, scope: Scope, filters: Filters | None,
               network: pd.DataFrame | None = None) -> int:
    """Customers a customer-view query for ``scope`` and ``filters`` reads (the rows of
    :func:`fetch_scope`), from :func:`customer_groups` rows of ``scope``."""
    read = fetch_scope(scope, filters, network)
    if read == scope:
        return size_of(groups)
    return size_of(groups, {"branch": read.branches} if read.branches
                   else {"region": read.regions})


def overview_in_engine(bind: sa.Engine | sa.Connection, groups: pd.DataFrame,
                       activity: pd.DataFrame, surveys: pd.DataFrame | None, *, as_of,
                       period_days: int = 90, table_names: TableNames | None = None,
                       scope: Scope | None = None, filters: Filters | None = None
                       ) -> OverviewFigures:
    """The Overview's figures without the customer view: the headline computed in the
    engine, the trend from the daily cubes, the breakdowns' customer counts from
    ``groups`` (:func:`customer_groups` with ``window_days == period_days``).

    Equal to :func:`segmentation.overview.overview_figures` of the fetched view, except
    that the breakdowns lack ``avg_satisfaction`` (a mean of per-customer means).
    """
    day = pd.Timestamp(as_of).date() if not isinstance(as_of, dt.date) else as_of
    headline = headline_in_engine(bind, as_of=day, period_days=period_days,
                                  table_names=table_names, scope=scope, filters=filters)
    filters = _mapping(filters)
    chosen = apply_filters(groups, filters)
    act = apply_filters(activity, filters)
    parts = {}
    for by in ("region", "branch"):
        if by not in chosen.columns:
            parts[by] = pd.DataFrame()
            continue
        counts = chosen.groupby(by, observed=True)[["customers", "active_customers"]].sum()
        parts[by] = breakdown_of(counts, act, by=by, as_of=day, period_days=period_days)
    trend = monthly_trend(activity, surveys, as_of=day, filters=filters)
    return OverviewFigures(headline=headline, trend=trend, regions=parts["region"],
                           branches=parts["branch"])
