"""The SQL side of the customer view: window bounds, the per-table aggregates, and the
public query builders (:func:`view_queries` and friends), plus the date range helpers.

See :mod:`segmentation.features` for the portability rules the queries follow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from ..access import Scope
from ..sql import (
    Source,
    TableNames,
    as_day,
    connected,
    count_if,
    day_of,
    is_purchase,
    max_if,
    min_if,
    resolve_tables,
    scope_sources,
    sum_if,
    transactions_source,
)

#: Attributes copied from the ``customers`` table, in output order.
ATTRIBUTE_COLUMNS: tuple[str, ...] = ("name", "phone", "customer_type", "branch", "region",
                                      "area_type", "signup_date", "account_manager")
#: Transaction columns whose per-customer mix becomes ``<column>_share_<value>`` columns.
SHARE_COLUMNS: tuple[str, ...] = ("service", "channel")
#: At most this many values (the most frequent ones) get a share column each.
MAX_SHARE_VALUES = 50
#: ``complaints.status`` value (compared lower-case) that marks an open complaint.
OPEN_STATUS = "open"

TX_DATES = ("first_date", "last_date", "first_purchase_date", "last_purchase_date")
TX_COUNTS = ("frequency", "n_transactions", "refund_count", "frequency_recent",
             "frequency_prior")
TX_SUMS = ("monetary_total", "refund_amount", "spend_recent", "spend_prior")
TX_OPTIONAL_SUMS = {"quantity": "quantity_total", "weight_kg": "weight_total"}

# --------------------------------------------------------------------------- SQL pieces


@dataclass(frozen=True)
class _Bounds:
    """Window boundaries as half-open day intervals, all as bound DATE parameters."""

    as_of: pd.Timestamp
    window_days: int
    tag: str = ""  # suffix of the parameter names: several days in one query

    def _param(self, name: str, offset_days: int) -> sa.BindParameter:
        day = (self.as_of + pd.Timedelta(days=offset_days)).date()
        return sa.bindparam(name + self.tag, day, type_=sa.Date())

    @property
    def end(self) -> sa.BindParameter:
        """First day after as_of: every row must be dated before it."""
        return self._param("end_excl", 1)

    @property
    def recent_start(self) -> sa.BindParameter:
        """First day of the recent window (as_of - W, as_of]."""
        return self._param("recent_start", 1 - self.window_days)

    @property
    def prior_start(self) -> sa.BindParameter:
        """First day of the prior window (as_of - 2W, as_of - W]."""
        return self._param("prior_start", 1 - 2 * self.window_days)

    def recent(self, date: sa.ColumnElement) -> sa.ColumnElement[bool]:
        return date >= self.recent_start

    def prior(self, date: sa.ColumnElement) -> sa.ColumnElement[bool]:
        return sa.and_(date >= self.prior_start, date < self.recent_start)


def _share_values(conn: sa.Connection, tx: Source, columns: list[str],
                  bounds: Sequence[_Bounds]) -> list[dict[str, list]]:
    """Per day of ``bounds`` and share column, its most frequent non-null values among
    purchases up to that day.

    One small ``GROUP BY`` over all share columns together (one scan, a count per
    day), totalled per column here; ties go to the value first in text order.
    """
    if not columns:
        return [{} for _ in bounds]
    last = max(b.as_of for b in bounds)
    cols = [tx.c(c) for c in columns]
    date = tx.c("date")
    counts = [sa.func.count() if b.as_of == last else count_if(date < b.end) for b in bounds]
    query = (sa.select(*cols, *(n.label(f"n_{i}") for i, n in enumerate(counts)))
             .select_from(tx.table)
             .where(date < next(b for b in bounds if b.as_of == last).end,
                    tx.c("customer_id").is_not(None), is_purchase(tx.c("amount")))
             .group_by(*cols))
    totals: list[dict[str, dict]] = [{c: {} for c in columns} for _ in bounds]
    for row in conn.execute(query):
        values, ns = row[:len(columns)], row[len(columns):]
        for per_day, n in zip(totals, ns, strict=True):
            if not n:
                continue
            for column, value in zip(columns, values, strict=True):
                if value is not None:
                    per_day[column][value] = per_day[column].get(value, 0) + int(n)
    return [{column: sorted(counts, key=lambda v: (-counts[v], str(v)))[:MAX_SHARE_VALUES]
             for column, counts in per_day.items()} for per_day in totals]


def _day_measures(tx: Source, bounds: _Bounds, shares: Mapping[str, list], *,
                  bounded: bool, suffix: str = "") -> list[sa.ColumnElement]:
    """The aggregates of one day's view, but the first dates (which every day shares)
    and the purchase-day counts (:data:`PURCHASE_DAY_COUNTS`, from :func:`_purchase_days`).

    ``bounded``: the rows after the day are still in the query (another, later day
    shares it), so every aggregate keeps to ``date < end`` itself.
    """
    date, amount = tx.c("date"), tx.c("amount")
    day = day_of(date)
    purchase = is_purchase(amount)
    upto = date < bounds.end

    def only(*conditions: sa.ColumnElement[bool]) -> sa.ColumnElement[bool]:
        return sa.and_(*conditions, upto) if bounded else sa.and_(*conditions)

    recent, prior = bounds.recent(date), bounds.prior(date)
    cols: list[sa.ColumnElement] = [
        (max_if(day, upto) if bounded else sa.func.max(day)).label("last_date"),
        max_if(day, only(purchase)).label("last_purchase_date"),
        count_if(only(purchase)).label("n_transactions"),
        (sum_if(amount, upto) if bounded else sa.func.sum(amount)).label("monetary_total"),
        count_if(only(amount < 0)).label("refund_count"),
        sum_if(-amount, only(amount < 0)).label("refund_amount"),
        sum_if(amount, only(recent)).label("spend_recent"),
        sum_if(amount, prior).label("spend_prior"),
    ]
    for column, label in TX_OPTIONAL_SUMS.items():
        if tx.has(column):
            value = tx.c(column)
            cols.append((sum_if(value, upto) if bounded else sa.func.sum(value)).label(label))
    for column, values in shares.items():
        col = tx.c(column)
        for i, value in enumerate(values):
            cols.append(count_if(only(purchase, col == value)).label(f"{column}_n_{i}"))
    return [c.element.label(c.name + suffix) for c in cols] if suffix else cols


def _purchase_days(tx: Source, bounds: Sequence[_Bounds], end: sa.ColumnElement
                   ) -> sa.Subquery:
    """Per customer and day of ``bounds``, the distinct purchase days up to it and in its
    two windows (``frequency``, ``frequency_recent``, ``frequency_prior``; suffix ``__<i>``
    for the i-th day when there are several).

    Plain counts over the distinct (customer, purchase day) pairs: three
    ``count(DISTINCT day) FILTER (...)`` aggregates in the main ``GROUP BY`` would each
    keep their own table of pairs (twice the peak memory in DuckDB at a million
    customers, and slower).
    """
    cid, date = tx.c("customer_id"), tx.c("date")
    pairs = (sa.select(cid.label("customer_id"), day_of(date).label("purchase_day"))
             .select_from(tx.table)
             .where(date < end, cid.is_not(None), is_purchase(tx.c("amount")))
             .distinct()
             .subquery("purchase_pairs"))
    day = pairs.c.purchase_day
    last = max(b.as_of for b in bounds)
    several = len(bounds) > 1
    cols: list[sa.ColumnElement] = [pairs.c.customer_id]
    for i, b in enumerate(bounds):
        suffix = f"__{i}" if several else ""
        upto = day < b.end
        cols += [
            (count_if(upto) if b.as_of != last else sa.func.count()).label("frequency" + suffix),
            count_if(sa.and_(day >= b.recent_start, upto) if b.as_of != last
                     else day >= b.recent_start).label("frequency_recent" + suffix),
            count_if(sa.and_(day >= b.prior_start, day < b.recent_start))
            .label("frequency_prior" + suffix),
        ]
    return sa.select(*cols).group_by(pairs.c.customer_id).subquery("purchase_days")


def _transactions_query(tx: Source, bounds: Sequence[_Bounds],
                        shares: Sequence[Mapping[str, list]]) -> sa.Select:
    """The transactions' aggregate per customer up to the last of ``bounds``' days, with
    every day's measures as conditional aggregates (suffix ``__<i>`` for the i-th day
    when there are several).

    One statement: the ``GROUP BY customer_id`` of every measure but the purchase-day
    counts, joined with those counts (:func:`_purchase_days`) on the customer.
    """
    cid, date = tx.c("customer_id"), tx.c("date")
    day = day_of(date)
    purchase = is_purchase(tx.c("amount"))
    last = max(b.as_of for b in bounds)
    cols: list[sa.ColumnElement] = [
        cid.label("customer_id"),
        # the first days are the same at every day that has them (checked in pandas)
        sa.func.min(day).label("first_date"),
        min_if(day, purchase).label("first_purchase_date"),
    ]
    several = len(bounds) > 1
    for i, (b, day_shares) in enumerate(zip(bounds, shares, strict=True)):
        cols += _day_measures(tx, b, day_shares, bounded=b.as_of != last,
                              suffix=f"__{i}" if several else "")
    end = next(b for b in bounds if b.as_of == last).end
    agg = (sa.select(*cols).select_from(tx.table)
           .where(date < end, cid.is_not(None))
           .group_by(cid)
           .subquery("agg"))
    days = _purchase_days(tx, bounds, end)
    counts = [c for c in days.c if c.name != "customer_id"]
    # ORDER BY: DuckDB sorts in code point order, as the view is sorted, at almost no
    # cost; other collations get sorted again in pandas
    return (sa.select(*agg.c, *(sa.func.coalesce(c, 0).label(c.name) for c in counts))
            .select_from(agg.outerjoin(days, agg.c.customer_id == days.c.customer_id))
            .order_by(agg.c.customer_id))


def _branch_query(tx: Source, bounds: Sequence[_Bounds]) -> sa.Select:
    cid, branch, date = tx.c("customer_id"), tx.c("branch"), tx.c("date")
    last = max(b.as_of for b in bounds)
    counts = ([sa.func.count().label("n")] if len(bounds) == 1 else
              [(sa.func.count() if b.as_of == last else count_if(date < b.end)).label(f"n__{i}")
               for i, b in enumerate(bounds)])
    end = next(b for b in bounds if b.as_of == last).end
    return (sa.select(cid.label("customer_id"), branch.label("branch"), *counts)
            .select_from(tx.table)
            .where(date < end, cid.is_not(None), branch.is_not(None))
            .group_by(cid, branch))


def _customers_query(customers: Source) -> sa.Select | None:
    if not customers.has("customer_id"):
        return None
    attrs = [c for c in ATTRIBUTE_COLUMNS if customers.has(c)]
    cid = customers.c("customer_id")
    return (sa.select(cid.label("customer_id"), *(customers.c(c).label(c) for c in attrs))
            .select_from(customers.table).where(cid.is_not(None)))


def _surveys_query(surveys: Source, bounds: _Bounds) -> sa.Select | None:
    if not surveys.has("customer_id", "date", "score"):
        return None
    cid, date, score = surveys.c("customer_id"), surveys.c("date"), surveys.c("score")
    scored = sa.and_(date < bounds.end, cid.is_not(None), score.is_not(None))
    agg = (sa.select(
        cid.label("customer_id"),
        sa.func.count(score).label("n_surveys"),
        sa.func.sum(score).label("score_sum"),
        count_if(bounds.recent(date)).label("n_recent"),
        sum_if(score, bounds.recent(date)).label("score_sum_recent"),
        count_if(bounds.prior(date)).label("n_prior"),
        sum_if(score, bounds.prior(date)).label("score_sum_prior"),
    ).select_from(surveys.table).where(scored).group_by(cid).subquery("agg"))
    # the scores of the last survey day (all of them: a day has no order inside it)
    last_day = (sa.select(cid.label("customer_id"), sa.func.max(day_of(date)).label("day"))
                .select_from(surveys.table).where(scored).group_by(cid).subquery("last_day"))
    latest = (sa.select(last_day.c.customer_id, sa.func.count(score).label("n_last"),
                        sa.func.sum(score).label("score_sum_last"))
              .select_from(surveys.table.join(
                  last_day, sa.and_(cid == last_day.c.customer_id,
                                    day_of(date) == last_day.c.day)))
              .where(scored)
              .group_by(last_day.c.customer_id)
              .subquery("latest"))
    return (sa.select(agg.c.customer_id, agg.c.n_surveys, agg.c.score_sum, agg.c.n_recent,
                      agg.c.score_sum_recent, agg.c.n_prior, agg.c.score_sum_prior,
                      latest.c.n_last, latest.c.score_sum_last)
            .select_from(agg.join(latest, agg.c.customer_id == latest.c.customer_id)))


def _complaints_query(complaints: Source, bounds: _Bounds) -> sa.Select | None:
    if not complaints.has("customer_id", "date"):
        return None
    cid, date = complaints.c("customer_id"), complaints.c("date")
    cols = [cid.label("customer_id"), sa.func.count().label("n_complaints"),
            count_if(bounds.recent(date)).label("complaints_recent")]
    has_status, has_resolved = complaints.has("status"), complaints.has("resolved_date")
    if has_status or has_resolved:
        whens = []
        if has_resolved:
            resolved = complaints.c("resolved_date")
            whens += [(resolved >= bounds.end, 1), (resolved.is_not(None), 0)]
        if has_status:
            status = complaints.c("status")
            whens += [(sa.or_(status.is_(None), sa.func.lower(status) == OPEN_STATUS), 1)]
            open_flag = sa.case(*whens, else_=0)
        else:
            open_flag = sa.case(*whens, else_=1)
        cols.append(sa.func.sum(open_flag).label("complaints_open"))
    return (sa.select(*cols).select_from(complaints.table)
            .where(date < bounds.end, cid.is_not(None)).group_by(cid))


# --------------------------------------------------------------------------- public queries


@dataclass(frozen=True)
class ViewPlan:
    """The queries behind the views at several days: the transactions and branch counts
    once for every day (``shared``), the other tables once per day (``per_day``, in the
    order of ``days``), with the service / channel values each day's view has."""

    days: tuple[pd.Timestamp, ...]
    shared: dict[str, sa.Select]
    per_day: tuple[dict[str, sa.Select], ...]
    shares: tuple[dict[str, list], ...]


def plan_views(conn: sa.Connection | None, days: Sequence[dt.date | pd.Timestamp],
               window_days: int, table_names: TableNames | None,
               scope: Scope | None = None) -> ViewPlan:
    """The queries of the customer views at ``days`` (distinct days, any order)."""
    if int(window_days) != window_days or window_days < 1:
        raise ValueError(f"window_days must be a positive whole number, got {window_days!r}")
    found = scope_sources(resolve_tables(conn, table_names), scope)
    tx = transactions_source(found, table_names)
    days = tuple(as_day(d) for d in days)
    several = len(days) > 1
    bounds = [_Bounds(d, int(window_days), f"_{i}" if several else "")
              for i, d in enumerate(days)]
    shares = ([{} for _ in bounds] if conn is None else
              _share_values(conn, tx, [c for c in SHARE_COLUMNS if tx.has(c)], bounds))
    shared: dict[str, sa.Select] = {"transactions": _transactions_query(tx, bounds, shares)}
    if tx.has("branch"):
        shared["branches"] = _branch_query(tx, bounds)
    if "customers" in found and (query := _customers_query(found["customers"])) is not None:
        shared["customers"] = query
    per_day = []
    for b in bounds:
        queries = {}
        for name, build in (("surveys", _surveys_query), ("complaints", _complaints_query)):
            if name in found and (query := build(found[name], b)) is not None:
                queries[name] = query
        per_day.append(queries)
    return ViewPlan(days, shared, tuple(per_day), tuple(shares))


def build_queries(conn: sa.Connection | None, as_of: dt.date | pd.Timestamp, window_days: int,
                  table_names: TableNames | None, scope: Scope | None = None
                  ) -> tuple[dict[str, sa.Select], dict]:
    """Every query of the view at one day, by name, and its service / channel values."""
    plan = plan_views(conn, [as_of], window_days, table_names, scope)
    return {**plan.shared, **plan.per_day[0]}, plan.shares[0]


def view_queries(bind: sa.Engine | sa.Connection | None, *, as_of: dt.date | pd.Timestamp,
                 window_days: int = 90, table_names: TableNames | None = None,
                 scope: Scope | None = None) -> dict[str, sa.Select]:
    """Every query :func:`customer_view` runs, by name, for showing or auditing the SQL.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : analysis day; rows dated after it are ignored.
    window_days : length W of the recent and prior windows, in days.
    table_names : canonical table -> actual (optionally ``schema.table``) name,
        or a selectable with canonical column names.
    scope : read only the customers that may be in this scope (see
        :func:`customer_view`); ``None``: everyone.

    With ``bind=None`` nothing connects: every table must then be given as a
    selectable, and the service / channel mix columns are left out (their
    values are learnt from the data). This compiles the aggregation for any
    SQLAlchemy dialect, e.g. a warehouse the app has no connection to.

    Returns
    -------
    dict
        ``"transactions"`` (the one aggregation over transactions, always),
        ``"branches"`` (customer x branch counts, when ``transactions.branch``
        exists), ``"customers"``, ``"surveys"``, ``"complaints"`` (when the table
        and the columns each one needs exist).
    """
    if bind is None:
        return build_queries(None, as_of, window_days, table_names, scope)[0]
    with connected(bind) as conn:
        return build_queries(conn, as_of, window_days, table_names, scope)[0]


def customer_view_query(bind: sa.Engine | sa.Connection, *, as_of: dt.date | pd.Timestamp,
                        window_days: int = 90,
                        table_names: TableNames | None = None) -> sa.Select:
    """The single statement over transactions behind :func:`customer_view`.

    A ``GROUP BY customer_id`` with conditional aggregates, joined with the
    purchase-day counts of the distinct (customer, purchase day) pairs; its
    columns are the raw material of the view (``first_date`` ... ``spend_prior``,
    ``quantity_total``, ``weight_total``, ``service_n_<i>`` / ``channel_n_<i>``
    purchase counts for the i-th most frequent service / channel, and
    ``frequency``, ``frequency_recent``, ``frequency_prior``). When ``service`` or
    ``channel`` exists, one small ``GROUP BY service, channel`` query runs first
    to learn their values. Parameters as in :func:`view_queries`.
    """
    return view_queries(bind, as_of=as_of, window_days=window_days,
                        table_names=table_names)["transactions"]


def survey_view_query(bind: sa.Engine | sa.Connection, *, as_of: dt.date | pd.Timestamp,
                      window_days: int = 90,
                      table_names: TableNames | None = None) -> sa.Select | None:
    """The per-customer surveys aggregate, or ``None`` without a usable surveys table.

    Usable means ``surveys`` exists with ``customer_id``, ``date`` and ``score``.
    Parameters as in :func:`view_queries`.
    """
    return view_queries(bind, as_of=as_of, window_days=window_days,
                        table_names=table_names).get("surveys")


def complaint_view_query(bind: sa.Engine | sa.Connection, *, as_of: dt.date | pd.Timestamp,
                         window_days: int = 90,
                         table_names: TableNames | None = None) -> sa.Select | None:
    """The per-customer complaints aggregate, or ``None`` without a complaints table.

    Parameters as in :func:`view_queries`.
    """
    return view_queries(bind, as_of=as_of, window_days=window_days,
                        table_names=table_names).get("complaints")


def query_sql(query: sa.Select, bind: sa.Engine | sa.Connection | sa.Dialect) -> str:
    """The SQL text of ``query`` in the dialect of ``bind``, with parameters inlined."""
    dialect = bind if isinstance(bind, sa.Dialect) else bind.dialect
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
