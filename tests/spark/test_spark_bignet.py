"""Issue 24, item 3 (the app side) on Spark: what the app asks a network too large to
fetch for (``segmentation.bignet``: customer counts per filter columns, the Overview)
comes from the Thrift server with the row bound far below the network, so no customer
view travelled (Spark's fetch stops at the bound), and equals DuckDB's on the same data.
The pages on top of it run on DuckDB and PostgreSQL in ``tests/app/test_bignet_pages.py``."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import bignet, sql
from segmentation.connections import ConnectionSpec, open_engine
from segmentation.filters import FILTER_COLUMNS
from segmentation.overview import activity_cube, survey_cube
from tests.conftest import write_tables

from .conftest import AS_OF

pytestmark = pytest.mark.spark


def test_counts_and_overview_of_a_network_too_large_to_fetch(spark_data, tmp_path_factory):
    spark = open_engine(ConnectionSpec.from_url(spark_data.url), statement_timeout_s=120)
    duck = sa.create_engine(f"duckdb:///{tmp_path_factory.mktemp('big') / 'ref.duckdb'}")
    write_tables(duck, spark_data.tables)
    try:
        expected = bignet.customer_groups(duck, as_of=AS_OF)
        n = bignet.size_of(expected)
        # the cubes' equality on Spark is test_spark_server's; here the figures on top
        cubes = activity_cube(duck, as_of=AS_OF), survey_cube(duck, as_of=AS_OF)
        with sql.rows_bound(n // 4):  # a customer view of the network would be refused
            groups = bignet.customer_groups(spark, as_of=AS_OF)
            region = str(groups.groupby("region")["customers"].sum().idxmin())
            filters = {"region": [region]}
            got = bignet.overview_in_engine(spark, groups, *cubes, as_of=AS_OF, filters=filters)
        assert bignet.size_of(groups) == n > len(groups) * 4
        keys = [c for c in expected.columns if c in FILTER_COLUMNS]
        pd.testing.assert_frame_equal(groups.sort_values(keys).reset_index(drop=True),
                                      expected.sort_values(keys).reset_index(drop=True),
                                      check_dtype=False)
        ref = bignet.overview_in_engine(duck, expected, *cubes, as_of=AS_OF, filters=filters)
        pd.testing.assert_frame_equal(got.headline, ref.headline, rtol=1e-9)
        pd.testing.assert_frame_equal(got.branches, ref.branches, check_dtype=False, rtol=1e-9)
        assert got.headline.loc["customers", "current"] == bignet.size_of(groups, filters) > 0
    finally:
        spark.dispose()
        duck.dispose()
