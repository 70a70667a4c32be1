"""Issue 24 on a real Spark Thrift server (see ``conftest.py``): tables are listed and
mapped like PostgreSQL's, the customer view equals DuckDB's on the same data, a scope
narrows inside Spark, the churn sample is drawn there, the statement time limit and the
row bound hold, and a custom SELECT is checked in Spark's dialect."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation.access import Role, User
from segmentation.connections import ConnectionError_, ConnectionSpec, open_engine
from segmentation.database import (
    TableChoice,
    check_mapping,
    guess_mapping,
    source_columns,
)
from segmentation.features import customer_view
from tests.conftest import write_tables

from .conftest import AS_OF

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spec(spark_data) -> ConnectionSpec:
    return ConnectionSpec.from_url(spark_data.url)


@pytest.fixture(scope="module")
def engine(spec):
    engine = open_engine(spec, statement_timeout_s=120)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def duck(spark_data, tmp_path_factory):
    engine = sa.create_engine(f"duckdb:///{tmp_path_factory.mktemp('ref') / 'ref.duckdb'}")
    write_tables(engine, spark_data.tables)
    yield engine
    engine.dispose()


def test_tables_are_listed_guessed_and_checked(engine, spec, spark_data):
    assert set(sa.inspect(engine).get_table_names()) == set(spark_data.tables)
    mapping = guess_mapping(engine, spec)
    assert set(mapping.tables) == set(spark_data.tables)
    summary = check_mapping(engine, spec, mapping)
    tx = spark_data.tables["transactions"]
    assert summary.rows["transactions"] == len(tx)
    assert summary.n_customers == tx["customer_id"].nunique()
    assert (summary.date_min, summary.date_max) == (tx["date"].min().date().isoformat(),
                                                    tx["date"].max().date().isoformat())
    preview = source_columns(engine, TableChoice(table="transactions"), spec, rows=3)
    assert pd.api.types.is_datetime64_any_dtype(preview["date"])  # not PyHive's text


def test_customer_view_equals_duckdb(engine, duck):
    """Exact counts and dates, money to 1e-6, the same columns and dtypes."""
    spark = customer_view(engine, as_of=AS_OF)
    ref = customer_view(duck, as_of=AS_OF)
    assert len(spark) > 1500
    pd.testing.assert_frame_equal(spark, ref, check_exact=False, rtol=0, atol=1e-6)
    for column in ("frequency", "n_transactions", "frequency_recent", "first_date",
                   "last_purchase_date", "recency_days"):
        pd.testing.assert_series_equal(spark[column], ref[column], check_exact=True)


def test_a_scope_narrows_inside_spark(engine, duck):
    ref = customer_view(duck, as_of=AS_OF)
    branch = str(ref["branch"].value_counts().index[0])
    scope = User("li", Role.BRANCH, branch=branch).scope
    mine = customer_view(engine, as_of=AS_OF, scope=scope)
    assert set(mine["branch"]) == {branch}
    pd.testing.assert_frame_equal(mine, customer_view(duck, as_of=AS_OF, scope=scope),
                                  check_exact=False, rtol=0, atol=1e-6)


def test_the_churn_sample_is_drawn_in_spark(engine, duck):
    from segmentation.churn.features import sampled_tables

    drawn = sampled_tables(engine, share=0.25, seed=7)
    assert drawn is not None
    tables, share = drawn
    sample = customer_view(engine, as_of=AS_OF, table_names=tables)
    full = customer_view(duck, as_of=AS_OF)
    assert share == 0.25 and 0.15 * len(full) < len(sample) < 0.35 * len(full)
    again = customer_view(engine, as_of=AS_OF, table_names=sampled_tables(
        engine, share=0.25, seed=7)[0])
    assert list(again.index) == list(sample.index)  # seeded: the same customers
    # each with all of their rows (the share columns follow the sample's own mix)
    same = [c for c in full.columns if "_share_" not in c]
    pd.testing.assert_frame_equal(sample[same], full.loc[sample.index, same],
                                  check_exact=False, rtol=0, atol=1e-6)


def test_more_rows_than_the_bound_do_not_travel(engine, monkeypatch):
    from segmentation import sql

    with sql.rows_bound(100), pytest.raises(ConnectionError_) as info:
        customer_view(engine, as_of=AS_OF)
    assert info.value.code == "too_many_customer_rows"
    assert "branch or a region" in info.value.message("en")
    assert "网点或区域" in info.value.message("zh")


def test_the_statement_time_limit_stops_a_long_query(spec):
    from segmentation.connections import classify_error

    engine = open_engine(spec, statement_timeout_s=2)
    try:
        with engine.connect() as conn, pytest.raises(sa.exc.OperationalError) as info:
            conn.exec_driver_sql("SELECT count(*) FROM range(0, 100000000000)").fetchall()
        assert classify_error(info.value, spec).code == "timeout"
    finally:
        engine.dispose()


def test_cancel_stops_a_running_query(spec):
    import threading

    from segmentation.connections import classify_error
    from segmentation.connections.spark import cancel_statement

    engine = open_engine(spec, statement_timeout_s=120)
    try:
        with engine.connect() as conn:
            timer = threading.Timer(1.0, cancel_statement, [conn.connection.dbapi_connection])
            timer.start()
            with pytest.raises(sa.exc.OperationalError) as info:
                conn.exec_driver_sql("SELECT count(*) FROM range(0, 100000000000)").fetchall()
            assert classify_error(info.value, spec).code == "cancelled"
            assert conn.exec_driver_sql("SELECT 1").scalar() == 1  # the session goes on
    finally:
        engine.dispose()


def test_custom_selects_are_checked_in_sparks_dialect(engine, spec):
    choice = TableChoice(query="SELECT customer_id, `date`, amount FROM transactions "
                               "WHERE amount > 0")
    rows = source_columns(engine, choice, spec, rows=5)
    assert list(rows.columns) == ["customer_id", "date", "amount"] and len(rows) == 5
    for sql in ("SELECT * FROM parquet.`/etc/passwd`",
                "SELECT reflect('java.lang.System', 'getenv', 'HOME') AS x FROM transactions"):
        with pytest.raises(ConnectionError_) as info:
            source_columns(engine, TableChoice(query=sql), spec)
        assert info.value.code in ("forbidden_table", "forbidden_function")


def test_headline_figures_are_computed_in_spark(engine, duck):
    """The Overview's headline figures from three one-row Spark queries: DuckDB's exactly
    (counts) and to 1e-9 (money), as the in-process figures there."""
    from segmentation.overview import activity_cube, headline, survey_cube
    from segmentation.pushdown import headline_in_engine

    got = headline_in_engine(engine, as_of=AS_OF)
    ref = headline(customer_view(duck, as_of=AS_OF), activity_cube(duck, as_of=AS_OF),
                   survey_cube(duck, as_of=AS_OF), as_of=AS_OF)
    pd.testing.assert_frame_equal(got, ref, check_exact=False, rtol=1e-9, atol=0)
    assert got.loc["customers", "current"] == ref.loc["customers", "current"] > 1500


def test_tier_quantiles_are_within_sparks_documented_error(engine, duck):
    """``percentile_approx``: each quantile is a customer's value whose rank is within
    ``n / accuracy`` of the exact one (plus the interpolation step)."""
    import math

    import numpy as np

    from segmentation.pushdown import threshold_quantiles
    from segmentation.sql import SPARK_QUANTILE_ACCURACY
    from segmentation.tiers import prepare_scoring

    fractions = [0.05, 0.5, 0.8, 0.95]
    got = threshold_quantiles(engine, fractions, as_of=AS_OF)
    spend, ships = prepare_scoring(customer_view(duck, as_of=AS_OF)).annual(90)
    for column, values in (("annual_spend", spend), ("annual_shipments", ships)):
        s = np.sort(values)
        n, slack = len(s), math.ceil(len(s) / SPARK_QUANTILE_ACCURACY) + 1
        for f, value in zip(fractions, got[column], strict=True):
            lo, hi = math.floor(f * (n - 1)) - slack, math.ceil(f * (n - 1)) + slack
            assert s[max(lo, 0)] - 1e-9 <= value <= s[min(hi, n - 1)] + 1e-9, (column, f)
        assert np.isclose(s, got[column].to_numpy()[:, None], atol=1e-9).any(axis=1).all()


def test_call_lists_are_ranked_in_spark_from_written_scores(spec):
    """Scores written back to Spark (the ``--write-table`` path), then each branch's calls
    ranked there by a window function: the Churn page's call list, row for row."""
    from segmentation.churn import call_list, warning_list
    from segmentation.connections import open_writer
    from segmentation.pushdown import call_lists_in_engine
    from segmentation.writeback import write_scores
    from tests.segmentation.test_pushdown import _scores

    scores = _scores(300)
    writer = open_writer(spec, statement_timeout_s=120)
    try:
        assert write_scores(writer, scores, "seg_call_scores", as_of=AS_OF) == 300
        got = call_lists_in_engine(writer, "seg_call_scores", calls_per_branch=5)
    finally:
        with writer.connect() as conn:  # the session's tables as loaded, for other tests
            conn.exec_driver_sql("DROP TABLE IF EXISTS seg_call_scores")
        writer.dispose()
    ref = call_list(warning_list(scores.set_index("customer_id")), calls_per_branch=5)
    ref = ref[ref["call_this_week"]].reset_index()
    assert got["customer_id"].tolist() == ref["customer_id"].tolist()
    assert got["branch_rank"].tolist() == ref["branch_rank"].tolist()
