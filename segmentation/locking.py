"""Inter-process locks for the shared files of the workspace.

Several app sessions (threads of one server) and batch runs (other processes)
change the same files: the dataset pointer, presets, persona names, saved
connections, users and the audit log. Every change goes through
:func:`file_lock`, an exclusive ``flock`` on a sibling ``.<name>.lock`` file,
so two writers never interleave a read-modify-write. Readers of files written
with :func:`segmentation.storage.atomic_write` need no lock: they see the old or
the new version, never a part.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .storage import private_folder

#: seconds a writer waits for the lock before giving up
DEFAULT_TIMEOUT_S = 60.0

# flock is per open file description: two threads of one process that open the
# lock file separately exclude each other, but a re-entrant use in one thread
# would deadlock. The in-process lock per path makes nesting an error to see.
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_GUARD = threading.Lock()


class LockTimeout(TimeoutError):
    """The lock stayed held by another writer for longer than the timeout."""


def lock_path(path: str | Path) -> Path:
    """The lock file that guards ``path`` (a file or a folder)."""
    path = Path(path)
    return path.parent / f".{path.name}.lock"


@contextmanager
def file_lock(path: str | Path, *, timeout: float = DEFAULT_TIMEOUT_S) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (threads and processes) for the ``with`` block.

    Parameters
    ----------
    path : the shared file (or folder) to guard; the lock file sits beside it.
    timeout : seconds to wait before :class:`LockTimeout` is raised.
    """
    target = lock_path(path)
    private_folder(target.parent)
    key = str(target.resolve())
    with _GUARD:
        thread_lock = _THREAD_LOCKS.setdefault(key, threading.Lock())
    deadline = time.monotonic() + timeout
    if not thread_lock.acquire(timeout=max(timeout, 0.0)):
        raise LockTimeout(f"{path} is locked by another writer")
    try:
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockTimeout(f"{path} is locked by another process") from None
                    time.sleep(0.01)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        thread_lock.release()
