"""Nothing heavy on the way to a page (issue 23): the dataset's default figures are prepared
once in the background and stored; a new session reads them and fits no model; the
Overview draws its figures before the at-risk count, which fills in when ready; a load
starts the job, and a newer load cancels the old one."""

from __future__ import annotations

import threading

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data.generate_sample import generate
from segmentation import formatting
from segmentation import precompute as pc
from segmentation.keys import ChurnKey
from segmentation.workspace import Workspace
from tests.app.conftest import APP, app_state, page_text

#: seconds a blocked churn fit waits before it goes on (the test fails before that)
HOLD_S = 30


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    out = generate(3_000, with_text=False)
    out.pop("truth", None)
    return out


@pytest.fixture
def own_workspace(tmp_path, monkeypatch, sample_workspace, tables):
    """A workspace of this test's own, and a process that has run no job yet."""
    from ui import background, source

    ws = Workspace(tmp_path)
    ws.replace(tables, source="upload", label="first.csv")
    monkeypatch.setenv("SEG_WORKSPACE", str(tmp_path))  # read by ui.source.workspace()
    monkeypatch.setitem(source._WORKSPACES, tmp_path.resolve(), ws)
    monkeypatch.setattr(background, "_JOBS", {})
    monkeypatch.setattr(background, "_COMPLETE", set())
    yield ws
    for job in list(background._JOBS.values()):  # leave no thread behind
        job.cancel.set()
        job.finished.wait(120)


@pytest.fixture
def counted(monkeypatch):
    """Calls of ``score_churn`` and of ``ChurnModel.fit``, from any thread."""
    from segmentation import churn

    calls = {"score_churn": 0, "fit": 0}
    score, fit = churn.score_churn, churn.ChurnModel.fit

    def counting_score(*args, **kwargs):
        calls["score_churn"] += 1
        return score(*args, **kwargs)

    def counting_fit(self, *args, **kwargs):
        calls["fit"] += 1
        return fit(self, *args, **kwargs)

    monkeypatch.setattr(churn, "score_churn", counting_score)
    monkeypatch.setattr(churn.ChurnModel, "fit", counting_fit)
    return calls


@pytest.fixture
def held_churn(monkeypatch):
    """``score_churn`` waits until the test sets the returned event (or :data:`HOLD_S`)."""
    from segmentation import churn

    release = threading.Event()
    score = churn.score_churn

    def held(*args, **kwargs):
        release.wait(HOLD_S)
        return score(*args, **kwargs)

    monkeypatch.setattr(churn, "score_churn", held)
    yield release
    release.set()


def _new_session() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.run()
    assert not at.exception, at.exception
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _wait(ws: Workspace) -> None:
    from ui import background

    job = background.job(ws.current().dataset_id)
    assert job is not None, "no job was started for the dataset"
    assert job.finished.wait(180)
    assert job.error is None, job.error


def test_a_new_session_on_the_overview_fits_no_churn_model(own_workspace, counted):
    """Defaults stored by an earlier process: a new process's first session reads them, and
    neither scores nor fits anything."""
    import streamlit as st

    snap = own_workspace.current()
    store = pc.DerivedStore(own_workspace.folder, snap.dataset_id)
    key = pc.default_key(snap.dataset_id, snap.date_max)
    pc.compute_defaults(own_workspace.engine(snap), store, key)  # the earlier process
    st.cache_resource.clear()  # a new process: nothing in memory
    counted.update(score_churn=0, fit=0)

    at = _new_session()
    at_risk = _metrics(at)["Customers at risk"]
    assert counted == {"score_churn": 0, "fit": 0}
    horizon, lost_after = pc.stored_churn_defaults(store, key)
    from segmentation.churn import summarize

    stored = pc.get_churn(store, ChurnKey(key, horizon, lost_after[horizon]))
    assert at_risk == formatting.number(summarize(stored.scores).warnings, "en")
    assert "Preparing the default figures" not in page_text(at)


def test_figures_come_first_and_the_count_when_ready(own_workspace, held_churn):
    """First use of a dataset without stored defaults: the job starts; the Overview's own
    figures are drawn at once, the at-risk count says "being prepared" (progress in the
    sidebar, in the session's language) and fills in once the scores are stored."""
    at = _new_session()
    metrics = _metrics(at)
    assert {"Customers", "Active customers", "Revenue", "Shipments"} <= set(metrics)
    assert metrics["Customers at risk"] == "being prepared…"
    assert len(at.get("plotly_chart")) >= 2 and len(at.dataframe) == 2
    assert "Preparing the default figures" in page_text(at)
    at.run()  # the sidebar's fragment reruns by itself on a server
    text = page_text(at)
    assert "Step 3 of 4" in text and "churn scores, backtest and customer value" in text
    assert _metrics(at)["Customers at risk"] == "being prepared…"

    app_state(at).sidebar.lang = "zh"
    at.run()
    assert _metrics(at)["流失预警客户"] == "正在准备…"
    text = page_text(at)
    assert "正在准备默认指标" in text and "第 3 步，共 4 步" in text

    held_churn.set()
    _wait(own_workspace)
    at.run()
    assert _metrics(at)["流失预警客户"] not in ("正在准备…", "–", "")
    assert "正在准备默认指标" not in page_text(at)


def test_a_load_starts_the_job_and_a_newer_load_cancels_it(own_workspace, held_churn):
    """The sample loaded from the data page: its job starts at once and its files appear;
    the job of the dataset it replaced is cancelled and stores no churn scores."""
    from ui import background

    old = own_workspace.current()
    at = _new_session()  # the old dataset's job starts, held in its churn step
    old_job = background.job(old.dataset_id)
    assert old_job is not None and old_job.running

    at.switch_page("pages/data.py").run()
    at.button(key="data_restore_sample").click().run()
    assert not at.exception, at.exception
    new = own_workspace.current()
    assert new.dataset_id != old.dataset_id and new.source == "sample"
    new_job = background.job(new.dataset_id)
    assert new_job is not None
    assert old_job.cancel.is_set()

    held_churn.set()
    assert old_job.finished.wait(180) and old_job.name == "cancelled"
    assert not pc.DerivedStore(own_workspace.folder, old.dataset_id).complete
    _wait(own_workspace)
    store = pc.DerivedStore(own_workspace.folder, new.dataset_id)
    assert store.complete and (store.folder / "manifest.json").exists()
    assert list(store.folder.glob("churn-*-scores.parquet"))


def test_a_failed_job_is_shown(own_workspace, monkeypatch):
    from segmentation import overview

    def broken(*args, **kwargs):
        raise RuntimeError("the cube query broke")

    monkeypatch.setattr(overview, "activity_cube", broken)
    at = AppTest.from_file(APP, default_timeout=180)
    at.switch_page("pages/data.py").run()  # a page that needs no cube
    from ui import background

    job = background.job(own_workspace.current().dataset_id)
    assert job.finished.wait(120) and job.error is not None
    at.run()
    errors = [e.value for e in at.sidebar.error]
    assert any("Preparing the default figures failed at step 2 (overview figures)" in e
               for e in errors), errors
    # the exception's own text (which may name a host, a user or a query) stays in the log
    assert not any("the cube query broke" in e for e in errors), errors


def test_the_networks_count_is_read_from_the_defaults(own_workspace, monkeypatch):
    """Everyone, the default definition: the Overview shows the stored count without reading
    the scores; with a filter, it counts the filtered customers' scores."""
    from ui import background
    from ui.context import Context

    snap = own_workspace.current()
    store = pc.DerivedStore(own_workspace.folder, snap.dataset_id)
    pc.compute_defaults(own_workspace.engine(snap), store,
                        pc.default_key(snap.dataset_id, snap.date_max))
    monkeypatch.setattr(background, "_COMPLETE", {snap.dataset_id})
    read: list[int] = []
    current_churn = Context.current_churn

    def counting(self):
        read.append(1)
        return current_churn(self)

    monkeypatch.setattr(Context, "current_churn", counting)
    at = _new_session()
    warnings = store.defaults()["warnings"]
    assert _metrics(at)["Customers at risk"] == formatting.number(warnings, "en")
    assert not read
    view = pc.get_view(store, pc.default_key(snap.dataset_id, snap.date_max))
    region = sorted(view["region"].dropna().unique())[0]
    app_state(at).sidebar.filters["region"] = [region]
    at.run()
    assert read and _metrics(at)["Customers at risk"] not in ("", "–", "being prepared…")
