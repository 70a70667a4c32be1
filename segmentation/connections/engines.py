"""Read-only engines with a statement time limit (:func:`open_engine`) and
:func:`check_connection`, which lists the tables and views a connection sees.

The read-only session (PostgreSQL ``default_transaction_read_only``, MariaDB /
MySQL ``SET SESSION TRANSACTION READ ONLY``, SQLite ``mode=ro``, DuckDB
``read_only`` with external access disabled) is the real guard; Spark's Thrift server has
no read-only session, so there the login's grants are (see :mod:`.spark`). Connections
returning to the pool are reset (PostgreSQL ``DISCARD ALL``, MariaDB / MySQL
``RELEASE_ALL_LOCKS()``), so nothing a query left behind reaches the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from .errors import ConnectionError_, classify_error
from .files import allowed_folders, check_database_file
from .spec import ConnectionSpec, validate_identifier

_CONNECT_TIMEOUT_S = 10


def open_engine(spec: ConnectionSpec, *, statement_timeout_s: float = 30,
                folders: Sequence[Path] | None = None,
                refused: Sequence[Path] = ()) -> sa.Engine:
    """A read-only engine (where the dialect allows) with a statement time limit.

    PostgreSQL: ``default_transaction_read_only`` and ``statement_timeout`` as
    connection options, the schema set with ``set_config('search_path', %s)`` (a
    bound parameter); a connection returning to the pool is rolled back and reset
    with ``DISCARD ALL`` (advisory locks, settings, prepared statements, temporary
    tables), then the search path is set again. MariaDB / MySQL: ``SET SESSION
    TRANSACTION READ ONLY`` and ``max_statement_time`` (MariaDB, seconds) /
    ``max_execution_time`` (MySQL, milliseconds, SELECT only) on every new
    connection, ``RELEASE_ALL_LOCKS()`` on return to the pool. SQLite: opened with
    ``mode=ro`` and an authorizer that refuses ``ATTACH`` and any change; DuckDB:
    ``read_only`` with ``enable_external_access=false`` and a locked configuration
    (no ``read_text``, ``glob``, ``ATTACH``, ``COPY``, extensions). Files are opened
    only from ``folders`` (default: the ``SEG_DB_FOLDERS`` environment variable),
    never from ``refused`` (the workspace); see :func:`check_database_file`.
    Connections are checked before use (``pool_pre_ping``). Nothing connects
    until first use.

    Raises
    ------
    ConnectionError_
        ``dialect_missing``, or a ``file_*`` code for a file that may not be opened.
    """
    timeout_ms = max(1, int(round(statement_timeout_s * 1000)))
    if spec.driver == "other":
        try:
            return sa.create_engine(spec.url(), pool_pre_ping=True)
        except (sa.exc.NoSuchModuleError, ImportError):
            raise ConnectionError_("dialect_missing",
                                   dialect=spec.url().get_backend_name()) from None
    if spec.driver == "postgresql":
        return _postgres_engine(spec, timeout_ms)
    if spec.driver in ("mysql", "mariadb"):
        return _mysql_engine(spec, timeout_ms)
    if spec.driver == "spark":
        return _spark_engine(spec, timeout_ms)
    try:
        path = check_database_file(spec.database,
                                   allowed_folders() if folders is None else tuple(folders),
                                   refused=refused)
    except ConnectionError_ as err:
        if err.code != "file_missing":
            raise
        raise ConnectionError_("unknown_database", database=err.params["path"],
                               target=spec.safe_label()) from None
    if spec.driver == "sqlite":
        return _sqlite_engine(path)
    # duckdb: no file, network or extension access besides the database itself
    connect_args: dict[str, Any] = {"read_only": True, "config": {
        "enable_external_access": False, "lock_configuration": True}}
    engine = sa.create_engine(sa.URL.create("duckdb", database=str(path)), pool_pre_ping=True,
                              connect_args=connect_args)
    if spec.schema:
        schema = validate_identifier(spec.schema, "schema")

        @event.listens_for(engine, "connect")
        def _schema(dbapi_conn, _record) -> None:
            dbapi_conn.execute("SET schema = ?", [schema])

    return engine


def open_writer(spec: ConnectionSpec, *, statement_timeout_s: float = 600,
                folders: Sequence[Path] | None = None,
                refused: Sequence[Path] = ()) -> sa.Engine:
    """The product's one writable engine: for ``score --write-table`` only (see
    :mod:`segmentation.writeback`), never for a page or a read.

    As :func:`open_engine` (time limit, pool reset, schema, allowed folders) but without
    the read-only session, on PostgreSQL, MariaDB / MySQL, DuckDB and Spark.

    Raises
    ------
    ConnectionError_
        ``write_unsupported`` for SQLite and dialects the app does not know, or the codes
        of :func:`open_engine`.
    """
    timeout_ms = max(1, int(round(statement_timeout_s * 1000)))
    if spec.driver == "postgresql":
        return _postgres_engine(spec, timeout_ms, read_only=False)
    if spec.driver in ("mysql", "mariadb"):
        return _mysql_engine(spec, timeout_ms, read_only=False)
    if spec.driver == "spark":
        return _spark_engine(spec, timeout_ms)
    if spec.driver != "duckdb":
        raise ConnectionError_("write_unsupported", dialect=spec.driver)
    path = check_database_file(spec.database,
                               allowed_folders() if folders is None else tuple(folders),
                               refused=refused)
    engine = sa.create_engine(sa.URL.create("duckdb", database=str(path)), connect_args={
        "config": {"enable_external_access": False, "lock_configuration": True}})
    if spec.schema:
        schema = validate_identifier(spec.schema, "schema")

        @event.listens_for(engine, "connect")
        def _schema(dbapi_conn, _record) -> None:
            dbapi_conn.execute("SET schema = ?", [schema])

    return engine


#: What a SQLite session may not do, on top of ``mode=ro``: attach another file (which
#: ``mode=ro`` alone lets create a new database file anywhere), detach, and any change.
_SQLITE_DENIED = frozenset(
    getattr(sqlite3, name) for name in dir(sqlite3)
    if name.startswith(("SQLITE_CREATE_", "SQLITE_DROP_"))
) | {sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH, sqlite3.SQLITE_INSERT,
     sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE, sqlite3.SQLITE_ALTER_TABLE,
     sqlite3.SQLITE_REINDEX, sqlite3.SQLITE_ANALYZE}


def _sqlite_authorizer(action: int, *_args) -> int:
    return sqlite3.SQLITE_DENY if action in _SQLITE_DENIED else sqlite3.SQLITE_OK


def _sqlite_engine(path: Path) -> sa.Engine:
    """A SQLite file opened through a ``mode=ro`` URI (the path percent-encoded: a ``?``
    or ``#`` in the name cannot add parameters), with an authorizer that refuses
    ``ATTACH`` / ``DETACH`` and every statement that would change something."""
    uri = "file:" + quote(str(path), safe="/") + "?mode=ro"

    def connect() -> sqlite3.Connection:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.set_authorizer(_sqlite_authorizer)
        return conn

    url = sa.URL.create("sqlite", database=str(path))  # the dialect and pool; not opened
    return sa.create_engine(url, creator=connect, pool_pre_ping=True)


def _postgres_engine(spec: ConnectionSpec, timeout_ms: int, *,
                     read_only: bool = True) -> sa.Engine:
    # the options hold only fixed text and a number: nothing the user typed
    options = (f"-c default_transaction_read_only={'on' if read_only else 'off'} "
               f"-c statement_timeout={int(timeout_ms)}")
    engine = sa.create_engine(spec.url(), pool_pre_ping=True, connect_args={
        "options": options, "connect_timeout": _CONNECT_TIMEOUT_S})
    search_path = None
    if spec.schema:
        search_path = engine.dialect.identifier_preparer.quote_identifier(
            validate_identifier(spec.schema, "schema"))

    def _set_search_path(dbapi_conn) -> None:
        if search_path is not None:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT set_config('search_path', %s, false)", (search_path,))
            dbapi_conn.commit()

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        _set_search_path(dbapi_conn)

    @event.listens_for(engine, "reset")
    def _on_reset(dbapi_conn, _record, state) -> None:
        if state.terminate_only:
            return
        dbapi_conn.rollback()
        dbapi_conn.autocommit = True
        try:
            with dbapi_conn.cursor() as cur:  # session advisory locks, settings, temp tables
                cur.execute("DISCARD ALL")
        finally:
            dbapi_conn.autocommit = False
        _set_search_path(dbapi_conn)

    return engine


def _mysql_engine(spec: ConnectionSpec, timeout_ms: int, *,
                  read_only: bool = True) -> sa.Engine:
    engine = sa.create_engine(spec.url(), pool_pre_ping=True,
                              connect_args={"connect_timeout": _CONNECT_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_conn, _record) -> None:
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT VERSION()")
            mariadb = "mariadb" in str(cur.fetchone()[0]).lower()
            if read_only:
                cur.execute("SET SESSION TRANSACTION READ ONLY")
            if mariadb:
                cur.execute("SET SESSION max_statement_time = %s", (timeout_ms / 1000,))
            else:
                cur.execute("SET SESSION max_execution_time = %s", (int(timeout_ms),))

    @event.listens_for(engine, "reset")
    def _on_reset(dbapi_conn, _record, state) -> None:
        if state.terminate_only:
            return
        dbapi_conn.rollback()
        with dbapi_conn.cursor() as cur:  # GET_LOCK() locks outlive the transaction
            cur.execute("SELECT RELEASE_ALL_LOCKS()")

    return engine


def _spark_engine(spec: ConnectionSpec, timeout_ms: int) -> sa.Engine:
    """Spark's Thrift server: no read-only session exists there (the login's grants are the
    guard); every new session gets ``spark.sql.thriftServer.queryTimeout`` and, with a
    schema, ``USE`` it (quoted, checked as an identifier)."""
    try:
        from .spark import set_query_timeout
    except ImportError:
        raise ConnectionError_("dialect_missing", dialect="spark (pip install pyhive)") from None
    engine = sa.create_engine(spec.url(), pool_pre_ping=True)
    use = None
    if spec.schema:
        use = "USE " + engine.dialect.identifier_preparer.quote_identifier(
            validate_identifier(spec.schema, "schema"))

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        set_query_timeout(dbapi_conn, max(1, round(timeout_ms / 1000)))
        if use is not None:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute(use)
            finally:
                cursor.close()

    return engine


def check_connection(spec: ConnectionSpec, *, statement_timeout_s: float = 30,
                     folders: Sequence[Path] | None = None,
                     refused: Sequence[Path] = ()) -> list[str]:
    """The tables and views the connection sees (in ``spec.schema`` if set), sorted.

    Raises :class:`ConnectionError_` (see :func:`classify_error`) when it cannot connect.
    """
    engine = open_engine(spec, statement_timeout_s=statement_timeout_s, folders=folders,
                         refused=refused)
    try:
        with engine.connect() as conn:
            inspector = sa.inspect(conn)
            names = set(inspector.get_table_names(schema=spec.schema))
            names.update(inspector.get_view_names(schema=spec.schema))
        return sorted(names)
    except ConnectionError_:
        raise
    except Exception as exc:  # noqa: BLE001 - every driver error becomes a clear message
        raise classify_error(exc, spec) from None
    finally:
        engine.dispose()
