"""The workspace's files: private to the user running the app, and small files written
so that readers see the old or the new version, never a part.

The workspace holds names, phones, password hashes and the audit log, so every
folder the app creates there is ``0700`` (:data:`PRIVATE_DIR`) and every file
``0600`` (:data:`PRIVATE_FILE`), whatever the umask: :func:`private_folder`,
:func:`atomic_write`, :func:`make_private`.
"""

from __future__ import annotations

import os
import stat
import uuid
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: str | os.PathLike, *, existing: bool = True) -> Path:
    """``path`` as an existing folder; the folders created for it (missing parents too)
    are ``0700``. An existing ``path`` is made ``0700`` when the app owns it and
    ``existing`` is true (the workspace's own folders), never when it is a shared folder
    with the sticky bit (``/tmp``: root owns it, and other services write there)."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # another process was quicker
            pass
    if existing or missing:
        try:
            shared = path.stat().st_mode & stat.S_ISVTX
        except OSError:
            shared = 0
        if not shared:
            make_private(path, PRIVATE_DIR)
    return path


def make_private(path: str | os.PathLike, mode: int = PRIVATE_FILE) -> None:
    """Set ``mode`` on ``path`` when the app owns it and it differs (never fails)."""
    try:
        info = os.stat(path)
        if info.st_uid == os.getuid() and info.st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except OSError:
        pass


def atomic_write(path: Path, data: bytes, *, mode: int = PRIVATE_FILE) -> None:
    """Write ``data`` to ``path`` via a synced temporary file and :func:`os.replace`.

    The temporary file is created with ``mode`` (default ``0600``) from the start,
    whatever the umask, so the data is never readable by others, not even for a
    moment; a missing folder is created ``0700``. An existing folder keeps its mode: a
    report or a score file written to ``~/reports`` or ``/tmp`` changes nothing but
    the file.
    """
    private_folder(path.parent, existing=False)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        os.fchmod(fd, mode)  # whatever the umask left
        fh = os.fdopen(fd, "wb")
        with fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
