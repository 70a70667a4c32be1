"""Fuzzing the SELECT check (issue 21): statements that mix dollar quotes, comments,
operators, unicode and nested calls around a forbidden function never run that function
on PostgreSQL or MariaDB, and every accepted harmless statement, run as the regenerated
SQL, returns the same rows as the user's own text.

The forbidden functions leave a harmless trace a test can see in the same session:
PostgreSQL ``set_config('seg.fuzz', 'hit', false)`` sets a setting, MariaDB
``GET_LOCK(name, 0)`` holds a named lock.
"""

from __future__ import annotations

import dataclasses
import os

import pandas as pd
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segmentation.connections import ConnectionError_, ConnectionSpec, checked_for, open_engine
from tests.conftest import MARIADB_ENV, POSTGRES_ENV, write_tables

FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
LOCK = f"seg_fuzz_{os.getpid()}"
CALL = {"postgresql": "set_config('seg.fuzz', 'hit', false)", "mariadb": f"GET_LOCK('{LOCK}', 0)"}
TRACE = {"postgresql": "SELECT current_setting('seg.fuzz', true)",
         "mariadb": f"SELECT IS_USED_LOCK('{LOCK}') = CONNECTION_ID()"}

#: pieces that tokenizers disagree on
NOISE = ["$$", "$a$", "a$$$", "$1", "#", "# x\n", "--", "-- x\n", "--x\n", "/*", "*/", "/* c */",
         "/*! 1 */", "'", "''", "\\'", '"', "`", "E'", "U&", ";", "@x:=", "@x", ":=", "||",
         "0", "1", "-", "+", "::text", "客户", "é", "\u200b", ",", "(", ")", "AS", "n", " ",
         "\n"]
WRAPS = ["{}", "length({})", "lower(coalesce({}, 'x'))", "({})", "CASE WHEN 1=1 THEN {} END",
         "0--{}", "1 # {}", "concat('a', {})"]

#: harmless expressions over the table "items" (n int, s text)
ITEMS = pd.DataFrame({"n": [1, 2, 3, 10], "s": ["a", "b$$", "c--d", "客户"]})
EXPRS = ["n", "n + 1", "n * 2 - 1", "abs(n - 5)", "upper(s)", "lower(s)", "length(s)",
         "coalesce(s, 'z')", "CASE WHEN n > 2 THEN 'big' ELSE 'small' END", "round(n / 3.0, 2)",
         "'$$'", "'#'", "'--'", "'客户'", "n % 3", "greatest(n, 3)"]
CONDS = ["n > 1", "s LIKE '%$%'", "s <> '--'", "n IN (1, 3)", "n BETWEEN 2 AND 10",
         "s IS NOT NULL", "NOT (n = 2)", "n > 1 AND s <> 'b$$'", "n = 1 OR n = 10"]


def _spec(driver: str, engine: sa.Engine) -> ConnectionSpec:
    if driver == "postgresql":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
        return ConnectionSpec.from_url(os.environ[POSTGRES_ENV], schema=schema)
    spec = ConnectionSpec.from_url(os.environ[MARIADB_ENV])
    return dataclasses.replace(spec, driver="mariadb", database=engine.url.database)


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.db),
                        pytest.param("mariadb", marks=pytest.mark.db)])
def reader(request, read_only_login):
    """(driver, read-only engine, spec) with the harmless table ``items``."""
    admin = request.getfixturevalue("postgres_engine" if request.param == "postgresql"
                                    else "mariadb_engine")
    write_tables(admin, {"items": ITEMS})
    spec = read_only_login(_spec(request.param, admin))
    engine = open_engine(spec)
    yield request.param, engine, spec
    engine.dispose()


def test_a_forbidden_function_never_runs(reader):
    driver, engine, spec = reader

    @FUZZ
    @given(before=st.lists(st.sampled_from(NOISE), max_size=6),
           after=st.lists(st.sampled_from(NOISE), max_size=6),
           wrap=st.sampled_from(WRAPS), depth=st.integers(1, 3), tail=st.booleans())
    def check(before, after, wrap, depth, tail):
        call = CALL[driver]
        for _ in range(depth):
            call = wrap.format(call)
        sql = f"SELECT 1 AS a{''.join(before)} {call} {''.join(after)} AS b"
        sql += " FROM items" if tail else ""
        with engine.connect() as conn:
            try:
                checked = checked_for(conn, sql, schema=spec.schema, user=spec.user)
            except ConnectionError_:
                return  # refused before anything ran
            lowered = checked.lower()
            assert "set_config" not in lowered and "get_lock" not in lowered, checked
            try:
                conn.exec_driver_sql(checked.replace("%", "%%")).all()
            except sa.exc.DBAPIError:
                conn.rollback()
            assert not conn.exec_driver_sql(TRACE[driver]).scalar(), (sql, checked)

    check()


def test_accepted_selects_return_the_rows_of_the_users_text(reader):
    driver, engine, spec = reader

    @FUZZ
    @given(exprs=st.lists(st.sampled_from(EXPRS), min_size=1, max_size=4),
           cond=st.none() | st.sampled_from(CONDS),
           comment=st.sampled_from(["", " -- note\n", " /* note */", " "]),
           case=st.booleans())
    def check(exprs, cond, comment, case):
        cols = ", ".join(f"{e} AS c{i}" for i, e in enumerate(exprs))
        sql = f"SELECT {cols}{comment} FROM items" + (f" WHERE {cond}" if cond else "")
        sql += " ORDER BY n"
        if case:
            sql = sql.replace("SELECT", "select").replace("FROM", "from")
        checked = checked_for(engine, sql, schema=spec.schema, user=spec.user)
        with engine.connect() as conn:
            mine = conn.exec_driver_sql(checked.replace("%", "%%")).all()
            theirs = conn.exec_driver_sql(sql.replace("%", "%%")).all()
        assert mine == theirs, (sql, checked)

    check()
