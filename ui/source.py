"""The session's data source: the workspace dataset, or a connected company database.

Every cached result is keyed by the source's ``dataset_id``. For the workspace
that is the loaded dataset; for a database it is a keyed hash of the
connection's settings *without the password* (:func:`connection_key`, salted
with a random per-process key), the table mapping and a refresh counter, so
results are cached per connection, mapping and analysis date, and "refresh"
recomputes them. Nothing derived from a password reaches a widget key, a URL, a
log or a message; only the engine cache, which never leaves the process, tells
passwords apart (so a wrong password never borrows another session's login).
The sources in use are kept in a process-wide registry, so a session finds its
connected database from the id in its state; :func:`ui.context.current` resolves
the source once per run and hands it to the caches (``_source``), which never
look it up again.

A session reading the workspace holds a lease on its dataset
(``state().source.lease``), so another session's load never removes the file
under it; it looks at the workspace pointer once per run and, when another
session loaded new data, switches on that run and says so in the sidebar
(:func:`replaced_by`).

The session's choice lives on ``state().source`` (:class:`ui.state.SourceState`).
This module is the bottom (session) layer of ``ui``: it imports no cache and no
widget. The engines of connected databases are pooled in
:mod:`ui.caches.database` and reach this module as arguments (``engine``) or as
a callback (``reconnect`` of :func:`active`); connecting lives in :mod:`ui.connect`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
import streamlit as st

from segmentation import database
from segmentation.connections import (
    ConnectionError_,
    ConnectionSpec,
    allowed_folders,
    open_engine,
)
from segmentation.database import (
    ConnectionStore,
    DatabaseMapping,
    check_mapping,
)
from segmentation.workspace import Snapshot, Workspace, default_folder, ensure_dataset
from ui import query_cancel
from ui.state import state

#: statement time limit on connected databases, seconds
STATEMENT_TIMEOUT_S = 120


@dataclass(frozen=True)
class ActiveSource:
    """Where the pages read from: metadata, an engine and, for a database, the mapped tables."""

    snap: Snapshot
    engine: sa.Engine
    table_names: dict | None = None
    spec: ConnectionSpec | None = None
    mapping: DatabaseMapping | None = None
    name: str = ""
    origin: str = "workspace"  # or "secrets", "saved", "session"

    @property
    def is_database(self) -> bool:
        return self.spec is not None


_LOCK = threading.Lock()
_SOURCES: dict[str, ActiveSource] = {}
_WORKSPACES: dict[Path, Workspace] = {}


def workspace() -> Workspace:
    """The process's workspace: one object per folder (``$SEG_WORKSPACE``), so its
    engines are opened once and a changed folder gets its own."""
    folder = default_folder().resolve()
    with _LOCK:
        found = _WORKSPACES.get(folder)
        if found is None:
            found = _WORKSPACES[folder] = Workspace(folder)
    return found


def store() -> ConnectionStore:
    return ConnectionStore(workspace().folder)


def _register(source: ActiveSource) -> ActiveSource:
    with _LOCK:
        _SOURCES[source.snap.dataset_id] = source
    return source


def get(dataset_id: str) -> ActiveSource:
    """The registered source of ``dataset_id`` (the workspace's current dataset as fallback)."""
    with _LOCK:
        source = _SOURCES.get(dataset_id)
    if source is not None:
        return source
    ws = workspace()
    snap = ws.snapshot(dataset_id)
    if snap is None:
        raise LookupError(f"dataset {dataset_id} is no longer in the workspace")
    return _register(ActiveSource(snap, ws.engine(snap)))


def secrets_connections() -> dict[str, dict]:
    """``[connections.<name>]`` blocks of ``.streamlit/secrets.toml`` (none without the file)."""
    try:
        if not st.secrets.load_if_toml_exists():
            return {}
        blocks = st.secrets.get("connections", {})
    except Exception:  # noqa: BLE001 - an unreadable secrets file means no connections
        return {}
    return {str(name): dict(block) for name, block in blocks.items() if hasattr(block, "keys")}


#: A random key per process: ids made from connection settings cannot be recomputed outside.
_SALT = secrets.token_bytes(32)


def _keyed(*parts: str) -> str:
    return hmac.new(_SALT, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:12]


def connection_key(spec: ConnectionSpec, mapping: DatabaseMapping | None = None) -> str:
    """A short id of the connection's settings and mapping, for widget keys and dataset ids.

    Made from everything but the password (driver, host, port, database, user,
    schema; a warehouse URL without its password), so it tells nothing about it.
    """
    url = ""
    if spec.url_text:
        url = spec.url().render_as_string(hide_password=True)
    return _keyed(spec.driver, spec.host or "", str(spec.port or ""), spec.database or "",
                  spec.user or "", spec.schema or "", url,
                  mapping.fingerprint() if mapping is not None else "")


def login_key(spec: ConnectionSpec) -> str:
    """The engine cache's key: the settings *and* the password, keyed with :data:`_SALT`
    (server side only, never shown): another password never gets this engine."""
    return _keyed(connection_key(spec), spec.password or "", spec.url_text or "")


def db_folders() -> tuple:
    """Folders database files may be opened from: ``[database] allowed_folders`` of
    secrets.toml and ``SEG_DB_FOLDERS``."""
    configured: list = []
    try:
        if st.secrets.load_if_toml_exists():
            value = (st.secrets.get("database") or {}).get("allowed_folders") or []
            configured = [str(v) for v in value] if not isinstance(value, str) else [value]
    except Exception:  # noqa: BLE001 - an unreadable secrets file allows no folder
        configured = []
    return allowed_folders(configured)


def refused_folders() -> tuple:
    """Never opened as a database file: the workspace (settings, saved connections, users)."""
    return (workspace().folder,)


def open_source_engine(spec: ConnectionSpec) -> sa.Engine:
    """A new pooled read-only engine for ``spec`` (pooled per login by
    :mod:`ui.caches.database`)."""
    engine = open_engine(spec, statement_timeout_s=STATEMENT_TIMEOUT_S, folders=db_folders(),
                         refused=refused_folders())
    return query_cancel.attach(engine)  # Stop / Cancel reach the running query


def display_name(spec: ConnectionSpec) -> str:
    """A short name for an unnamed connection: ``ops @ db.example.com · sales``, or the file."""
    if spec.driver in ("sqlite", "duckdb"):
        return str(spec.database).replace("\\", "/").rsplit("/", 1)[-1]
    name = f"{spec.database or spec.driver} @ {spec.host}"
    return name + (f" · {spec.schema}" if spec.schema else "")


def connect(spec: ConnectionSpec, mapping: DatabaseMapping, *, engine: sa.Engine, name: str,
            origin: str, refresh: int = 0) -> ActiveSource:
    """Check ``mapping`` on the database (read through ``engine``, the login's pooled
    engine) and register it as a source.

    Raises :class:`ConnectionError_` with a message for the user when the
    database cannot be reached or the mapping does not fit.
    """
    summary = check_mapping(engine, spec, mapping)
    snap = Snapshot(
        dataset_id=f"db-{connection_key(spec, mapping)}-{refresh}", file="",
        source="database",
        label=name or display_name(spec),
        loaded_at=datetime.now(UTC).isoformat(timespec="seconds"), rows=dict(summary.rows),
        date_min=summary.date_min, date_max=summary.date_max,
        n_customers=summary.n_customers, n_branches=summary.n_branches)
    return _register(ActiveSource(snap, engine, mapping.table_names(), spec, mapping,
                                  name=name or display_name(spec), origin=origin))


def activate(source: ActiveSource, *, refresh: int = 0) -> None:
    """Make ``source`` the session's source (pages rerun against it)."""
    chosen = state().source
    chosen.source_id = source.snap.dataset_id
    chosen.ref = {"origin": source.origin, "name": source.name, "refresh": refresh}
    chosen.lost = None


def deactivate() -> None:
    """Back to the workspace dataset."""
    chosen = state().source
    chosen.source_id = chosen.ref = None


def connected_id() -> str | None:
    """The dataset id of the connected database; ``None`` while the workspace is read."""
    return state().source.source_id


def current_ref() -> dict | None:
    """How the connected database was chosen: ``{"origin", "name", "refresh"}`` (``origin``
    ``"secrets"``, ``"saved"`` or ``"session"``); ``None`` while the workspace is read."""
    return state().source.ref


def lost_source() -> str | None:
    """The name of a connection that could not be restored after a restart, if any."""
    return state().source.lost


def rerun_quietly() -> None:
    """Rerun the whole page for a reason of the app's own (the background job stored its
    results), keeping this run's one-run notices for the user to read."""
    state().source.quiet_rerun = True
    st.rerun()


def replaced_by() -> str | None:
    """On the run another session's load switched this one: the new dataset id."""
    return state().source.replaced


def refresh(source: ActiveSource) -> ActiveSource:
    """Re-check the database and start fresh caches (a new dataset id)."""
    count = int((current_ref() or {}).get("refresh", 0)) + 1
    new = connect(source.spec, source.mapping, engine=source.engine, name=source.name,
                  origin=source.origin, refresh=count)
    activate(new, refresh=count)
    with _LOCK:
        if source.snap.dataset_id != new.snap.dataset_id:
            _SOURCES.pop(source.snap.dataset_id, None)
    return new


def named_connection(origin: str, name: str) -> tuple[ConnectionSpec | None, DatabaseMapping]:
    """The spec (``None`` when a saved one needs its password entered) and the saved mapping."""
    return database.named_connection(origin, name, store=store(),
                                     secrets=secrets_connections() if origin == "secrets" else {})


def active(reconnect: Callable[[str, str], ActiveSource] | None = None) -> ActiveSource:
    """The session's source; the workspace dataset unless a database is connected.

    ``reconnect(origin, name)`` connects a named connection again after a server
    restart (:func:`ui.connect.connect_named`); without it, or when it fails, the
    session falls back to the workspace and :func:`lost_source` names the connection.
    """
    source_id = connected_id()
    if source_id is not None:
        with _LOCK:
            source = _SOURCES.get(source_id)
        if source is not None:
            return source
        ref = current_ref() or {}
        try:  # the server restarted: reconnect a named connection silently
            if reconnect is not None and ref.get("origin") in ("secrets", "saved"):
                source = reconnect(ref["origin"], ref["name"])
                activate(source)
                return source
        except ConnectionError_:
            pass
        deactivate()
        state().source.lost = ref.get("name") or "?"
    return _workspace_source()


def loaded_here(snap: Snapshot) -> None:
    """This session loaded ``snap`` (an upload, the sample): it reads it from now on,
    and switching to it needs no "replaced by another user" notice."""
    chosen = state().source
    chosen.own_load = snap.dataset_id
    try:
        lease = workspace().lease(snap)
    except LookupError:  # already replaced by others' loads: the next run switches
        return
    if chosen.lease is not None:
        chosen.lease.release()
    chosen.lease = lease
    chosen.replaced = None


def _workspace_source() -> ActiveSource:
    """The workspace dataset of this run, leased for the session.

    The pointer is read once per run (``_frame_run_id``, counted by ``app.py``),
    so every page part of one run reads the same dataset, and the lease keeps
    its file while the session reads it. When the pointer names another dataset,
    the session switches on this run, releases the old lease, and sets
    ``replaced`` (the new id) for the sidebar notice unless this session made
    the load itself (:func:`loaded_here`). The notice lasts until the user's next
    run: a rerun started by the background job (:func:`rerun_quietly`) keeps it.
    """
    ws = workspace()
    chosen = state().source
    run = st.session_state.get("_frame_run_id")
    held = chosen.lease
    if held is not None and held.released:
        held = None
    if held is None or run is None or chosen.lease_run != run:
        if chosen.quiet_rerun:  # the job's rerun: the user has not seen the notice yet
            chosen.quiet_rerun = False
        else:
            chosen.replaced = None
        current = ensure_dataset(ws)
        if held is None or held.snapshot.dataset_id != current.dataset_id:
            try:
                lease = ws.lease(current)
            except LookupError:  # replaced twice more since the pointer was read
                lease = ws.lease()
            if held is not None:
                held.release()
                if lease.snapshot.dataset_id != chosen.own_load:
                    chosen.replaced = lease.snapshot.dataset_id
            chosen.lease = held = lease
        chosen.lease_run = run
    snap = held.snapshot
    with _LOCK:
        source = _SOURCES.get(snap.dataset_id)
    return source or _register(ActiveSource(snap, ws.engine(snap)))
