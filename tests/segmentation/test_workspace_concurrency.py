"""Two loader processes at once plus reader threads on one workspace (issue 13, hole 3).

Each loader process makes :data:`N_LOADS` loads; meanwhile reader threads lease
the current dataset and query it, and a watcher checks the pointer. Wanted:
no error anywhere, no lost load (every load is in the history, in its loader's
order, and the final pointer names the last one), the pointer always names a
complete dataset (its file exists and holds exactly the rows its metadata says).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import threading
import time
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from segmentation.workspace import KEEP_PREVIOUS, POINTER, Workspace

N_LOADERS = 2
N_LOADS = 40
N_READERS = 3


def _tables(tag: int, i: int) -> dict[str, pd.DataFrame]:
    """A tiny dataset whose content is known from its label ``"<tag>:<i>"``."""
    n = _rows(tag, i)
    tx = pd.DataFrame({
        "customer_id": [f"C{k}" for k in range(n)],
        "date": pd.to_datetime(["2024-03-01"] * n),
        "amount": [_amount(tag, i)] * n,
    })
    return {"transactions": tx}


def _rows(tag: int, i: int) -> int:
    return 1 + (tag * N_LOADS + i) % 5


def _amount(tag: int, i: int) -> float:
    return float(tag * 1000 + i)


def _load_many(folder: str, tag: int, start, results) -> None:
    """Loader process: ``N_LOADS`` loads, reports the dataset ids (or the error)."""
    ws = Workspace(folder)
    ids: list[str] = []
    start.wait(60)
    began = time.monotonic()
    try:
        for i in range(N_LOADS):
            ids.append(ws.replace(_tables(tag, i), source="upload", label=f"{tag}:{i}")
                       .dataset_id)
        results.put((tag, ids, None, time.monotonic() - began))
    except BaseException as err:  # noqa: BLE001 - reported to the test
        results.put((tag, ids, repr(err), time.monotonic() - began))


def _check_dataset(ws: Workspace, snap) -> None:
    """The dataset file holds exactly what the snapshot describes."""
    tag, i = map(int, snap.label.split(":"))
    with ws.engine(snap).connect() as conn:
        count, low, high = conn.execute(sa.text(
            "SELECT count(*), min(amount), max(amount) FROM transactions")).one()
    expected = _rows(tag, i)
    assert (count, low, high) == (expected, _amount(tag, i), _amount(tag, i)), snap.label
    assert snap.rows["transactions"] == expected, snap.label


def test_two_loaders_and_readers(tmp_path):
    folder = str(tmp_path)
    ws = Workspace(folder)
    first = ws.replace(_tables(9, 0), source="upload", label="9:0")
    errors: list[str] = []
    seen: set[str] = set()
    reads = [0] * N_READERS
    pointer_checks = [0]
    stop = threading.Event()

    def reader(k: int) -> None:
        reader_ws = Workspace(folder)  # one per thread, like separate sessions
        while not stop.is_set():
            try:
                with reader_ws.lease() as lease:
                    _check_dataset(reader_ws, lease.snapshot)
                    if reads[k] % 10 == 0:  # the DataFrame path too
                        frame = reader_ws.read("transactions", lease.snapshot)
                        assert len(frame) == lease.snapshot.rows["transactions"]
                seen.add(lease.snapshot.dataset_id)
                reads[k] += 1
            except Exception as err:  # noqa: BLE001 - collected, asserted below
                errors.append(f"reader {k}: {err!r}")
            time.sleep(0.005)  # leave the 2 cores to the loaders as well

    def watcher() -> None:
        pointer = Path(folder) / POINTER
        while not stop.is_set():
            try:
                text = pointer.read_text(encoding="utf-8")
                named = Path(folder) / json.loads(text)["file"]
                # a file may go only once the pointer has moved past it
                if not named.exists() and pointer.read_text(encoding="utf-8") == text:
                    errors.append(f"the pointer names a removed dataset: {named.name}")
                if Workspace(folder).current() is None:
                    errors.append("the workspace looked empty")
                pointer_checks[0] += 1
            except Exception as err:  # noqa: BLE001
                errors.append(f"watcher: {err!r}")
            time.sleep(0.005)

    ctx = mp.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    loaders = [ctx.Process(target=_load_many, args=(folder, tag, start, results))
               for tag in range(N_LOADERS)]
    for p in loaders:
        p.start()
    threads = [threading.Thread(target=reader, args=(k,)) for k in range(N_READERS)]
    threads.append(threading.Thread(target=watcher))
    for th in threads:
        th.start()
    began = time.monotonic()
    start.set()
    reported, busy = {}, []
    try:
        for _ in loaders:
            tag, ids, err, seconds = results.get(timeout=120)
            reported[tag] = ids
            busy.append(seconds)
            if err:
                errors.append(f"loader {tag}: {err}")
    finally:
        load_seconds = time.monotonic() - began
        stop.set()
        for th in threads:
            th.join(30)
        for p in loaders:
            p.join(30)
    assert [p.exitcode for p in loaders] == [0] * N_LOADERS
    assert errors == []

    # no lost load: every load became current once, each loader's in its own order
    history = [s.dataset_id for s in ws.history()]
    assert len(history) == 1 + N_LOADERS * N_LOADS == len(set(history))
    assert history[0] == first.dataset_id
    for tag in range(N_LOADERS):
        assert len(reported[tag]) == N_LOADS
        assert [d for d in history if d in set(reported[tag])] == reported[tag]
    final = ws.current()
    assert final.dataset_id == history[-1]
    _check_dataset(ws, final)

    # the readers really ran during the loads and saw many datasets
    assert min(reads) >= 5, reads
    assert len(seen) >= 5, len(seen)
    assert pointer_checks[0] >= 20

    # with no reader left, the next load keeps exactly the current and previous ones
    last = ws.replace(_tables(9, 1), source="upload", label="9:1")
    assert ws.dataset_ids() == sorted(history[-KEEP_PREVIOUS:] + [last.dataset_id])
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".wal"))]
    print(f"\n{N_LOADERS}x{N_LOADS} loads in {load_seconds:.1f} s with process start "
          f"(loading {max(busy):.1f} s); reads {reads}, "
          f"datasets seen {len(seen)}, pointer checks {pointer_checks[0]}")
