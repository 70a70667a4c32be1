"""A long query stops when the session stops waiting (Streamlit's Stop, a closed tab) or the
Cancel button is pressed, on the real PostgreSQL, MariaDB and a DuckDB file; any other rerun
leaves it running (its result is still wanted)."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
from types import SimpleNamespace

import duckdb
import pytest
import sqlalchemy as sa
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData, ScriptRequests
from streamlit.runtime.scriptrunner_utils.script_run_context import SCRIPT_RUN_CONTEXT_ATTR_NAME

from segmentation import i18n
from segmentation.connections import ConnectionSpec, classify_error, open_engine
from tests.app.conftest import app_state
from tests.conftest import MARIADB_ENV, POSTGRES_ENV
from ui import query_cancel

SESSION = "session-under-test"


def _spec(backend: str, tmp_path) -> ConnectionSpec:
    if backend == "duckdb":
        path = tmp_path / "big.duckdb"
        duckdb.connect(str(path)).close()
        return ConnectionSpec("duckdb", database=str(path))
    env = POSTGRES_ENV if backend == "postgres" else MARIADB_ENV
    url = os.environ.get(env)
    if not url:
        pytest.skip(f"{env} is not set: no server to run a long query on")
    spec = ConnectionSpec.from_url(url)
    return dataclasses.replace(spec, driver="mariadb") if backend == "mariadb" else spec


LONG = {  # each runs for a minute or more unless cancelled
    "postgres": "SELECT pg_sleep(60)",
    "mariadb": "SELECT SLEEP(60)",
    "duckdb": "SELECT sum(hash(i)) FROM range(200000000000) t(i)",
}


def _start(engine: sa.Engine, sql: str, requests: ScriptRequests):
    """Run ``sql`` in a thread that looks like a session's script thread."""
    out: dict = {}

    def work() -> None:
        start = time.monotonic()
        try:
            with engine.connect() as conn:
                out["rows"] = conn.exec_driver_sql(sql).all()
        except sa.exc.DBAPIError as exc:
            out["error"] = exc
        out["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=work, daemon=True)
    setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME,
            SimpleNamespace(script_requests=requests, session_id=SESSION))
    thread.start()
    return thread, out


def _rerun(widget_id: str) -> RerunData:
    states = WidgetStates()
    states.widgets.append(WidgetState(id=widget_id, trigger_value=True))
    return RerunData(widget_states=states)


@pytest.fixture
def engine_for(tmp_path):
    engines: list[sa.Engine] = []

    def make(backend: str) -> tuple[sa.Engine, ConnectionSpec]:
        spec = _spec(backend, tmp_path)
        engine = query_cancel.attach(open_engine(spec, statement_timeout_s=120))
        engines.append(engine)
        return engine, spec

    yield make
    for engine in engines:
        engine.dispose()


BACKENDS = [pytest.param("postgres", marks=pytest.mark.db),
            pytest.param("mariadb", marks=pytest.mark.db), "duckdb"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_stop_cancels_the_running_query(engine_for, backend):
    engine, spec = engine_for(backend)
    requests = ScriptRequests()
    thread, out = _start(engine, LONG[backend], requests)
    time.sleep(1.0)
    assert thread.is_alive()
    requests.request_stop()  # Streamlit's Stop, or the tab was closed
    thread.join(timeout=15)
    assert not thread.is_alive() and out["seconds"] < 10
    if backend == "mariadb":  # an interrupted SLEEP() returns 1 instead of failing
        assert out.get("rows") == [(1,)] or "error" in out
    else:
        err = classify_error(out["error"], spec)
        assert err.code == "cancelled"
        assert "was cancelled" in err.message("en") and "已取消" in err.message("zh")
    with engine.connect() as conn:  # the pooled connection still works afterwards
        assert conn.exec_driver_sql("SELECT 1").scalar() == 1


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.db),
                                     "duckdb"])
def test_the_cancel_button_cancels_and_other_reruns_do_not(engine_for, backend, monkeypatch):
    engine, spec = engine_for(backend)
    monkeypatch.setitem(query_cancel._CANCEL_IDS, SESSION, {"cancel-button-id"})
    requests = ScriptRequests()
    thread, out = _start(engine, LONG[backend], requests)
    time.sleep(0.5)
    requests.request_rerun(_rerun("some-slider"))  # another widget: keep the query
    time.sleep(1.0)
    assert thread.is_alive()
    requests.request_rerun(_rerun("cancel-button-id"))  # Cancel pressed meanwhile
    thread.join(timeout=15)
    assert not thread.is_alive() and out["seconds"] < 10
    assert classify_error(out["error"], spec).code == "cancelled"


def test_queries_outside_a_session_are_not_watched(engine_for):
    engine, _ = engine_for("duckdb")
    with engine.connect() as conn:  # the CLI, a test, the watcher's own second session
        assert conn.exec_driver_sql("SELECT 42").scalar() == 42
    assert not query_cancel._RUNNING


@pytest.mark.parametrize("lang, text", [
    ("en", "Cancelled: the database stopped the query. Nothing was changed. Queries also stop "
           "by themselves after 120 seconds, or when you press Stop at the top right."),
    ("zh", "已取消：数据库已停止该查询，没有任何改动。查询超过 120 秒也会自动停止"),
])
def test_the_page_says_the_query_was_cancelled(app, monkeypatch, lang, text):
    """After Cancel was pressed (its button's value is true in the run it starts)."""
    monkeypatch.setattr(query_cancel, "was_cancelled", lambda *keys: "db_cancel_connect" in keys)
    app_state(app).sidebar.lang = lang
    app.switch_page("pages/data.py").run()
    app.radio(key="data_mode").set_value("database").run()
    assert not app.exception
    assert any(text in i.value for i in app.info)
    assert i18n.t("db.cancel", lang) == {"en": "Cancel", "zh": "取消"}[lang]
