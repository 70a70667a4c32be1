"""Figures computed where the data is, so that a network of 100 M customers never travels.

Issue 24, item 3. Each function here sends one query to the engine that holds the data
(DuckDB, PostgreSQL, Spark SQL) and gets back a handful of rows:

- :func:`customer_measures`: the per-customer measures the figures below need, with the
  customer's home branch and attributes, as a subquery (nothing runs);
- :func:`headline_in_engine`: the Overview's headline figures (:func:`segmentation.overview.
  headline`), the same frame, one row per metric;
- :func:`threshold_quantiles` / :func:`suggest_thresholds_in_engine`: quantiles of annual
  spend and shipments, the Tiers page's threshold suggestion
  (:func:`segmentation.tiers.suggest_thresholds`): exact on DuckDB and PostgreSQL,
  ``percentile_approx`` on Spark (see :class:`segmentation.sql.quantile_cont`);
- :func:`call_lists_in_engine`: each branch's top ``N`` warnings by value at risk, from a
  scores table (``score --write-table``), by a window function: ``N`` rows per branch
  travel instead of every score;
- :func:`customer_page`: a bounded page of the customers of a scope, with the scope's size
  (``count(*) OVER ()``); :func:`check_scope_size` refuses, before any row travels, a scope
  larger than a bound (the bilingual ``too_many_customer_rows`` message).

The definitions are the customer view's (:mod:`segmentation.features`): a purchase is a row
with ``amount >= 0``, frequency counts distinct purchase days, the home branch is the
customers table's, else the branch with most transactions (ties: the first name). Tests
check each figure against the in-process one on the same data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .access import Scope
from .filters import FILTER_COLUMNS, Filters, normalize_filters
from .scoping import is_limited
from .sql import (
    TableNames,
    as_day,
    connected,
    count_distinct_if,
    day_of,
    days_between,
    fetch,
    is_purchase,
    quantile_cont,
    resolve_tables,
    scope_sources,
    transactions_source,
)

__all__ = [
    "MAX_PAGE_ROWS",
    "CustomerPage",
    "call_lists_in_engine",
    "check_scope_size",
    "customer_measures",
    "customer_page",
    "headline_in_engine",
    "suggest_thresholds_in_engine",
    "threshold_quantiles",
]

#: At most this many customer rows in one :func:`customer_page`.
MAX_PAGE_ROWS = 10_000
#: Columns of :func:`customer_measures` a page may be ordered by.
PAGE_ORDER = ("monetary_total", "frequency", "recency_days", "tenure_days", "customer_id")


def _day(value) -> dt.date:
    return as_day(value).date()


def in_selection(table: sa.FromClause, scope: Scope | None,
                  filters: Filters | None) -> list[sa.ColumnElement[bool]]:
    """``WHERE`` conditions of a scope (branch or region) and of sidebar filters on the
    columns ``table`` has: the SQL of :meth:`Scope.apply` and :func:`apply_filters`."""
    conditions: list[sa.ColumnElement[bool]] = []
    if is_limited(scope):
        inside = [table.c[col].in_(list(values))
                  for col, values in (("branch", scope.branches), ("region", scope.regions))
                  if values and col in table.c]
        conditions.append(sa.or_(*inside) if inside else sa.false())
    for column, values in normalize_filters(filters):
        if column in table.c:
            conditions.append(table.c[column].in_(list(values)))
    return conditions


def customer_measures(conn: sa.Connection, *, as_of, window_days: int = 90,
                      table_names: TableNames | None = None,
                      scope: Scope | None = None) -> sa.Subquery:
    """One row per customer with a transaction up to ``as_of``, as a subquery (nothing runs
    but the look-up of the tables' columns).

    Columns: ``customer_id``, ``first_date``, ``last_date``, ``recency_days``,
    ``tenure_days``, ``frequency``, ``frequency_recent``, ``frequency_prior``,
    ``monetary_total`` (0 rather than NULL), and the attributes of
    :data:`~segmentation.filters.FILTER_COLUMNS` the data has (``branch``: the customers
    table's, else the branch with most transactions, ties to the first name in the
    engine's collation). ``scope`` reads only its candidates' rows; filter the subquery on
    ``branch`` / ``region`` for the exact scope (:func:`headline_in_engine` does).
    A customers table with a customer twice contributes the smallest value of each
    attribute (the validation report flags such duplicates).
    """
    found = scope_sources(resolve_tables(conn, table_names), scope)
    tx = transactions_source(found, table_names)
    as_of = _day(as_of)
    end = sa.bindparam("pd_end", as_of + dt.timedelta(days=1), type_=sa.Date())
    recent = sa.bindparam("pd_recent", as_of + dt.timedelta(days=1 - window_days),
                          type_=sa.Date())
    prior = sa.bindparam("pd_prior", as_of + dt.timedelta(days=1 - 2 * window_days),
                         type_=sa.Date())
    day_param = sa.bindparam("pd_as_of", as_of, type_=sa.Date())
    cid, date, amount = tx.c("customer_id"), tx.c("date"), tx.c("amount")
    day, purchase = day_of(date), is_purchase(amount)
    agg = (sa.select(
        cid.label("customer_id"),
        sa.func.min(day).label("first_date"),
        sa.func.max(day).label("last_date"),
        count_distinct_if(day, purchase).label("frequency"),
        count_distinct_if(day, sa.and_(purchase, date >= recent)).label("frequency_recent"),
        count_distinct_if(day, sa.and_(purchase, date >= prior, date < recent))
        .label("frequency_prior"),
        sa.func.coalesce(sa.func.sum(amount), 0).label("monetary_total"))
        .select_from(tx.table).where(date < end, cid.is_not(None)).group_by(cid)
        .subquery("pd_tx"))
    columns: list[sa.ColumnElement] = [
        agg.c.customer_id, agg.c.first_date, agg.c.last_date,
        days_between(agg.c.last_date, day_param).label("recency_days"),
        days_between(agg.c.first_date, day_param).label("tenure_days"),
        agg.c.frequency, agg.c.frequency_recent, agg.c.frequency_prior,
        agg.c.monetary_total]
    source: sa.FromClause = agg
    cust = found.get("customers")
    attrs = None
    if cust is not None and cust.has("customer_id"):
        present = [c for c in FILTER_COLUMNS if cust.has(c)]
        if present:
            attrs = (sa.select(cust.c("customer_id").label("customer_id"),
                               *(sa.func.min(cust.c(c)).label(c) for c in present))
                     .select_from(cust.table).group_by(cust.c("customer_id"))
                     .subquery("pd_attrs"))
            source = source.outerjoin(attrs, attrs.c.customer_id == agg.c.customer_id)
    home = None
    if tx.has("branch"):
        branch = tx.c("branch")
        counts = (sa.select(cid.label("customer_id"), branch.label("branch"),
                            sa.func.count().label("n"))
                  .select_from(tx.table)
                  .where(date < end, cid.is_not(None), branch.is_not(None))
                  .group_by(cid, branch).subquery("pd_branch_n"))
        ranked = (sa.select(counts.c.customer_id, counts.c.branch, sa.func.row_number().over(
            partition_by=counts.c.customer_id,
            order_by=(counts.c.n.desc(), counts.c.branch.asc())).label("pos"))
                  .subquery("pd_branch_rank"))
        home = (sa.select(ranked.c.customer_id, ranked.c.branch).where(ranked.c.pos == 1)
                .subquery("pd_home"))
        source = source.outerjoin(home, home.c.customer_id == agg.c.customer_id)
    for column in FILTER_COLUMNS:
        value = attrs.c[column] if attrs is not None and column in attrs.c else None
        if column == "branch" and home is not None:
            value = home.c.branch if value is None else sa.func.coalesce(value, home.c.branch)
        if value is not None:
            columns.append(value.label(column))
    return sa.select(*columns).select_from(source).subquery("pd_customers")


def _headline_counts(measures: sa.Subquery, where, as_of: dt.date, period_days: int
                     ) -> sa.Select:
    m = measures.c
    since = sa.bindparam("pd_tenure_since", as_of - dt.timedelta(days=period_days),
                         type_=sa.Date())

    def count_where(condition):
        return sa.func.sum(sa.case((condition, 1), else_=0))

    return (sa.select(sa.func.count().label("customers"),
                      count_where(m.first_date <= since).label("customers_before"),
                      count_where(m.frequency_recent > 0).label("active"),
                      count_where(m.frequency_prior > 0).label("active_before"))
            .select_from(measures).where(*where))


def _windowed_sums(cube: sa.Subquery, where, measures: Sequence[str], as_of: dt.date,
                   period_days: int) -> sa.Select:
    """Per measure, its sum over the current and the previous period of a daily cube."""
    bounds = [as_of - dt.timedelta(days=period_days * k) for k in range(3)]
    b = [sa.bindparam(f"pd_w{k}", d, type_=sa.Date()) for k, d in enumerate(bounds)]
    cols = []
    for name in measures:
        value = cube.c[name]
        cols.append(sa.func.sum(sa.case((sa.and_(cube.c.day > b[1], cube.c.day <= b[0]),
                                         value))).label(f"{name}_now"))
        cols.append(sa.func.sum(sa.case((sa.and_(cube.c.day > b[2], cube.c.day <= b[1]),
                                         value))).label(f"{name}_before"))
    return sa.select(*cols).select_from(cube).where(*where)


def headline_in_engine(bind: sa.Engine | sa.Connection, *, as_of, period_days: int = 90,
                       table_names: TableNames | None = None, scope: Scope | None = None,
                       filters: Filters | None = None) -> pd.DataFrame:
    """The Overview's headline figures, computed in the engine: three rows travel.

    Equal to :func:`segmentation.overview.headline` of the scope's customer view (built
    with ``window_days == period_days``), activity cube and survey cube, with the same
    ``filters``.

    Returns
    -------
    DataFrame indexed by ``metric`` (``customers``, ``active_customers``, ``revenue``,
    ``shipments``, and ``avg_satisfaction`` when there is a surveys table) with
    ``current``, ``previous`` and ``change``.
    """
    from .overview import activity_cube_query, survey_cube_query

    day = _day(as_of)
    with connected(bind) as conn:
        measures = customer_measures(conn, as_of=day, window_days=period_days,
                                     table_names=table_names, scope=scope)
        counts = fetch(conn, _headline_counts(measures, in_selection(measures, scope, filters),
                                              day, period_days)).iloc[0]
        cube = activity_cube_query(conn, as_of=day, table_names=table_names,
                                   scope=scope).subquery("pd_activity")
        sums = fetch(conn, _windowed_sums(cube, in_selection(cube, scope, filters),
                                          ("shipments", "revenue"), day,
                                          period_days)).iloc[0]
        survey_query = survey_cube_query(conn, as_of=day, table_names=table_names,
                                         scope=scope)
        surveys = None
        if survey_query is not None:
            sv = survey_query.subquery("pd_surveys")
            surveys = fetch(conn, _windowed_sums(sv, in_selection(sv, scope, filters),
                                                 ("responses", "score_sum"), day,
                                                 period_days)).iloc[0]

    def number(row, name) -> float:
        value = row[name]
        return 0.0 if value is None or pd.isna(value) else float(value)

    rows = {
        "customers": (number(counts, "customers"), number(counts, "customers_before")),
        "active_customers": (number(counts, "active"), number(counts, "active_before")),
        "revenue": (number(sums, "revenue_now"), number(sums, "revenue_before")),
        "shipments": (number(sums, "shipments_now"), number(sums, "shipments_before")),
    }
    if surveys is not None:
        rows["avg_satisfaction"] = tuple(
            number(surveys, f"score_sum_{w}") / number(surveys, f"responses_{w}")
            if number(surveys, f"responses_{w}") else float("nan") for w in ("now", "before"))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["current", "previous"])
    out = out.astype("float64")
    out["change"] = np.where(out["previous"] > 0, out["current"] / out["previous"] - 1, np.nan)
    out.index.name = "metric"
    return out


def _annual(measures: sa.Subquery, min_days: int) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """Annual spend and purchase days of :func:`customer_measures` rows, as
    :meth:`segmentation.tiers.ScoringBase.annual` computes them."""
    exposure = sa.func.greatest(sa.cast(measures.c.tenure_days, sa.Double()) + 1.0,
                                sa.literal(float(min_days), sa.Double()))
    factor = sa.literal(365.0, sa.Double()) / exposure
    return (sa.cast(measures.c.monetary_total, sa.Double()) * factor,
            sa.cast(measures.c.frequency, sa.Double()) * factor)


def threshold_quantiles(bind: sa.Engine | sa.Connection, fractions: Sequence[float], *,
                        as_of, min_days: int = 90, table_names: TableNames | None = None,
                        scope: Scope | None = None, filters: Filters | None = None
                        ) -> pd.DataFrame:
    """Quantiles of annual spend and annual shipments over the customers, in the engine.

    Returns
    -------
    DataFrame indexed by ``fraction`` with ``annual_spend`` and ``annual_shipments``
    (exact, linearly interpolated on DuckDB and PostgreSQL; within Spark's documented
    rank error there, see :class:`~segmentation.sql.quantile_cont`). One row per fraction
    travels.
    """
    fractions = [float(f) for f in fractions]
    with connected(bind) as conn:
        measures = customer_measures(conn, as_of=as_of, table_names=table_names, scope=scope)
        spend, ships = _annual(measures, min_days)
        cols = []
        for i, f in enumerate(fractions):
            cols += [quantile_cont(spend, f).label(f"s{i}"), quantile_cont(ships, f).label(f"n{i}")]
        row = fetch(conn, sa.select(*cols).select_from(measures)
                    .where(*in_selection(measures, scope, filters))).iloc[0]
    return pd.DataFrame(
        {"annual_spend": [float(row[f"s{i}"]) if pd.notna(row[f"s{i}"]) else np.nan
                          for i in range(len(fractions))],
         "annual_shipments": [float(row[f"n{i}"]) if pd.notna(row[f"n{i}"]) else np.nan
                              for i in range(len(fractions))]},
        index=pd.Index(fractions, name="fraction"))


def suggest_thresholds_in_engine(bind: sa.Engine | sa.Connection, settings, *, as_of,
                                 table_names: TableNames | None = None,
                                 scope: Scope | None = None, filters: Filters | None = None):
    """:func:`segmentation.tiers.suggest_thresholds` from quantiles computed in the engine
    (:func:`threshold_quantiles`): a tuple of :class:`~segmentation.tiers.Threshold`."""
    from .tiers.assignment import thresholds_from_quantiles

    cum = np.cumsum(np.asarray(settings.shares) / sum(settings.shares))[:-1]
    quantiles = threshold_quantiles(bind, [1 - c for c in cum], as_of=as_of,
                                    min_days=settings.annualize_min_days,
                                    table_names=table_names, scope=scope, filters=filters)
    return thresholds_from_quantiles(quantiles["annual_spend"].to_numpy(),
                                     quantiles["annual_shipments"].to_numpy())


def _scores_table(conn: sa.Connection, name: str) -> sa.TableClause:
    """The table ``name`` with its columns as the database reports them (lower-cased
    names mapped to the actual ones)."""
    from .connections import validate_identifier

    validate_identifier(name, "table")
    columns = [str(c["name"]) for c in sa.inspect(conn).get_columns(name)]
    return sa.table(name, *(sa.column(c) for c in columns))


def call_lists_in_engine(bind: sa.Engine | sa.Connection, table: str, *,
                         calls_per_branch: int, scope: Scope | None = None,
                         columns: Sequence[str] | None = None,
                         filters: Filters | None = None) -> pd.DataFrame:
    """This week's calls of every branch, ranked in the engine from a scores table.

    ``table`` holds one row per customer with ``customer_id``, ``branch``, ``status``,
    ``churn_risk`` and ``value_at_risk`` (``python -m segmentation score --database NAME
    --write-table TABLE`` writes one). Each branch's warnings are numbered by
    ``ROW_NUMBER() OVER (PARTITION BY branch ORDER BY value_at_risk DESC, churn_risk DESC,
    customer_id)`` and only the first ``calls_per_branch`` travel: the rows of
    :func:`segmentation.churn.call_list` with ``call_this_week`` true, in its order.

    ``scope`` and the sidebar ``filters`` keep the rows whose columns of the table match
    (a filter on a column the table lacks is not applied).

    Returns
    -------
    DataFrame with ``columns`` (default: every column of the table) and ``branch_rank``.
    """
    capacity = int(calls_per_branch)
    if capacity < 1:
        raise ValueError(f"calls_per_branch must be at least 1, got {calls_per_branch!r}")
    with connected(bind) as conn:
        scores = _scores_table(conn, table)
        wanted = list(columns) if columns is not None else [c.name for c in scores.c]
        missing = [c for c in ("customer_id", "status", "churn_risk", "value_at_risk", *wanted)
                   if c not in scores.c]
        if missing:
            raise ValueError(f"the table {table!r} lacks the column(s) {', '.join(missing)}")
        partition = [scores.c.branch] if "branch" in scores.c else []
        order = (scores.c.value_at_risk.desc(), scores.c.churn_risk.desc(),
                 scores.c.customer_id.asc())
        ranked = (sa.select(*(scores.c[c] for c in wanted),
                            sa.func.row_number().over(partition_by=partition or None,
                                                      order_by=order).label("branch_rank"))
                  .where(scores.c.status == "warning", *in_selection(scores, scope, filters))
                  .subquery("pd_ranked"))
        query = (sa.select(ranked).where(ranked.c.branch_rank <= capacity)
                 .order_by(ranked.c.value_at_risk.desc(), ranked.c.churn_risk.desc(),
                           ranked.c.customer_id.asc()))
        return fetch(conn, query)


@dataclass(frozen=True)
class CustomerPage:
    """One bounded page of a scope's customers (:func:`customer_page`)."""

    #: the page's rows (columns of :func:`customer_measures`)
    rows: pd.DataFrame
    #: customers in the scope (all pages)
    total: int
    offset: int
    limit: int


def check_scope_size(bind: sa.Engine | sa.Connection, *, limit: int, as_of,
                     table_names: TableNames | None = None, scope: Scope | None = None,
                     filters: Filters | None = None) -> int:
    """The number of customers in the scope, counted in the engine; raises before any
    customer row travels when it is above ``limit``.

    Raises
    ------
    ConnectionError_
        ``too_many_customer_rows`` (bilingual: narrow to a branch or a region, or score
        the network where it lives).
    """
    from .connections import ConnectionError_

    with connected(bind) as conn:
        measures = customer_measures(conn, as_of=as_of, table_names=table_names, scope=scope)
        n = int(conn.execute(sa.select(sa.func.count()).select_from(measures)
                             .where(*in_selection(measures, scope, filters))).scalar_one())
    if n > limit:
        raise ConnectionError_("too_many_customer_rows", limit=int(limit))
    return n


def customer_page(bind: sa.Engine | sa.Connection, *, as_of, offset: int = 0,
                  limit: int = 1_000, order_by: str = "monetary_total",
                  descending: bool = True, table_names: TableNames | None = None,
                  scope: Scope | None = None, filters: Filters | None = None
                  ) -> CustomerPage:
    """Rows ``offset`` to ``offset + limit`` of the scope's customers, ordered in the engine
    by ``order_by`` (ties by ``customer_id``), with the scope's size from the same query.

    Raises ``ValueError`` for a ``limit`` outside ``1..MAX_PAGE_ROWS``, a negative offset or
    an ``order_by`` outside :data:`PAGE_ORDER`.
    """
    if not 1 <= int(limit) <= MAX_PAGE_ROWS or int(offset) < 0:
        raise ValueError(f"a page has 1 to {MAX_PAGE_ROWS} rows from an offset of 0 or more")
    if order_by not in PAGE_ORDER:
        raise ValueError(f"order_by must be one of {', '.join(PAGE_ORDER)}")
    with connected(bind) as conn:
        measures = customer_measures(conn, as_of=as_of, table_names=table_names, scope=scope)
        key = measures.c[order_by]
        query = (sa.select(measures, sa.func.count().over().label("pd_total"))
                 .where(*in_selection(measures, scope, filters))
                 .order_by(key.desc() if descending else key.asc(),
                           measures.c.customer_id.asc())
                 .offset(int(offset)).limit(int(limit)))
        rows = fetch(conn, query)
    total = int(rows["pd_total"].iloc[0]) if len(rows) else 0
    if not len(rows) and offset:
        total = check_scope_size(bind, limit=np.iinfo(np.int64).max, as_of=as_of,
                                 table_names=table_names, scope=scope, filters=filters)
    return CustomerPage(rows.drop(columns="pd_total"), total, int(offset), int(limit))
