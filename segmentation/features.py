"""Transactions -> the customer view, computed inside the database (SQL pushdown).

The aggregation from transaction rows to one row per customer is expressed as
SQLAlchemy Core queries, so it runs inside whatever engine holds the data: the
DuckDB workspace, SQLite, PostgreSQL, MariaDB / MySQL, or a warehouse with a
SQLAlchemy dialect. Only per-customer rows travel to Python, where a few
vectorised steps (recency from the last date, ratios, trends) finish the view.

Portability rules the queries follow (all checked by the tests on DuckDB,
SQLite, PostgreSQL and MariaDB):

- no dialect date arithmetic: window boundaries are computed in Python and
  passed as bound ``DATE`` parameters, compared half-open (``date >= start``
  and ``date < end``) so ``DATE`` and ``TIMESTAMP`` / ``DATETIME`` columns give
  the same answer;
- "distinct days" truncate timestamps with :class:`day_of` (``CAST(x AS DATE)``,
  ``date(x)`` on SQLite);
- conditional aggregates are small constructs (:class:`AggregateIf`) that
  render ``agg(x) FILTER (WHERE c)`` on DuckDB / PostgreSQL (about a third
  faster in DuckDB) and ``agg(CASE WHEN c THEN x END)`` everywhere else;
- no ``AVG`` (MariaDB rounds the average of integers to 4 decimals): sums and
  counts travel, the division happens in pandas;
- ordering and tie-breaking of text (customer ids, branch names) happen in
  Python, not in the database, whose collations differ.

The main entry point is :func:`customer_view`; :func:`view_queries` returns the
queries it runs so that a page can show their SQL (:func:`query_sql`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from . import i18n
from .access import Scope
from .schema import DataError, Problem
from .scoping import is_limited
from .sql import (
    Source,
    TableNames,
    as_day,
    as_text,
    connected,
    count_distinct_if,
    count_if,
    day_of,
    fetch,
    is_purchase,
    max_if,
    min_if,
    positions_in,
    resolve_tables,
    scope_sources,
    sum_if,
    transactions_source,
)

__all__ = [
    "ATTRIBUTE_COLUMNS",
    "MAX_SHARE_VALUES",
    "OPEN_STATUS",
    "complaint_view_query",
    "customer_view",
    "customer_view_query",
    "data_as_of",
    "date_range",
    "query_sql",
    "survey_view_query",
    "view_queries",
]

#: Attributes copied from the ``customers`` table, in output order.
ATTRIBUTE_COLUMNS: tuple[str, ...] = ("name", "phone", "customer_type", "branch", "region",
                                      "area_type", "signup_date", "account_manager")
#: Transaction columns whose per-customer mix becomes ``<column>_share_<value>`` columns.
SHARE_COLUMNS: tuple[str, ...] = ("service", "channel")
#: At most this many values (the most frequent ones) get a share column each.
MAX_SHARE_VALUES = 50
#: ``complaints.status`` value (compared lower-case) that marks an open complaint.
OPEN_STATUS = "open"

_TX_DATES = ("first_date", "last_date", "first_purchase_date", "last_purchase_date")
_TX_COUNTS = ("frequency", "n_transactions", "refund_count", "frequency_recent",
              "frequency_prior")
_TX_SUMS = ("monetary_total", "refund_amount", "spend_recent", "spend_prior")
_TX_OPTIONAL_SUMS = {"quantity": "quantity_total", "weight_kg": "weight_total"}

i18n.register({
    "problem.view_missing_table": {
        "en": "The {table} table ({name}) was not found in the database.",
        "zh": "数据库中找不到{table}表（{name}）。",
    },
    "problem.view_missing_column": {
        "en": "The {table} table ({name}) has no column '{column}'.",
        "zh": "{table}表（{name}）缺少列“{column}”。",
    },
    "problem.view_no_dates": {
        "en": "The {table} table ({name}) has no dated rows, so there is no analysis date.",
        "zh": "{table}表（{name}）没有带日期的记录，无法确定分析日期。",
    },
})


# --------------------------------------------------------------------------- SQL pieces


@dataclass(frozen=True)
class _Bounds:
    """Window boundaries as half-open day intervals, all as bound DATE parameters."""

    as_of: pd.Timestamp
    window_days: int

    def _param(self, name: str, offset_days: int) -> sa.BindParameter:
        day = (self.as_of + pd.Timedelta(days=offset_days)).date()
        return sa.bindparam(name, day, type_=sa.Date())

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
                  bounds: _Bounds) -> dict[str, list]:
    """Per share column, its most frequent non-null values among purchases up to as_of.

    One small ``GROUP BY`` over all share columns together (one scan), totalled
    per column here; ties go to the value first in text order.
    """
    if not columns:
        return {}
    cols = [tx.c(c) for c in columns]
    query = (sa.select(*cols, sa.func.count()).select_from(tx.table)
             .where(tx.c("date") < bounds.end, tx.c("customer_id").is_not(None),
                    is_purchase(tx.c("amount")))
             .group_by(*cols))
    totals: dict[str, dict] = {c: {} for c in columns}
    for *values, n in conn.execute(query):
        for column, value in zip(columns, values, strict=True):
            if value is not None:
                totals[column][value] = totals[column].get(value, 0) + int(n)
    return {column: sorted(counts, key=lambda v: (-counts[v], str(v)))[:MAX_SHARE_VALUES]
            for column, counts in totals.items()}


def _transactions_query(tx: Source, bounds: _Bounds,
                        shares: Mapping[str, list] | None = None) -> sa.Select:
    cid, date, amount = tx.c("customer_id"), tx.c("date"), tx.c("amount")
    day = day_of(date)
    purchase = is_purchase(amount)
    recent = sa.and_(purchase, bounds.recent(date))
    prior = sa.and_(purchase, bounds.prior(date))
    cols: list[sa.ColumnElement] = [
        cid.label("customer_id"),
        sa.func.min(day).label("first_date"),
        sa.func.max(day).label("last_date"),
        min_if(day, purchase).label("first_purchase_date"),
        max_if(day, purchase).label("last_purchase_date"),
        count_distinct_if(day, purchase).label("frequency"),
        count_if(purchase).label("n_transactions"),
        sa.func.sum(amount).label("monetary_total"),
        count_if(amount < 0).label("refund_count"),
        sum_if(-amount, amount < 0).label("refund_amount"),
        count_distinct_if(day, recent).label("frequency_recent"),
        count_distinct_if(day, prior).label("frequency_prior"),
        sum_if(amount, bounds.recent(date)).label("spend_recent"),
        sum_if(amount, bounds.prior(date)).label("spend_prior"),
    ]
    for column, label in _TX_OPTIONAL_SUMS.items():
        if tx.has(column):
            cols.append(sa.func.sum(tx.c(column)).label(label))
    for column, values in (shares or {}).items():
        col = tx.c(column)
        for i, value in enumerate(values):
            cols.append(count_if(sa.and_(purchase, col == value)).label(f"{column}_n_{i}"))
    # ORDER BY: DuckDB sorts in code point order, as the view is sorted, at almost no
    # cost; other collations get sorted again in pandas
    return (sa.select(*cols).select_from(tx.table)
            .where(date < bounds.end, cid.is_not(None))
            .group_by(cid)
            .order_by(cid))


def _branch_query(tx: Source, bounds: _Bounds) -> sa.Select:
    cid, branch = tx.c("customer_id"), tx.c("branch")
    return (sa.select(cid.label("customer_id"), branch.label("branch"),
                      sa.func.count().label("n"))
            .select_from(tx.table)
            .where(tx.c("date") < bounds.end, cid.is_not(None), branch.is_not(None))
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


def _build(conn: sa.Connection | None, as_of: dt.date | pd.Timestamp, window_days: int,
           table_names: TableNames | None, scope: Scope | None = None
           ) -> tuple[dict[str, sa.Select], dict]:
    if int(window_days) != window_days or window_days < 1:
        raise ValueError(f"window_days must be a positive whole number, got {window_days!r}")
    found = scope_sources(resolve_tables(conn, table_names), scope)
    tx = transactions_source(found, table_names)
    bounds = _Bounds(as_day(as_of), int(window_days))
    shares = ({} if conn is None else
              _share_values(conn, tx, [c for c in SHARE_COLUMNS if tx.has(c)], bounds))
    queries: dict[str, sa.Select] = {"transactions": _transactions_query(tx, bounds, shares)}
    if tx.has("branch"):
        queries["branches"] = _branch_query(tx, bounds)
    builders = {"customers": lambda s: _customers_query(s),
                "surveys": lambda s: _surveys_query(s, bounds),
                "complaints": lambda s: _complaints_query(s, bounds)}
    for name, build in builders.items():
        if name in found and (query := build(found[name])) is not None:
            queries[name] = query
    return queries, shares


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
        return _build(None, as_of, window_days, table_names, scope)[0]
    with connected(bind) as conn:
        return _build(conn, as_of, window_days, table_names, scope)[0]


def customer_view_query(bind: sa.Engine | sa.Connection, *, as_of: dt.date | pd.Timestamp,
                        window_days: int = 90,
                        table_names: TableNames | None = None) -> sa.Select:
    """The single ``GROUP BY customer_id`` query over transactions behind :func:`customer_view`.

    One pass with conditional aggregates; its columns are the raw material of
    the view (``first_date`` ... ``spend_prior``, ``quantity_total``,
    ``weight_total``, and ``service_n_<i>`` / ``channel_n_<i>`` purchase counts
    for the i-th most frequent service / channel). When ``service`` or
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


def date_range(bind: sa.Engine | sa.Connection,
               table_names: TableNames | None = None
               ) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last transaction day (``SELECT min(date), max(date)``).

    Raises
    ------
    DataError
        When the transactions table or its required columns are missing, or it
        has no dated rows.
    """
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        date = tx.c("date")
        first, last = conn.execute(
            sa.select(sa.func.min(day_of(date)), sa.func.max(day_of(date)))
            .select_from(tx.table)).one()
    if first is None or last is None:
        raise DataError([Problem("transactions", "view_no_dates", "error",
                                 params={"name": tx.name})])
    return as_day(first), as_day(last)


def data_as_of(bind: sa.Engine | sa.Connection,
               table_names: TableNames | None = None) -> pd.Timestamp:
    """The last transaction day: the default analysis date (``SELECT max(date)``).

    Raises
    ------
    DataError
        As :func:`date_range`.
    """
    with connected(bind) as conn:
        tx = transactions_source(resolve_tables(conn, table_names), table_names)
        last = conn.execute(sa.select(sa.func.max(day_of(tx.c("date"))))
                            .select_from(tx.table)).scalar()
    if last is None:
        raise DataError([Problem("transactions", "view_no_dates", "error",
                                 params={"name": tx.name})])
    return as_day(last)


# --------------------------------------------------------------------------- fetch & finish
#
# The finishing steps work on plain arrays aligned with the transactions result,
# then sort once and build the view in one go: at a million customers every
# extra reindex / concat of string-indexed frames costs a noticeable fraction
# of a second.

Columns = dict[str, "np.ndarray | pd.api.extensions.ExtensionArray"]


def _take(values: np.ndarray | pd.api.extensions.ExtensionArray, positions: np.ndarray,
          fill: object) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``values[positions]`` with ``fill`` where the position is -1."""
    if isinstance(values, np.ndarray):
        if len(values) == 0:
            return np.full(len(positions), fill, dtype=values.dtype)
        return np.where(positions >= 0, values[positions], np.asarray(fill, values.dtype))
    return pd.api.extensions.take(values, positions, allow_fill=True)


def _days(values: pd.Series) -> np.ndarray:
    """Calendar days as ``datetime64[ns]`` from DATE / TIMESTAMP / ISO text results."""
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        values = pd.to_datetime(values, format="ISO8601")
    days = pd.Series(values, copy=False).astype("datetime64[ns]").dt.floor("D")
    return days.to_numpy()


def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values).to_numpy(dtype="float64", na_value=np.nan)


def _counts(values: pd.Series) -> np.ndarray:
    return np.nan_to_num(_floats(values)).astype("int64")


def _ratio(num: np.ndarray, den: np.ndarray, valid: np.ndarray) -> np.ndarray:
    out = np.full(len(num), np.nan)
    np.divide(num, den, out=out, where=valid)
    return out


def _finish_transactions(raw: pd.DataFrame, as_of: pd.Timestamp,
                         shares: Mapping[str, list]) -> Columns:
    """Measures from the transaction aggregate, aligned with its rows."""
    out: Columns = {c: _days(raw[c]) for c in _TX_DATES}
    as_of64 = np.datetime64(as_of.to_datetime64(), "ns")
    day = np.timedelta64(1, "D")
    out["recency_days"] = (as_of64 - out["last_date"]) / day
    out["tenure_days"] = (as_of64 - out["first_date"]) / day
    counts = {c: _counts(raw[c]) for c in _TX_COUNTS}
    sums = {c: np.nan_to_num(_floats(raw[c])) for c in _TX_SUMS}
    freq = counts["frequency"]
    span = (out["last_purchase_date"] - out["first_purchase_date"]) / day
    out.update({
        "frequency": freq,
        "n_transactions": counts["n_transactions"],
        "monetary_total": sums["monetary_total"],
        "monetary_avg": _ratio(sums["monetary_total"], freq.astype("float64"), freq > 0),
        "refund_count": counts["refund_count"],
        "refund_amount": sums["refund_amount"],
        "avg_interval_days": _ratio(span, (freq - 1).astype("float64"), freq > 1),
    })
    for label in _TX_OPTIONAL_SUMS.values():
        if label in raw:
            out[label] = _floats(raw[label])
    recent_f, prior_f = counts["frequency_recent"], counts["frequency_prior"]
    recent_s, prior_s = sums["spend_recent"], sums["spend_prior"]
    out.update({
        "frequency_recent": recent_f,
        "frequency_prior": prior_f,
        "frequency_trend": _ratio((recent_f - prior_f).astype("float64"),
                                  prior_f.astype("float64"), prior_f > 0),
        "spend_recent": recent_s,
        "spend_prior": prior_s,
        "spend_trend": _ratio(recent_s - prior_s, prior_s, prior_s > 0),
    })
    n_tx = counts["n_transactions"].astype("float64")
    for column, values in shares.items():
        for i, value in enumerate(values):
            n = np.nan_to_num(_floats(raw[f"{column}_n_{i}"]))
            out[f"{column}_share_{value}"] = _ratio(n, n_tx, n_tx > 0)
    return out


def _home_branch(raw: pd.DataFrame, ids: pd.Index) -> pd.api.extensions.ExtensionArray:
    """Per customer of ``ids``, the branch with the most rows; ties go to the first name.

    "First" is text (code point) order, decided here rather than by a database
    collation.
    """
    rows = positions_in(raw["customer_id"], ids)
    keep = rows >= 0
    codes, names = pd.factorize(as_text(raw["branch"]), sort=True)
    rows, codes, n = rows[keep], codes[keep], _counts(raw["n"])[keep]
    # one score orders (count, then name) per row: more rows first, then the smaller code
    n_names = max(len(names), 1)
    best = np.full(len(ids), -1, dtype=np.int64)
    np.maximum.at(best, rows, n * n_names + (n_names - 1 - codes))
    chosen = np.where(best >= 0, n_names - 1 - best % n_names, -1)
    return _take(pd.array(names, dtype="str"), chosen, None)


def _attributes(raw: pd.DataFrame, ids: pd.Index) -> Columns:
    """Customer attributes for ``ids``; a duplicated customer id keeps its first row."""
    rows = positions_in(ids, raw["customer_id"])
    out: Columns = {}
    for column in ATTRIBUTE_COLUMNS:
        if column in raw:
            values = (_days(raw[column]) if column == "signup_date"
                      else as_text(raw[column]).array)
            out[column] = _take(values, rows, np.datetime64("NaT", "ns"))
    return out


def _survey_measures(raw: pd.DataFrame, ids: pd.Index) -> Columns:
    rows = positions_in(ids, raw["customer_id"])
    n, n_recent, n_prior, n_last = (_take(_counts(raw[c]), rows, 0) for c in
                                    ("n_surveys", "n_recent", "n_prior", "n_last"))
    sums = {c: _take(np.nan_to_num(_floats(raw[c])), rows, 0.0) for c in
            ("score_sum", "score_sum_recent", "score_sum_prior", "score_sum_last")}
    return {
        "n_surveys": n,
        "satisfaction_avg": _ratio(sums["score_sum"], n, n > 0),
        "satisfaction_last": _ratio(sums["score_sum_last"], n_last, n_last > 0),
        "satisfaction_recent": _ratio(sums["score_sum_recent"], n_recent, n_recent > 0),
        "satisfaction_prior": _ratio(sums["score_sum_prior"], n_prior, n_prior > 0),
    }


def _complaint_measures(raw: pd.DataFrame, ids: pd.Index) -> Columns:
    rows = positions_in(ids, raw["customer_id"])
    return {c: _take(_counts(raw[c]), rows, 0)
            for c in ("n_complaints", "complaints_recent", "complaints_open") if c in raw}


def customer_view(bind: sa.Engine | sa.Connection, *,
                  as_of: dt.date | pd.Timestamp | None = None, window_days: int = 90,
                  table_names: TableNames | None = None,
                  scope: Scope | None = None) -> pd.DataFrame:
    """One row per customer, aggregated inside the database that holds the data.

    Reads the canonical tables (see :mod:`segmentation.schema`): ``transactions``
    (required: ``customer_id``, ``date``, ``amount``) and, when present,
    ``customers``, ``surveys`` and ``complaints``. Date columns may be ``DATE``
    or ``TIMESTAMP``; only their calendar day is used, so both give the same view.
    Transactions, surveys and complaints dated after ``as_of`` are ignored.

    Parameters
    ----------
    bind : SQLAlchemy engine or connection (DuckDB workspace, SQLite, PostgreSQL,
        MariaDB / MySQL, ...).
    as_of : analysis day (a time of day is dropped). ``None``: the last
        transaction day in the data (:func:`data_as_of`).
    window_days : W, the length in days of the two trend windows: *recent* is
        the days ``(as_of - W, as_of]``, *prior* the days ``(as_of - 2W, as_of - W]``.
    table_names : canonical table -> actual table name in the database,
        optionally schema-qualified (``"sales.orders"``); missing keys use the
        canonical name.
    scope : only the customers of this :class:`~segmentation.access.Scope`
        (``None`` or an unlimited scope: everyone). Applied as a ``WHERE``
        inside every query, before aggregating: each table is read only for the
        customers whose ``customers.branch`` / ``customers.region`` is in the
        scope or who have a transaction at one of its branches (see
        :mod:`segmentation.scoping`); the result is then kept to the customers
        whose home ``branch`` or ``region`` (below) is in the scope, so a
        customer appears for exactly one branch. A customer's measures are the
        same as in the unscoped view. The service / channel share columns are
        those of the scoped customers' purchases.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (``str`` dtype), sorted by it in text
        (code point) order. **Rows**: every customer with at least one
        transaction row dated on or before ``as_of`` (and in ``scope``);
        customers who appear only in ``customers`` (or only in surveys /
        complaints) are not in the view.
        A *purchase* is a transaction row with ``amount >= 0`` (a free or
        promotional order with amount 0 is an order), a *refund* one with
        ``amount < 0`` (see :func:`is_purchase`). Day counts
        are whole calendar days. Counts are ``int64`` (never missing);
        measures are ``float64``; dates are ``datetime64[ns]`` at midnight;
        text is ``str``. Columns, in order (those marked *optional* only exist
        when their source table / column does):

        Attributes from ``customers`` (*optional*, each only if its column
        exists; missing for customers absent from that table):
        ``name``, ``phone``, ``customer_type``, ``branch``, ``region``,
        ``area_type``, ``signup_date``, ``account_manager``.

        ``branch`` is the customer's home branch: ``customers.branch`` when it
        is known for the customer, otherwise the branch of
        ``transactions.branch`` with the most rows (any amount) up to
        ``as_of``, ties going to the branch name first in text order. Present
        when either source column exists.

        From ``transactions`` (rows dated on or before ``as_of``):

        - ``first_date`` / ``last_date``: first / last day with any transaction
          row (purchases and refunds alike).
        - ``first_purchase_date`` / ``last_purchase_date``: first / last
          purchase day; NaT for a customer without purchases.
        - ``recency_days``: ``as_of - last_date`` in days (0 = active on as_of);
          a refund is a contact too, so it counts. Purchase recency is
          ``as_of - last_purchase_date``.
        - ``tenure_days``: ``as_of - first_date`` in days.
        - ``frequency``: number of distinct purchase days; several purchases on
          one day count once, refunds never count. A one-time buyer has 1.
        - ``n_transactions``: number of purchase rows.
        - ``monetary_total``: sum of all amounts, refunds included (net spend).
        - ``monetary_avg``: ``monetary_total / frequency`` (net spend per
          purchase day); NaN when ``frequency`` is 0.
        - ``refund_count``: number of refund rows.
        - ``refund_amount``: total refunded, as a positive number (0.0 if none).
        - ``avg_interval_days``: typical gap between purchase days,
          ``(last_purchase_date - first_purchase_date) / (frequency - 1)``;
          NaN for one-time buyers (and customers without purchases), because
          one purchase day has no interval.
        - ``quantity_total`` / ``weight_total`` (*optional*, from ``quantity`` /
          ``weight_kg``): sum over rows (refund rows as stored); NaN when the
          customer has no non-missing value.
        - ``frequency_recent`` / ``frequency_prior``: distinct purchase days in
          the recent / prior window.
        - ``frequency_trend``: ``(frequency_recent - frequency_prior) /
          frequency_prior``; NaN when ``frequency_prior`` is 0 (no base to
          compare with). -1 means no purchase day in the recent window.
        - ``spend_recent`` / ``spend_prior``: net amount (refunds included)
          dated in the recent / prior window.
        - ``spend_trend``: ``(spend_recent - spend_prior) / spend_prior``; NaN
          when ``spend_prior <= 0`` (a relative change needs a positive base).
        - ``service_share_<value>`` / ``channel_share_<value>`` (*optional*,
          when ``service`` / ``channel`` exist): the share of the customer's
          purchase rows with that value, for the :data:`MAX_SHARE_VALUES` most
          frequent values (most frequent first); rows with a missing value are
          in no share, so shares sum to at most 1. NaN without purchases.

        From ``surveys`` (*optional*: needs ``customer_id``, ``date``,
        ``score``; surveys without a score are ignored; a customer without
        surveys gets 0 and NaN):

        - ``n_surveys``: surveys dated on or before ``as_of``.
        - ``satisfaction_avg``: mean score of those surveys.
        - ``satisfaction_last``: mean score on the last survey day.
        - ``satisfaction_recent`` / ``satisfaction_prior``: mean score of the
          surveys in the recent / prior window; NaN when there are none.

        From ``complaints`` (*optional*: needs ``customer_id`` and ``date``; a
        customer without complaints gets 0):

        - ``n_complaints``: complaints opened on or before ``as_of``.
        - ``complaints_recent``: complaints opened in the recent window.
        - ``complaints_open`` (*optional*, needs ``status`` or
          ``resolved_date``): complaints opened on or before ``as_of`` and
          still open on ``as_of``. A known ``resolved_date`` decides (open
          until the day before it is resolved, so a past ``as_of`` is judged
          as it was then); otherwise ``status`` decides (``"open"``, compared
          case-insensitively, is open; any other value is resolved); with
          neither known the complaint counts as open.

        ``attrs["as_of"]`` and ``attrs["window_days"]`` record the inputs.

    Raises
    ------
    DataError
        When ``transactions`` or one of its required columns is missing, or
        ``as_of`` is ``None`` and no transaction has a date.
    ValueError
        When ``window_days`` is not a positive whole number.

    Notes
    -----
    MariaDB / MySQL group and compare text with the column's collation, which
    is usually case-, accent- and trailing-space-insensitive: ids ``"c1"`` and
    ``"C1"`` then count as one customer, branches ``"Öst"`` and ``"Ost"`` as
    one branch, services ``"Express"`` and ``"express"`` as one value.

    Cost: one scan of ``transactions`` for the aggregate, one for the
    customer x branch counts (skipped when ``customers.branch`` is known for
    every customer), one for the values of ``service`` / ``channel`` and one
    ``max(date)`` when ``as_of`` is ``None``; everything after that is
    proportional to the number of customers.
    """
    with connected(bind) as conn:
        day = data_as_of(conn, table_names) if as_of is None else as_day(as_of)
        queries, shares = _build(conn, day, window_days, table_names, scope)
        raws = {name: fetch(conn, query) for name, query in queries.items()
                if name != "branches"}
        tx = raws["transactions"]
        ids = pd.Index(as_text(tx["customer_id"]), name="customer_id")
        attrs = _attributes(raws["customers"], ids) if "customers" in raws else {}
        known = attrs.get("branch")
        # the customer x branch counts only matter where the customers table has no branch
        if "branches" in queries and (known is None or known.isna().any()):
            home = _home_branch(fetch(conn, queries["branches"]), ids)
            attrs["branch"] = home if known is None else known.fillna(home)

    order = None if ids.is_monotonic_increasing else ids.argsort()
    measures = _finish_transactions(tx, day, shares)
    columns: Columns = {c: attrs[c] for c in ATTRIBUTE_COLUMNS if c in attrs}
    columns.update(measures)
    if "surveys" in raws:
        columns.update(_survey_measures(raws["surveys"], ids))
    if "complaints" in raws:
        columns.update(_complaint_measures(raws["complaints"], ids))
    if order is not None:  # text (code point) order, whatever the database collation
        ids = ids.take(order)
        columns = {name: values[order] for name, values in columns.items()}
    view = pd.DataFrame(columns, index=ids)
    if is_limited(scope):  # the home branch / region decides: one branch per customer
        view = scope.apply(view)
    view.attrs.update(as_of=day, window_days=int(window_days))
    return view
