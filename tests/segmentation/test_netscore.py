"""Issue 24: a network larger than the row bound is scored in buckets of customers
(``segmentation.netscore``), in bounded memory, and the rows equal those of the same
learned parts applied to the whole view at once, on DuckDB and PostgreSQL (Spark in
``tests/spark/test_spark_netscore.py``); ``score --database --write-table`` writes them."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import sql
from segmentation.churn.defaults import resolve_as_of
from segmentation.cli.buckets import output_of
from segmentation.features import customer_view
from segmentation.netscore import bucket_ranges, fit_network, network_size, score_buckets
from segmentation.writeback import MARKER_COLUMN
from tests.conftest import tables_engine, write_tables
from tests.segmentation.test_cli_database import run_cli
from tests.segmentation.test_pushdown import _subset

AS_OF = "2025-03-31"
BOUND = 300
SCHEMA = f"seg_netscore_{os.getpid()}"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return _subset()


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.db)])
def engine(request, tables, tmp_path_factory):
    """The sample's first 800 customers in DuckDB, then in PostgreSQL (its own schema)."""
    yield from tables_engine(request.param, tables, tmp_path_factory.mktemp("ns"),
                             SCHEMA)


def _fit(engine, bound=BOUND):
    day = resolve_as_of(engine, AS_OF, None)
    n = network_size(engine, as_of=day)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fit_network(engine, as_of=day, customers=n, bound=bound, clusters=6), n


def assert_same_rows(bucketed: pd.DataFrame, whole: pd.DataFrame) -> None:
    """Output rows of a bucketed run against the whole view's, both with ``customer_id``."""
    ids = bucketed["customer_id"].astype(str)
    assert ids.is_unique, "a customer written twice"
    assert set(ids) == set(whole["customer_id"].astype(str)), "customers missing or extra"
    a = bucketed.set_index(ids).sort_index()
    b = whole.set_index(whole["customer_id"].astype(str)).sort_index()
    for col in ("tier", "rfm_segment", "status", "persona"):
        assert (a[col].astype(str) == b[col].astype(str)).all(), col
    for col in ("cluster", "recency_days", "frequency", "monetary_total", "churn_risk",
                "value_at_risk", "p_alive", "clv_12m"):
        assert np.allclose(a[col].astype(float), b[col].astype(float), rtol=0, atol=1e-9,
                           equal_nan=True), col


def test_buckets_score_as_the_whole_view_with_the_same_learned_parts(engine):
    scorer, n = _fit(engine)
    ranges = bucket_ranges(n, BOUND)
    assert len(ranges) >= 4 and ranges[0][0] == 0 and ranges[-1][1] == 10_000
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parts = [output_of(s, c, "en") for s, c in score_buckets(engine, scorer, ranges)]
        whole_view = customer_view(engine, as_of=scorer.as_of)
        whole = output_of(*scorer.score(engine, whole_view, None), "en")
    assert len(whole) == n
    assert max(len(p) for p in parts) < n / 2  # really parts
    assert_same_rows(pd.concat(parts, ignore_index=True), whole)
    assert scorer.churn is not None and whole["status"].nunique() >= 2
    # the tiers are network-wide: every tier is used, about as the shares say
    assert whole["tier"].nunique() == 4


@pytest.fixture
def fetched_rows(monkeypatch):
    """The number of rows of every query result that reached the process."""
    counts: list[int] = []
    fetch, copy, arrow = sql._fetch, sql.postgres_copy_table, sql._arrow_column

    def counting_fetch(conn, query):
        frame = fetch(conn, query)
        counts.append(len(frame))
        return frame

    def counting_copy(conn, query):
        table = copy(conn, query)
        if table is not None:
            counts.append(table.num_rows)
        return table

    def counting_arrow(values):
        counts.append(len(values))
        return arrow(values)

    monkeypatch.setattr(sql, "_fetch", counting_fetch)
    monkeypatch.setattr(sql, "postgres_copy_table", counting_copy)
    monkeypatch.setattr(sql, "_arrow_column", counting_arrow)
    return counts


def test_no_query_brings_more_than_the_bound(engine, fetched_rows):
    """Learning and scoring in buckets never fetch more than the bound's customers at
    once; the whole view (the path below the bound) does, so the count would see it."""
    scorer, n = _fit(engine)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in score_buckets(engine, scorer, bucket_ranges(n, BOUND)):
            pass
    assert fetched_rows and max(fetched_rows) <= BOUND < n
    fetched_rows.clear()
    customer_view(engine, as_of=scorer.as_of)
    assert max(fetched_rows) >= n


def _duckdb_company(tables, tmp_path: Path) -> tuple[Path, Path]:
    """The tables in a DuckDB file, and a secrets file naming it ``[connections.lake]``."""
    folder = tmp_path / "db"
    folder.mkdir()
    path = folder / "company.duckdb"
    engine = sa.create_engine(f"duckdb:///{path}")
    write_tables(engine, tables)
    engine.dispose()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.lake]\nurl = "duckdb:///{path}"\n\n'
                       f'[database]\nallowed_folders = ["{folder}"]\n', encoding="utf-8")
    return path, secrets


def test_score_write_table_in_buckets_on_duckdb(tables, tmp_path, monkeypatch):
    """``score --database NAME --write-table T`` with the bound lowered: the table holds
    every customer once, each row as the same learned parts score the whole view."""
    path, secrets = _duckdb_company(tables, tmp_path)
    run_bucketed_cli("lake", secrets, tmp_path, monkeypatch)
    engine = sa.create_engine(f"duckdb:///{path}")
    try:
        check_written_table(engine, "seg_scores")
    finally:
        engine.dispose()
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("seg-buckets-*/part*"))


def test_score_write_table_in_buckets_on_postgres(engine, tmp_path, monkeypatch):
    """The same on PostgreSQL, where the parts are written while the reader is open."""
    if engine.dialect.name != "postgresql":
        pytest.skip("the DuckDB CLI run has its own test")
    url = engine.url
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[connections.hq]\ndialect = \"postgresql\"\n"
                       f'host = "{url.host}"\nport = {url.port or 5432}\n'
                       f'database = "{url.database}"\nusername = "{url.username}"\n'
                       f'schema = "{SCHEMA}"\n', encoding="utf-8")
    run_bucketed_cli("hq", secrets, tmp_path, monkeypatch)
    check_written_table(engine, "seg_scores")


def test_score_write_table_without_as_of_scores_the_last_day(tables, tmp_path, monkeypatch):
    """Without ``--as-of`` a database run scores the last transaction day, as a run from
    files does; counting the network to decide on buckets must not need the day given
    (it failed with "'NaTType' object has no attribute 'normalize'")."""
    from segmentation.features import data_as_of

    path, secrets = _duckdb_company(tables, tmp_path)
    run_bucketed_cli("lake", secrets, tmp_path, monkeypatch, as_of=None)
    engine = sa.create_engine(f"duckdb:///{path}")
    try:
        with engine.connect() as conn:
            days = conn.exec_driver_sql("SELECT DISTINCT as_of FROM seg_scores").scalars().all()
            n = conn.exec_driver_sql("SELECT count(*) FROM seg_scores").scalar()
        assert [pd.Timestamp(d) for d in days] == [data_as_of(engine)]
        assert n > BOUND
    finally:
        engine.dispose()


def run_bucketed_cli(name: str, secrets: Path, tmp_path: Path, monkeypatch, *,
                     as_of: str | None = AS_OF) -> None:
    """``score --database NAME --write-table seg_scores`` with the bound lowered."""
    monkeypatch.setenv("SEG_MAX_CUSTOMER_ROWS", str(BOUND))
    day = ("--as-of", as_of) if as_of is not None else ()
    proc = run_cli("score", "--database", name, "--secrets", str(secrets), *day,
                   "--write-table", "seg_scores", cwd=tmp_path, workspace=tmp_path / "ws")
    assert proc.returncode == 0, proc.stderr
    assert "parts one at a time" in proc.stderr and "seg_scores" in proc.stdout


def check_written_table(engine: sa.Engine, table_name: str) -> None:
    """The written table equals the learned parts applied to the whole view, at once."""
    with engine.connect() as conn:
        table = pd.read_sql(sa.text(f"SELECT * FROM {table_name}"), conn)
    scorer, n = _fit(engine)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        whole = output_of(*scorer.score(engine, customer_view(engine, as_of=scorer.as_of),
                                        None), "en")
    assert len(table) == n and (table[MARKER_COLUMN] == "segmentation score").all()
    assert_same_rows(table, whole)
    assert (pd.to_datetime(table["as_of"]) == pd.Timestamp(AS_OF)).all()


def test_below_the_bound_the_in_memory_path_stays(tables, tmp_path, monkeypatch):
    from segmentation.cli import buckets

    monkeypatch.setenv("SEG_MAX_CUSTOMER_ROWS", "100000")
    engine = sa.create_engine(f"duckdb:///{tmp_path / 'small.duckdb'}")
    write_tables(engine, tables)
    args = type("Args", (), {"write_table": "t", "out": None})()
    assert buckets.needs_buckets(args, engine, pd.Timestamp(AS_OF), None) is None
    monkeypatch.setenv("SEG_MAX_CUSTOMER_ROWS", str(BOUND))
    assert buckets.needs_buckets(args, engine, pd.Timestamp(AS_OF), None) > BOUND
    args.out = Path("x.csv")  # a file needs every row: the in-memory path
    assert buckets.needs_buckets(args, engine, pd.Timestamp(AS_OF), None) is None
    engine.dispose()


def test_appended_rows_land_in_the_table_columns(engine):
    """A later part's columns in another order, one missing and one extra: each value
    lands in its own column, the missing one NULL."""
    from segmentation.writeback import WriteBackError, append_scores, write_scores

    first = pd.DataFrame({"customer_id": ["a"], "tier": ["vip"], "churn_risk": [0.5],
                          "frequency": [3.0]})
    write_scores(engine, first, "seg_parts", as_of=AS_OF)
    later = pd.DataFrame({"frequency": [7.0], "extra": ["x"], "customer_id": ["b"],
                          "tier": ["low"]})
    assert append_scores(engine, later, "seg_parts", as_of=AS_OF) == 1
    with engine.begin() as conn:
        rows = pd.read_sql(sa.text("SELECT * FROM seg_parts ORDER BY customer_id"), conn)
        conn.exec_driver_sql("CREATE TABLE theirs_parts (customer_id VARCHAR)")
    assert rows["tier"].tolist() == ["vip", "low"]
    assert rows["frequency"].tolist() == [3.0, 7.0]
    assert rows["churn_risk"].iloc[0] == 0.5 and pd.isna(rows["churn_risk"].iloc[1])
    assert "extra" not in rows.columns
    with pytest.raises(WriteBackError):
        append_scores(engine, later, "theirs_parts", as_of=AS_OF)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE seg_parts")
        conn.exec_driver_sql("DROP TABLE theirs_parts")
