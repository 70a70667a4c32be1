"""Persona renames kept with the dataset they were made on.

A user may rename the automatic persona of a cluster
(:func:`segmentation.clusters.persona_names`). The new names belong to one
clustering of one dataset: cluster numbers mean something else with another
number of clusters, other features, other filters, or other data. So they are
stored

- per dataset, one file per dataset id::

      <workspace folder>/personas/<dataset_id>.json

  and a newly loaded dataset (a new id) starts with the automatic names;
  :meth:`PersonaStore.prune` removes the files of datasets no longer loaded;
- inside the file, per *scope*: :func:`scope_key` = the library's
  :func:`~segmentation.clusters.persona_key` (``"k=6|frequency,spend,..."``),
  followed by the sidebar filters when some are active.

File format (UTF-8 JSON)::

    {"version": 1, "dataset_id": "<id>",
     "personas": {"k=6|frequency,spend": {"0": "Cross-border sellers", "3": "..."}}}

A rename is one name for every language: it is the name the user chose, not a
translation. Writes are atomic (a temporary file in the same folder, flushed,
then :func:`os.replace`), so a reader sees the old or the new file, never a part.
A save reads the file, changes one scope and writes it back while holding the
folder's :func:`~segmentation.locking.file_lock` (``<workspace>/.personas.lock``),
so two sessions renaming personas at once keep both renames.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import i18n
from .clusters import persona_key
from .locking import file_lock
from .storage import atomic_write

__all__ = ["MAX_NAME_LENGTH", "PERSONAS_FOLDER", "PersonaError", "PersonaStore",
           "clean_renames", "scope_key"]

PERSONAS_FOLDER = "personas"
#: Longest persona name kept (longer names are refused).
MAX_NAME_LENGTH = 60
_VERSION = 1
#: What a dataset id may look like (it becomes a file name).
_DATASET_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")

i18n.register({
    "persona.error.too_long": {
        "en": "The name of cluster {cluster} is too long ({length} characters; at most {max}).",
        "zh": "客群 {cluster} 的名称过长（{length} 个字符，最多 {max} 个）。",
    },
    "persona.error.duplicate": {
        "en": "Two clusters cannot have the same name: “{name}” (clusters {clusters}).",
        "zh": "两个客群不能同名：“{name}”（客群 {clusters}）。",
    },
    "persona.error.bad_dataset": {"en": "Not a dataset id: {dataset_id}.",
                                  "zh": "无效的数据集编号：{dataset_id}。"},
})


class PersonaError(i18n.LocalizedError):
    """Renames that cannot be kept; ``code`` names the message ``persona.error.<code>``."""

    prefix = "persona.error"


def scope_key(n_clusters: int, features: Sequence[str],
              filters: Sequence[tuple[str, Sequence[str]]] | Mapping[str, Sequence[str]] = ()
              ) -> str:
    """Key of one clustering inside a dataset's file.

    :func:`~segmentation.clusters.persona_key` when no filter is active (the
    whole dataset), else that key followed by the filters, e.g.
    ``"k=6|frequency,spend|branch=A,B"``: clusters learned on one branch are
    not those learned on all branches, and their names should not mix.

    Parameters
    ----------
    n_clusters, features : as for ``persona_key``.
    filters : ``{column: values}`` or ``(column, values)`` pairs; empty value
        lists are ignored; columns and values are sorted.
    """
    items = filters.items() if isinstance(filters, Mapping) else filters
    parts = [f"{column}={','.join(sorted(map(str, values)))}"
             for column, values in sorted(items, key=lambda item: str(item[0])) if values]
    return "|".join([persona_key(n_clusters, features), *parts])


def _int_keys(names: Mapping[Any, Any]) -> dict[int, str]:
    out: dict[int, str] = {}
    for key, name in names.items():
        try:
            cluster = int(key)
        except (TypeError, ValueError):
            continue
        if isinstance(name, str) and name.strip():
            out[cluster] = name.strip()
    return out


def clean_renames(edited: Mapping[int, str], auto_names: Mapping[int, str]) -> dict[int, str]:
    """The renames worth keeping from the names a user typed, checked.

    Parameters
    ----------
    edited : cluster -> the text in its name box (blank = back to the automatic name).
    auto_names : cluster -> automatic name (:func:`~segmentation.clusters.persona_names`)
        in the user's language; every cluster of the clustering.

    Returns
    -------
    cluster -> new name, for the names that differ from the automatic one
    (inner spaces collapsed; clusters unknown to ``auto_names`` dropped).

    Raises
    ------
    PersonaError
        ``too_long`` (over :data:`MAX_NAME_LENGTH` characters) or ``duplicate``
        (two clusters would show the same name, renamed or automatic).
    """
    renames: dict[int, str] = {}
    for cluster, text in edited.items():
        cluster = int(cluster)
        name = " ".join(str(text or "").split())
        if cluster not in auto_names or not name or name == auto_names[cluster]:
            continue
        if len(name) > MAX_NAME_LENGTH:
            raise PersonaError("too_long", cluster=cluster, length=len(name),
                               max=MAX_NAME_LENGTH)
        renames[cluster] = name
    final = {c: renames.get(c, name) for c, name in auto_names.items()}
    seen: dict[str, list[int]] = {}
    for cluster in sorted(final):
        seen.setdefault(final[cluster].casefold(), []).append(cluster)
    for clusters in seen.values():
        if len(clusters) > 1:
            raise PersonaError("duplicate", name=final[clusters[0]],
                               clusters=", ".join(map(str, clusters)))
    return renames


class PersonaStore:
    """The persona renames of one dataset.

    Parameters
    ----------
    folder : the personas folder (normally ``<workspace folder>/personas``);
        created on the first save.
    dataset_id : the dataset the renames belong to (its file name).

    Raises
    ------
    PersonaError
        ``bad_dataset`` when ``dataset_id`` cannot be a file name.
    """

    def __init__(self, folder: str | Path, dataset_id: str):
        if not isinstance(dataset_id, str) or not _DATASET_ID.match(dataset_id):
            raise PersonaError("bad_dataset", dataset_id=repr(dataset_id))
        self.folder = Path(folder)
        self.dataset_id = dataset_id

    @classmethod
    def for_workspace(cls, workspace: Any, dataset_id: str) -> PersonaStore:
        """The store of a :class:`~segmentation.workspace.Workspace` (or a folder)."""
        base = Path(getattr(workspace, "folder", workspace))
        return cls(base / PERSONAS_FOLDER, dataset_id)

    @property
    def path(self) -> Path:
        return self.folder / f"{self.dataset_id}.json"

    def _read(self) -> dict[str, dict[int, str]]:
        """Every scope's renames; a missing, unreadable or foreign file holds none."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            return {}
        if not isinstance(data, dict) or data.get("dataset_id") != self.dataset_id:
            return {}
        personas = data.get("personas")
        if not isinstance(personas, dict):
            return {}
        return {str(scope): _int_keys(names) for scope, names in personas.items()
                if isinstance(names, dict)}

    def names(self, scope: str) -> dict[int, str]:
        """cluster -> renamed persona for ``scope`` (:func:`scope_key`); ``{}`` when none."""
        return dict(self._read().get(scope, {}))

    def scopes(self) -> list[str]:
        """The scopes that hold renames, sorted."""
        return sorted(scope for scope, names in self._read().items() if names)

    def save(self, scope: str, names: Mapping[int | str, str]) -> dict[int, str]:
        """Replace the renames of ``scope`` by ``names`` (blank names are dropped).

        An empty ``names`` removes the scope (every cluster back to its
        automatic name). Other scopes are kept. Returns what was stored.
        """
        kept = _int_keys(names)
        with file_lock(self.folder):
            current = self._read()
            if kept:
                current[scope] = kept
            else:
                current.pop(scope, None)
            data = {"version": _VERSION, "dataset_id": self.dataset_id,
                    "personas": {s: {str(c): n for c, n in sorted(v.items())}
                                 for s, v in sorted(current.items()) if v}}
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
            atomic_write(self.path, text.encode("utf-8"))
        return kept

    def clear(self, scope: str) -> None:
        """Back to the automatic names for ``scope``."""
        self.save(scope, {})

    def prune(self, keep: Iterable[str] = ()) -> list[Path]:
        """Remove the rename files of other datasets; returns them.

        Parameters
        ----------
        keep : ids of other datasets whose renames stay, e.g. those still in the
            workspace (:meth:`~segmentation.workspace.Workspace.dataset_ids`):
            another session may still be reading one of them.
        """
        removed = []
        if not self.folder.is_dir():
            return removed
        kept = {self.path.name} | {f"{dataset_id}.json" for dataset_id in keep}
        with file_lock(self.folder):
            for path in self.folder.glob("*.json"):
                if path.name not in kept:
                    try:
                        path.unlink()
                        removed.append(path)
                    except OSError:  # removed meanwhile by another session: harmless
                        pass
        return removed
