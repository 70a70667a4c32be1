"""Another session replaces the data: this session keeps its dataset until it reruns, then
switches with a sidebar notice (issue 13, hole 3)."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from segmentation.cleaning import prepare_dataset
from segmentation.workspace import Workspace
from tests.app.conftest import APP, SAMPLE, app_state, shown


@pytest.fixture(scope="module")
def small_tables() -> dict[str, pd.DataFrame]:
    """40 customers of the sample, cleaned like an upload (fast pages)."""
    tx = pd.read_parquet(SAMPLE / "transactions.parquet")
    ids = sorted(tx["customer_id"].unique())[:40]
    customers = pd.read_parquet(SAMPLE / "customers.parquet")
    return prepare_dataset({"transactions": tx[tx["customer_id"].isin(ids)],
                            "customers": customers[customers["customer_id"].isin(ids)]}).tables


@pytest.fixture
def own_workspace(tmp_path, monkeypatch, sample_workspace, small_tables):
    """The app reads a workspace of this test's own (the shared sample stays as it is)."""
    from ui import source

    ws = Workspace(tmp_path)
    ws.replace(small_tables, source="upload", label="first.csv")
    # the process's workspace: every page and ui module reads it from here
    monkeypatch.setattr(source, "workspace", lambda: ws)
    return ws


def _notices(at) -> list[str]:
    return [shown(i.value) for i in at.sidebar.info]


def _other_user_loads(ws: Workspace, tables, label: str, n: int = 1):
    """``n`` loads of the first 30 customers (10 fewer than this session's dataset)."""
    tx = tables["transactions"]
    fewer = {**tables, "transactions": tx[tx["customer_id"].isin(
        sorted(tx["customer_id"].unique())[:30])]}
    for _ in range(n):
        snap = ws.replace(fewer, source="upload", label=label)
    assert snap.n_customers == 30
    return snap


def test_switch_by_another_session_is_announced(own_workspace, small_tables):
    ws = own_workspace
    first = ws.current()
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/data.py").run()
    assert not at.exception
    assert app_state(at).sidebar.dataset == first.dataset_id
    assert _notices(at) == []

    # another session loads four times; this one has not rerun: it still holds its dataset
    other = _other_user_loads(ws, small_tables, "other.csv", n=4)
    assert first.dataset_id in ws.dataset_ids()  # leased: kept past KEEP_PREVIOUS loads
    assert at.session_state["_app_state"].source.lease.snapshot == first

    at.run()  # the next interaction
    assert not at.exception
    assert app_state(at).sidebar.dataset == other.dataset_id
    hhmm = pd.Timestamp(other.loaded_at).strftime("%H:%M")
    assert _notices(at) == [
        f"The data were replaced by another user at {hhmm} UTC; you now see "
        f"Uploaded: other.csv ({other.n_customers} customers)."]
    assert {m.label: m.value for m in at.metric}["Customers"] == "30"
    notice = _notices(at)

    # the background job ends and reruns the page (as ui.background_view does): the user
    # has not acted yet, so the notice stays
    app_state(at).source.quiet_rerun = True
    at.run()
    assert _notices(at) == notice

    at.run()  # said once: the user's next run is quiet
    assert _notices(at) == []
    # the first dataset is free now: the next load removes it
    _other_user_loads(ws, small_tables, "again.csv")
    assert first.dataset_id not in ws.dataset_ids()

    app_state(at).sidebar.lang = "zh"
    sample_like = ws.replace(small_tables, source="sample", label="sample")
    at.run()
    hhmm = pd.Timestamp(sample_like.loaded_at).strftime("%H:%M")
    assert _notices(at) == [
        f"数据已于 {hhmm} UTC 被其他用户替换；您现在看到的是：示例网点数据"
        f"（{sample_like.n_customers} 位客户）。"]


def test_own_upload_is_not_announced(own_workspace):
    ws = own_workspace
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/data.py").run()
    csv = "customer_id,date,amount\nA1,2025-01-03,12\nA2,2025-01-05,8\nA1,2025-02-03,20\n"
    at.file_uploader[0].set_value(("mine.csv", csv.encode(), "text/csv"))
    at.run()
    at.button(key="data_load").click().run()
    assert not at.exception
    assert at.success[0].value == "Loaded. Every page now uses the new data."
    mine = ws.current()
    assert mine.label == "mine.csv" and mine.n_customers == 2
    assert app_state(at).sidebar.dataset == mine.dataset_id
    assert app_state(at).source.lease.snapshot == mine
    assert _notices(at) == []


def test_one_run_reads_one_dataset(own_workspace, small_tables, monkeypatch):
    """A load in the middle of a run does not switch the rest of that run."""
    from ui import source

    ws = own_workspace
    first = ws.current()
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/data.py").run()
    calls = []
    original = source.active

    def active_then_another_load(**kwargs):
        result = original(**kwargs)
        if not calls:
            calls.append(_other_user_loads(ws, small_tables, "midrun.csv"))
        return result

    monkeypatch.setattr(source, "active", active_then_another_load)
    at.run()
    assert not at.exception
    assert calls and ws.current() == calls[0]
    # the whole run, sidebar and page, still showed the dataset it started with
    assert app_state(at).sidebar.dataset == first.dataset_id
    assert first.n_customers == 40
    assert {m.label: m.value for m in at.metric}["Customers"] == "40"


@pytest.mark.parametrize(("zone", "shown"), [
    ("Asia/Shanghai", "18:42"), ("Europe/Berlin", "11:42"), (None, "10:42 UTC"),
    ("../../etc/passwd", "10:42 UTC"), ("Not/AZone", "10:42 UTC"),
], ids=["shanghai", "berlin", "unknown", "path", "bogus"])
def test_notice_time_in_the_browser_zone(zone, shown):
    from ui.sidebar import clock

    assert clock("2026-12-03T10:42:07+00:00", zone) == shown
