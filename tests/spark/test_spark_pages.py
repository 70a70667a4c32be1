"""Issue 24: the Overview, Tiers and Churn pages render through AppTest on a Spark
connection (``[connections.spark]`` of secrets.toml, ``dialect = "spark"``), and a branch
manager sees only their own branch's customers there."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from segmentation import formatting
from segmentation.access import Role, User
from tests.app.conftest import APP, app_state, page_text
from tests.app.test_scope_pages import downloads  # noqa: F401 - a fixture

pytestmark = pytest.mark.spark

ID = re.compile(r"(?<![A-Za-z0-9])C\d{6}(?!\d)")
PAGES = ["pages/overview.py", "pages/tiers.py", "pages/churn.py"]


@pytest.fixture(scope="module")
def network(spark_data, tmp_path_factory):
    """The customer view of the same data, computed by DuckDB."""
    from segmentation.features import customer_view
    from tests.conftest import write_tables

    engine = sa.create_engine(f"duckdb:///{tmp_path_factory.mktemp('pages') / 'ref.duckdb'}")
    write_tables(engine, spark_data.tables)
    try:
        return customer_view(engine)
    finally:
        engine.dispose()


def _app(spark_data, user: User | None = None):
    from streamlit.testing.v1 import AppTest

    url = sa.make_url(spark_data.url)
    at = AppTest.from_file(APP, default_timeout=900)
    at.secrets["connections"] = {"spark": {"dialect": "spark", "host": url.host,
                                           "port": url.port, "database": url.database}}
    if user is not None:
        app_state(at).auth.user = user
    at.run()
    assert not at.exception, at.exception
    at.sidebar.selectbox(key="side_source").set_value("secrets:spark").run()
    assert not at.exception, at.exception
    assert app_state(at).source.ref["origin"] == "secrets"
    return at


def test_pages_render_on_spark(spark_data, network, sample_workspace):
    at = _app(spark_data)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert not at.error, (page, [e.value for e in at.error])
        if page == "pages/overview.py":
            metrics = {m.label: m.value for m in at.metric}
            assert metrics["Customers"] == formatting.number(len(network), "en")
    assert ID.search(page_text(at))  # the churn call list names customers


def test_branch_manager_sees_only_own_branch_on_spark(spark_data, network, sample_workspace,
                                                     downloads):  # noqa: F811
    from tests.app.test_scope_pages import _download_text

    counts = network["branch"].value_counts()
    branch = str(counts.index[len(counts) // 2])
    mine = set(network.index[network["branch"] == branch])
    at = _app(spark_data, User("li", Role.BRANCH, branch=branch))
    assert at.sidebar.multiselect(key="_w_flt_branch").options == [branch]
    for page in ("pages/tiers.py", "pages/churn.py"):
        downloads.clear()
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert any(f"you see the customers of branch {branch}." in c.value for c in at.caption)
        text = page_text(at) + "".join(d.value.to_csv() for d in at.dataframe)
        text += "".join(_download_text(d) for d in downloads)
        seen = set(ID.findall(text))
        assert seen and seen <= mine, sorted(seen - mine)[:5]
        if page == "pages/tiers.py":  # the tier cards count the branch's customers only
            cards = [m.value for m in at.metric if m.label == "Customers"]
            assert sum(int(v.replace(",", "")) for v in cards) == len(mine)
