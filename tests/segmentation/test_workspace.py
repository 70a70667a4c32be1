"""The embedded workspace: atomic replace, survival across restarts, reading back, leases."""

import json
import threading

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import workspace as workspace_module
from segmentation.workspace import KEEP_PREVIOUS, Workspace


def _tables(n: int, amount: float = 10.0) -> dict[str, pd.DataFrame]:
    tx = pd.DataFrame({
        "customer_id": pd.array([f"C{i}" for i in range(n)], dtype="string"),
        "date": pd.to_datetime(["2024-03-01"] * n),
        "amount": [amount] * n,
        "branch": pd.array(["B1"] * n, dtype="string"),
    })
    return {"transactions": tx}


def _count(ws: Workspace) -> tuple[int, float]:
    with ws.engine().connect() as conn:
        row = conn.execute(sa.text("SELECT count(*), sum(amount) FROM transactions")).one()
    return int(row[0]), float(row[1])


def test_replace_then_read_back(tmp_path):
    ws = Workspace(tmp_path)
    assert ws.current() is None
    snap = ws.replace(_tables(3), source="upload", label="a.csv")
    assert snap.rows == {"transactions": 3}
    assert (snap.n_customers, snap.n_branches) == (3, 1)
    assert (snap.date_min, snap.date_max) == ("2024-03-01", "2024-03-01")
    back = ws.read("transactions")
    assert back["customer_id"].tolist() == ["C0", "C1", "C2"]
    assert back["date"].dtype.kind == "M"
    assert _count(ws) == (3, 30.0)


def test_survives_restart(tmp_path):
    Workspace(tmp_path).replace(_tables(2), source="upload", label="x")
    again = Workspace(tmp_path)
    assert again.current().label == "x"
    assert _count(again) == (2, 20.0)


def test_interrupted_load_keeps_previous_dataset(tmp_path, monkeypatch):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="upload", label="first")
    write = workspace_module._write_duckdb

    def write_then_crash(path, tables):
        write(path, tables)
        assert path.exists()  # the new file was written, the swap did not happen
        raise RuntimeError("simulated interruption")

    monkeypatch.setattr(workspace_module, "_write_duckdb", write_then_crash)
    with pytest.raises(RuntimeError, match="simulated"):
        ws.replace(_tables(5), source="upload", label="second")
    assert ws.current() == first
    assert _count(ws) == (2, 20.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".current.json.lock", "current.json", first.file, "history.jsonl"]


def test_failed_pointer_write_keeps_previous_dataset(tmp_path, monkeypatch):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="upload", label="first")

    def disk_full(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workspace_module, "atomic_write", disk_full)
    with pytest.raises(OSError, match="No space"):
        ws.replace(_tables(5), source="upload", label="second")
    assert ws.current() == first
    assert ws.dataset_ids() == [first.dataset_id]  # the unnamed new file is gone
    assert [s.dataset_id for s in ws.history()] == [first.dataset_id]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_failed_write_keeps_previous_dataset(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="upload", label="first")
    broken = _tables(2)
    broken["transactions"]["amount"] = ["12", "not a number"]  # DOUBLE cast fails
    with pytest.raises(Exception, match="(?i)conver|cast"):
        ws.replace(broken, source="upload", label="broken")
    assert Workspace(tmp_path).current() == first
    assert _count(Workspace(tmp_path)) == (2, 20.0)


def test_new_load_replaces_and_keeps_the_previous_two(tmp_path):
    ws = Workspace(tmp_path)
    snaps = [ws.replace(_tables(2 + i, amount=1.5), source="upload", label=f"load {i}")
             for i in range(4)]
    assert len({s.dataset_id for s in snaps}) == 4
    assert json.loads((tmp_path / "current.json").read_text())["label"] == "load 3"
    assert _count(ws) == (5, 7.5)
    # the current dataset and the KEEP_PREVIOUS before it stay; the oldest went
    assert KEEP_PREVIOUS == 2
    assert ws.dataset_ids() == sorted(s.dataset_id for s in snaps[1:])
    assert not (tmp_path / snaps[0].file).exists()
    assert [s.label for s in ws.history()] == ["load 0", "load 1", "load 2", "load 3"]
    assert ws.snapshot(snaps[1].dataset_id) == snaps[1]
    assert ws.snapshot(snaps[0].dataset_id) is None  # its file is gone


def test_a_leased_dataset_outlives_later_loads(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="upload", label="first")
    lease = ws.lease()
    assert lease.snapshot == first and not lease.released
    for i in range(4):
        ws.replace(_tables(3 + i), source="upload", label=f"later {i}")
    assert (tmp_path / first.file).exists()  # held: not removed
    with ws.engine(lease.snapshot).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM transactions")).scalar() == 2
    assert ws.read("transactions", lease.snapshot)["customer_id"].tolist() == ["C0", "C1"]
    lease.release()
    lease.release()  # idempotent
    assert lease.released
    ws.replace(_tables(9), source="upload", label="after release")
    assert not (tmp_path / first.file).exists()
    with pytest.raises(LookupError, match="removed"):
        ws.lease(first)


def test_a_lease_on_a_file_removed_meanwhile_takes_the_current_dataset(tmp_path, monkeypatch):
    ws = Workspace(tmp_path)
    gone = ws.replace(_tables(2), source="upload", label="gone")
    for i in range(3):
        ws.replace(_tables(3), source="upload", label=f"next {i}")
    assert not (tmp_path / gone.file).exists()
    latest = ws.current()
    answers = iter([gone, latest])  # the pointer was read just before the swap
    monkeypatch.setattr(ws, "current", lambda: next(answers))
    with ws.lease() as lease:
        assert lease.snapshot == latest


def test_if_empty_loads_only_into_an_empty_workspace(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="sample", label="sample", if_empty=True)
    again = ws.replace(_tables(5), source="sample", label="sample", if_empty=True)
    assert again == first
    assert ws.dataset_ids() == [first.dataset_id]
    assert [s.dataset_id for s in ws.history()] == [first.dataset_id]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_two_loads_at_once_both_become_current_in_turn(tmp_path):
    ws = Workspace(tmp_path)
    results: list = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        ws.replace(_tables(2 + i), source="upload", label=f"t{i}"))) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    history = [s.dataset_id for s in ws.history()]
    assert sorted(history) == sorted(s.dataset_id for s in results)
    assert ws.current().dataset_id == history[-1]
    assert set(ws.dataset_ids()) == set(history)


def test_transactions_required(tmp_path):
    with pytest.raises(ValueError, match="transactions"):
        Workspace(tmp_path).replace({"customers": pd.DataFrame({"customer_id": ["a"]})},
                                    source="upload")


def test_env_variable_sets_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SEG_WORKSPACE", str(tmp_path / "ws"))
    assert Workspace().folder == tmp_path / "ws"


def test_first_start_of_two_sessions_loads_the_sample_once(tmp_path):
    ws = Workspace(tmp_path)
    results: list = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        ws.replace(_tables(2 + i), source="sample", label="sample", if_empty=True)))
        for i in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(ws.history()) == 1
    assert results == [ws.current()] * 3
    assert ws.dataset_ids() == [ws.current().dataset_id]


def test_scope_values_are_the_distinct_branches_and_regions(tmp_path):
    ws = Workspace(tmp_path)
    with pytest.raises(LookupError):
        ws.scope_values()
    tables = _tables(3)
    tables["customers"] = pd.DataFrame({
        "customer_id": pd.array(["C0", "C1", "C2"], dtype="string"),
        "branch": pd.array(["B2", None, "B2"], dtype="string"),
        "region": pd.array(["华东", "华东", None], dtype="string"),
    })
    ws.replace(tables, source="upload")
    assert ws.scope_values() == {"branch": frozenset({"B1", "B2"}),
                                 "region": frozenset({"华东"})}
    ws.replace(_tables(2), source="upload")  # no customers table: no regions
    assert ws.scope_values() == {"branch": frozenset({"B1"}), "region": frozenset()}


def test_scope_values_while_the_process_holds_an_engine_on_the_dataset(tmp_path):
    """Read with DuckDB alone, unless an engine (this workspace's or another object's) has
    the file open: DuckDB refuses a second, differently configured connection to it."""
    Workspace(tmp_path).replace(_tables(3), source="upload")
    expected = {"branch": frozenset({"B1"}), "region": frozenset()}
    assert Workspace(tmp_path).scope_values() == expected
    ws = Workspace(tmp_path)
    with ws.engine().connect():
        assert ws.scope_values() == expected
        assert Workspace(tmp_path).scope_values() == expected
    ws.engine().dispose()


def test_memory_engine_holds_the_tables_as_a_workspace_does(tmp_path):
    from segmentation.workspace import memory_engine

    tables = _tables(3)
    ws = Workspace(tmp_path)
    ws.replace(tables, source="upload")
    engine = memory_engine(tables)
    try:
        query = sa.text("SELECT * FROM transactions ORDER BY customer_id, date")
        types = sa.text("SELECT column_name, data_type FROM information_schema.columns "
                        "ORDER BY table_name, column_name")
        with engine.connect() as mem, ws.engine().connect() as disk:
            assert mem.execute(query).fetchall() == disk.execute(query).fetchall()
            assert mem.execute(types).fetchall() == disk.execute(types).fetchall()
    finally:
        engine.dispose()
        ws.engine().dispose()


def test_memory_engine_can_release_each_frame_once_duckdb_holds_it():
    """``release=True`` (the batch CLI): the caller's dict is emptied table by table and the
    engine still holds every row; without it the dict is left as it was."""
    from segmentation.workspace import memory_engine

    tables = _tables(3)
    counts = {name: len(frame) for name, frame in tables.items()}
    kept = dict(tables)
    engine = memory_engine(kept)
    assert kept.keys() == tables.keys()
    engine.dispose()
    given = dict(tables)
    engine = memory_engine(given, release=True)
    try:
        assert given == {}
        with engine.connect() as conn:
            for name, rows in counts.items():
                assert conn.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar() == rows
    finally:
        engine.dispose()


def test_duckdb_engines_hand_freed_memory_back_at_once(tmp_path):
    """Every DuckDB engine made here flushes memory freed in bulk (a finished aggregate's
    tables) to the system: the workspace's read-only engine (a new connection each time
    the pool opens one) and the batch run's in-memory engine. Without it the customer view
    at a million customers keeps ~0.7 GB its query no longer uses (issue 23)."""
    from segmentation.workspace import memory_engine

    ws = Workspace(tmp_path)
    ws.replace(_tables(3), source="test")
    setting = "SELECT current_setting('allocator_bulk_deallocation_flush_threshold')"
    for engine in (ws.engine(), memory_engine(_tables(3))):
        for _ in range(2):
            with engine.connect() as conn:
                assert conn.exec_driver_sql(setting).scalar() in ("0 bytes", "0B", "0")
        engine.dispose()
