"""Issue 21, item 1: a user's SELECT is parsed in the connection's dialect, checked against
an allowlist and run as the SQL regenerated from the checked tree; custom SELECTs are
refused on logins that are superusers or hold file / signal rights.

Each attack of the issue is proven refused on the local PostgreSQL and MariaDB, as the
superuser the tests connect with and as a login that may only read.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from segmentation.connections import (
    ConnectionError_,
    ConnectionSpec,
    checked_for,
    checked_select,
    open_engine,
    select_rights,
)
from segmentation.database import DatabaseMapping, TableChoice, check_mapping, source_columns
from tests.conftest import write_tables
from tests.segmentation.test_connections import _maria_spec, _pg_spec

REFUSED = {"forbidden_function", "forbidden_table", "forbidden_sql", "not_read_only",
           "custom_select_privileged"}
LO_PATH = f"/tmp/seg_lo_export_{os.getpid()}"

PG_ATTACKS = {
    "dollar-hash-read-file": "SELECT 1 AS a$$$, 1 # 0 AS b, pg_read_file('/etc/passwd') AS x, "
                             "2 AS c$$$",
    "dollar-hash-lo-export": "SELECT 1 AS a$$$, 1 # 0 AS b, lo_export({oid}, '" + LO_PATH
                             + "') AS x, 2 AS c$$$",
    "dollar-hash-terminate": "SELECT 1 AS a$$$, 1 # 0 AS b, pg_terminate_backend({pid}) AS x, "
                             "2 AS c$$$",
    "stat-reset": "SELECT pg_stat_reset() AS x",
    "stat-reset-shared": "SELECT pg_stat_reset_shared('bgwriter') AS x",
    "hba-file-rules": "SELECT * FROM pg_hba_file_rules",
}
MARIA_ATTACK = "SELECT 0--length(@x:=LOAD_FILE('/etc/passwd')) AS a,\n @x AS leak"


def _refused(spec: ConnectionSpec, sql: str) -> ConnectionError_:
    """The error of previewing ``sql`` as the Data page does (``source_columns``)."""
    engine = open_engine(spec)
    try:
        with pytest.raises(ConnectionError_) as info:
            TableChoice(query=sql)  # the early check, or else the full one on the database
            source_columns(engine, TableChoice(query=sql), spec)
    finally:
        engine.dispose()
    assert info.value.code in REFUSED, info.value.code
    assert "root:" not in info.value.message("en")
    return info.value


# --- the attacks of the issue, on the servers --------------------------------------------------

@pytest.mark.db
@pytest.mark.parametrize("name", list(PG_ATTACKS))
def test_postgres_attacks_are_refused(name, postgres_engine, read_only_login):
    write_tables(postgres_engine, {"orders": pd.DataFrame({"n": [7]})})
    admin_spec = _pg_spec(postgres_engine)
    reader = read_only_login(admin_spec)
    with postgres_engine.begin() as conn:
        oid = conn.exec_driver_sql("SELECT lo_from_bytea(0, 'seg-secret'::bytea)").scalar()
    victim = open_engine(reader)  # another session of the same read-only role
    try:
        with victim.connect() as other:
            pid = other.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            before = other.exec_driver_sql(
                "SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()"
            ).scalar()
            sql = PG_ATTACKS[name].format(oid=oid, pid=pid)
            with pytest.raises(ConnectionError_) as info:  # the allowlist alone refuses it
                checked_select(sql, "postgresql")
            assert info.value.code in {"forbidden_function", "forbidden_table"}
            for spec in (admin_spec, reader):
                _refused(spec, sql)
            # nothing happened: the other session lives, no file, no reset
            assert other.exec_driver_sql("SELECT 1").scalar() == 1
            assert other.exec_driver_sql(
                "SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()"
            ).scalar() == before
        assert not Path(LO_PATH).exists()
    finally:
        victim.dispose()
        with postgres_engine.begin() as conn:
            conn.exec_driver_sql(f"SELECT lo_unlink({oid})")


@pytest.mark.db
def test_mariadb_comment_trick_is_refused(mariadb_engine, read_only_login):
    write_tables(mariadb_engine, {"orders": pd.DataFrame({"n": [7]})})
    admin_spec = _maria_spec(mariadb_engine)
    with pytest.raises(ConnectionError_) as info:
        checked_select(MARIA_ATTACK, "mariadb")
    assert info.value.code == "forbidden_function" and info.value.params["function"] == "load_file"
    assert _refused(admin_spec, MARIA_ATTACK).code == "forbidden_function"
    assert _refused(read_only_login(admin_spec), MARIA_ATTACK).code == "forbidden_function"
    no_call = "SELECT 0--length(@x:=n) AS a,\n @x AS leak FROM orders"  # the variable alone
    assert _refused(read_only_login(admin_spec), no_call).code == "forbidden_sql"


# --- rights of the login -------------------------------------------------------------------

@pytest.mark.db
def test_postgres_rights_refuse_custom_selects(postgres_engine, read_only_login):
    write_tables(postgres_engine, {"orders": pd.DataFrame({"n": [7, 8]})})
    admin_spec = _pg_spec(postgres_engine)
    reader = read_only_login(admin_spec)
    err = _refused(admin_spec, "SELECT n FROM orders")
    assert err.code == "custom_select_privileged" and err.params["rights"] == "SUPERUSER"
    en, zh = err.message("en"), err.message("zh")
    assert "CREATE ROLE dashboard_reader" in en and "NOSUPERUSER" in en
    assert f"GRANT SELECT ON ALL TABLES IN SCHEMA {admin_spec.schema}" in en
    assert "只读用户" in zh and "CREATE ROLE dashboard_reader" in zh
    engine = open_engine(reader)
    try:
        got = source_columns(engine, TableChoice(query="SELECT n FROM orders ORDER BY n"), reader)
        assert got["n"].tolist() == [7, 8]
        for right in ("pg_read_server_files", "pg_write_server_files", "pg_signal_backend"):
            with postgres_engine.begin() as conn:
                conn.exec_driver_sql(f'GRANT {right} TO "{reader.user}"')
            try:
                engine.dispose()
                err = _refused(reader, "SELECT n FROM orders")
                assert err.code == "custom_select_privileged" and err.params["rights"] == right
            finally:
                with postgres_engine.begin() as conn:
                    conn.exec_driver_sql(f'REVOKE {right} FROM "{reader.user}"')
        # a table the login may read, but outside the schema: refused by the allowlist
        err = _refused(reader, "SELECT rolname FROM pg_roles")
        assert err.code == "forbidden_table" and "pg_roles" in err.message("en")
    finally:
        engine.dispose()


@pytest.mark.db
def test_mariadb_rights_refuse_custom_selects(mariadb_engine, read_only_login):
    write_tables(mariadb_engine, {"orders": pd.DataFrame({"n": [7, 8]})})
    admin_spec = _maria_spec(mariadb_engine)
    reader = read_only_login(admin_spec)
    err = _refused(admin_spec, "SELECT n FROM orders")
    assert err.code == "custom_select_privileged"
    assert "ALL PRIVILEGES" in err.params["rights"]
    assert f"GRANT SELECT ON {admin_spec.database}.*" in err.message("en")
    for right in ("FILE", "SUPER"):
        with mariadb_engine.begin() as conn:
            conn.exec_driver_sql(f"GRANT {right} ON *.* TO '{reader.user}'@'%%'")
        try:
            err = _refused(reader, "SELECT n FROM orders")
            assert err.code == "custom_select_privileged" and right in err.params["rights"]
        finally:
            with mariadb_engine.begin() as conn:
                conn.exec_driver_sql(f"REVOKE {right} ON *.* FROM '{reader.user}'@'%%'")
    engine = open_engine(reader)
    try:
        with engine.connect() as conn:
            assert select_rights(conn) == ()
        got = source_columns(engine, TableChoice(query="SELECT n FROM orders ORDER BY n"), reader)
        assert got["n"].tolist() == [7, 8]
        err = _refused(reader, "SELECT User FROM mysql.user")
        assert err.code == "forbidden_table"
    finally:
        engine.dispose()


def test_file_databases_check_tables_but_have_no_roles(duckdb_engine):
    write_tables(duckdb_engine, {"orders": pd.DataFrame({"n": [1, 2, 3]})})
    with duckdb_engine.connect() as conn:
        assert select_rights(conn) == ()
        assert checked_for(conn, "select sum(n) as s from orders") == \
            'SELECT SUM("n") AS "s" FROM "orders"'
        with pytest.raises(ConnectionError_) as info:
            checked_for(conn, "SELECT * FROM duckdb_settings()")
        assert info.value.code in {"forbidden_function", "forbidden_sql"}
        with pytest.raises(ConnectionError_) as info:
            checked_for(conn, "SELECT * FROM other_table")
        assert info.value.code == "forbidden_table"


def test_a_mapping_with_a_select_is_checked_on_the_database(duckdb_engine):
    write_tables(duckdb_engine, {"orders": pd.DataFrame(
        {"c": ["a", "b"], "d": pd.to_datetime(["2024-01-01", "2024-02-01"]), "x": [1.0, 2.0]})})
    spec = ConnectionSpec("duckdb", database=duckdb_engine.url.database)
    duckdb_engine.dispose()
    engine = open_engine(spec)
    try:
        good = TableChoice(query="SELECT c, d, x FROM orders",
                           columns={"customer_id": "c", "date": "d", "amount": "x"})
        assert check_mapping(engine, spec, DatabaseMapping({"transactions": good})).rows == {
            "transactions": 2}
        bad = TableChoice(query="SELECT c, d, x FROM orders, secret_table",
                          columns={"customer_id": "c", "date": "d", "amount": "x"})
        with pytest.raises(ConnectionError_) as info:
            check_mapping(engine, spec, DatabaseMapping({"transactions": bad}))
        assert info.value.code == "forbidden_table"
    finally:
        engine.dispose()


# --- the allowlist, without a database ------------------------------------------------------

TABLES = ["orders", "customers"]


@pytest.mark.parametrize("dialect, sql, code", [
    ("postgresql", "SELECT * FROM pg_catalog.pg_roles", "forbidden_table"),
    ("postgresql", "SELECT * FROM information_schema.tables", "forbidden_table"),
    ("postgresql", "SELECT * FROM other_schema.orders", "forbidden_table"),
    ("postgresql", "SELECT * FROM secrets", "forbidden_table"),
    ("postgresql", "WITH a AS (SELECT * FROM pg_roles), pg_roles AS (SELECT 1) "
                   "SELECT * FROM a", "forbidden_table"),
    ("postgresql", "SELECT * FROM (WITH orders AS (SELECT 1) SELECT * FROM orders) q",
     "forbidden_sql"),
    ("postgresql", "WITH RECURSIVE r AS (SELECT 1 UNION ALL SELECT 1 FROM r) SELECT * FROM r",
     "forbidden_sql"),
    ("postgresql", "SELECT * FROM generate_series(1, 3)", "forbidden_function"),
    ("postgresql", "SELECT 'pg_roles'::regclass", "forbidden_sql"),
    ("postgresql", "SELECT current_setting('data_directory')", "forbidden_function"),
    ("postgresql", "SELECT version()", "forbidden_function"),
    ("postgresql", "SELECT n FROM orders FOR UPDATE", "forbidden_sql"),
    ("postgresql", "SELECT n INTO copy FROM orders", "forbidden_sql"),
    ("postgresql", "SELECT $1", "forbidden_sql"),
    ("postgresql", "SELECT 1; SELECT 2", "not_read_only"),
    ("postgresql", "DELETE FROM orders", "not_read_only"),
    ("postgresql", "SELECT dblink('x', 'y')", "forbidden_function"),
    ("mysql", "SELECT @@version", "forbidden_sql"),
    ("mysql", "SELECT n INTO @x FROM orders", "forbidden_sql"),
    ("mysql", "SELECT * FROM mysql.user", "forbidden_table"),
    ("mysql", "SELECT SLEEP(1)", "forbidden_function"),
    ("mysql", "SELECT n FROM orders LOCK IN SHARE MODE", "forbidden_sql"),
    ("duckdb", "SELECT * FROM read_csv('/etc/passwd')", "forbidden_function"),
    ("duckdb", "SELECT * FROM 'data.csv'", "forbidden_table"),
    ("sqlite", "SELECT * FROM sqlite_master", "forbidden_table"),
    ("sqlite", "SELECT load_extension('x')", "forbidden_function"),
])
def test_the_allowlist_refuses(dialect, sql, code):
    with pytest.raises(ConnectionError_) as info:
        checked_select(sql, dialect, tables=TABLES, schema="public")
    assert info.value.code == code, info.value.params
    assert info.value.message("en") and info.value.message("zh")


@pytest.mark.parametrize("dialect, sql, expected", [
    ("postgresql", "select Customer_ID, sum(amount) total from Orders group by 1 -- x",
     'SELECT "customer_id", SUM("amount") AS "total" FROM "orders" GROUP BY 1'),
    ("postgresql", "WITH t AS (SELECT * FROM orders) SELECT * FROM t /* c */",
     'WITH "t" AS (SELECT * FROM "orders") SELECT * FROM "t"'),
    ("postgresql", "SELECT 1 AS a$$$, 1 # 0 AS b FROM public.orders",
     'SELECT 1 AS "a$$$", 1 # 0 AS "b" FROM "public"."orders"'),
    ("mysql", "SELECT 0--1 AS a, 'it\\'s' AS b FROM orders # note",
     "SELECT 0 - -1 AS `a`, 'it''s' AS `b` FROM `orders`"),
    ("mysql", "SELECT 1 /*! , LOAD_FILE('/etc/passwd') */ FROM orders", "SELECT 1 FROM `orders`"),
    ("sqlite", "SELECT strftime('%Y', d) y FROM orders", """SELECT STRFTIME('%Y', "d") AS "y" \
FROM "orders\""""),
])
def test_what_runs_is_the_regenerated_statement(dialect, sql, expected):
    assert checked_select(sql, dialect, tables=TABLES, schema="public") == expected


def test_other_dialects_get_no_custom_select():
    with pytest.raises(ConnectionError_) as info:
        checked_select("SELECT 1", "trino")
    assert info.value.code == "custom_select_unsupported"
    assert "trino" in info.value.message("en") and "trino" in info.value.message("zh")
