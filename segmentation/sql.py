"""Portable SQL building blocks shared by every query of the library.

The customer view (:mod:`segmentation.features`), the churn labels and lifecycle
(:mod:`segmentation.churn`), the satisfaction trends and the overview cubes all
resolve the data contract's tables and columns the same way and fetch results
the same way; the pieces live here, public, so that none of them reaches into
another module's private names.

- :class:`day_of`: the calendar day of a DATE / TIMESTAMP (``date(x)`` on SQLite);
- :func:`sum_if`, :func:`count_if`, ...: conditional aggregates, ``FILTER (WHERE)``
  on DuckDB and PostgreSQL, ``CASE WHEN`` elsewhere (distinct counts as the size of a
  set on Spark, see :func:`_count_distinct_spark`);
- :func:`resolve_tables` / :func:`find_tables`: the canonical tables present, with
  their columns matched case-insensitively;
- :func:`scope_sources`: the tables narrowed to the customers a scope may see;
- :func:`fetch`: a query's rows as a frame (columnar on DuckDB, ``COPY`` on PostgreSQL,
  typed from the server's metadata on Spark); :func:`fetch_columns`: the same as one
  pandas column per result column, taken from Arrow without building a frame (for results
  that are finished column by column).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import expression

from .access import Scope
from .limits import DEFAULT_MAX_ROWS as SPARK_MAX_ROWS
from .limits import MAX_ROWS_ENV, max_customer_rows
from .linebreaks import normalize_breaks, normalize_frame_breaks
from .schema import DataError, Problem
from .scoping import candidates, is_limited

__all__ = [
    "Source",
    "TableNames",
    "as_day",
    "as_text",
    "canonical_tables",
    "connected",
    "count_distinct_if",
    "count_if",
    "day_of",
    "days_between",
    "fetch",
    "fetch_columns",
    "find_tables",
    "is_purchase",
    "max_if",
    "min_if",
    "positions_in",
    "quantile_cont",
    "resolve_tables",
    "MAX_ROWS_ENV",
    "SPARK_MAX_ROWS",
    "max_customer_rows",
    "rows_bound",
    "scope_sources",
    "split_name",
    "sum_if",
    "supports_quantiles",
    "transactions_source",
]

#: canonical table -> its name in the database (``"schema.table"`` allowed) or a selectable
#: whose columns carry the canonical names (a mapped table or query).
TableNames = Mapping[str, "str | sa.FromClause"]


class day_of(expression.FunctionElement):
    """The calendar day of a DATE / TIMESTAMP expression, as a portable SQL construct.

    Renders ``CAST(x AS DATE)`` by default and ``date(x)`` on SQLite (whose
    dates are ISO text). The result compares equal across rows of the same day,
    which is what ``count(DISTINCT ...)`` of purchase days needs.
    """

    type = sa.Date()
    name = "day_of"
    inherit_cache = True


@compiles(day_of)
def _day_of_default(element: day_of, compiler, **kw) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS DATE)"


@compiles(day_of, "sqlite")
def _day_of_sqlite(element: day_of, compiler, **kw) -> str:
    return f"date({compiler.process(element.clauses, **kw)})"


class days_between(expression.FunctionElement):
    """Whole days from ``start`` to ``end`` (two DATE expressions), as a portable construct.

    ``end - start`` on PostgreSQL and DuckDB (date minus date is a number of days),
    ``datediff(end, start)`` on Spark and MySQL / MariaDB, the difference of Julian days
    on SQLite.
    """

    type = sa.Integer()
    name = "days_between"
    inherit_cache = True

    def __init__(self, start: sa.ColumnElement, end: sa.ColumnElement):
        super().__init__(start, end)


@compiles(days_between)
def _days_between_default(element: days_between, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"(CAST({end} AS DATE) - CAST({start} AS DATE))"


@compiles(days_between, "spark")
@compiles(days_between, "mysql")
@compiles(days_between, "mariadb")
def _days_between_datediff(element: days_between, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"datediff({end}, {start})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler, **kw) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"CAST(julianday(date({end})) - julianday(date({start})) AS INTEGER)"


#: ``accuracy`` of Spark's ``percentile_approx``: the value returned for a fraction ``q``
#: of ``n`` values has a rank within ``n / SPARK_QUANTILE_ACCURACY`` of ``q * n`` (Spark's
#: documented bound, "1.0/accuracy is the relative error"), at a memory cost that grows
#: with it (a sketch, not a sort: one pass, whatever ``n``).
SPARK_QUANTILE_ACCURACY = 10_000
#: Dialects where :class:`quantile_cont` compiles (elsewhere the caller computes in pandas).
QUANTILE_DIALECTS: frozenset[str] = frozenset({"duckdb", "postgresql", "spark"})


def supports_quantiles(bind: sa.Engine | sa.Connection | sa.Dialect) -> bool:
    """Whether :class:`quantile_cont` runs in the database of ``bind``."""
    dialect = bind if isinstance(bind, sa.Dialect) else bind.dialect
    return dialect.name in QUANTILE_DIALECTS


class quantile_cont(expression.FunctionElement):
    """The ``q`` quantile of ``value`` over a group: an aggregate, computed in the engine.

    Exact and linearly interpolated between the two nearest values, as
    ``numpy.quantile``'s default, on PostgreSQL (``percentile_cont(q) WITHIN GROUP
    (ORDER BY value)``) and DuckDB (``quantile_cont(value, q)``); approximate on Spark
    (``percentile_approx(value, q, SPARK_QUANTILE_ACCURACY)``: one of the values, whose
    rank is within ``n / SPARK_QUANTILE_ACCURACY`` of the exact one), because an exact
    quantile there sorts every row of the group on one executor. NULLs are left out.
    Other dialects refuse to compile it (see :func:`supports_quantiles`).
    """

    type = sa.Float()
    name = "quantile_cont"
    inherit_cache = True

    def __init__(self, value: sa.ColumnElement, q: float):
        q = float(q)
        if not 0.0 <= q <= 1.0:
            raise ValueError(f"a quantile lies in [0, 1], got {q!r}")
        # the fraction is inlined: PostgreSQL wants a constant in WITHIN GROUP, Spark a
        # foldable one
        super().__init__(value, sa.literal_column(repr(q)))


@compiles(quantile_cont)
def _quantile_unsupported(element: quantile_cont, compiler, **kw) -> str:
    raise sa.exc.CompileError(f"no quantile aggregate on {compiler.dialect.name}; compute "
                              "the quantile from the fetched rows instead")


@compiles(quantile_cont, "postgresql")
def _quantile_postgres(element: quantile_cont, compiler, **kw) -> str:
    value, q = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"percentile_cont({q}) WITHIN GROUP (ORDER BY {value})"


@compiles(quantile_cont, "duckdb")
def _quantile_duckdb(element: quantile_cont, compiler, **kw) -> str:
    value, q = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"quantile_cont({value}, {q})"


@compiles(quantile_cont, "spark")
def _quantile_spark(element: quantile_cont, compiler, **kw) -> str:
    value, q = (compiler.process(c, **kw) for c in element.clauses.clauses)
    return f"percentile_approx({value}, {q}, {SPARK_QUANTILE_ACCURACY})"


class AggregateIf(expression.FunctionElement):
    """``agg(value)`` over the rows where ``condition`` holds: a conditional aggregate.

    Renders ``agg(value) FILTER (WHERE condition)`` on DuckDB and PostgreSQL,
    where it is markedly faster (DuckDB skips the rows before aggregating), and
    the portable ``agg(CASE WHEN condition THEN value END)`` elsewhere. Both
    give NULL when no row of the group qualifies (``count`` gives 0).
    """

    inherit_cache = True
    aggregate = "sum"
    distinct = False

    def __init__(self, value: sa.ColumnElement, condition: sa.ColumnElement[bool]):
        super().__init__(value, condition)
        self.type = sa.Integer() if self.aggregate == "count" else value.type


class sum_if(AggregateIf):
    inherit_cache = True
    aggregate = "sum"


class min_if(AggregateIf):
    inherit_cache = True
    aggregate = "min"


class max_if(AggregateIf):
    inherit_cache = True
    aggregate = "max"


class count_distinct_if(AggregateIf):
    inherit_cache = True
    aggregate = "count"
    distinct = True


class count_if(AggregateIf):
    """The number of rows where ``condition`` holds (0, not NULL, when none)."""

    inherit_cache = True
    aggregate = "count"

    def __init__(self, condition: sa.ColumnElement[bool]):
        super().__init__(sa.literal_column("1"), condition)


def _aggregate_case(element: AggregateIf, compiler, **kw) -> str:
    value, condition = element.clauses.clauses
    if isinstance(element, count_if):  # sum(1/0) keeps "0 when none" like count
        return compiler.process(sa.func.sum(sa.case((condition, 1), else_=0)), **kw)
    distinct = "DISTINCT " if element.distinct else ""
    case = compiler.process(sa.case((condition, value)), **kw)
    return f"{element.aggregate}({distinct}{case})"


def _aggregate_filter(element: AggregateIf, compiler, **kw) -> str:
    value, condition = element.clauses.clauses
    distinct = "DISTINCT " if element.distinct else ""
    arg = "*" if isinstance(element, count_if) else compiler.process(value, **kw)
    where = compiler.process(condition, **kw)
    return f"{element.aggregate}({distinct}{arg}) FILTER (WHERE {where})"


for _cls in (sum_if, min_if, max_if, count_distinct_if, count_if):
    compiles(_cls)(_aggregate_case)
    for _dialect in ("duckdb", "postgresql"):
        compiles(_cls, _dialect)(_aggregate_filter)


@compiles(count_distinct_if, "spark")
def _count_distinct_spark(element: count_distinct_if, compiler, **kw) -> str:
    """``size(collect_set(CASE WHEN …))`` on Spark: several ``count(DISTINCT …)`` in one
    query make Spark copy every row once per distinct aggregate (its ``Expand`` step);
    a set per group reads each row once (NULLs are left out of the set, as from the
    count)."""
    value, condition = element.clauses.clauses
    case = compiler.process(sa.case((condition, value)), **kw)
    return f"size(collect_set({case}))"


@dataclass(frozen=True)
class Source:
    """One canonical table as found in the database: where it is and which columns it has."""

    canonical: str
    name: str  # as given by the caller, for messages
    table: sa.FromClause
    columns: Mapping[str, str]  # canonical column -> actual column name

    def has(self, *names: str) -> bool:
        return all(n in self.columns for n in names)

    def c(self, name: str) -> sa.ColumnClause:
        return self.table.c[self.columns[name]]


def split_name(name: str) -> tuple[str | None, str]:
    schema, _, table = name.rpartition(".")
    return (schema or None), table


@contextmanager
def connected(bind: sa.Engine | sa.Connection) -> Iterator[sa.Connection]:
    if isinstance(bind, sa.Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def resolve_tables(conn: sa.Connection | None,
                 table_names: TableNames | None) -> dict[str, Source]:
    """The canonical tables that exist, with their columns.

    A name is looked up in the database (``SELECT * ... LIMIT 0`` for its
    columns); a :class:`~sqlalchemy.sql.expression.FromClause` value (a mapped
    table or a user query whose columns carry canonical names, see
    :mod:`segmentation.database`) is used as it is, without a round trip, so
    ``conn`` may be ``None`` when every value is one.
    """
    names = dict(table_names or {})
    inspector = None
    found: dict[str, Source] = {}
    for canonical in ("transactions", "customers", "surveys", "complaints"):
        name = names.get(canonical, canonical)
        if name is None:
            continue
        if isinstance(name, sa.FromClause):
            columns = {str(c.name).lower(): str(c.name) for c in reversed(name.columns)}
            found[canonical] = Source(canonical, canonical, name, columns)
            continue
        if conn is None:
            continue
        inspector = inspector or sa.inspect(conn)
        schema, table_name = split_name(name)
        if not inspector.has_table(table_name, schema=schema):
            continue
        probe = sa.table(table_name, schema=schema)
        actual = list(conn.execute(sa.select(sa.text("*")).select_from(probe).limit(0)).keys())
        # canonical names are lower case; match headers case-insensitively, first wins
        columns: dict[str, str] = {}
        for col in actual:
            columns.setdefault(str(col).lower(), str(col))
        table = sa.table(table_name, *(sa.column(c) for c in columns.values()), schema=schema)
        found[canonical] = Source(canonical, name, table, columns)
    return found


def find_tables(bind: sa.Engine | sa.Connection | None,
                table_names: TableNames | None = None) -> dict[str, sa.FromClause]:
    """The canonical tables present, each as a selectable whose columns carry the
    canonical (lower-case) names, ready for queries written against the data contract."""
    if bind is None:
        return canonical_tables(resolve_tables(None, table_names))
    with connected(bind) as conn:
        return canonical_tables(resolve_tables(conn, table_names))


def canonical_tables(found: Mapping[str, Source]) -> dict[str, sa.FromClause]:
    out: dict[str, sa.FromClause] = {}
    for canonical, src in found.items():
        if all(k == v for k, v in src.columns.items()):
            out[canonical] = src.table
        else:
            out[canonical] = (sa.select(*(src.c(c).label(c) for c in src.columns))
                              .select_from(src.table).subquery(f"{canonical}_src"))
    return out


def scope_sources(found: Mapping[str, Source], scope: Scope | None) -> dict[str, Source]:
    """``found`` with every table that has a ``customer_id`` read only for the customers
    that may be in ``scope`` (``customer_id IN (candidates)``, see :mod:`segmentation.scoping`).
    """
    if not is_limited(scope):
        return dict(found)
    ids = candidates(canonical_tables(found), scope)
    out: dict[str, Source] = {}
    for name, src in found.items():
        if not src.has("customer_id"):
            out[name] = src
            continue
        narrowed = (sa.select(*src.table.c).select_from(src.table)
                    .where(src.c("customer_id").in_(ids)).subquery(f"{name}_scoped"))
        out[name] = Source(src.canonical, src.name, narrowed, src.columns)
    return out


def transactions_source(found: Mapping[str, Source], table_names: TableNames | None
                  ) -> Source:
    name = dict(table_names or {}).get("transactions", "transactions")
    if not isinstance(name, str):
        name = "transactions"
    tx = found.get("transactions")
    if tx is None:
        raise DataError([Problem("transactions", "view_missing_table", "error",
                                 params={"name": name})])
    missing = [c for c in ("customer_id", "date", "amount") if not tx.has(c)]
    if missing:
        raise DataError([Problem("transactions", "view_missing_column", "error", column=c,
                                 params={"name": name}) for c in missing])
    return tx


def as_day(value: dt.date | pd.Timestamp | str) -> pd.Timestamp:
    """A day as a naive midnight Timestamp (time of day and time zone dropped)."""
    day = pd.Timestamp(value)
    if day.tzinfo is not None:
        day = day.tz_localize(None)
    return day.normalize()


def is_purchase(amount: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """A purchase is a row with ``amount >= 0`` (a free or promotional order is an order);
    negative rows are refunds. Every purchase count in the library uses this."""
    return amount >= 0




def fetch(conn: sa.Connection, query: sa.Select) -> pd.DataFrame:
    """The rows of ``query`` as a frame; line breaks inside text read as ``"\\n"`` (as from
    files, :mod:`segmentation.linebreaks`)."""
    return normalize_frame_breaks(_fetch(conn, query))


def _fetch(conn: sa.Connection, query: sa.Select) -> pd.DataFrame:
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        frame = fetch_postgres_copy(conn, query)
        if frame is not None:
            return frame
    result = conn.execute(query)
    if conn.dialect.name == "duckdb":
        # columnar fetch straight from DuckDB: no Python tuple per row
        return result.cursor.fetch_df()
    if conn.dialect.name == "spark":
        return fetch_spark(result)
    return pd.DataFrame.from_records(result.fetchall(), columns=list(result.keys()))


def fetch_columns(conn: sa.Connection, query: sa.Select) -> dict[str, pd.Series]:
    """The rows of ``query`` as one Series per result column, by name (no frame built).

    Columnar where the engine allows: DuckDB hands over an Arrow table and
    PostgreSQL streams ``COPY`` into Arrow (:func:`fetch_postgres_copy`); each
    column then becomes a pandas column without a Python object per value (text
    as the ``str`` dtype, dates as ``datetime64``). Other engines fetch rows.
    Line breaks inside text read as ``"\\n"``, as with :func:`fetch`.
    """
    table = None
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        table = postgres_copy_table(conn, query)
    elif conn.dialect.name == "duckdb":
        cursor = conn.execute(query).cursor
        table = (cursor.to_arrow_table() if hasattr(cursor, "to_arrow_table")
                 else cursor.fetch_arrow_table())
    if table is None:
        frame = _fetch(conn, query)
        return {str(c): normalize_breaks(frame[c]) for c in frame.columns}
    return {name: _arrow_column(table.column(name)) for name in table.column_names}


def _arrow_column(values: pa.ChunkedArray) -> pd.Series:
    """One Arrow result column as a pandas Series (zero-copy where the type allows)."""
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return normalize_breaks(pd.Series(pd.array(values, dtype="str"), copy=False))
    if pa.types.is_string_view(kind):
        return _arrow_column(values.cast(pa.large_string()))
    if pa.types.is_date(kind):
        return pd.Series(values.cast(pa.timestamp("s")).to_pandas(), copy=False)
    if pa.types.is_decimal(kind):
        values = values.cast(pa.float64())
    return values.to_pandas()


#: PostgreSQL type OIDs that ``COPY ... TO STDOUT (FORMAT csv)`` writes in a form
#: Arrow's CSV reader parses exactly (anything else takes the row-by-row path)
_PG_ARROW_TYPES = {
    16: pa.bool_(), 20: pa.int64(), 21: pa.int64(), 23: pa.int64(), 26: pa.int64(),
    700: pa.float64(), 701: pa.float64(), 1700: pa.float64(),
    25: pa.string(), 1042: pa.string(), 1043: pa.string(), 19: pa.string(),
    1082: pa.date32(), 1114: pa.timestamp("us"),
}


def fetch_postgres_copy(conn: sa.Connection, query: sa.Select) -> pd.DataFrame | None:
    """:func:`postgres_copy_table` as a frame (``None`` where that returns ``None``)."""
    table = postgres_copy_table(conn, query)
    return None if table is None else table.to_pandas(date_as_object=False)


def postgres_copy_table(conn: sa.Connection, query: sa.Select) -> pa.Table | None:
    """The result of ``query`` streamed by ``COPY (query) TO STDOUT`` and parsed by Arrow.

    About twice as fast as fetching a million rows as Python tuples, and without
    a Python object per value. ``COPY TO`` only reads: it runs in read-only
    sessions and needs nothing beyond ``SELECT``. Returns ``None`` (caller
    fetches row by row) when a result column has a type this path does not
    parse exactly.
    """
    import io

    import pyarrow.csv as pa_csv

    compiled = query.compile(dialect=conn.dialect,
                             compile_kwargs={"render_postcompile": True})
    sql, params = str(compiled), compiled.params
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(f"SELECT * FROM ({sql}) AS q LIMIT 0", params)
        names = [d.name for d in cur.description]
        types = [_PG_ARROW_TYPES.get(d.type_code) for d in cur.description]
        if any(t is None for t in types) or len(set(names)) != len(names):
            return None
        buffer = io.BytesIO()
        with cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for block in copy:
                buffer.write(block)
    if not buffer.getbuffer().nbytes:        # no rows: Arrow reads no empty file
        return pa.table({n: pa.array([], type=t) for n, t in zip(names, types, strict=True)})
    buffer.seek(0)
    table = pa_csv.read_csv(
        buffer,
        read_options=pa_csv.ReadOptions(column_names=names),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types=dict(zip(names, types, strict=True)),
            null_values=[""], strings_can_be_null=True,     # NULL is an unquoted empty field,
            quoted_strings_can_be_null=False,               # an empty text is ""
            true_values=["t"], false_values=["f"]))
    return table


#: Rows per HiveServer2 fetch round trip (PyHive's default is 1,000)
SPARK_FETCH_ROWS = 50_000
_SETTING = -1
#: The bound of :func:`fetch_spark` in this context (see :func:`rows_bound`; ``_SETTING``:
#: :func:`max_customer_rows`).
_ROWS_BOUND: ContextVar[int | None] = ContextVar("seg_spark_rows_bound", default=_SETTING)


@contextmanager
def rows_bound(limit: int | None) -> Iterator[None]:
    """Within the block, at most ``limit`` rows of a query travel from Spark (``None``: no
    bound, for the batch CLI, which writes every customer to a file, not to a browser)."""
    token = _ROWS_BOUND.set(limit)
    try:
        yield
    finally:
        _ROWS_BOUND.reset(token)


def fetch_spark(result: sa.CursorResult, *, limit: int | None = None) -> pd.DataFrame:
    """A Spark Thrift server result as a frame, in large fetches, with the types the
    server reports (PyHive hands DATE, TIMESTAMP and DECIMAL over as text; see
    :func:`segmentation.connections.spark.typed_rows`).

    Raises
    ------
    ConnectionError_
        ``too_many_customer_rows`` as soon as more than ``limit`` (default: the bound of
        :func:`rows_bound`, :func:`max_customer_rows` unless set) rows arrived: the rest
        never travels.
    """
    from .connections import ConnectionError_
    from .connections.spark import typed_rows

    limit = _ROWS_BOUND.get() if limit is None else int(limit)
    limit = max_customer_rows() if limit == _SETTING else limit
    cursor = result.cursor
    cursor.arraysize = SPARK_FETCH_ROWS
    names, description = list(result.keys()), cursor.description
    rows: list = []
    while batch := result.fetchmany(SPARK_FETCH_ROWS):
        rows.extend(batch)
        if limit is not None and len(rows) > limit:
            result.close()
            raise ConnectionError_("too_many_customer_rows", limit=limit)
    return typed_rows(rows, names, description)


def as_text(values: pd.Series) -> pd.Series:
    """Text as pandas' ``str`` dtype (ids that are numbers become their decimal text)."""
    return values if values.dtype == "str" else values.astype("str")


def positions_in(values: pd.Series | pd.Index, lookup: pd.Series | pd.Index) -> np.ndarray:
    """For each of ``values``, its first position in ``lookup`` (-1 when absent)."""
    value_set = pa.array(as_text(pd.Series(lookup, copy=False)), type=pa.large_string())
    wanted = pa.array(as_text(pd.Series(values, copy=False)), type=pa.large_string())
    found = pc.index_in(wanted, value_set=value_set)
    return found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.intp)
