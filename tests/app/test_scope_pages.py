"""Every page as a branch manager and as a viewer: nothing of another branch, no name or phone.

What "anything shown" means here: every table (``st.dataframe``), every text element,
widget option, metric and chart, the whole element tree as text, and the bytes of
every download button (captured when the page creates it). Customer ids of the
sample look like ``C000123``; a branch manager may see only the ids of the
customers whose home branch is theirs, a viewer none at all.
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from segmentation import formatting
from segmentation.access import Role, User

from .conftest import APP, app_state, page_text

PAGES = ["pages/overview.py", "pages/tiers.py", "pages/clusters.py", "pages/satisfaction.py",
         "pages/churn.py", "pages/campaigns.py", "pages/data.py"]
CLUSTER_TABS = ["Profiles", "Tier mix & branches", "Map", "Choosing k", "Download"]
ID = re.compile(r"(?<![A-Za-z0-9])C\d{6}(?!\d)")


@pytest.fixture(scope="module")
def network(sample_workspace) -> pd.DataFrame:
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace

    return customer_view(Workspace().engine(), as_of=pd.Timestamp(sample_workspace.date_max))


def _own(network: pd.DataFrame, customers: pd.DataFrame, branch: str) -> set[str]:
    """The branch's customers: home branch in the view, or (for customers who never
    shipped, seen on the satisfaction page) the customers table's branch."""
    never_shipped = customers[~customers["customer_id"].isin(network.index)]
    return (set(network.index[network["branch"] == branch])
            | set(never_shipped.loc[never_shipped["branch"] == branch, "customer_id"]))


@pytest.fixture(scope="module")
def branch(network) -> str:
    counts = network["branch"].value_counts()
    return str(counts.index[len(counts) // 2])  # a middle-sized branch


@pytest.fixture
def downloads(monkeypatch):
    """The data of every download button the pages create (callables are called)."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    captured: list[bytes] = []
    original = DeltaGenerator.download_button

    def record(self, label, data, *args, **kwargs):
        value = data() if callable(data) else data
        captured.append(value.encode("utf-8") if isinstance(value, str) else bytes(value))
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    main = st._main
    monkeypatch.setattr(st, "download_button",
                        lambda label, data, *a, **k: record(main, label, data, *a, **k))
    return captured


def _download_text(data: bytes) -> str:
    if data[:2] == b"PK":  # an Excel workbook
        sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, dtype=str)
        return "\n".join(f.to_csv(index=False) for f in sheets.values())
    return data.decode("utf-8-sig", errors="replace")


def _shown(at, downloads: list[bytes]) -> str:
    """Everything the run shows, as one text (Chinese kept as Chinese)."""
    parts = [page_text(at)]
    parts += [d.value.to_csv() for d in at.dataframe]
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "success", "error", "text"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in getattr(at, kind):
            parts += [str(o) for o in widget.options]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for chart in at.get("plotly_chart"):
        parts.append(json.dumps(json.loads(chart.proto.spec), ensure_ascii=False))
    parts += [_download_text(d) for d in downloads]
    return "\n".join(parts)


def _visit(at, page: str) -> None:
    """Open ``page`` and everything on it that shows rows (tabs, the history button)."""
    at.switch_page(page).run()
    assert not at.exception, (page, at.exception)
    if page == "pages/tiers.py":
        at.button(key="tiers_history_run").click().run()
        assert not at.exception, at.exception
    if page == "pages/clusters.py":
        for tab in CLUSTER_TABS:
            at.session_state["clusters_tab"] = tab
            at.run()
            assert not at.exception, (tab, at.exception)


def _app(user: User | None, **state):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    if user is not None:
        app_state(at).auth.user = user  # where the sign-in code puts it
    for key, value in state.items():
        if key.startswith("flt_"):  # the sidebar's filters
            app_state(at).sidebar.filters[key.removeprefix("flt_")] = value
        elif key == "lang":
            app_state(at).sidebar.lang = value
        else:
            at.session_state[key] = value
    return at


def _ids(text: str) -> set[str]:
    return set(ID.findall(text))


def _branches(text: str, network: pd.DataFrame) -> set[str]:
    return {b for b in network["branch"].dropna().unique() if b in text}


@pytest.mark.parametrize("page", PAGES)
def test_branch_manager_sees_only_own_branch(sample_workspace, sample_tables, network, branch,
                                             downloads, page):
    mine = _own(network, sample_tables["customers"], branch)
    at = _app(User("li", Role.BRANCH, branch=branch))
    at.run()
    assert not at.exception, at.exception
    # the sidebar (drawn in the first run: AppTest keeps no sidebar after switch_page)
    # offers only the own branch and region
    assert at.sidebar.multiselect(key="_w_flt_branch").options == [branch]
    assert at.sidebar.multiselect(key="_w_flt_region").options == [
        network.loc[network["branch"] == branch, "region"].iloc[0]]
    assert _ids(_shown(at, [])) <= mine
    n = formatting.number(int((network["branch"] == branch).sum()), "en")
    assert any(f"{n} customers in your scope" in m.value for m in at.sidebar.markdown)
    downloads.clear()
    _visit(at, page)
    text = _shown(at, downloads)
    seen = _ids(text)
    assert seen <= mine, sorted(seen - mine)[:5]
    assert _branches(text, network) <= {branch}
    if page in ("pages/tiers.py", "pages/clusters.py", "pages/churn.py"):
        assert seen and downloads  # the lists and downloads are there, with own customers
    if page == "pages/data.py":  # the scope's own figures, not the network's totals
        metrics = {m.label: m.value for m in at.metric}
        assert metrics["Customers"] == formatting.number(int((network["branch"] == branch).sum()),
                                                    "en")
        tx = sample_tables["transactions"]
        shipments = tx[(tx["amount"] > 0) & tx["customer_id"].isin(mine)]
        assert metrics["Shipments"] == formatting.number(len(shipments), "en")
    if page != "pages/data.py":
        assert any("Tiers and risk are computed across the whole network; you see the "
                   f"customers of branch {branch}." == c.value for c in at.caption)
    # the sidebar offers only the own branch


def test_branch_managers_tiers_are_the_networks(sample_workspace, network, branch, downloads):
    """The tiers page's download holds the same tier for each customer as HQ's."""
    hq = _app(None)
    hq.run()
    downloads.clear()
    _visit(hq, "pages/tiers.py")
    hq_list = pd.read_csv(io.BytesIO(downloads[0]), encoding="utf-8-sig", dtype=str)
    manager = _app(User("li", Role.BRANCH, branch=branch))
    manager.run()
    downloads.clear()
    _visit(manager, "pages/tiers.py")
    mine = pd.read_csv(io.BytesIO(downloads[0]), encoding="utf-8-sig", dtype=str)
    key = mine.columns[0]
    assert len(mine) > 0 and set(mine[key]) <= set(network.index[network["branch"] == branch])
    merged = mine.merge(hq_list, on=key, suffixes=("", "_hq"))
    assert len(merged) == len(mine)
    tier = next(c for c in mine.columns if c.lower().startswith("tier"))
    assert (merged[tier] == merged[f"{tier}_hq"]).all()


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/tiers.py", "pages/churn.py",
                                  "pages/satisfaction.py"])
def test_tampered_session_state_and_url_do_not_widen_the_scope(sample_workspace, sample_tables,
                                                               network, branch, downloads,
                                                               page):
    mine = _own(network, sample_tables["customers"], branch)
    other = next(b for b in network["branch"].value_counts().index if b != branch)
    other_region = next(r for r in network["region"].dropna().unique()
                        if r != network.loc[network["branch"] == branch, "region"].iloc[0])
    foreign = sorted(set(network.index[network["branch"] == other]))
    at = _app(User("li", Role.BRANCH, branch=branch),
              flt_branch=[other], flt_region=[other_region], _w_churn_detail=foreign[0])
    at.query_params["flt_branch"] = other
    at.query_params["branch"] = other
    at.run()
    downloads.clear()
    at.switch_page(page)
    # set again just before the page runs
    app_state(at).sidebar.filters["branch"] = [other, branch]
    at.session_state["_w_flt_branch"] = [other]
    at.run()
    assert not at.exception, at.exception
    text = _shown(at, downloads)
    assert _ids(text) <= mine
    assert other not in text
    if page == "pages/churn.py":  # the detail picker, the widget a browser could set
        assert at.session_state["_w_churn_detail"] in mine
        assert at.session_state["_app_state"].churn.detail in mine


def test_open_mode_shows_every_branch(sample_workspace, network, downloads):
    """The check above would notice foreign rows: without a scope, they are there."""
    at = _app(None)
    at.run()
    downloads.clear()
    _visit(at, "pages/churn.py")
    text = _shown(at, downloads)
    branches = network.loc[sorted(_ids(text)), "branch"]
    assert branches.nunique() > 5
    assert not any("Tiers and risk are computed across the whole network" in c.value
                   for c in at.caption)


@pytest.mark.parametrize("page", PAGES)
def test_viewer_sees_aggregates_only(sample_workspace, sample_tables, downloads, page):
    at = _app(User("zhao", Role.VIEWER))
    at.run()
    downloads.clear()
    _visit(at, page)
    text = _shown(at, downloads)
    assert _ids(text) == set()
    customers = sample_tables["customers"]
    phones = set(customers["phone"].dropna().astype(str))
    assert not [p for p in phones if p in text]
    names = {n for n in customers["name"].dropna().astype(str) if len(n) >= 3}
    assert not [n for n in names if n in text][:5]
    if page in ("pages/tiers.py", "pages/clusters.py", "pages/churn.py"):
        assert any(i.value == "Your role sees aggregates only: customer lists and customer "
                   "downloads are not shown." for i in at.info)
        assert not downloads or page == "pages/tiers.py"  # tiers: only the preset export


def test_viewer_note_in_chinese(sample_workspace, downloads):
    at = _app(User("zhao", Role.VIEWER), lang="zh")
    at.run()
    _visit(at, "pages/churn.py")
    assert any(i.value == "您的角色只能查看汇总数据：不显示客户名单，也不能下载客户明细。"
               for i in at.info)


def test_branch_caption_in_chinese(sample_workspace, network, branch, downloads):
    at = _app(User("li", Role.BRANCH, branch=branch), lang="zh")
    at.run()
    n = formatting.number(int((network["branch"] == branch).sum()), "zh")
    assert any(f"您的范围内共 {n} 位客户" in m.value for m in at.sidebar.markdown)
    _visit(at, "pages/tiers.py")
    assert any(c.value == f"客户等级和流失风险按全网计算；您看到的是网点“{branch}”的客户。"
               for c in at.caption)


# --------------------------------------------------------------------------- PostgreSQL

PG_SCHEMA = f"seg_scope_app_{__import__('os').getpid()}"


@pytest.fixture(scope="module")
def sample_pg(sample_tables):
    import os

    import sqlalchemy as sa

    from tests.conftest import POSTGRES_ENV, copy_into_postgres

    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL to connect the pages to")
    copy_into_postgres(url, PG_SCHEMA, sample_tables)
    yield sa.make_url(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{PG_SCHEMA}" CASCADE')
    engine.dispose()


@pytest.mark.db
@pytest.mark.parametrize("role", ["branch", "viewer"])
def test_pages_on_postgres(sample_workspace, sample_tables, sample_pg, network, branch,
                           downloads, role):
    """The same checks with the data in PostgreSQL: the scope's WHERE runs in the server."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=300)
    at.secrets["connections"] = {"ops": {"url": sample_pg.render_as_string(hide_password=False),
                                         "schema": PG_SCHEMA}}
    at.run()
    at.sidebar.selectbox(key="side_source").set_value("secrets:ops").run()  # as HQ (open)
    assert not at.exception, at.exception
    assert at.session_state["_app_state"].source.ref["origin"] == "secrets"
    user = (User("li", Role.BRANCH, branch=branch) if role == "branch"
            else User("zhao", Role.VIEWER))
    app_state(at).auth.user = user
    mine = _own(network, sample_tables["customers"], branch) if role == "branch" else set()
    phones = set(sample_tables["customers"]["phone"].dropna().astype(str))
    for page in PAGES:
        downloads.clear()
        _visit(at, page)
        text = _shown(at, downloads)
        assert _ids(text) <= mine, (page, sorted(_ids(text) - mine)[:5])
        assert _branches(text, network) <= ({branch} if role == "branch" else
                                            set(network["branch"].dropna()))
        if role == "viewer":
            assert not [p for p in phones if p in text], page
        elif page in ("pages/tiers.py", "pages/churn.py"):
            assert _ids(text), page
    assert at.session_state["_app_state"].source.ref["origin"] == "secrets"  # still on PostgreSQL


def test_scope_descriptions():
    from segmentation.access import Scope
    from ui.scoping import describe

    assert describe(Scope(regions=("华北",)), "en") == "region 华北"
    assert describe(Scope(regions=("华北",)), "zh") == "区域“华北”"
    assert describe(Scope(regions=("N",), branches=("A",)), "en") == "branch A and region N"
    assert describe(Scope(regions=("N",), branches=("A",)), "zh") == "网点“A”、区域“N”"
    unassigned = User("li", Role.BRANCH).scope  # a branch manager without a branch
    assert describe(unassigned, "en") == "no branch (none is assigned to you)"
    assert describe(unassigned, "zh") == "无网点（您尚未被分配网点）"
    assert describe(User("wang", Role.HQ).scope, "en") == ""


def test_regional_lead_sees_the_region(sample_workspace, sample_tables, network, branch,
                                       downloads):
    region = network.loc[network["branch"] == branch, "region"].iloc[0]
    in_region = network[network["region"] == region]
    customers = sample_tables["customers"]
    never = customers[~customers["customer_id"].isin(network.index)]
    mine = set(in_region.index) | set(never.loc[never["region"] == region, "customer_id"])
    at = _app(User("wu", Role.REGIONAL, region=region))
    at.run()
    assert at.sidebar.multiselect(key="_w_flt_region").options == [region]
    assert at.sidebar.multiselect(key="_w_flt_branch").options == sorted(
        in_region["branch"].unique())
    for page in ("pages/churn.py", "pages/satisfaction.py"):
        downloads.clear()
        _visit(at, page)
        text = _shown(at, downloads)
        assert _ids(text) and _ids(text) <= mine
        assert any(c.value == "Tiers and risk are computed across the whole network; you see "
                   f"the customers of region {region}." for c in at.caption)


def test_branch_manager_without_a_branch_sees_nobody(sample_workspace, downloads):
    at = _app(User("li", Role.BRANCH))
    at.run()
    assert not at.exception, at.exception
    downloads.clear()
    at.switch_page("pages/tiers.py").run()  # the page stops: no customer to show
    assert not at.exception, at.exception
    assert _ids(_shown(at, downloads)) == set() and not downloads
    # not "widen the filters": nothing the user can change would show anyone
    assert at.warning[0].value == ("No branch or region is assigned to your account, so there "
                                   "is nothing to show. Ask an HQ analyst to assign one "
                                   "(`users set-role`).")


@pytest.mark.parametrize("page", ["pages/tiers.py", "pages/churn.py"])
def test_customer_rows_without_the_pii_right_are_masked(sample_workspace, sample_tables,
                                                         network, branch, downloads,
                                                         monkeypatch, page):
    """A role that lists customers but lacks ``see_pii`` (none is defined yet; this one is
    patched in) gets names like 张* and phones like 138****1234 in tables and downloads."""
    from segmentation import access

    monkeypatch.setitem(access.PERMISSIONS, Role.BRANCH,
                        frozenset({"see_customers", "export"}))
    at = _app(User("li", Role.BRANCH, branch=branch))
    at.run()
    downloads.clear()
    _visit(at, page)
    text = _shown(at, downloads)
    customers = sample_tables["customers"].set_index("customer_id")
    mine = customers.loc[sorted(_ids(text) & set(customers.index))]
    assert len(mine) > 10
    assert not [p for p in mine["phone"].astype(str) if p in text]
    assert not [n for n in mine["name"].astype(str) if len(n) >= 2 and n in text]
    if page == "pages/churn.py":  # the call list names the customers, masked
        table = next(d.value for d in at.dataframe if "name" in d.value.columns)
        expected = customers.loc[table["customer_id"], "name"].map(access.mask_name)
        assert table["name"].tolist() == expected.tolist() and len(table) > 0


# --------------------------------------------------------------------------- chart context

def _subtitles(at) -> list[str]:
    """The subtitle of every chart on the page (what a downloaded PNG shows under the title)."""
    return [((json.loads(c.proto.spec).get("layout", {}).get("title") or {})
             .get("subtitle") or {}).get("text", "") for c in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_carries_scope_and_analysis_date(sample_workspace, network, branch,
                                                     downloads, lang):
    """A chart saved as a picture says whose customers it shows and at which date: the
    branch manager's charts name the branch, the date in the page's language."""
    at = _app(User("li", Role.BRANCH, branch=branch), lang=lang)
    at.run()
    as_of = app_state(at).sidebar.as_of or pd.Timestamp(sample_workspace.date_max)
    day = formatting.day(as_of, lang)
    for page in ("pages/overview.py", "pages/tiers.py", "pages/churn.py"):
        _visit(at, page)
        subtitles = _subtitles(at)
        assert subtitles, page
        assert all(day in s and branch in s for s in subtitles), (page, subtitles)
    network_at = _app(None, lang=lang)
    network_at.switch_page("pages/overview.py").run()
    whole = "Whole network" if lang == "en" else "全网"
    assert all(whole in s and day in s for s in _subtitles(network_at))
