"""Database files (SQLite, DuckDB): opened only from the folders an administrator
configured (:func:`allowed_folders`: ``SEG_DB_FOLDERS`` and ``[database]
allowed_folders`` of ``secrets.toml``), never from ``/proc``, ``/dev`` or ``/sys``."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .errors import ConnectionError_
from .spec import CONTROL_CHARS

#: Environment variable listing the folders database files may be opened from
#: (separated by ``os.pathsep``), besides ``[database] allowed_folders`` of secrets.toml.
DB_FOLDERS_ENV = "SEG_DB_FOLDERS"
#: Never opened as database files, whatever the configuration says.
_SYSTEM_FOLDERS = (Path("/proc"), Path("/dev"), Path("/sys"))


def allowed_folders(configured: Iterable[str | os.PathLike] | None = None, *,
                    environ: Mapping[str, str] | None = None) -> tuple[Path, ...]:
    """The folders database files may be opened from, resolved (symlinks, ``..``).

    ``configured`` is the ``[database] allowed_folders`` list of ``secrets.toml``;
    the ``SEG_DB_FOLDERS`` environment variable adds more (``os.pathsep``
    separated). Relative folders are refused (they would depend on the working
    directory); none configured means no file may be opened.
    """
    environ = os.environ if environ is None else environ
    entries = [str(c) for c in (configured or []) if str(c).strip()]
    entries += [e for e in environ.get(DB_FOLDERS_ENV, "").split(os.pathsep) if e.strip()]
    out: list[Path] = []
    for entry in entries:
        path = Path(os.path.expanduser(entry.strip()))
        if path.is_absolute():
            resolved = path.resolve()
            if resolved not in out:
                out.append(resolved)
    return tuple(out)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_database_file(path: str, folders: Sequence[Path], *,
                        refused: Sequence[Path] = ()) -> Path:
    """The resolved path of a SQLite / DuckDB file that may be opened.

    The path is resolved (symlinks, ``..``, relative to the working directory);
    both the path as given and the resolved one must stay out of ``/proc``,
    ``/dev`` and ``/sys``, the resolved one must lie inside one of ``folders``
    (see :func:`allowed_folders`) and be a regular file.

    Raises
    ------
    ConnectionError_
        ``file_system``, ``file_no_folders``, ``file_workspace`` (inside one of
        ``refused``: the app's own workspace), ``file_not_allowed`` or ``file_missing``.
    """
    shown = CONTROL_CHARS.sub("?", str(path))[:300]
    given = Path(os.path.abspath(os.path.expanduser(str(path))))
    try:
        resolved = given.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise ConnectionError_("file_missing", path=shown) from None
    if any(_within(p, system) for p in (given, resolved) for system in _SYSTEM_FOLDERS):
        raise ConnectionError_("file_system", path=shown)
    if not folders:
        raise ConnectionError_("file_no_folders", path=shown)
    if any(_within(resolved, Path(folder).resolve()) for folder in refused):
        raise ConnectionError_("file_workspace", path=shown)
    if not any(_within(resolved, folder) for folder in folders):
        raise ConnectionError_("file_not_allowed", path=shown,
                               folders=", ".join(str(f) for f in folders))
    if not resolved.is_file():
        raise ConnectionError_("file_missing", path=shown)
    return resolved
