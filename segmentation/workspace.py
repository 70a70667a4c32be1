"""The embedded workspace: the current dataset in a DuckDB file, replaced atomically.

Layout of the workspace folder (default ``data/workspace`` in the repository,
overridable with the ``SEG_WORKSPACE`` environment variable or an argument)::

    current.json               pointer to the active dataset + its metadata
    dataset-<id>.duckdb        one file per loaded dataset (canonical tables)

A load writes a *new* DuckDB file under a temporary name, renames it into
place and only then swaps ``current.json`` with :func:`os.replace` (atomic on
POSIX). A failed or interrupted load therefore never touches the active
dataset: readers keep seeing the previous pointer and the previous file.
Older dataset files are removed after a successful swap.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

from .schema import COLUMN_KINDS, TABLES, columns_of

DEFAULT_FOLDER = Path(__file__).resolve().parent.parent / "data" / "workspace"
POINTER = "current.json"


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


class Workspace:
    """The folder that holds the active dataset.

    Parameters
    ----------
    folder : where the DuckDB files and ``current.json`` live; created on demand.
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_folder()
        self._engines: dict[str, sa.Engine] = {}

    # -- reading -------------------------------------------------------------
    def current(self) -> Snapshot | None:
        """The active dataset, or ``None`` when nothing was loaded yet."""
        pointer = self.folder / POINTER
        try:
            data = json.loads(pointer.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        snap = Snapshot(**data)
        if not (self.folder / snap.file).exists():
            return None
        return snap

    def engine(self, snapshot: Snapshot | None = None) -> sa.Engine:
        """A read-only SQLAlchemy engine on the active (or given) dataset."""
        snap = snapshot or self.current()
        if snap is None:
            raise LookupError("the workspace holds no dataset yet")
        path = self.folder / snap.file
        key = str(path)
        if key not in self._engines:
            self._engines[key] = sa.create_engine(
                f"duckdb:///{path}", connect_args={"read_only": True}
            )
        return self._engines[key]

    def read(self, table: str, snapshot: Snapshot | None = None) -> pd.DataFrame:
        """One canonical table of the active dataset as a DataFrame."""
        snap = snapshot or self.current()
        if snap is None or table not in snap.rows:
            raise LookupError(f"the workspace holds no {table} table")
        # through the engine: DuckDB refuses a second, differently configured
        # connection to a file that the engine already holds open
        with self.engine(snap).connect() as conn:
            result = conn.execute(sa.text(f'SELECT * FROM "{table}"'))
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        for col, kind in COLUMN_KINDS.items():
            if col in frame.columns and kind == "date":
                frame[col] = pd.to_datetime(frame[col])
        return frame

    # -- writing -------------------------------------------------------------
    def replace(self, tables: Mapping[str, pd.DataFrame], *, source: str, label: str = "",
                _fail_after_write: bool = False) -> Snapshot:
        """Make ``tables`` (clean canonical frames) the active dataset, atomically.

        Parameters
        ----------
        tables : ``{table name: frame}`` with canonical columns; ``transactions`` required.
        source : ``"sample"``, ``"upload"``, ``"database"`` … shown in the sidebar.
        label : a short human description (file names).

        Returns
        -------
        The new :class:`Snapshot`. On any exception the previous dataset stays active.
        """
        if "transactions" not in tables:
            raise ValueError("a dataset needs a transactions table")
        self.folder.mkdir(parents=True, exist_ok=True)
        dataset_id = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:8]
        final = self.folder / f"dataset-{dataset_id}.duckdb"
        tmp = self.folder / f".dataset-{dataset_id}.duckdb.tmp"
        try:
            rows = _write_duckdb(tmp, tables)
            if _fail_after_write:  # lets tests simulate a crash before the swap
                raise RuntimeError("simulated interruption")
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)
            raise
        tx = tables["transactions"]
        dates = pd.to_datetime(tx["date"])
        branches = set()
        for name in ("transactions", "customers"):
            frame = tables.get(name)
            if frame is not None and "branch" in frame.columns:
                branches |= set(frame["branch"].dropna().unique())
        snap = Snapshot(
            dataset_id=dataset_id, file=final.name, source=source, label=label,
            loaded_at=datetime.now(UTC).isoformat(timespec="seconds"), rows=rows,
            date_min=None if dates.empty else dates.min().date().isoformat(),
            date_max=None if dates.empty else dates.max().date().isoformat(),
            n_customers=int(tx["customer_id"].nunique()), n_branches=len(branches),
        )
        pointer_tmp = self.folder / f".{POINTER}.{dataset_id}.tmp"
        pointer_tmp.write_text(json.dumps(snap.to_json(), ensure_ascii=False, indent=1),
                               encoding="utf-8")
        os.replace(pointer_tmp, self.folder / POINTER)
        self._remove_stale(keep=final.name)
        return snap

    def _remove_stale(self, keep: str) -> None:
        for path in self.folder.glob("dataset-*.duckdb"):
            if path.name != keep:
                engine = self._engines.pop(str(path), None)
                if engine is not None:
                    engine.dispose()
                try:
                    path.unlink()
                except OSError:  # still open elsewhere on an unusual platform: harmless
                    pass


def _write_duckdb(path: Path, tables: Mapping[str, pd.DataFrame]) -> dict[str, int]:
    """Write canonical frames into a new DuckDB file; date columns become DATE."""
    rows: dict[str, int] = {}
    with duckdb.connect(str(path)) as con:
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
            con.register("_incoming", frame[cols])
            con.execute(f'CREATE TABLE "{name}" AS SELECT {", ".join(select)} FROM _incoming')
            con.unregister("_incoming")
            rows[name] = len(frame)
        con.execute("CHECKPOINT")
    return rows


SAMPLE_FOLDER = Path(__file__).resolve().parent.parent / "data" / "sample"


def load_sample(workspace: Workspace, folder: str | Path | None = None) -> Snapshot:
    """Load the bundled sample branch network into ``workspace`` (validated like an upload)."""
    from .cleaning import prepare_dataset

    folder = Path(folder) if folder is not None else SAMPLE_FOLDER
    raws = {name: pd.read_parquet(folder / f"{name}.parquet") for name in TABLES
            if (folder / f"{name}.parquet").exists()}
    dataset = prepare_dataset(raws)
    return workspace.replace(dataset.tables, source="sample", label="sample")


def ensure_dataset(workspace: Workspace) -> Snapshot:
    """The active dataset; the bundled sample is loaded on first use."""
    return workspace.current() or load_sample(workspace)
