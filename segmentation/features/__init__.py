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

The main entry point is :func:`customer_view` (:func:`customer_views` for several
days in one pass); :func:`view_queries` returns the
queries it runs so that a page can show their SQL (:func:`query_sql`).
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "ATTRIBUTE_COLUMNS",
    "MAX_SHARE_VALUES",
    "OPEN_STATUS",
    "complaint_view_query",
    "customer_view",
    "customer_view_query",
    "customer_views",
    "data_as_of",
    "date_range",
    "query_sql",
    "survey_view_query",
    "view_queries",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".dates": ("data_as_of", "date_range"),
    ".queries": (
        "ATTRIBUTE_COLUMNS", "MAX_SHARE_VALUES", "OPEN_STATUS", "complaint_view_query",
        "customer_view_query", "query_sql", "survey_view_query", "view_queries", "SHARE_COLUMNS",
    ),
    ".view": ("customer_view", "customer_views"),
})
