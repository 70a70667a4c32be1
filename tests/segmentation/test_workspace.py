"""The embedded workspace: atomic replace, survival across restarts, reading back."""

import json

import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation.workspace import Workspace


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


def test_interrupted_load_keeps_previous_dataset(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="upload", label="first")
    with pytest.raises(RuntimeError, match="simulated"):
        ws.replace(_tables(5), source="upload", label="second", _fail_after_write=True)
    assert ws.current() == first
    assert _count(ws) == (2, 20.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["current.json", first.file]


def test_failed_write_keeps_previous_dataset(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="upload", label="first")
    broken = _tables(2)
    broken["transactions"]["amount"] = ["12", "not a number"]  # DOUBLE cast fails
    with pytest.raises(Exception, match="(?i)conver|cast"):
        ws.replace(broken, source="upload", label="broken")
    assert Workspace(tmp_path).current() == first
    assert _count(Workspace(tmp_path)) == (2, 20.0)


def test_new_load_replaces_and_removes_old_file(tmp_path):
    ws = Workspace(tmp_path)
    first = ws.replace(_tables(2), source="upload", label="first")
    second = ws.replace(_tables(4, amount=1.5), source="upload", label="second")
    assert second.dataset_id != first.dataset_id
    assert not (tmp_path / first.file).exists()
    assert json.loads((tmp_path / "current.json").read_text())["label"] == "second"
    assert _count(ws) == (4, 6.0)


def test_transactions_required(tmp_path):
    with pytest.raises(ValueError, match="transactions"):
        Workspace(tmp_path).replace({"customers": pd.DataFrame({"customer_id": ["a"]})},
                                    source="upload")


def test_env_variable_sets_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SEG_WORKSPACE", str(tmp_path / "ws"))
    assert Workspace().folder == tmp_path / "ws"
