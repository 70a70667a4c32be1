"""Where a dataset's stored results live in the workspace, and their removal.

``<workspace>/derived/<dataset_id>/`` holds the results computed once per dataset
(:class:`~segmentation.precompute.store.DerivedStore`). The folder goes with its
dataset: :meth:`segmentation.workspace.Workspace.replace` removes the folders of
the datasets it collects (:func:`collect_derived`). Only standard-library imports
here, so that the workspace can call it without loading pandas.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

DERIVED = "derived"
#: dataset ids the workspace makes (``20240630120000-1a2b3c4d``) or a database
#: source gets (``db-<key>-<refresh>``); anything else is never a folder name
_ID = re.compile(r"^(?:\d{14}-[0-9a-f]{8}|db-[0-9a-f]{6,64}-\d{1,9})$")
#: a connected database's stored results are kept this long after their last write
#: (its ids are keyed per server process, so no later process reads them again)
DATABASE_KEEP_S = 7 * 24 * 3600


def valid_dataset_id(dataset_id: str) -> bool:
    """True for an id the workspace or a database source makes (safe as a folder name)."""
    return bool(_ID.match(str(dataset_id)))


def derived_folder(workspace_folder: str | Path, dataset_id: str) -> Path:
    """``<workspace>/derived/<dataset_id>``; ``ValueError`` for anything but a dataset id."""
    if not valid_dataset_id(dataset_id):
        raise ValueError(f"not a dataset id: {dataset_id!r}")
    return Path(workspace_folder) / DERIVED / dataset_id


def remove_derived(workspace_folder: str | Path, dataset_id: str) -> bool:
    """Remove the stored results of ``dataset_id``; ``True`` when there were some."""
    folder = derived_folder(workspace_folder, dataset_id)
    if not folder.exists():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def collect_derived(workspace_folder: str | Path, keep: Iterable[str], *,
                    now: float | None = None) -> list[str]:
    """Remove the stored results of workspace datasets not in ``keep`` (the datasets whose
    files remain), and of databases not written for :data:`DATABASE_KEEP_S`."""
    root = Path(workspace_folder) / DERIVED
    if not root.is_dir():
        return []
    keep = set(keep)
    now = time.time() if now is None else now
    removed = []
    for folder in sorted(root.iterdir()):
        name = folder.name
        if not folder.is_dir() or not valid_dataset_id(name) or name in keep:
            continue
        if name.startswith("db-") and now - folder.stat().st_mtime < DATABASE_KEEP_S:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(name)
    return removed
