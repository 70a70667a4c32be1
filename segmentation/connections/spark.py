"""Apache Spark SQL through its Thrift server (HiveServer2 protocol), as a SQLAlchemy dialect.

:class:`SparkDialect` (URL ``spark://user@host:10000/database``; registered with SQLAlchemy
by :mod:`segmentation.connections.spec`) is PyHive's ``hive://`` dialect with what
differs on Spark put right in one place, so that no query of the library needs to know:

- **tables**: Spark's ``SHOW TABLES`` answers ``(namespace, tableName, isTemporary)``
  (PyHive took the namespace for the name) and ``SHOW VIEWS`` lists the views;
- **literals**: PyHive escapes a bound string by doubling ``'`` only, but Spark reads
  ``\\`` as an escape inside a string literal, so ``x\\' OR 1=1`` would end the string
  early. Parameters are rendered here (:func:`spark_literal`): backslash and quote
  escaped, dates as ``DATE '…'``, timestamps as ``TIMESTAMP '…'``;
- **types**: ``CAST(… AS DATE)`` stays ``DATE`` (PyHive writes ``TIMESTAMP``), and a
  backtick inside a quoted name is doubled;
- **results**: PyHive returns DATE, TIMESTAMP and DECIMAL values as text; :func:`typed_rows`
  turns them into pandas' types using the column types the server reports.

Spark sessions have no read-only mode: connect as a user that may only read (Ranger,
Unity Catalog or storage grants). The statement time limit is the session setting
``spark.sql.thriftServer.queryTimeout``; statements run asynchronously on the server
(:func:`run_statement`) so that :func:`cancel_statement` can stop one through HiveServer2's
``CancelOperation``.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa
from pyhive import sqlalchemy_hive as _hive
from sqlalchemy import text

#: Default port of the Spark Thrift server.
DEFAULT_PORT = 10000
#: HiveServer2 authentication modes PyHive accepts (``auth`` in the URL / secrets).
AUTH_MODES: tuple[str, ...] = ("NONE", "NOSASL", "LDAP", "CUSTOM", "KERBEROS")


def spark_literal(value: Any) -> str:
    """``value`` as a Spark SQL literal that cannot end its string early.

    Raises ``TypeError`` for a value this layer does not know how to write.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            raise TypeError("a non-finite number cannot be a Spark literal")
        return repr(float(value))
    if isinstance(value, decimal.Decimal):
        return f"{value}BD"
    if isinstance(value, pd.Timestamp | dt.datetime):
        return f"TIMESTAMP '{pd.Timestamp(value).isoformat(sep=' ')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace("'", "\\'")
        escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\x00", "")
        return f"'{escaped}'"
    if isinstance(value, list | tuple | set | frozenset):
        return "(" + ", ".join(spark_literal(v) for v in value) + ")"
    raise TypeError(f"cannot write a {type(value).__name__} as a Spark literal")


class SparkIdentifierPreparer(_hive.HiveIdentifierPreparer):
    """Every name in backticks, a backtick inside a name doubled."""

    def __init__(self, dialect):
        super().__init__(dialect)
        self.escape_quote = "`"
        self.escape_to_quote = "``"


class SparkTypeCompiler(_hive.HiveTypeCompiler):
    def visit_DATE(self, type_, **kw):
        return "DATE"

    def visit_VARCHAR(self, type_, **kw):
        return "STRING"

    def visit_TEXT(self, type_, **kw):
        return "STRING"


class _SparkDate(sa.Date):
    """DATE: written as ``DATE '…'`` when inlined, read from PyHive's text as a date."""

    def literal_processor(self, dialect):
        return spark_literal

    def result_processor(self, dialect, coltype):
        def process(value):
            return dt.date.fromisoformat(value[:10]) if isinstance(value, str) else value
        return process


class _SparkDateTime(sa.DateTime):
    """TIMESTAMP: written as ``TIMESTAMP '…'`` when inlined, read from text as a datetime."""

    def literal_processor(self, dialect):
        return spark_literal

    def result_processor(self, dialect, coltype):
        def process(value):
            return pd.Timestamp(value).to_pydatetime() if isinstance(value, str) else value
        return process


class SparkDialect(_hive.HiveDialect):
    """PyHive's Hive dialect as Spark's Thrift server needs it (see the module docstring)."""

    name = "spark"
    driver = "pyhive"
    preparer = SparkIdentifierPreparer
    type_compiler_cls = SparkTypeCompiler
    type_compiler = SparkTypeCompiler
    supports_statement_cache = True
    colspecs = {sa.Date: _SparkDate, sa.DateTime: _SparkDateTime}

    @classmethod
    def import_dbapi(cls):
        from pyhive import hive

        return hive

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_compiler_instance = self.type_compiler = SparkTypeCompiler(self)

    def do_execute(self, cursor, statement, parameters, context=None):
        # bound values rendered here (not by PyHive's escaper, see the module docstring)
        if parameters:
            statement = statement % {k: spark_literal(v) for k, v in parameters.items()}
        else:
            statement = statement.replace("%%", "%")
        run_statement(cursor, statement)

    def do_execute_no_params(self, cursor, statement, context=None):
        run_statement(cursor, statement)

    def _show(self, connection, what: str, schema: str | None) -> list[str]:
        query = f"SHOW {what}"
        if schema:
            query += " IN " + self.identifier_preparer.quote_identifier(schema)
        rows = connection.execute(text(query)).fetchall()
        # (namespace, name, isTemporary); temporary views belong to no schema
        return [row[1] for row in rows if len(row) < 3 or not row[2]]

    def get_table_names(self, connection, schema=None, **kw):
        views = set(self.get_view_names(connection, schema))
        return [n for n in self._show(connection, "TABLES", schema) if n not in views]

    def get_view_names(self, connection, schema=None, **kw):
        return self._show(connection, "VIEWS", schema)

    def has_table(self, connection, table_name, schema=None, **kw):
        wanted = str(table_name).lower()
        return any(n.lower() == wanted for n in self._show(connection, "TABLES", schema))

    def get_default_schema_name(self, connection):
        return connection.exec_driver_sql("SELECT current_database()").scalar()

    def _get_default_schema_name(self, connection):
        return self.get_default_schema_name(connection)


#: Column type names of the HiveServer2 result metadata -> how :func:`typed_rows` reads them.
_DATES = {"DATE_TYPE"}
_TIMESTAMPS = {"TIMESTAMP_TYPE", "TIMESTAMP_NTZ_TYPE", "TIMESTAMPLOCALTZ_TYPE"}
_NUMBERS = {"DECIMAL_TYPE"}


def typed_rows(rows: Sequence[Sequence[Any]], names: Sequence[str],
               description: Sequence[Sequence[Any]] | None) -> pd.DataFrame:
    """Rows fetched through PyHive as a frame with real types: DATE and TIMESTAMP text as
    ``datetime64``, DECIMAL text as ``float64`` (as the other databases' drivers give)."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(names))
    kinds: Mapping[str, str] = {}
    if description:
        kinds = {name: str(d[1]) for name, d in zip(names, description, strict=False)}
    for name, kind in kinds.items():
        if kind in _DATES or kind in _TIMESTAMPS:
            frame[name] = pd.to_datetime(frame[name], errors="coerce")
        elif kind in _NUMBERS:
            frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return frame


#: Longest pause between two status questions while a statement runs (seconds).
_POLL_MAX_S = 0.5


def _cancel_event(dbapi_conn) -> threading.Event:
    event = getattr(dbapi_conn, "_seg_cancel", None)
    if event is None:
        event = threading.Event()
        dbapi_conn._seg_cancel = event
    return event


def cancel_statement(dbapi_conn) -> None:
    """Ask the statement running on ``dbapi_conn`` (a PyHive connection) to stop: the
    thread that waits for it sends HiveServer2's ``CancelOperation`` at its next status
    question (a Thrift connection is not shared between threads)."""
    _cancel_event(dbapi_conn).set()


def run_statement(cursor, statement: str) -> None:
    """Run ``statement`` asynchronously on the server and wait for it, asking for its status
    (every 50 ms, then up to every 0.5 s), so that :func:`cancel_statement` can stop it.

    Raises PyHive's ``OperationalError`` when the statement fails, was cancelled or ran
    past the session's time limit (the server's own words, classified by
    :func:`~segmentation.connections.errors.classify_error`).
    """
    from pyhive.exc import OperationalError
    from TCLIService.ttypes import TOperationState as State

    cancel = _cancel_event(cursor._connection)
    cancel.clear()
    cursor.execute(statement, async_=True)
    pause = 0.05
    while True:
        if cancel.is_set():
            cancel.clear()
            cursor.cancel()
            raise OperationalError("Expected state FINISHED, but found CANCELED "
                                   "(cancelled by the dashboard)")
        response = cursor.poll(get_progress_update=False)
        state = response.operationState
        if state == State.FINISHED_STATE:
            return
        if state in (State.ERROR_STATE, State.CANCELED_STATE, State.CLOSED_STATE,
                     State.TIMEDOUT_STATE, State.UKNOWN_STATE):
            name = State._VALUES_TO_NAMES.get(state, str(state)).removesuffix("_STATE")
            raise OperationalError(f"Expected state FINISHED, but found {name}: "
                                   f"{response.errorMessage or ''}".strip(": "), response)
        time.sleep(pause)
        pause = min(_POLL_MAX_S, pause * 1.5)


def set_query_timeout(dbapi_conn, timeout_s: int) -> None:
    """The session's statement time limit (``spark.sql.thriftServer.queryTimeout``)."""
    cursor = dbapi_conn.cursor()
    try:
        run_statement(cursor,
                      f"SET spark.sql.thriftServer.queryTimeout={max(1, int(timeout_s))}s")
        cursor.fetchall()
    finally:
        cursor.close()
