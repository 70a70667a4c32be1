"""Stop a running database query when the person stops waiting for it.

Streamlit runs a page's script in one thread; while that thread waits inside a
database driver, nothing on the page can interrupt it, so a long query would run
on until the statement time limit. This module watches the queries that the
app's database engines run on behalf of a session (pool's
``checkout`` / ``checkin`` events) and a small watcher
thread cancels a query, through the driver, when

- the session was asked to stop: Streamlit's own *Stop* (top right, next to
  "Running…"), or the browser tab was closed;
- the person pressed the page's *Cancel* button (:func:`cancel_button`) while
  the query ran.

Cancelling goes through the driver: psycopg ``cancel_safe()`` (PostgreSQL's
cancel request), ``KILL QUERY <id>`` from a second connection (MariaDB / MySQL),
``interrupt()`` (DuckDB, SQLite), HiveServer2 ``CancelOperation`` (Spark). Everything
here reads Streamlit's script requests defensively: where they are not available, queries
still stop at the statement time limit.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass, field

import sqlalchemy as sa
import streamlit as st
from sqlalchemy import event

try:  # Streamlit internals: the script requests of a session (1.67)
    from streamlit.runtime.scriptrunner_utils.script_requests import ScriptRequestType
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
except ImportError:  # pragma: no cover - another Streamlit: only the time limit remains
    ScriptRequestType = None  # type: ignore[assignment]
    get_script_run_ctx = None  # type: ignore[assignment]

#: Widget key of the Cancel button shown while a query runs.
CANCEL_KEY = "db_cancel_query"
#: How often the watcher looks at the running queries, seconds.
POLL_S = 0.2


@dataclass
class _Running:
    requests: object
    session_id: str
    dbapi_connection: object
    engine: sa.Engine
    started: float = field(default_factory=time.monotonic)
    cancelled: bool = False


_LOCK = threading.Lock()
_RUNNING: dict[int, _Running] = {}
_CANCEL_IDS: dict[str, set[str]] = {}
_WATCHER: threading.Thread | None = None


def attach(engine: sa.Engine) -> sa.Engine:
    """Let queries of ``engine`` run from a Streamlit session be cancelled (see the module).

    A connection is watched from the moment a session's script checks it out of the
    pool until it returns, so every statement on it counts (PostgreSQL ``COPY`` too).
    """
    if engine.dialect.name not in ("postgresql", "mysql", "mariadb", "duckdb", "sqlite"):
        return engine
    event.listen(engine, "checkout", lambda dbapi, record, _proxy: _checkout(engine, dbapi,
                                                                              record))
    event.listen(engine, "checkin", lambda _dbapi, record: _checkin(record))
    return engine


def cancel_button(label: str, *, key: str = CANCEL_KEY) -> None:
    """A *Cancel* button for the query about to run; pressing it while the query runs
    cancels the query. Render it right before the long call."""
    st.button(label, key=key, icon=":material/cancel:")
    ctx = get_script_run_ctx() if get_script_run_ctx is not None else None
    with contextlib.suppress(Exception):
        widget_id = ctx.session_state._state._key_id_mapper.get_id_from_key(key)
        if widget_id:
            with _LOCK:
                _CANCEL_IDS.setdefault(ctx.session_id, set()).add(widget_id)


def was_cancelled(*keys: str) -> bool:
    """Whether this run started because a Cancel button (``keys``, default the one of
    :func:`cancel_button`) was pressed."""
    return any(bool(st.session_state.get(k)) for k in (keys or (CANCEL_KEY,)))


def _checkout(engine: sa.Engine, dbapi_connection, record) -> None:
    ctx = get_script_run_ctx(suppress_warning=True) if get_script_run_ctx is not None else None
    requests = getattr(ctx, "script_requests", None)
    if requests is None:
        return  # not a session's script (the CLI, a worker thread, the watcher itself)
    with _LOCK:
        _RUNNING[id(record)] = _Running(requests, ctx.session_id, dbapi_connection, engine)
    _ensure_watcher()


def _checkin(record) -> None:
    with _LOCK:
        _RUNNING.pop(id(record), None)


def _ensure_watcher() -> None:
    global _WATCHER
    with _LOCK:
        if _WATCHER is not None and _WATCHER.is_alive():
            return
        _WATCHER = threading.Thread(target=_watch, name="seg-query-cancel", daemon=True)
        _WATCHER.start()


def _watch() -> None:
    while True:
        time.sleep(POLL_S)
        with _LOCK:
            due = [e for e in _RUNNING.values() if not e.cancelled and _should_cancel(e)]
            for entry in due:
                entry.cancelled = True
        for entry in due:
            with contextlib.suppress(Exception):  # the query may have just ended
                _cancel(entry)


def _should_cancel(entry: _Running) -> bool:
    if ScriptRequestType is None:
        return False
    state = getattr(entry.requests, "_state", None)
    if state == ScriptRequestType.STOP:
        return True
    if state != ScriptRequestType.RERUN:
        return False
    ids = _CANCEL_IDS.get(entry.session_id) or set()
    data = getattr(entry.requests, "_rerun_data", None)
    states = getattr(data, "widget_states", None)
    if not ids or states is None:
        return False
    return any(w.id in ids and w.WhichOneof("value") == "trigger_value" and w.trigger_value
               for w in states.widgets)


def _cancel(entry: _Running) -> None:
    """Cancel the statement running on ``entry.dbapi_connection``, through its driver."""
    dbapi = entry.dbapi_connection
    name = entry.engine.dialect.name
    if name == "postgresql":
        (getattr(dbapi, "cancel_safe", None) or dbapi.cancel)()
    elif name in ("mysql", "mariadb"):
        thread_id = int(dbapi.thread_id())
        with entry.engine.connect() as other:  # a second session of the same user
            other.exec_driver_sql(f"KILL QUERY {thread_id}")  # an int: nothing typed by a user
    elif name == "spark":  # HiveServer2 CancelOperation, sent by the waiting thread
        from segmentation.connections.spark import cancel_statement

        cancel_statement(dbapi)
    else:  # duckdb (through duckdb_engine's wrapper) and sqlite3
        dbapi.interrupt()
