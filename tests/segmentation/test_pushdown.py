"""Issue 24, item 3: figures computed in the engine (``segmentation.pushdown``) equal the
in-process ones on the same data, exactly, on DuckDB and PostgreSQL; the scores written
back (``segmentation.writeback``) read back as written and never replace a table the
product did not write. Spark runs the same code in ``tests/spark/``."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import pushdown
from segmentation.access import Scope
from segmentation.churn import call_list, warning_list
from segmentation.connections import ConnectionError_, ConnectionSpec, open_engine, open_writer
from segmentation.features import customer_view
from segmentation.overview import activity_cube, headline, survey_cube
from segmentation.sql import days_between, quantile_cont, supports_quantiles
from segmentation.tiers import TierSettings, prepare_scoring
from segmentation.tiers.assignment import suggest_thresholds
from segmentation.writeback import MARKER, MARKER_COLUMN, WriteBackError, write_scores
from tests.conftest import POSTGRES_ENV, tables_engine

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
AS_OF = "2025-03-31"
N_CUSTOMERS = 800
SCHEMA = f"seg_pushdown_{os.getpid()}"


def _subset() -> dict[str, pd.DataFrame]:
    tables = {name: pd.read_parquet(SAMPLE / f"{name}.parquet")
              for name in ("transactions", "customers", "surveys", "complaints")}
    ids = set(sorted(tables["transactions"]["customer_id"].unique())[:N_CUSTOMERS])
    return {name: frame[frame["customer_id"].isin(ids)].reset_index(drop=True)
            for name, frame in tables.items()}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return _subset()


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.db)])
def engine(request, tables, tmp_path_factory):
    """The sample's first customers in DuckDB, then in PostgreSQL (its own schema)."""
    yield from tables_engine(request.param, tables, tmp_path_factory.mktemp("pd"),
                             SCHEMA)


@pytest.fixture(scope="module")
def view(engine) -> pd.DataFrame:
    return customer_view(engine, as_of=AS_OF)


def _branch_and_region(view: pd.DataFrame) -> tuple[str, str]:
    return (str(view["branch"].value_counts().index[0]),
            str(view["region"].value_counts().index[-1]))


@pytest.mark.parametrize("case", ["all", "branch", "region", "filtered"])
def test_headline_in_the_engine_equals_the_overview(engine, view, case):
    branch, region = _branch_and_region(view)
    scope = {"branch": Scope(branches=(branch,)), "region": Scope(regions=(region,))}.get(case)
    filters = {"customer_type": ["enterprise"], "area_type": ["urban"]} if case == "filtered" \
        else None
    ref = headline(customer_view(engine, as_of=AS_OF, scope=scope),
                   activity_cube(engine, as_of=AS_OF, scope=scope),
                   survey_cube(engine, as_of=AS_OF, scope=scope), as_of=AS_OF,
                   filters=filters)
    got = pushdown.headline_in_engine(engine, as_of=AS_OF, scope=scope, filters=filters)
    assert ref.loc["customers", "current"] > 10
    pd.testing.assert_frame_equal(got, ref, check_exact=False, rtol=1e-12, atol=0)
    for metric in ("customers", "active_customers", "shipments"):  # counts: exact
        assert got.loc[metric, ["current", "previous"]].tolist() == \
            ref.loc[metric, ["current", "previous"]].tolist()


def test_every_customer_measure_equals_the_view(engine, view):
    """customer_measures (behind every figure here) per customer: the view's numbers and
    home branch, exactly."""
    page = pushdown.customer_page(engine, as_of=AS_OF, limit=pushdown.MAX_PAGE_ROWS)
    assert page.total == len(view) == len(page.rows)
    rows = page.rows.set_index(page.rows["customer_id"].astype(str)).loc[view.index]
    for column in ("recency_days", "tenure_days", "frequency", "frequency_recent",
                   "frequency_prior"):
        assert (rows[column].to_numpy(dtype="int64")
                == view[column].to_numpy(dtype="int64")).all(), column
    assert np.allclose(rows["monetary_total"].astype(float), view["monetary_total"],
                       rtol=0, atol=1e-9)
    for column in ("branch", "region", "customer_type", "area_type"):
        assert (rows[column].astype(str) == view[column].astype(str)).all(), column


def test_a_bounded_page_in_the_engines_order(engine, view):
    branch, _ = _branch_and_region(view)
    scope = Scope(branches=(branch,))
    mine = view[view["branch"] == branch]
    order = mine.reset_index().sort_values(["monetary_total", "customer_id"],
                                           ascending=[False, True])["customer_id"].tolist()
    page = pushdown.customer_page(engine, as_of=AS_OF, scope=scope, offset=5, limit=7)
    assert page.total == len(mine) and len(page.rows) == 7
    assert page.rows["customer_id"].astype(str).tolist() == order[5:12]
    assert set(page.rows["branch"]) == {branch}
    with pytest.raises(ValueError, match="1 to 10000 rows"):
        pushdown.customer_page(engine, as_of=AS_OF, limit=pushdown.MAX_PAGE_ROWS + 1)


def test_a_scope_too_large_is_refused_before_any_row_travels(engine, view):
    assert pushdown.check_scope_size(engine, limit=len(view), as_of=AS_OF) == len(view)
    with pytest.raises(ConnectionError_) as info:
        pushdown.check_scope_size(engine, limit=len(view) - 1, as_of=AS_OF)
    assert info.value.code == "too_many_customer_rows"
    assert "--write-table" in info.value.message("en")
    assert "网点或区域" in info.value.message("zh")


def test_threshold_quantiles_are_exact(engine, view):
    settings = TierSettings()
    assert supports_quantiles(engine)
    base = prepare_scoring(view)
    spend, ships = base.annual(settings.annualize_min_days)
    fractions = [0.1, 0.5, 0.8, 0.95]
    got = pushdown.threshold_quantiles(engine, fractions, as_of=AS_OF)
    np.testing.assert_allclose(got["annual_spend"], np.quantile(spend, fractions), rtol=1e-12)
    np.testing.assert_allclose(got["annual_shipments"], np.quantile(ships, fractions),
                               rtol=1e-12)
    assert pushdown.suggest_thresholds_in_engine(engine, settings, as_of=AS_OF) == \
        suggest_thresholds(base, settings)


def _scores(n: int = 400) -> pd.DataFrame:
    """Scores with many ties (value at risk and risk on coarse steps) and customers
    without a branch: the ranking's tie-breaks all matter."""
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in rng.permutation(n)],
        "branch": rng.choice(["北京-朝阳", "上海-浦东", "B3", None], n),
        "region": rng.choice(["华北", "华东"], n),
        "status": rng.choice(["warning", "ok", "lost"], n, p=[0.6, 0.3, 0.1]),
        "churn_risk": rng.integers(1, 6, n) / 10,
        "value_at_risk": rng.integers(0, 8, n) * 100.0,
        "tier": rng.choice(["high", "low"], n),
    })


@pytest.mark.parametrize("capacity", [1, 7])
def test_call_lists_ranked_in_the_engine_equal_the_churn_pages(engine, capacity):
    scores = _scores()
    assert write_scores(engine, scores, "seg_calls_test", as_of=AS_OF) == len(scores)
    ref = call_list(warning_list(scores.set_index("customer_id")), calls_per_branch=capacity)
    ref = ref[ref["call_this_week"]].reset_index()
    got = pushdown.call_lists_in_engine(engine, "seg_calls_test", calls_per_branch=capacity)
    assert got["customer_id"].tolist() == ref["customer_id"].tolist()
    assert got["branch_rank"].tolist() == ref["branch_rank"].tolist()
    # a branch manager's list: the same rows of that branch, nothing else
    mine = pushdown.call_lists_in_engine(engine, "seg_calls_test", calls_per_branch=capacity,
                                         scope=Scope(branches=("上海-浦东",)))
    assert mine["customer_id"].tolist() == \
        ref.loc[ref["branch"] == "上海-浦东", "customer_id"].tolist()
    # HQ's sidebar filters narrow the list the same way; one on a column the table lacks
    # (customer type) is not applied
    filtered = pushdown.call_lists_in_engine(
        engine, "seg_calls_test", calls_per_branch=capacity,
        filters={"region": ["华东"], "customer_type": ["enterprise"]})
    east = scores[scores["region"] == "华东"].set_index("customer_id")
    ref_east = call_list(warning_list(east), calls_per_branch=capacity)
    assert filtered["customer_id"].tolist() == \
        ref_east[ref_east["call_this_week"]].index.tolist()


def test_scores_written_back_read_back(engine):
    scores = _scores(50).assign(risk_reasons="it's \\ a 'quote'; DROP TABLE x", p_alive=np.nan)
    write_scores(engine, scores, "seg_written", as_of=AS_OF)
    write_scores(engine, scores.iloc[:20], "seg_written", as_of=AS_OF)  # its own: replaced
    with engine.connect() as conn:
        back = pd.read_sql(sa.text("SELECT * FROM seg_written ORDER BY customer_id"), conn)
    want = scores.iloc[:20].sort_values("customer_id").reset_index(drop=True)
    assert back["customer_id"].tolist() == want["customer_id"].tolist()
    assert np.allclose(back["value_at_risk"], want["value_at_risk"])
    assert back["p_alive"].isna().all() and back["branch"].isna().tolist() == \
        want["branch"].isna().tolist()
    assert (back["risk_reasons"] == want["risk_reasons"]).all()
    assert (back[MARKER_COLUMN] == MARKER).all()
    assert (pd.to_datetime(back["as_of"]) == pd.Timestamp(AS_OF)).all()


@pytest.mark.parametrize("their", [
    "CREATE TABLE {t} (customer_id TEXT, amount DOUBLE PRECISION)",
    "CREATE TABLE {t} (customer_id TEXT, seg_written_by TEXT)",  # the marker, another value
    "CREATE VIEW {t} AS SELECT 1 AS seg_written_by",
], ids=["plain", "othermarker", "view"])
def test_a_table_the_product_did_not_write_is_left_alone(engine, their, request):
    table = f"their_{request.node.callspec.id.split('-')[-1]}"  # one name per case
    with engine.begin() as conn:
        conn.exec_driver_sql(their.format(t=table))
        if "seg_written_by TEXT" in their:
            conn.exec_driver_sql(f"INSERT INTO {table} VALUES ('x', 'someone else')")
    with engine.connect() as conn:
        before = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
    with pytest.raises(WriteBackError) as info:
        write_scores(engine, _scores(5), table, as_of=AS_OF)
    assert info.value.code == "not_ours"
    assert table in info.value.message("en") and "表" in info.value.message("zh")
    with engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == before


@pytest.mark.parametrize("name", ["x; DROP TABLE transactions", 'a"b', "`t`", "1st", "a.b",
                                  "t" * 64])
def test_a_table_name_must_be_an_identifier(engine, name):
    with pytest.raises(ConnectionError_) as info:
        write_scores(engine, _scores(5), name, as_of=AS_OF)
    assert info.value.code == "bad_identifier"


@pytest.mark.db
def test_only_the_writer_engine_writes_to_postgres(tmp_path):
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to test against")
    spec = ConnectionSpec.from_url(url)
    reader = open_engine(spec)
    try:
        with pytest.raises(sa.exc.DBAPIError, match="read-only"):
            write_scores(reader, _scores(5), f"seg_ro_{os.getpid()}", as_of=AS_OF)
    finally:
        reader.dispose()
    writer = open_writer(spec)
    try:
        name = f"seg_rw_{os.getpid()}"
        assert write_scores(writer, _scores(5), name, as_of=AS_OF) == 5
        with writer.begin() as conn:
            conn.exec_driver_sql(f'DROP TABLE "{name}"')
    finally:
        writer.dispose()


def test_no_writer_for_sqlite(tmp_path):
    path = tmp_path / "x.sqlite"
    sa.create_engine(f"sqlite:///{path}").connect().close()
    with pytest.raises(ConnectionError_) as info:
        open_writer(ConnectionSpec.from_url(f"sqlite:///{path}"))
    assert info.value.code == "write_unsupported"
    assert "SQLite" in info.value.message("en") or "sqlite" in info.value.message("en")


def test_quantiles_compile_only_where_the_engine_has_them():
    from sqlalchemy.dialects import mysql, postgresql, sqlite

    x = sa.column("x")
    assert str(quantile_cont(x, 0.25).compile(dialect=postgresql.dialect())) == \
        "percentile_cont(0.25) WITHIN GROUP (ORDER BY x)"
    assert not supports_quantiles(sqlite.dialect())
    for dialect in (sqlite.dialect(), mysql.dialect()):
        with pytest.raises(sa.exc.CompileError, match="no quantile aggregate on"):
            str(quantile_cont(x, 0.5).compile(dialect=dialect))
    with pytest.raises(ValueError, match="quantile lies in"):
        quantile_cont(x, 1.5)


def test_days_between_on_sqlite(sqlite_engine):
    with sqlite_engine.connect() as conn:
        days = conn.execute(sa.select(days_between(sa.literal("2024-02-27"),
                                                   sa.literal("2024-03-02")))).scalar()
    assert days == 4  # a leap year's February
