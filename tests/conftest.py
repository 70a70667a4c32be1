"""Shared test fixtures: database engines for every supported backend, and table writing.

Engines:

- ``duckdb_engine`` / ``sqlite_engine``: a fresh database file under ``tmp_path``.
- ``postgres_engine`` / ``mariadb_engine``: the servers named by the environment
  variables ``SEG_TEST_POSTGRES_URL`` / ``SEG_TEST_MARIADB_URL`` (skipped with
  the variable's name when unset). Each test session works in its own schema /
  database ``seg_test_<pid>``, emptied before every test and dropped at the end,
  so parallel runs do not collide.
- ``db_engine``: parametrised over the four above (server ones marked ``db``).

:func:`write_tables` creates tables from DataFrames with real ``DATE`` (or
``TIMESTAMP``) columns on any of them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

POSTGRES_ENV = "SEG_TEST_POSTGRES_URL"
MARIADB_ENV = "SEG_TEST_MARIADB_URL"

#: Fixture names of every backend, for ``request.getfixturevalue``.
ENGINE_FIXTURES: tuple[str, ...] = ("duckdb_engine", "sqlite_engine", "postgres_engine",
                                    "mariadb_engine")


def write_tables(engine: sa.Engine, tables: Mapping[str, pd.DataFrame], *,
                 timestamps: bool = False) -> None:
    """Create (or replace) one table per DataFrame, without the index.

    Parameters
    ----------
    engine : target database.
    tables : table name (optionally ``schema.table``; the schema must exist) -> rows.
    timestamps : datetime64 columns become ``TIMESTAMP`` / ``DATETIME`` columns
        (time of day kept) instead of ``DATE`` columns (time of day dropped).
    """
    for name, frame in tables.items():
        schema, _, table = name.rpartition(".")
        schema = schema or None
        date_cols = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
        if engine.dialect.name == "duckdb":
            _write_duckdb(engine, schema, table, frame, date_cols, timestamps)
            continue
        data = frame.copy()
        if not timestamps:
            for col in date_cols:
                data[col] = pd.Series(data[col].dt.date, dtype=object).where(
                    data[col].notna(), None)
        sql_type = sa.DateTime() if timestamps else sa.Date()
        with engine.begin() as conn:
            data.to_sql(table, conn, schema=schema, index=False, if_exists="replace",
                        dtype=dict.fromkeys(date_cols, sql_type))


def _write_duckdb(engine: sa.Engine, schema: str | None, table: str, frame: pd.DataFrame,
                  date_cols: list[str], timestamps: bool) -> None:
    """DuckDB reads the DataFrame directly: much faster than row inserts."""
    prep = engine.dialect.identifier_preparer
    view = f"_seg_write_{uuid.uuid4().hex}"
    target = prep.quote(table)
    if schema is not None:
        target = f"{prep.quote_schema(schema)}.{target}"
    sql_type = "TIMESTAMP" if timestamps else "DATE"
    replace = ", ".join(f"CAST({prep.quote(c)} AS {sql_type}) AS {prep.quote(c)}"
                        for c in date_cols)
    select = f"SELECT * REPLACE ({replace})" if replace else "SELECT *"
    with engine.begin() as conn:
        conn.exec_driver_sql("register", (view, frame))
        try:
            conn.exec_driver_sql(f"CREATE OR REPLACE TABLE {target} AS {select} FROM {view}")
        finally:
            conn.connection.driver_connection.unregister(view)


@pytest.fixture(scope="session", autouse=True)
def _database_files_allowed(tmp_path_factory) -> Iterator[None]:
    """Database files may be opened from the test's temporary folders (and only there):
    the app refuses every file outside ``SEG_DB_FOLDERS`` / ``[database] allowed_folders``."""
    from segmentation.connections import DB_FOLDERS_ENV

    before = os.environ.get(DB_FOLDERS_ENV)
    os.environ[DB_FOLDERS_ENV] = str(tmp_path_factory.getbasetemp())
    yield
    if before is None:
        os.environ.pop(DB_FOLDERS_ENV, None)
    else:
        os.environ[DB_FOLDERS_ENV] = before


@pytest.fixture
def duckdb_engine(tmp_path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"duckdb:///{tmp_path / 'workspace.duckdb'}")
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'test.sqlite'}")
    yield engine
    engine.dispose()


def _server_url(env: str) -> sa.URL:
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set: no database server to test against")
    return sa.make_url(url)


def _session_name() -> str:
    return f"seg_test_{os.getpid()}"


@pytest.fixture(scope="session")
def _postgres_server() -> Iterator[tuple[sa.URL, str]]:
    url, schema = _server_url(POSTGRES_ENV), _session_name()
    admin = sa.create_engine(url)
    yield url, schema
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture
def postgres_engine(_postgres_server) -> Iterator[sa.Engine]:
    """PostgreSQL with an empty session schema first on the search path."""
    url, schema = _postgres_server
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    admin.dispose()
    engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _mariadb_server() -> Iterator[tuple[sa.URL, str]]:
    url, database = _server_url(MARIADB_ENV), _session_name()
    admin = sa.create_engine(url)
    yield url, database
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{database}`")
    admin.dispose()


@pytest.fixture
def mariadb_engine(_mariadb_server) -> Iterator[sa.Engine]:
    """MariaDB / MySQL connected to an empty session database."""
    url, database = _mariadb_server
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{database}`")
        conn.exec_driver_sql(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    admin.dispose()
    engine = sa.create_engine(url.set(database=database))
    yield engine
    engine.dispose()


@pytest.fixture(params=[
    "duckdb_engine",
    "sqlite_engine",
    pytest.param("postgres_engine", marks=pytest.mark.db),
    pytest.param("mariadb_engine", marks=pytest.mark.db),
], ids=["duckdb", "sqlite", "postgres", "mariadb"])
def db_engine(request) -> sa.Engine:
    """Each backend in turn."""
    return request.getfixturevalue(request.param)


def copy_into_postgres(url: str | sa.URL, schema: str, tables: Mapping[str, pd.DataFrame],
                       *, chunk_rows: int = 500_000) -> None:
    """Create ``schema`` afresh and fill one table per DataFrame with ``COPY`` (fast).

    Text columns become ``text``, datetimes ``date``, numbers ``double precision``
    or ``bigint``; names are kept as given (Chinese names too).
    """
    import io

    engine = sa.create_engine(url)
    prep = engine.dialect.identifier_preparer
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {prep.quote(schema)} CASCADE")
            conn.exec_driver_sql(f"CREATE SCHEMA {prep.quote(schema)}")
            raw = conn.connection.driver_connection
            for name, frame in tables.items():
                columns = []
                for col in frame.columns:
                    kind = frame[col].dtype
                    sql_type = ("date" if pd.api.types.is_datetime64_any_dtype(kind) else
                                "bigint" if pd.api.types.is_integer_dtype(kind) else
                                "double precision" if pd.api.types.is_float_dtype(kind) else
                                "text")
                    columns.append(f"{prep.quote(str(col))} {sql_type}")
                target = f"{prep.quote(schema)}.{prep.quote(name)}"
                conn.exec_driver_sql(f"CREATE TABLE {target} ({', '.join(columns)})")
                with raw.cursor() as cur, cur.copy(
                        f"COPY {target} FROM STDIN WITH (FORMAT csv)") as copy:
                    for start in range(0, len(frame), chunk_rows):     # bounded memory
                        buffer = io.StringIO()
                        frame.iloc[start:start + chunk_rows].to_csv(
                            buffer, index=False, header=False, date_format="%Y-%m-%d")
                        copy.write(buffer.getvalue())
                conn.exec_driver_sql(f"ANALYZE {target}")
    finally:
        engine.dispose()


# --- a login that may only read ------------------------------------------------------------

READER_PASSWORD = "reader-pw"


def _reader_name() -> str:
    return f"seg_ro_login_{os.getpid()}"  # test_database_readonly has seg_reader_<pid>


@pytest.fixture(scope="session")
def _postgres_reader() -> Iterator[str]:
    """A PostgreSQL login role without superuser or file / signal rights (one per pid)."""
    url, role = _server_url(POSTGRES_ENV), _reader_name()
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        if not conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                    (role,)).scalar():
            conn.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{READER_PASSWORD}' "
                                 "NOSUPERUSER NOCREATEDB NOCREATEROLE")
    yield role
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
        conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
    admin.dispose()


@pytest.fixture(scope="session")
def _mariadb_reader() -> Iterator[str]:
    """A MariaDB / MySQL user without FILE or SUPER (one per pid)."""
    url, user = _server_url(MARIADB_ENV), _reader_name()
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE USER IF NOT EXISTS '{user}'@'%%' "
                             f"IDENTIFIED BY '{READER_PASSWORD}'")
    yield user
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'%%'")
    admin.dispose()


@pytest.fixture
def read_only_login(request):
    """``login(spec)``: ``spec`` logged in as a user that may only SELECT the tables now in
    its schema (PostgreSQL) or database (MariaDB); call it after writing the tables.
    SQLite / DuckDB specs come back unchanged (files are opened read-only)."""
    import dataclasses

    def login(spec):
        if spec.driver == "postgresql":
            role = request.getfixturevalue("_postgres_reader")
            schema = spec.schema or "public"
            admin = sa.create_engine(os.environ[POSTGRES_ENV])
            with admin.begin() as conn:
                conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"')
                conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" '
                                     f'TO "{role}"')
            admin.dispose()
            return dataclasses.replace(spec, user=role, password=READER_PASSWORD)
        if spec.driver in ("mysql", "mariadb"):
            user = request.getfixturevalue("_mariadb_reader")
            admin = sa.create_engine(os.environ[MARIADB_ENV])
            with admin.begin() as conn:
                conn.exec_driver_sql(f"GRANT SELECT ON `{spec.database}`.* TO '{user}'@'%%'")
            admin.dispose()
            return dataclasses.replace(spec, user=user, password=READER_PASSWORD)
        return spec

    return login


def tables_engine(backend: str, tables: Mapping[str, pd.DataFrame], folder, schema: str):
    """Yield an engine holding ``tables``: a DuckDB file in ``folder`` (``backend ==
    "duckdb"``) or PostgreSQL's schema ``schema`` (dropped afterwards; skips without
    ``SEG_TEST_POSTGRES_URL``). For module fixtures parametrised over both backends."""
    if backend == "duckdb":
        engine = sa.create_engine(f"duckdb:///{Path(folder) / 'tables.duckdb'}")
        write_tables(engine, tables)
        yield engine
        engine.dispose()
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to test against")
    copy_into_postgres(url, schema, tables)
    engine = sa.create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    admin = sa.create_engine(url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    admin.dispose()
