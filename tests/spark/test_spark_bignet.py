"""Issue 24, item 3 (the app side) on Spark: with the row bound below the network
(``SEG_MAX_CUSTOMER_ROWS``), the Overview of the whole network renders from queries the
Spark Thrift server answers (a customer view of the network would have been stopped at
the bound: Spark's fetch refuses more rows), and Tiers says what to do instead."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from segmentation import formatting, sql
from tests.app.conftest import APP, app_state

pytestmark = pytest.mark.spark


def test_the_overview_of_a_network_too_large_to_fetch(spark_data, sample_workspace,
                                                     monkeypatch):
    from streamlit.testing.v1 import AppTest

    from segmentation import bignet
    from tests.conftest import write_tables

    reference = sa.create_engine("duckdb://")  # the same customers, counted by DuckDB
    write_tables(reference, spark_data.tables)
    groups = bignet.customer_groups(reference, as_of=max(spark_data.tables["transactions"]
                                                         ["date"]).date())
    reference.dispose()
    n = bignet.size_of(groups)
    monkeypatch.setenv(sql.MAX_ROWS_ENV, str(n // 2))
    url = sa.make_url(spark_data.url)
    at = AppTest.from_file(APP, default_timeout=600)
    at.secrets["connections"] = {"spark": {"dialect": "spark", "host": url.host,
                                           "port": url.port, "database": url.database}}
    import time
    t0 = time.perf_counter()
    at.run()
    t1 = time.perf_counter()
    at.sidebar.selectbox(key="side_source").set_value("secrets:spark").run()
    print("TIMING", t1 - t0, time.perf_counter() - t1)
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    assert app_state(at).source.ref["origin"] == "secrets"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers"] == formatting.number(n, "en")
    t2 = time.perf_counter()
    at.switch_page("pages/tiers.py").run()
    print("TIMING tiers", time.perf_counter() - t2)
    assert not at.exception and not at.error
    notice = " ".join(w.value for w in at.warning)
    assert "Too many customers" in notice and formatting.number(n // 2, "en") in notice
