"""The embedded workspace: the current dataset in a DuckDB file, replaced atomically.

Layout of the workspace folder (default ``data/workspace`` in the repository,
overridable with the ``SEG_WORKSPACE`` environment variable or an argument)::

    current.json               pointer to the active dataset + its metadata
    history.jsonl              one line per load that became current, oldest first
    dataset-<id>.duckdb        one file per loaded dataset (canonical tables)
    .current.json.lock         the load lock (:func:`segmentation.locking.file_lock`)
    derived/<id>/              results computed once per dataset (:mod:`segmentation.precompute`),
                               removed with the dataset file

The folder and the folders in it are ``0700``, every file the app writes there
``0600`` (they hold names and phones), whatever the umask
(:mod:`segmentation.storage`).

Several sessions of the app (threads) and batch runs (processes) share the
folder. The rules that keep them apart:

- **Loads are serialised.** A load writes its DuckDB file under a temporary
  name (``.dataset-<id>.duckdb.tmp``, no lock needed: the name is unique), then,
  holding the load lock, renames it to ``dataset-<id>.duckdb``, writes
  ``current.json`` with :func:`~segmentation.storage.atomic_write`, appends the
  snapshot to ``history.jsonl`` and collects old files. Two loads at once both
  become current, one after the other; none is lost.
- **The pointer names only complete datasets.** A dataset file gets its final
  name only once it is fully written and checkpointed, and the pointer is
  swapped after that. A failed or interrupted load never touches the pointer.
- **Readers hold a lease.** :meth:`Workspace.lease` takes a shared ``flock`` on
  the dataset file itself; each lease has its own open file, so threads of one
  process and other processes count alike, and the kernel drops the lease of a
  process that dies. A session keeps reading the dataset it leased, even when
  another session loads a new one, until it takes a new lease.
- **Old files go only when unused.** After each load the files of the current
  dataset and of the :data:`KEEP_PREVIOUS` loads before it are kept. Any other
  dataset file is removed only if an exclusive ``flock`` on it succeeds at once,
  i.e. no reader holds a lease on it; a held file stays until a later load finds
  it free. A reader that opened a file just before it was removed sees it
  unlinked (link count 0) once its shared lock is granted, and takes the then
  current dataset instead; so a lease is never granted on a removed file.

Keeping the previous datasets also protects readers that skip the lease
(:meth:`Workspace.current` then :meth:`Workspace.engine`): their file survives
the next two loads.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import threading
import time
import uuid
import weakref
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .locking import file_lock
from .precompute.folders import collect_derived
from .schema import COLUMN_KINDS, TABLES, columns_of
from .storage import PRIVATE_FILE, atomic_write, make_private, private_folder

if TYPE_CHECKING:  # pandas, SQLAlchemy and DuckDB load with the first table read or written
    import pandas as pd
    import sqlalchemy as sa

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "data" / "workspace"
POINTER = "current.json"
HISTORY = "history.jsonl"
#: datasets kept besides the current one, whether or not a reader holds them
KEEP_PREVIOUS = 2
_DATASET_GLOB = "dataset-*.duckdb"


def default_folder() -> Path:
    """The workspace folder: ``$SEG_WORKSPACE`` if set, else ``data/workspace``."""
    env = os.environ.get("SEG_WORKSPACE")
    return Path(env) if env else DEFAULT_FOLDER


@dataclass(frozen=True)
class Snapshot:
    """Metadata of one loaded dataset (what ``current.json`` holds)."""

    dataset_id: str
    file: str
    source: str
    label: str
    loaded_at: str
    rows: Mapping[str, int] = field(default_factory=dict)
    date_min: str | None = None
    date_max: str | None = None
    n_customers: int = 0
    n_branches: int = 0

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(t for t in TABLES if t in self.rows)

    def to_json(self) -> dict:
        return {k: (dict(v) if isinstance(v, Mapping) else v) for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, data: Mapping) -> Snapshot:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


class Lease:
    """A reader's hold on one dataset file: while it is held, no load removes the file.

    Obtained from :meth:`Workspace.lease`; release it with :meth:`release` or a
    ``with`` block. A lease that is garbage-collected (a closed browser session)
    or whose process ends is released too.
    """

    def __init__(self, snapshot: Snapshot, fd: int):
        # closing fd also drops this process's POSIX (fcntl) locks on the file,
        # DuckDB's read lock among them; harmless, as no one opens a dataset file
        # for writing once it has its final name
        self.snapshot = snapshot
        self._finalizer = weakref.finalize(self, os.close, fd)

    @property
    def released(self) -> bool:
        return not self._finalizer.alive

    def release(self) -> None:
        """Let loads remove the file (idempotent)."""
        self._finalizer()

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        state = "released" if self.released else "held"
        return f"Lease({self.snapshot.dataset_id}, {state})"


class Workspace:
    """The folder that holds the active dataset.

    Parameters
    ----------
    folder : where the DuckDB files and ``current.json`` live; created on demand.
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()
        self._engines: dict[str, sa.Engine] = {}
        self._engines_lock = threading.Lock()

    # -- reading -------------------------------------------------------------
    def current(self) -> Snapshot | None:
        """The active dataset, or ``None`` when nothing was loaded yet."""
        pointer = self.folder / POINTER
        try:
            data = json.loads(pointer.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        snap = Snapshot.from_json(data)
        if not (self.folder / snap.file).exists():
            return None
        return snap

    def history(self) -> list[Snapshot]:
        """Every load that became current, oldest first (damaged lines are skipped)."""
        try:
            lines = (self.folder / HISTORY).read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                out.append(Snapshot.from_json(json.loads(line)))
            except (ValueError, TypeError):
                continue
        return out

    def snapshot(self, dataset_id: str) -> Snapshot | None:
        """The snapshot of ``dataset_id`` while its file is still in the folder, else ``None``."""
        current = self.current()
        if current is not None and current.dataset_id == dataset_id:
            return current
        for snap in reversed(self.history()):
            if snap.dataset_id == dataset_id:
                return snap if (self.folder / snap.file).exists() else None
        return None

    def dataset_ids(self) -> list[str]:
        """Ids of the datasets whose files are in the folder (current, kept, leased)."""
        return sorted(p.name.removeprefix("dataset-").removesuffix(".duckdb")
                      for p in self.folder.glob(_DATASET_GLOB))

    def lease(self, snapshot: Snapshot | None = None) -> Lease:
        """Hold a dataset for reading: the given one, or the current one.

        Raises
        ------
        LookupError
            When the workspace holds no dataset yet, or ``snapshot``'s file was
            removed already.
        """
        for _ in range(100):
            snap = snapshot or self.current()
            if snap is None:
                raise LookupError("the workspace holds no dataset yet")
            fd = _hold_shared(self.folder / snap.file)
            if fd is not None:
                return Lease(snap, fd)
            if snapshot is not None:
                raise LookupError(f"dataset {snapshot.dataset_id} was removed")
        raise LookupError("the workspace changed too often to take a lease")  # pragma: no cover

    def engine(self, snapshot: Snapshot | None = None) -> sa.Engine:
        """A read-only SQLAlchemy engine on the active (or given) dataset.

        Hold a :meth:`lease` on the snapshot while using the engine, or the file
        may be removed after :data:`KEEP_PREVIOUS` further loads.
        """
        snap = snapshot or self.current()
        if snap is None:
            raise LookupError("the workspace holds no dataset yet")
        path = self.folder / snap.file
        key = str(path)
        with self._engines_lock:
            engine = self._engines.get(key)
            if engine is None:
                self._drop_engines(lambda p: not Path(p).exists())
                engine = self._engines[key] = duckdb_engine(
                    f"duckdb:///{path}", connect_args={"read_only": True})
        return engine

    def read(self, table: str, snapshot: Snapshot | None = None) -> pd.DataFrame:
        """One canonical table of the active dataset as a DataFrame."""
        import pandas as pd
        import sqlalchemy as sa

        snap = snapshot or self.current()
        if snap is None or table not in snap.rows:
            raise LookupError(f"the workspace holds no {table} table")
        # through the engine: DuckDB refuses a second, differently configured
        # connection to a file that the engine already holds open
        with self.lease(snap), self.engine(snap).connect() as conn:
            result = conn.execute(sa.text(f'SELECT * FROM "{table}"'))
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        for col, kind in COLUMN_KINDS.items():
            if col in frame.columns and kind == "date":
                frame[col] = pd.to_datetime(frame[col])
        return frame

    def scope_values(self, snapshot: Snapshot | None = None) -> dict[str, frozenset[str]]:
        """The branch and region names of the active (or given) dataset.

        ``{"branch": ..., "region": ...}`` from ``customers.branch`` /
        ``customers.region`` and ``transactions.branch``, read with ``SELECT
        DISTINCT`` inside DuckDB (no rows travel). Raises ``LookupError`` when
        nothing was loaded yet.

        Read through DuckDB itself, not SQLAlchemy (whose import alone takes longer
        than the queries: ``users list`` checks every user's scope this way), unless
        this process already holds an engine on the file (DuckDB refuses a second,
        differently configured connection to it).
        """
        snap = snapshot or self.current()
        if snap is None:
            raise LookupError("the workspace holds no dataset yet")
        with self.lease(snap):
            path = self.folder / snap.file
            if str(path) not in self._engines:
                import duckdb

                try:
                    con = duckdb.connect(str(path), read_only=True)
                except duckdb.ConnectionException:  # an engine of another Workspace
                    pass
                else:
                    with con:
                        return _scope_values(con.execute)
            with self.engine(snap).connect() as conn:
                import sqlalchemy as sa

                return _scope_values(lambda sql: conn.execute(sa.text(sql)))

    # -- writing -------------------------------------------------------------
    def replace(self, tables: Mapping[str, pd.DataFrame], *, source: str, label: str = "",
                if_empty: bool = False) -> Snapshot:
        """Make ``tables`` (clean canonical frames) the active dataset, atomically.

        Parameters
        ----------
        tables : ``{table name: frame}`` with canonical columns; ``transactions`` required.
        source : ``"sample"``, ``"upload"``, ``"database"`` … shown in the sidebar.
        label : a short human description (file names).
        if_empty : load only when the workspace holds no dataset yet (first start);
            otherwise the current dataset is returned and nothing changes.

        Returns
        -------
        The new :class:`Snapshot`. On any exception the previous dataset stays active.

        Raises
        ------
        segmentation.locking.LockTimeout
            When another load held the lock for longer than its timeout.
        """
        if "transactions" not in tables:
            raise ValueError("a dataset needs a transactions table")
        private_folder(self.folder)
        dataset_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:8]
        final = self.folder / f"dataset-{dataset_id}.duckdb"
        tmp = self.folder / f".dataset-{dataset_id}.duckdb.tmp"
        try:
            rows = _write_duckdb(tmp, tables)  # the slow part, outside the lock
            snap = _describe(tables, dataset_id=dataset_id, file=final.name, source=source,
                             label=label, rows=rows)
            with file_lock(self.folder / POINTER):
                if if_empty and (existing := self.current()) is not None:
                    return existing
                # renamed under the lock: a concurrent load's clean-up would
                # otherwise see a finished file that no pointer names yet
                os.replace(tmp, final)
                snap = dataclasses.replace(
                    snap, loaded_at=datetime.now(UTC).isoformat(timespec="seconds"))
                try:
                    atomic_write(self.folder / POINTER, json.dumps(
                        snap.to_json(), ensure_ascii=False, indent=1).encode("utf-8"))
                except BaseException:
                    final.unlink(missing_ok=True)
                    raise
                history = self._append_history(snap)
                self._collect(snap, history)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
        return snap

    def _append_history(self, snap: Snapshot) -> list[Snapshot]:
        """Add ``snap`` to the load history (under the load lock); returns the history."""
        line = json.dumps(snap.to_json(), ensure_ascii=False) + "\n"
        fd = os.open(self.folder / HISTORY, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return self.history()

    def _collect(self, current: Snapshot, history: list[Snapshot]) -> list[str]:
        """Remove the dataset files that are neither kept nor leased (under the load lock)."""
        keep = {current.file} | {s.file for s in history[-(KEEP_PREVIOUS + 1):]}
        removed = []
        for path in sorted(self.folder.glob(_DATASET_GLOB)):
            if path.name not in keep and _remove_unless_held(path):
                removed.append(path.name)
        # the results stored beside a dataset go with it (a held dataset keeps them)
        collect_derived(self.folder, (p.name.removeprefix("dataset-").removesuffix(".duckdb")
                                      for p in self.folder.glob(_DATASET_GLOB)))
        if removed:
            gone = {str(self.folder / name) for name in removed}
            with self._engines_lock:
                self._drop_engines(gone.__contains__)
        return removed

    def _drop_engines(self, stale) -> None:
        for key in [k for k in self._engines if stale(k)]:
            self._engines.pop(key).dispose()


def _scope_values(execute) -> dict[str, frozenset[str]]:
    """:meth:`Workspace.scope_values` through ``execute(sql) -> rows``."""
    out: dict[str, set[str]] = {"branch": set(), "region": set()}
    present = {(str(t), str(c)) for t, c in execute(
        "SELECT table_name, column_name FROM information_schema.columns").fetchall()}
    for table, column in (("customers", "branch"), ("customers", "region"),
                          ("transactions", "branch")):
        if (table, column) not in present:
            continue
        rows = execute(f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{table}" '
                       f'WHERE "{column}" IS NOT NULL').fetchall()
        out[column].update(str(value) for (value,) in rows)
    return {column: frozenset(values) for column, values in out.items()}


def _hold_shared(path: Path) -> int | None:
    """An open file with a shared lock on ``path``; ``None`` when the file is gone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:  # a clean-up is deciding; it holds the lock briefly
                time.sleep(0.001)
        if os.fstat(fd).st_nlink == 0:  # removed before our lock was granted
            os.close(fd)
            return None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _remove_unless_held(path: Path) -> bool:
    """Unlink ``path`` if no lease holds it; ``True`` when it was removed."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        Path(str(path) + ".wal").unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


def _describe(tables: Mapping[str, pd.DataFrame], **fields) -> Snapshot:
    """The snapshot of freshly written ``tables`` (``loaded_at`` is set at the swap)."""
    import pandas as pd

    tx = tables["transactions"]
    dates = pd.to_datetime(tx["date"])
    branches = set()
    for name in ("transactions", "customers"):
        frame = tables.get(name)
        if frame is not None and "branch" in frame.columns:
            branches |= set(frame["branch"].dropna().unique())
    return Snapshot(
        loaded_at="", **fields,
        date_min=None if dates.empty else dates.min().date().isoformat(),
        date_max=None if dates.empty else dates.max().date().isoformat(),
        n_customers=int(tx["customer_id"].nunique()), n_branches=len(branches),
    )


def _write_duckdb(path: Path, tables: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Write canonical frames into a new DuckDB file; date columns become DATE."""
    import duckdb

    with duckdb.connect(str(path)) as con:
        make_private(path, PRIVATE_FILE)  # before any row is written (the folder is 0700 too)
        rows = _create_tables(con, tables)
        con.execute("CHECKPOINT")
    make_private(path, PRIVATE_FILE)
    return rows


def _create_tables(con, tables: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """``CREATE TABLE`` each canonical frame in the DuckDB connection ``con`` (dates as
    DATE, numbers as DOUBLE, the rest as VARCHAR), read by DuckDB from Arrow; rows per
    table."""
    rows: dict[str, int] = {}
    con.execute("SET enable_progress_bar = false")  # no bar on a batch run's stderr
    for name in TABLES:
        frame = tables.get(name)
        if frame is None:
            continue
        cols = [c for c in columns_of(name) if c in frame.columns]
        select = []
        for col in cols:
            kind = COLUMN_KINDS.get(col, "text")
            if kind == "date":
                select.append(f'CAST("{col}" AS DATE) AS "{col}"')
            elif kind == "number":
                select.append(f'CAST("{col}" AS DOUBLE) AS "{col}"')
            else:
                select.append(f'CAST("{col}" AS VARCHAR) AS "{col}"')
        con.register("_incoming", _as_arrow(frame[cols]))
        try:
            con.execute(f'CREATE TABLE "{name}" AS SELECT {", ".join(select)} FROM _incoming')
        finally:
            con.unregister("_incoming")
        rows[name] = len(frame)
    return rows


#: Set on every DuckDB connection of an engine made here. Memory DuckDB frees in bulk
#: (a finished aggregate's hash tables) goes back to the system at once rather than
#: staying cached in its allocator: at a million customers the customer view otherwise
#: keeps up to 0.3 GB it no longer uses beside the frame it then builds (a peak of
#: 1.39-1.52 GB instead of 1.23 GB), for about 0.5 s (8 %) more time.
DUCKDB_SETTINGS = ("SET allocator_bulk_deallocation_flush_threshold = '0MB'",)


def duckdb_engine(url: str, **kwargs) -> sa.Engine:
    """``sqlalchemy.create_engine(url, **kwargs)`` for a DuckDB ``url``, with
    :data:`DUCKDB_SETTINGS` applied to each new connection."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, **kwargs)

    @sa.event.listens_for(engine, "connect")
    def _settings(dbapi_connection, _record) -> None:
        for statement in DUCKDB_SETTINGS:
            dbapi_connection.execute(statement)

    return engine


def memory_engine(tables: MutableMapping[str, pd.DataFrame], *,
                  release: bool = False) -> sa.Engine:
    """A SQLAlchemy engine on an in-memory DuckDB database holding ``tables`` as a
    workspace dataset holds them (same tables, columns and types), for a one-off run
    such as the batch CLI's: nothing is written to disk, and the frames may be dropped
    once it is made (DuckDB keeps its own copy).

    With ``release`` (``tables`` is the caller's own dict) each frame is removed from
    ``tables`` as soon as DuckDB holds its rows, and the memory Arrow kept for freed
    buffers is handed back to the system at the end: the frames and DuckDB's copy are
    never all in memory at once, and what the frames held is not kept beside DuckDB
    for the rest of the run (about 1 GB for ten million transactions).

    The engine has one connection (a second one would see an empty database); dispose
    of it to free the memory.
    """
    from sqlalchemy.pool import StaticPool

    if "transactions" not in tables:
        raise ValueError("a dataset needs a transactions table")
    engine = duckdb_engine("duckdb:///:memory:", poolclass=StaticPool)
    try:
        with engine.connect() as conn:
            con = conn.connection.driver_connection
            for name in [t for t in TABLES if t in tables]:
                frame = tables.pop(name) if release else tables[name]
                _create_tables(con, {name: frame})
                del frame
            conn.commit()
    except BaseException:
        engine.dispose()
        raise
    if release:
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    return engine


def _as_arrow(frame: pd.DataFrame):
    """``frame`` as an Arrow table for DuckDB to read: pyarrow-backed text passes without a
    copy (DuckDB's own pandas scan converts it value by value: ~30 s for ten million
    rows); a frame Arrow cannot hold as it is (mixed objects) is handed over as it is."""
    import pyarrow as pa

    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return frame


SAMPLE_FOLDER = Path(__file__).resolve().parent.parent / "data" / "sample"


def load_sample(workspace: Workspace, folder: str | Path | None = None, *,
                if_empty: bool = False) -> Snapshot:
    """Load the bundled sample branch network into ``workspace`` (validated like an upload).

    With ``if_empty`` the sample is loaded only into an empty workspace (see
    :meth:`Workspace.replace`).
    """
    import pandas as pd

    from .cleaning import prepare_dataset

    folder = Path(folder) if folder is not None else SAMPLE_FOLDER
    raws = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES
            if (folder / f"{name}.parquet").exists()}
    dataset = prepare_dataset(raws)
    snap = workspace.replace(dataset.tables, source="sample", label="sample", if_empty=if_empty)
    from .campaigns.sample import register_sample_campaign  # its campaign, kept with it

    register_sample_campaign(workspace, folder)
    return snap


def ensure_dataset(workspace: Workspace) -> Snapshot:
    """The active dataset; the bundled sample is loaded on first use (once, when several
    sessions start together)."""
    return workspace.current() or load_sample(workspace, if_empty=True)
