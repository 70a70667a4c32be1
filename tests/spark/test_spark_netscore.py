"""Issue 24 on Spark: ``score --database spark --write-table T`` on a network larger than
the row bound scores in buckets of customers drawn by Spark's ``xxhash64`` and writes
every customer once, each row as the same learned parts score the whole view (a real
subprocess against the session's Thrift server)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import sql
from segmentation.churn.defaults import resolve_as_of
from segmentation.cli.buckets import output_of
from segmentation.connections import ConnectionSpec, open_engine
from segmentation.features import customer_view
from segmentation.netscore import fit_network, network_size
from segmentation.writeback import MARKER_COLUMN
from tests.segmentation.test_cli_database import run_cli
from tests.segmentation.test_netscore import assert_same_rows
from tests.spark.conftest import write_spark_secrets

from .conftest import AS_OF

pytestmark = pytest.mark.spark

BOUND = 1_000


def test_score_write_table_in_buckets_on_spark(spark_data, tmp_path, monkeypatch):
    url = sa.make_url(spark_data.url)
    secrets = write_spark_secrets(tmp_path, spark_data.url)
    monkeypatch.setenv("SEG_MAX_CUSTOMER_ROWS", str(BOUND))
    proc = run_cli("score", "--database", "spark", "--secrets", str(secrets), "--as-of", AS_OF,
                   "--write-table", "seg_bucket_scores", cwd=tmp_path, workspace=tmp_path / "ws")
    assert proc.returncode == 0, proc.stderr
    assert "parts one at a time" in proc.stderr
    engine = open_engine(ConnectionSpec.from_url(spark_data.url), statement_timeout_s=300)
    try:
        with sql.rows_bound(None), engine.connect() as conn:
            table = pd.DataFrame(conn.execute(sa.text("SELECT * FROM seg_bucket_scores"))
                                 .mappings().all())
        writer = sa.create_engine(url)
        with writer.connect() as conn:
            conn.exec_driver_sql("DROP TABLE seg_bucket_scores")
        writer.dispose()
        day = resolve_as_of(engine, AS_OF, None)
        with sql.rows_bound(None), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            n = network_size(engine, as_of=day)
            scorer = fit_network(engine, as_of=day, customers=n, bound=BOUND, clusters=6)
            whole = output_of(*scorer.score(engine, customer_view(engine, as_of=day), None),
                              "en")
    finally:
        engine.dispose()
    assert n > 2 * BOUND * 0.9 and len(table) == n
    assert (table[MARKER_COLUMN] == "segmentation score").all()
    assert_same_rows(table, whole)
