"""Issue 24 on Spark: a network too large to score in the app (the row bound lowered)
whose scores a batch run wrote back as a Spark table: the Churn page shows each branch's
calls ranked by Spark from that table (``scores_table`` of the connection's block), for a
branch manager their own branch's only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from segmentation import pushdown, sql
from segmentation.access import Role, User
from segmentation.churn import DEFAULT_CALLS_PER_BRANCH
from segmentation.writeback import write_scores
from tests.app.conftest import APP, app_state, page_text
from tests.app.test_bignet_pages import _scores_frame

pytestmark = pytest.mark.spark


def test_churn_page_reads_the_calls_from_a_spark_scores_table(spark_data, sample_workspace,
                                                              monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from segmentation.features import customer_view
    from tests.conftest import write_tables

    duck = sa.create_engine(f"duckdb:///{tmp_path / 'ref.duckdb'}")
    write_tables(duck, spark_data.tables)
    view = customer_view(duck)
    duck.dispose()
    url = sa.make_url(spark_data.url)
    spark = sa.create_engine(url)
    try:
        write_scores(spark, _scores_frame(view), "seg_page_scores", as_of="2025-03-31")
        branch = str(view["branch"].value_counts().index[0])
        with sql.rows_bound(None):
            own = pushdown.call_lists_in_engine(
                spark, "seg_page_scores", calls_per_branch=DEFAULT_CALLS_PER_BRANCH,
                scope=User("li", Role.BRANCH, branch=branch).scope)
        monkeypatch.setenv(sql.MAX_ROWS_ENV, str(len(view) // 3))
        at = AppTest.from_file(APP, default_timeout=900)
        at.secrets["connections"] = {"spark": {
            "dialect": "spark", "host": url.host, "port": url.port, "database": url.database,
            "scores_table": "seg_page_scores"}}
        app_state(at).auth.user = User("li", Role.BRANCH, branch=branch)
        at.run()
        at.sidebar.selectbox(key="side_source").set_value("secrets:spark").run()
        at.switch_page("pages/churn.py").run()
        assert not at.exception and not at.error, at.exception
        assert "seg_page_scores" in page_text(at)
        shown = at.dataframe[0].value
        assert len(own) > 0 and set(shown.iloc[:, 0]) == set(own["customer_id"])
        assert set(shown.iloc[:, 1]) == {branch}
    finally:
        with spark.connect() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS seg_page_scores")
        spark.dispose()
