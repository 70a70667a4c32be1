"""Issue 24: ``python -m segmentation score --database spark`` scores inside Spark what the
same data scores from files (a real subprocess against the session's Thrift server)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from tests.segmentation.test_cli_database import _assert_same_scores, _read, run_cli
from tests.spark.conftest import write_spark_secrets

from .conftest import AS_OF, ROOT

pytestmark = pytest.mark.spark


def test_score_from_spark_equals_score_from_files(spark_data, tmp_path):
    for name, frame in spark_data.tables.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    files_out = tmp_path / "files.csv"
    proc = run_cli("score", *(a for n in spark_data.tables
                              for a in (f"--{n}", str(tmp_path / f"{n}.parquet"))),
                   "--as-of", AS_OF, "--out", str(files_out), cwd=ROOT,
                   workspace=tmp_path / "ws0")
    assert proc.returncode == 0, proc.stderr
    url = sa.make_url(spark_data.url)
    secrets = write_spark_secrets(tmp_path, spark_data.url)
    out = tmp_path / "spark.csv"
    proc = run_cli("score", "--database", "spark", "--secrets", str(secrets), "--as-of", AS_OF,
                   "--write-table", "seg_scores", "--out", str(out), cwd=tmp_path,
                   workspace=tmp_path / "ws")
    assert proc.returncode == 0, proc.stderr
    _assert_same_scores(_read(out), _read(files_out), with_attributes=True)
    # --write-table: the same scores, kept in Spark (issue 24, item 3)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            table = pd.DataFrame(conn.execute(sa.text("SELECT * FROM seg_scores")).mappings()
                                 .all()).set_index("customer_id").sort_index()
            conn.exec_driver_sql("DROP TABLE seg_scores")  # the session's tables as loaded
    finally:
        engine.dispose()
    spark = _read(out).sort_index()
    assert list(table.index) == list(spark.index)
    assert (table["tier"] == spark["tier"]).all()
    assert np.allclose(table["churn_risk"].astype(float), spark["churn_risk"], rtol=0,
                       atol=1e-9)
