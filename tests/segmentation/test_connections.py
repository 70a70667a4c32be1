"""Connections: specs and secrets, read-only engines on real servers, error classification
(never leaking the password), the read-only query check and the row-count guard."""

from __future__ import annotations

import dataclasses
import os

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import i18n
from segmentation.connections import (
    ConnectionError_,
    ConnectionSpec,
    check_connection,
    classify_error,
    guard_row_count,
    is_read_only_query,
    open_engine,
    spec_from_secrets,
)
from segmentation.features import customer_view
from tests.conftest import MARIADB_ENV, POSTGRES_ENV, write_tables

SECRET = "s3cr3t-P@ss:w/rd%"


def _assert_no_secret(err: ConnectionError_) -> None:
    for text in (str(err), repr(err), err.message("en"), err.message("zh"),
                 getattr(err, "driver_message", "")):
        assert SECRET not in text
        assert "s3cr3t" not in text


def _assert_refuses_writes_and_names_missing_tables(engine: sa.Engine,
                                                    spec: ConnectionSpec) -> None:
    """An INSERT is refused as a permission problem; a missing table is named as such."""
    with pytest.raises(sa.exc.DBAPIError) as info, engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO customers VALUES ('z', 'B9')")
    assert classify_error(info.value, spec).code == "permission"
    with pytest.raises(sa.exc.DBAPIError) as info, engine.connect() as conn:
        conn.exec_driver_sql("SELECT * FROM nowhere")
    assert classify_error(info.value, spec).code == "table_missing"


def small_tables() -> dict[str, pd.DataFrame]:
    tx = pd.DataFrame({
        "customer_id": ["a", "a", "b", "c", "c", "c"],
        "date": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-02-10", "2024-01-01",
                                "2024-02-15", "2024-03-20"]),
        "amount": [10.0, 20.0, 5.5, 7.0, -2.0, 30.0],
    })
    customers = pd.DataFrame({"customer_id": ["a", "b", "c"], "branch": ["B1", "B2", "B1"]})
    return {"transactions": tx, "customers": customers}


def _pg_spec(postgres_engine: sa.Engine) -> ConnectionSpec:
    with postgres_engine.connect() as conn:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    return ConnectionSpec.from_url(os.environ[POSTGRES_ENV], schema=schema)


def _maria_spec(mariadb_engine: sa.Engine) -> ConnectionSpec:
    spec = ConnectionSpec.from_url(os.environ[MARIADB_ENV])
    return dataclasses.replace(spec, driver="mariadb", database=mariadb_engine.url.database)


# --- specs ------------------------------------------------------------------------------------

def test_url_building_and_round_trip():
    spec = ConnectionSpec("postgresql", host="db.example.com", port=5433, database="sales",
                          user="analyst", password=SECRET, schema="crm")
    url = spec.url()
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.username, url.password) == (
        "db.example.com", 5433, "sales", "analyst", SECRET)
    again = ConnectionSpec.from_url(url.render_as_string(hide_password=False), schema="crm")
    assert again == spec

    maria = ConnectionSpec("mariadb", host="h", database="d", user="u", password=SECRET)
    assert maria.url().drivername == "mysql+pymysql"
    assert ConnectionSpec.from_url("mysql+pymysql://u@h:3306/d").driver == "mysql"
    assert ConnectionSpec.from_url("mariadb+pymysql://u@h/d").driver == "mariadb"
    assert ConnectionSpec.from_url("postgres://u@h/d").driver == "postgresql"

    lite = ConnectionSpec("sqlite", database="/tmp/x.sqlite")
    assert str(lite.url()) == "sqlite:////tmp/x.sqlite"
    assert ConnectionSpec.from_url(lite.url()) == lite
    duck = ConnectionSpec.from_url("duckdb:///data/ws.duckdb")
    assert (duck.driver, duck.database) == ("duckdb", "data/ws.duckdb")
    assert duck.url().drivername == "duckdb"


def test_bad_specs():
    with pytest.raises(ConnectionError_) as info:
        ConnectionSpec("oracle", host="h")
    assert info.value.code == "bad_spec"
    with pytest.raises(ConnectionError_):
        ConnectionSpec("postgresql", database="d")
    with pytest.raises(ConnectionError_):
        ConnectionSpec("sqlite")
    with pytest.raises(ConnectionError_) as info:
        ConnectionSpec("other", host="h")
    assert info.value.code == "bad_spec"


def test_warehouse_urls_are_kept_whole_and_never_shown():
    from urllib.parse import quote

    spec = spec_from_secrets({"url": f"trino://reader:{quote(SECRET, safe='')}"
                                     "@127.0.0.1:1/hive/sales"})
    assert spec.driver == "other" and spec.user == "reader" and spec.password == SECRET
    assert spec.safe_label() == "trino://reader@127.0.0.1:1/hive/sales"
    assert SECRET not in repr(spec) and SECRET not in spec.safe_label()
    # the dialect is installed: it refuses a password over plain HTTP, in its own words
    with pytest.raises(ConnectionError_) as info:
        check_connection(spec, statement_timeout_s=5)
    assert info.value.code == "other" and "TLS" in info.value.message("zh")
    _assert_no_secret(info.value)
    # ... and without one, nothing answers on port 1
    with pytest.raises(ConnectionError_) as info:
        check_connection(spec_from_secrets({"url": "trino://reader@127.0.0.1:1/hive/sales"}),
                         statement_timeout_s=5)
    assert info.value.code == "unreachable"
    # a dialect that is not installed says so, with what to install
    for backend in ("snowflake", "oracle"):  # no dialect at all; a dialect without its driver
        with pytest.raises(ConnectionError_) as info:
            check_connection(ConnectionSpec.from_url(
                f"{backend}://u:{quote(SECRET, safe='')}@h/d"))
        assert info.value.code == "dialect_missing"
        assert f"“{backend}”" in info.value.message("en") and "方言" in info.value.message("zh")
        _assert_no_secret(info.value)


def test_password_never_shown():
    spec = ConnectionSpec("postgresql", host="h", port=5432, database="d", user="u",
                          password=SECRET)
    assert SECRET not in repr(spec)
    assert SECRET not in str(spec)
    assert spec.safe_label() == "postgresql://u@h:5432/d"
    assert ConnectionSpec("mysql", host="h", database="d").safe_label() == "mysql://h:3306/d"
    url_text = spec.url().render_as_string(hide_password=False)
    exc = RuntimeError(f"boom while using {url_text} with password {SECRET}")
    err = classify_error(exc, spec)
    assert err.code == "other"
    _assert_no_secret(err)
    assert url_text not in str(err)


def test_spec_from_secrets():
    spec = spec_from_secrets({"dialect": "postgresql", "driver": "psycopg", "host": "db",
                              "port": "6543", "database": "sales", "username": "ro",
                              "password": SECRET, "schema": "crm"})
    assert spec == ConnectionSpec("postgresql", host="db", port=6543, database="sales",
                                  user="ro", password=SECRET, schema="crm")
    spec = spec_from_secrets({"dialect": "mysql", "host": "db", "database": "x",
                              "username": "u"})
    assert (spec.driver, spec.port, spec.password) == ("mysql", None, None)
    spec = spec_from_secrets({"url": "mysql+pymysql://u:pw@db:3307/x", "query": "ignored"})
    assert (spec.driver, spec.port, spec.user, spec.password) == ("mysql", 3307, "u", "pw")
    with pytest.raises(ConnectionError_):
        spec_from_secrets({"host": "db"})


def test_messages_in_both_languages():
    for code in ("unreachable", "auth", "unknown_database", "table_missing", "timeout",
                 "permission", "other", "not_read_only", "too_many_rows", "bad_spec"):
        assert i18n.has(f"conn.error.{code}")
    err = ConnectionError_("too_many_rows", rows=2_000_000, limit=1_000_000)
    assert "2,000,000" in str(err) and "行" in err.message("zh")


# --- file databases ---------------------------------------------------------------------------

def test_sqlite_and_duckdb_read_only(tmp_path, sqlite_engine, duckdb_engine):
    write_tables(sqlite_engine, small_tables())
    sqlite_engine.dispose()
    spec = ConnectionSpec("sqlite", database=str(tmp_path / "test.sqlite"))
    assert check_connection(spec) == ["customers", "transactions"]
    engine = open_engine(spec)
    _assert_refuses_writes_and_names_missing_tables(engine, spec)
    engine.dispose()

    missing = ConnectionSpec("sqlite", database=str(tmp_path / "absent.sqlite"))
    with pytest.raises(ConnectionError_) as info:
        check_connection(missing)
    assert info.value.code == "unknown_database"

    write_tables(duckdb_engine, small_tables())
    with duckdb_engine.begin() as conn:
        conn.exec_driver_sql("CREATE VIEW big AS SELECT * FROM transactions WHERE amount > 8")
    duckdb_engine.dispose()
    spec = ConnectionSpec("duckdb", database=str(tmp_path / "workspace.duckdb"))
    assert check_connection(spec) == ["big", "customers", "transactions"]
    engine = open_engine(spec)
    with pytest.raises(sa.exc.DBAPIError) as info, engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM customers")
    assert classify_error(info.value, spec).code == "permission"
    engine.dispose()


# --- servers ----------------------------------------------------------------------------------

@pytest.mark.db
def test_postgres_read_only_and_check(postgres_engine):
    write_tables(postgres_engine, small_tables())
    with postgres_engine.begin() as conn:
        conn.exec_driver_sql("CREATE VIEW big AS SELECT * FROM transactions WHERE amount > 8")
    spec = _pg_spec(postgres_engine)
    assert check_connection(spec) == ["big", "customers", "transactions"]
    engine = open_engine(spec)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM transactions").scalar_one() == 6
        _assert_refuses_writes_and_names_missing_tables(engine, spec)
    finally:
        engine.dispose()


@pytest.mark.db
def test_postgres_unknown_database_and_timeout(postgres_engine):
    spec = _pg_spec(postgres_engine)
    with pytest.raises(ConnectionError_) as info:
        check_connection(dataclasses.replace(spec, database="no_such_db_seg",
                                             password=SECRET))
    assert info.value.code == "unknown_database"
    assert "no_such_db_seg" in str(info.value)
    _assert_no_secret(info.value)

    engine = open_engine(spec, statement_timeout_s=1)
    try:
        with pytest.raises(sa.exc.DBAPIError) as info, engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_sleep(3)")
        err = classify_error(info.value, spec)
        assert err.code == "timeout"
        assert "limit" in str(err) and "超过" in err.message("zh")
    finally:
        engine.dispose()


@pytest.mark.db
def test_mariadb_read_only_and_auth(mariadb_engine):
    write_tables(mariadb_engine, small_tables())
    spec = _maria_spec(mariadb_engine)
    assert check_connection(spec) == ["customers", "transactions"]
    engine = open_engine(spec, statement_timeout_s=1)
    try:
        _assert_refuses_writes_and_names_missing_tables(engine, spec)
        with pytest.raises(sa.exc.DBAPIError) as info, engine.connect() as conn:
            conn.exec_driver_sql("SELECT SLEEP(3) FROM transactions")
        assert classify_error(info.value, spec).code == "timeout"
    finally:
        engine.dispose()

    wrong = dataclasses.replace(spec, user="no_such_user_seg", password=SECRET)
    with pytest.raises(ConnectionError_) as info:
        check_connection(wrong)
    assert info.value.code == "auth"
    assert "no_such_user_seg" in str(info.value)
    _assert_no_secret(info.value)

    with pytest.raises(ConnectionError_) as info:
        check_connection(dataclasses.replace(spec, database="no_such_db_seg"))
    assert info.value.code == "unknown_database"


@pytest.mark.parametrize("driver", ["postgresql", "mariadb"])
def test_unreachable(driver):
    spec = ConnectionSpec(driver, host="127.0.0.1", port=1, database="test", user="u",
                          password=SECRET)
    with pytest.raises(ConnectionError_) as info:
        check_connection(spec)
    assert info.value.code == "unreachable"
    assert "127.0.0.1:1" in str(info.value)
    _assert_no_secret(info.value)


@pytest.mark.db
def test_customer_view_through_open_engine(postgres_engine, duckdb_engine):
    tables = small_tables()
    write_tables(postgres_engine, tables)
    write_tables(duckdb_engine, tables)
    engine = open_engine(_pg_spec(postgres_engine))
    try:
        remote = customer_view(engine, as_of="2024-03-31")
    finally:
        engine.dispose()
    local = customer_view(duckdb_engine, as_of="2024-03-31")
    assert len(remote) == 3
    pd.testing.assert_frame_equal(remote, local)


# --- user queries -----------------------------------------------------------------------------

ACCEPTED = [
    "SELECT 1",
    "select * from transactions;",
    "  SELECT customer_id, sum(amount) FROM transactions GROUP BY 1 ;  ",
    "WITH t AS (SELECT * FROM transactions) SELECT * FROM t",
    "SELECT 'DROP TABLE x; DELETE' AS s FROM t",
    "SELECT \"update\", `insert` FROM t -- ; delete from t",
    "SELECT 1 /* ; drop table t */",
    "SELECT updated_at, deleted FROM t WHERE note LIKE '%;%'",
    "SELECT replace(name, 'a', 'b') FROM customers",
    "(SELECT 1) UNION ALL (SELECT 2)",
    "SELECT x::date FROM t WHERE y = 'it''s'",
]
REJECTED = [
    "",
    "   ;  ",
    "INSERT INTO t VALUES (1)",
    "UPDATE t SET a = 1",
    "DELETE FROM t",
    "DROP TABLE t",
    "CREATE TABLE x AS SELECT 1",
    "TRUNCATE t",
    "SELECT 1; DROP TABLE t",
    "SELECT 1; SELECT 2",
    "SELECT * INTO backup FROM t",
    "SELECT * FROM t FOR UPDATE",
    "SELECT * FROM t FOR SHARE",
    "SELECT * FROM t LOCK IN SHARE MODE",
    "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
    "SELECT 'unterminated",
    "SELECT 1 /* open comment",
    "EXPLAIN ANALYZE SELECT 1",
    "SHOW TABLES",
    "SELECT * FROM t INTO OUTFILE '/tmp/x'",
]


@pytest.mark.parametrize("sql", ACCEPTED)
def test_read_only_query_accepted(sql):
    assert is_read_only_query(sql)


#: Texts that a home-made tokenizer and the server read differently: in each dialect they
#: are refused, or what runs is the checked statement regenerated without the attack.
NEUTRALISED = [
    "SELECT 1 /*! ; DROP TABLE t */",
    "SELECT 'a\\' , ' ; DELETE FROM t; -- '",   # MySQL reads the backslash as an escape
    "SELECT $$'$$; DELETE FROM t; --'",           # PostgreSQL dollar quoting
]


@pytest.mark.parametrize("sql", REJECTED)
def test_read_only_query_rejected(sql):
    assert not is_read_only_query(sql)


@pytest.mark.parametrize("sql", NEUTRALISED)
def test_parser_tricks_are_refused_or_neutralised(sql, db_engine):
    from segmentation.connections import user_select

    write_tables(db_engine, {"t": pd.DataFrame({"a": [1, 2]})})
    try:  # a writable session: the statement itself must not write
        with db_engine.begin() as conn:
            conn.execute(user_select(sql)).all()
    except ConnectionError_:
        pass  # refused before anything ran
    except sa.exc.DBAPIError:
        pass  # the regenerated statement reads a column "$$" that does not exist
    with db_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 2


def test_guard_row_count(duckdb_engine):
    write_tables(duckdb_engine, small_tables())
    assert guard_row_count(duckdb_engine, "SELECT * FROM transactions;", limit=6) == 6
    with duckdb_engine.connect() as conn:
        assert guard_row_count(conn, "SELECT * FROM transactions WHERE customer_id = 'c'",
                               limit=10) == 3
    with pytest.raises(ConnectionError_) as info:
        guard_row_count(duckdb_engine, "SELECT * FROM transactions", limit=5)
    assert info.value.code == "too_many_rows"
    assert info.value.params == {"rows": 6, "limit": 5}
    with pytest.raises(ConnectionError_) as info:
        guard_row_count(duckdb_engine, "DELETE FROM transactions")
    assert info.value.code == "not_read_only"
    select = sa.select(sa.column("customer_id")).select_from(sa.table("customers"))
    assert guard_row_count(duckdb_engine, select) == 3


@pytest.mark.db
def test_guard_row_count_postgres(postgres_engine, read_only_login):
    write_tables(postgres_engine, small_tables())
    engine = open_engine(read_only_login(_pg_spec(postgres_engine)))
    try:
        sql = "SELECT * FROM transactions WHERE customer_id LIKE '%' AND date > '2024-01-01'::date"
        assert guard_row_count(engine, sql) == 5
        with pytest.raises(ConnectionError_):
            guard_row_count(engine, sql, limit=4)
    finally:
        engine.dispose()
