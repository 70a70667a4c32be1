"""Issue 24, item 3 (the app side): a connected network with more customers than may
travel into the app (``SEG_MAX_CUSTOMER_ROWS`` lowered for the test). The sidebar's
choices and counts and the Overview come from the database and equal the in-process
figures; Tiers and Churn say in English and Chinese what is too large and what to do;
a region picked in the sidebar narrows the fetch and Tiers works again. On DuckDB and on
PostgreSQL; Spark in ``tests/spark/test_spark_bignet.py``."""

from __future__ import annotations

import os

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import formatting, sql
from segmentation.features import customer_view
from segmentation.filters import filter_options
from segmentation.overview import activity_cube, overview_figures, survey_cube
from tests.app.conftest import APP, app_state, page_text
from tests.conftest import POSTGRES_ENV, copy_into_postgres, write_tables
from tests.segmentation.test_pushdown import _subset

SCHEMA = f"seg_bignet_{os.getpid()}"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A few hundred of the sample's customers in a DuckDB file, with their Overview
    computed in the process from the fetched view (the reference)."""
    tables = _subset()
    folder = tmp_path_factory.mktemp("bignet")
    path = folder / "network.duckdb"
    engine = sa.create_engine(f"duckdb:///{path}")
    write_tables(engine, tables)
    view = customer_view(engine)
    as_of = pd.Timestamp(tables["transactions"]["date"].max()).date()
    figures = overview_figures(view, activity_cube(engine, as_of=as_of),
                               survey_cube(engine, as_of=as_of), as_of=as_of)
    engine.dispose()
    return {"tables": tables, "path": path, "folder": folder, "view": view,
            "figures": figures}


@pytest.fixture(scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.db)])
def connection(request, data):
    """``[connections.net]`` of secrets.toml for the same data in DuckDB / PostgreSQL."""
    if request.param == "duckdb":
        yield {"url": f"duckdb:///{data['path']}"}, {"allowed_folders": [str(data["folder"])]}
        return
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to connect the pages to")
    copy_into_postgres(url, SCHEMA, data["tables"])
    yield {"url": url, "schema": SCHEMA}, {}
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    engine.dispose()


@pytest.fixture
def bound(data, monkeypatch) -> int:
    """The row bound: below the network, above its largest region."""
    view = data["view"]
    largest = int(view["region"].value_counts().max())
    assert largest < len(view)
    monkeypatch.setenv(sql.MAX_ROWS_ENV, str(largest))
    return largest


def _connected(connection, reads: list):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.secrets["connections"] = {"net": connection[0]}
    if connection[1]:
        at.secrets["database"] = connection[1]
    at.run()
    assert not at.exception, at.exception
    reads.clear()  # the workspace's sample, read before the connection is chosen
    at.sidebar.selectbox(key="side_source").set_value("secrets:net").run()
    assert not at.exception, at.exception
    assert app_state(at).source.ref["origin"] == "secrets"
    return at


@pytest.fixture
def reads(monkeypatch) -> list:
    """The scope of every customer view the app's caches read (the real function runs)."""
    from ui.caches import views

    seen: list = []
    real = views.customer_view

    def spy(bind, **kwargs):
        seen.append(kwargs.get("scope"))
        return real(bind, **kwargs)

    monkeypatch.setattr(views, "customer_view", spy)
    return seen


def test_a_network_too_large_to_fetch(sample_workspace, data, connection, bound, reads):
    from segmentation.access import Scope
    from ui.context import value_label

    view, ref = data["view"], data["figures"]
    at = _connected(connection, reads)
    # the Overview: the whole network's figures, computed in the database
    assert not at.error and not at.warning, [w.value for w in at.warning]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers"] == formatting.number(len(view), "en")
    assert metrics["Active customers"] == formatting.number(
        ref.headline.loc["active_customers", "current"], "en")
    assert metrics["Revenue"] == formatting.compact(ref.headline.loc["revenue", "current"],
                                                    "en", money=True)
    assert metrics["Shipments"] == formatting.number(ref.headline.loc["shipments", "current"],
                                                     "en")
    regions = at.dataframe[0].value.set_index("region")
    assert regions["customers"].to_dict() == ref.regions["customers"].astype(int).to_dict()
    # the sidebar: choices and counts from the database
    choices = filter_options(view)
    for column in ("region", "branch", "customer_type"):
        shown = at.sidebar.multiselect(key=f"_w_flt_{column}").options
        assert shown == [value_label(v, "en") for v in choices[column]], column
    assert formatting.number(len(view), "en") in page_text(at)
    # pages that need every customer's row: a notice, not an error
    limit = formatting.number(bound, "en")
    for page in ("pages/tiers.py", "pages/churn.py"):
        at.switch_page(page).run()
        assert not at.exception and not at.error, (page, at.exception)
        notice = " ".join(w.value for w in at.warning)
        assert "Too many customers to show one by one" in notice, page
        assert formatting.number(len(view), "en") in notice and limit in notice, page
    assert reads == []  # no customer view was read: counts and figures came from the database
    app_state(at).sidebar.lang = "zh"
    at.switch_page("pages/tiers.py").run()
    notice = " ".join(w.value for w in at.warning)
    assert "客户数量过多" in notice and "侧边栏筛选中选择一个区域或网点" in notice
    # a region picked in the sidebar narrows the fetch: Tiers works on its customers
    region = str(view["region"].value_counts().index[0])
    app_state(at).sidebar.lang = "en"
    at.sidebar.multiselect(key="_w_flt_region").set_value([region]).run()
    assert not at.exception and not at.error, at.exception
    assert not [w.value for w in at.warning if "Too many" in w.value]
    mine = int((view["region"] == region).sum())
    tiers = next(d.value for d in at.dataframe if "tier" in d.value.columns)
    assert int(tiers["customers"].sum()) == mine
    assert reads and set(reads) == {Scope(regions=(region,))}  # the region's customers only
    assert f"{formatting.number(mine, 'en')} of {formatting.number(len(view), 'en')} " \
        "customers match the filters" in page_text(at)
    for page in ("pages/satisfaction.py", "pages/clusters.py"):  # the region's rows too
        at.switch_page(page).run()
        assert not at.exception and not at.error, (page, at.exception)
        assert not [w.value for w in at.warning if "Too many" in w.value], page
    assert set(reads) == {Scope(regions=(region,))}
    at.switch_page("pages/churn.py").run()  # the churn model needs the whole network
    assert "python -m segmentation score" in " ".join(w.value for w in at.warning)
    at.switch_page("pages/overview.py").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Customers"] == formatting.number(mine, "en")


def test_a_regional_lead_picking_a_branch_reads_that_branch(sample_workspace, data, connection,
                                                            monkeypatch):
    """A region above the bound, one of its branches below: the branch picked in the
    sidebar is the fetch's WHERE, so only that branch's customers travel, and Tiers shows
    them (before the pick: the notice)."""
    from streamlit.testing.v1 import AppTest

    from segmentation.access import Role, Scope, User
    from ui.caches import views

    view = data["view"]
    region = str(view["region"].value_counts().index[0])
    in_region = view[view["region"] == region]
    branch = str(in_region["branch"].value_counts().index[-1])
    mine = int((view["branch"] == branch).sum())
    assert (view.loc[view["branch"] == branch, "region"] == region).all()
    monkeypatch.setenv(sql.MAX_ROWS_ENV, str(len(in_region) - 1))  # the region is too large
    assert mine < len(in_region) - 1
    travelled: list = []
    real = views.customer_view

    def spy(bind, **kwargs):
        out = real(bind, **kwargs)
        travelled.append((kwargs.get("scope"), len(out)))
        return out

    monkeypatch.setattr(views, "customer_view", spy)
    at = AppTest.from_file(APP, default_timeout=300)
    app_state(at).auth.user = User("wu", Role.REGIONAL, region=region)
    at.secrets["connections"] = {"net": connection[0]}
    if connection[1]:
        at.secrets["database"] = connection[1]
    at.run()
    assert not at.exception, at.exception
    at.sidebar.selectbox(key="side_source").set_value("secrets:net").run()
    assert not at.exception, at.exception
    at.switch_page("pages/tiers.py").run()
    assert "Too many customers to show one by one" in " ".join(w.value for w in at.warning)
    travelled.clear()
    at.sidebar.multiselect(key="_w_flt_branch").set_value([branch]).run()
    assert not at.exception and not at.error, at.exception
    assert not [w.value for w in at.warning if "Too many" in w.value]
    tiers = next(d.value for d in at.dataframe if "tier" in d.value.columns)
    assert int(tiers["customers"].sum()) == mine
    # only the branch's customers were read: never the region's
    assert travelled and {scope for scope, _ in travelled} == {Scope(branches=(branch,))}
    assert max(rows for _, rows in travelled) == mine
    at.switch_page("pages/clusters.py").run()
    assert not at.exception and not at.error, at.exception
    assert {scope for scope, _ in travelled} == {Scope(branches=(branch,))}


def _scores_frame(view: pd.DataFrame) -> pd.DataFrame:
    """A batch run's output for the view's customers (risk from a fixed seed)."""
    import numpy as np

    rng = np.random.default_rng(7)
    risk = rng.uniform(0, 1, len(view))
    return pd.DataFrame({
        "customer_id": view.index.astype(str), "branch": view["branch"].to_numpy(),
        "region": view["region"].to_numpy(), "tier": "high", "churn_risk": risk,
        "status": np.where(risk >= 0.5, "warning", "ok"),
        "value_at_risk": risk * view["monetary_total"].to_numpy(),
        "reason_codes": "overdue,complaints_open",
        "risk_reasons": "Overdue since 3 weeks (the batch run's English)"})


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_churn_page_reads_the_calls_from_the_written_scores(sample_workspace, data, tmp_path,
                                                            bound, lang):
    """A network too large to score in the app, with ``scores_table`` named for its
    connection: the Churn page shows each branch's calls ranked in the database from
    that table, its day and where the scores came from; a branch manager sees their own
    branch's calls only."""
    import shutil

    from streamlit.testing.v1 import AppTest

    from segmentation import pushdown
    from segmentation.access import Role, User
    from segmentation.churn import DEFAULT_CALLS_PER_BRANCH
    from segmentation.writeback import write_scores

    path = tmp_path / "network.duckdb"
    shutil.copy(data["path"], path)
    engine = sa.create_engine(f"duckdb:///{path}")
    write_scores(engine, _scores_frame(data["view"]), "seg_scores", as_of="2025-03-31")
    expected = pushdown.call_lists_in_engine(engine, "seg_scores",
                                             calls_per_branch=DEFAULT_CALLS_PER_BRANCH)
    branch = str(data["view"]["branch"].value_counts().index[0])
    own = pushdown.call_lists_in_engine(engine, "seg_scores",
                                        calls_per_branch=DEFAULT_CALLS_PER_BRANCH,
                                        scope=User("li", Role.BRANCH, branch=branch).scope)
    engine.dispose()
    block = {"url": f"duckdb:///{path}", "scores_table": "seg_scores"}

    def churn_page(user=None):
        at = AppTest.from_file(APP, default_timeout=300)
        if user is not None:
            app_state(at).auth.user = user
        app_state(at).sidebar.lang = lang
        at.secrets["connections"] = {"net": block}
        at.secrets["database"] = {"allowed_folders": [str(tmp_path)]}
        at.run()
        at.sidebar.selectbox(key="side_source").set_value("secrets:net").run()
        at.switch_page("pages/churn.py").run()
        assert not at.exception and not at.error, at.exception
        return at

    at = churn_page()
    text = page_text(at)
    day = formatting.day(pd.Timestamp("2025-03-31"), lang)
    assert "seg_scores" in text and day in text
    assert ("python -m segmentation score --write-table" in text)
    assert ("as of" in text) == (lang == "en") and ("评分日期" in text) == (lang == "zh")
    shown = at.dataframe[0].value
    assert len(shown) == len(expected) > 0
    assert set(shown.iloc[:, 0]) == set(expected["customer_id"])
    assert not [w.value for w in at.warning if "python -m segmentation" in w.value]
    # the reasons in the viewer's language from the stored codes, not the run's text
    reasons = set(shown["risk_reasons"])
    # tiers named as on the Tiers page, not the keys the run wrote
    from segmentation.tiers import default_tier_label

    assert set(shown["tier"]) == {default_tier_label("high", lang)} != {"high"}
    assert reasons == ({"overdue; open complaints"} if lang == "en" else {"超期未寄件；投诉未解决"})
    assert "has no reason codes" not in text and "没有原因代码" not in text
    # HQ picking a branch in the sidebar: that branch's calls, as the table ranks them
    at.sidebar.multiselect(key="_w_flt_branch").set_value([branch]).run()
    assert not at.exception and not at.error, at.exception
    shown = at.dataframe[0].value
    assert set(shown["customer_id"]) == set(own["customer_id"])
    assert set(shown["branch"]) == {branch}
    assert ("Narrowed by the sidebar filters" in page_text(at)) == (lang == "en")
    # a filter on a column the table lacks is said, not silently dropped
    kinds = at.sidebar.multiselect(key="_w_flt_customer_type")
    kinds.set_value(list(kinds.options)[:1]).run()
    assert not at.exception and not at.error, at.exception
    said = page_text(at)
    assert ("not applied to this list: Customer type." in said) or \
        ("未应用于本名单：客户类型。" in said)
    # the branch filter is still applied, and said so
    assert ("Narrowed by the sidebar filters" in said) == (lang == "en")
    assert ("已按侧边栏筛选条件缩小范围" in said) == (lang == "zh")
    # only a filter the table cannot apply: the list is not said to be narrowed
    at.sidebar.multiselect(key="_w_flt_branch").set_value([]).run()
    said = page_text(at)
    assert "Narrowed by the sidebar filters" not in said and "已按侧边栏筛选" not in said
    assert len(at.dataframe[0].value) == len(expected)
    at = churn_page(User("li", Role.BRANCH, branch=branch))
    shown = at.dataframe[0].value
    assert set(shown.iloc[:, 0]) == set(own["customer_id"]) and len(own) > 0
    assert set(shown.iloc[:, 1]) == {branch}


def test_churn_page_without_a_scores_table_says_what_to_run(sample_workspace, data, bound):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.secrets["connections"] = {"net": {"url": f"duckdb:///{data['path']}",
                                         "scores_table": "no_such_table"}}
    at.secrets["database"] = {"allowed_folders": [str(data["folder"])]}
    at.run()
    at.sidebar.selectbox(key="side_source").set_value("secrets:net").run()
    at.switch_page("pages/churn.py").run()
    assert not at.exception and not at.error, at.exception
    notice = " ".join(w.value for w in at.warning)
    assert "--write-table TABLE" in notice and 'scores_table = "TABLE"' in notice


@pytest.mark.parametrize("setting, says", [
    ("seg scores; drop table x", "not a plain table name"),
    ("no_such_table", "no scores table `no_such_table`"),
])
def test_a_scores_table_setting_that_cannot_be_read_is_explained(sample_workspace, data, bound,
                                                                 setting, says):
    """HQ named a table the page cannot read: the page says what is wrong with the
    setting (never echoing a name that is not an identifier), then what to run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.secrets["connections"] = {"net": {"url": f"duckdb:///{data['path']}",
                                         "scores_table": setting}}
    at.secrets["database"] = {"allowed_folders": [str(data["folder"])]}
    at.run()
    at.sidebar.selectbox(key="side_source").set_value("secrets:net").run()
    at.switch_page("pages/churn.py").run()
    assert not at.exception, at.exception
    said = " ".join([e.value for e in at.error] + [w.value for w in at.warning])
    assert says in said and "--write-table TABLE" in said
    assert "drop table" not in said
