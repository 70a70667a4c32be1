"""The workspace file lock excludes threads and processes."""

from __future__ import annotations

import multiprocessing as mp
import threading
import time
from pathlib import Path

import pytest

from segmentation.locking import LockTimeout, file_lock, lock_path


def _append_slowly(path: str, tag: str, n: int) -> None:
    for _ in range(n):
        with file_lock(path):
            text = Path(path).read_text() if Path(path).exists() else ""
            time.sleep(0.001)  # widen the read-modify-write window
            Path(path).write_text(text + tag)


def test_threads_do_not_lose_updates(tmp_path):
    target = tmp_path / "shared.txt"
    threads = [threading.Thread(target=_append_slowly, args=(str(target), t, 30))
               for t in "abcd"]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    text = target.read_text()
    assert len(text) == 120
    assert {c: text.count(c) for c in "abcd"} == dict.fromkeys("abcd", 30)


def test_processes_do_not_lose_updates(tmp_path):
    target = tmp_path / "shared.txt"
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_append_slowly, args=(str(target), t, 20)) for t in "xy"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert sorted(target.read_text()) == ["x"] * 20 + ["y"] * 20


def test_timeout_names_the_file(tmp_path):
    target = tmp_path / "pointer.json"
    holder_ready, release = threading.Event(), threading.Event()

    def hold():
        with file_lock(target):
            holder_ready.set()
            release.wait(5)

    th = threading.Thread(target=hold)
    th.start()
    holder_ready.wait(5)
    try:
        with pytest.raises(LockTimeout, match="pointer.json"), file_lock(target, timeout=0.05):
            pass
    finally:
        release.set()
        th.join()
    assert lock_path(target) == tmp_path / ".pointer.json.lock"
