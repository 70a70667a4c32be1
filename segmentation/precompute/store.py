"""The results stored beside a dataset: Parquet files and one JSON manifest.

Layout of ``<workspace>/derived/<dataset_id>/`` (:func:`derived_folder`)::

    manifest.json                  what is stored, under which key, in which files
    view-<digest>.parquet          the customer view of a network key
    cubes-<digest>-activity.parquet, cubes-<digest>-surveys.parquet
    churn-<digest>-scores.parquet  and the backtest's tables (``-bt_*.parquet``)
    lifecycle-<digest>-*.parquet

Every entry is named by the frozen key of what it holds
(:class:`~segmentation.keys.AnalysisKey`, :class:`~segmentation.keys.ChurnKey`;
only network-wide keys are stored: no filters, no scope, names included). A
writer writes its files with :func:`~segmentation.storage.atomic_write`, then adds
the entry to the manifest under :func:`~segmentation.locking.file_lock`, so a
reader (another thread, another process) sees a whole entry or none; the
manifest itself is replaced atomically, so readers take no lock. Tables go to
Parquet, the few figures and settings beside them to JSON
(:mod:`~segmentation.precompute.codec`): no pickle.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..keys import AnalysisKey, ChurnKey
from ..locking import file_lock
from ..storage import atomic_write
from . import codec
from .folders import derived_folder, remove_derived

MANIFEST = "manifest.json"
#: the manifest's format; another number is read as "nothing stored"
FORMAT = 1


def key_fields(key: AnalysisKey | ChurnKey) -> dict:
    """The JSON fields of a network key (``ValueError`` for a filtered or scoped one)."""
    analysis = key.analysis if isinstance(key, ChurnKey) else key
    if not analysis.is_network:
        raise ValueError("only network-wide results are stored (no filters, no scope)")
    out = {"dataset_id": analysis.dataset_id, "as_of": analysis.as_of.isoformat(),
           "window_days": analysis.window_days}
    if isinstance(key, ChurnKey):
        out.update(horizon_days=key.horizon_days, lost_after_days=key.lost_after_days)
    return out


def entry_name(kind: str, key: AnalysisKey | ChurnKey, *extra: object) -> str:
    """``<kind>-<digest of the key>``: a file-name-safe name of one stored result."""
    text = json.dumps([kind, key_fields(key), [str(e) for e in extra]], sort_keys=True)
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


#: prefix of the columns that hold a stored frame's named index levels
INDEX_PREFIX = "__index__"


def frame_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as Parquet (index included; ``attrs`` are not: store them as meta).

    Named index levels (the customer ids of a view or of scores) are stored as plain
    columns named ``__index__<name>`` and made the index again by :func:`read_frame`:
    pyarrow rebuilds a stored string index through Python objects, which cost about a
    second per million customers on every read; a column stays Arrow-backed.
    """
    buffer = io.BytesIO()
    plain = frame.copy(deep=False)
    plain.attrs = {}
    names = list(plain.index.names)
    if not isinstance(plain.index, pd.RangeIndex) and all(
            isinstance(n, str) and n not in plain.columns for n in names):
        plain = plain.reset_index().rename(columns={n: INDEX_PREFIX + n for n in names})
        plain.to_parquet(buffer, index=False)
    else:
        plain.to_parquet(buffer, index=True)
    return buffer.getvalue()


def read_frame(path: Path) -> pd.DataFrame:
    """A frame written by :func:`frame_bytes`, its named index levels restored."""
    frame = pd.read_parquet(path)
    levels = [c for c in frame.columns if isinstance(c, str) and c.startswith(INDEX_PREFIX)]
    if levels:
        frame = frame.set_index(levels)
        frame.index.names = [c[len(INDEX_PREFIX):] for c in levels]
    return frame


class DerivedStore:
    """The stored results of one dataset in a workspace folder.

    Parameters
    ----------
    workspace_folder : the workspace (``Workspace.folder``).
    dataset_id : the dataset's id (``Snapshot.dataset_id``).
    """

    def __init__(self, workspace_folder: str | Path, dataset_id: str):
        self.dataset_id = dataset_id
        self.folder = derived_folder(workspace_folder, dataset_id)
        self._workspace = Path(workspace_folder)

    # -- the manifest ------------------------------------------------------------
    def manifest(self) -> dict:
        """What is stored: ``{"format", "dataset_id", "entries", "defaults"}``."""
        try:
            data = codec.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            data = {}
        if data.get("format") != FORMAT or data.get("dataset_id") != self.dataset_id:
            return {"format": FORMAT, "dataset_id": self.dataset_id, "entries": {},
                    "defaults": None}
        return data

    def _update(self, change) -> None:
        """Apply ``change(manifest)`` to the manifest under its lock, atomically."""
        path = self.folder / MANIFEST
        with file_lock(path):
            data = self.manifest()
            change(data)
            atomic_write(path, codec.dumps(data).encode("utf-8"))

    def entry(self, name: str) -> dict | None:
        return self.manifest()["entries"].get(name)

    # -- generic entries ------------------------------------------------------------
    def put(self, name: str, *, kind: str, key: AnalysisKey | ChurnKey,
            frames: Mapping[str, pd.DataFrame | None], meta: Mapping | None = None) -> None:
        """Store ``frames`` (``None`` values are recorded as absent) and ``meta`` as one
        entry named ``name``: the files first, then the manifest."""
        files = {}
        for part, frame in frames.items():
            if frame is None:
                files[part] = None
                continue
            file = f"{name}-{part}.parquet"
            atomic_write(self.folder / file, frame_bytes(frame))
            files[part] = file
        record = {"kind": kind, "key": key_fields(key), "files": files,
                  "meta": dict(meta or {})}

        def add(data: dict) -> None:
            data["entries"][name] = record

        self._update(add)

    def get(self, name: str) -> tuple[dict[str, pd.DataFrame | None], dict] | None:
        """``(frames, meta)`` of the entry ``name``; ``None`` when it is not (or no longer)
        stored."""
        record = self.entry(name)
        if record is None:
            return None
        frames: dict[str, pd.DataFrame | None] = {}
        try:
            for part, file in record["files"].items():
                frames[part] = None if file is None else read_frame(self.folder / file)
        except FileNotFoundError:  # removed with its dataset meanwhile
            return None
        return frames, record["meta"]

    # -- the dataset's defaults -----------------------------------------------------------
    def set_defaults(self, defaults: Mapping) -> None:
        """Record the dataset's default key and definitions (``complete`` once all stored)."""

        def put(data: dict) -> None:
            data["defaults"] = dict(defaults)

        self._update(put)

    def defaults(self) -> dict | None:
        """``{"as_of", "window_days", "horizon", "lost_after", "complete", "steps"}`` or
        ``None`` before the first step was stored."""
        return self.manifest().get("defaults")

    @property
    def complete(self) -> bool:
        """True when every default result of the dataset is stored."""
        defaults = self.defaults()
        return bool(defaults and defaults.get("complete"))

    def remove(self) -> bool:
        """Remove every stored result of the dataset."""
        return remove_derived(self._workspace, self.dataset_id)
