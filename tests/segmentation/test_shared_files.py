"""The workspace's shared files keep every change when several writers work at once.

Each test widens the read-modify-write window with a short sleep after the read
(monkeypatched), so without the file lock one writer's change is lost every time.
"""

from __future__ import annotations

import json
import threading
import time

from segmentation import database, personas_store
from segmentation.connections import ConnectionSpec
from segmentation.database import ConnectionStore, DatabaseMapping
from segmentation.personas_store import PersonaStore
from segmentation.presets import PresetStore
from segmentation.tiers import SettingsError, TierSettings
from segmentation.workspace import Workspace

WRITERS = 4


def _together(target, n: int = WRITERS) -> list[BaseException]:
    """Run ``target(k)`` in ``n`` threads started together; the exceptions they raised."""
    barrier, errors = threading.Barrier(n), []

    def run(k: int) -> None:
        barrier.wait()
        try:
            target(k)
        except BaseException as err:  # noqa: BLE001 - returned to the test
            errors.append(err)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return errors


def _slow(monkeypatch, owner, name: str) -> None:
    """Make ``owner.name`` (a reader) sleep after reading, as a busy server might."""
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        value = original(*args, **kwargs)
        time.sleep(0.05)
        return value

    monkeypatch.setattr(owner, name, slow)


def test_persona_renames_of_two_sessions_are_both_kept(tmp_path, monkeypatch):
    _slow(monkeypatch, personas_store.PersonaStore, "_read")
    store = PersonaStore.for_workspace(tmp_path, "20250101000000-abcd1234")
    assert _together(lambda k: store.save(f"k={k + 2}|frequency", {0: f"Name {k}"})) == []
    assert store.scopes() == [f"k={k + 2}|frequency" for k in range(WRITERS)]
    assert store.names("k=3|frequency") == {0: "Name 1"}


def test_persona_prune_keeps_the_datasets_still_in_the_workspace(tmp_path):
    ws = Workspace(tmp_path)
    stores = {name: PersonaStore.for_workspace(ws, name)
              for name in ("20250101000000-00000001", "20250101000000-00000002",
                           "20250101000000-00000003")}
    for store in stores.values():
        store.save("k=3|frequency", {0: "Kept?"})
    current = stores["20250101000000-00000003"]
    removed = current.prune(keep=["20250101000000-00000002"])
    assert removed == [stores["20250101000000-00000001"].path]
    assert sorted(p.name for p in current.folder.iterdir()) == [
        "20250101000000-00000002.json", "20250101000000-00000003.json"]


def test_two_connection_saves_at_once_keep_both(tmp_path, monkeypatch):
    _slow(monkeypatch, database.ConnectionStore, "_load")
    store = ConnectionStore(tmp_path)

    def save(k: int) -> None:
        spec = ConnectionSpec("postgresql", host=f"db{k}.example", port=5432, database="ops",
                              user="reader")
        store.save(f"conn {k}", spec, DatabaseMapping())

    assert _together(save) == []
    assert store.names() == [f"conn {k}" for k in range(WRITERS)]
    assert _together(lambda k: store.delete(f"conn {k}") if k % 2 else None) == []
    assert store.names() == ["conn 0", "conn 2"]


def test_preset_import_without_overwrite_lets_only_one_session_win(tmp_path, monkeypatch):
    store = PresetStore.for_workspace(tmp_path)
    original = PresetStore.__contains__

    def slow_contains(self, name):
        found = original(self, name)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(PresetStore, "__contains__", slow_contains)
    exported = json.dumps({"name": "Spring", **TierSettings().to_dict()})

    def import_one(k: int) -> None:
        store.import_json(exported, overwrite=False)

    errors = _together(import_one)
    assert len(errors) == WRITERS - 1
    assert all(isinstance(e, SettingsError) and e.code == "preset_exists" for e in errors)
    assert store.list() == ["Spring"]


def test_preset_delete_and_default_mark_do_not_interleave(tmp_path, monkeypatch):
    store = PresetStore.for_workspace(tmp_path)
    store.save("A", TierSettings())
    store.save("B", TierSettings())
    store.set_default("A")
    _slow(monkeypatch, PresetStore, "default")

    def act(k: int) -> None:
        if k == 0:
            store.delete("A")  # reads the mark (A), then clears it
        else:
            time.sleep(0.01)  # while the delete is between reading and clearing
            store.set_default("B")

    assert _together(act, n=2) == []
    assert store.list() == ["B"]
    assert store.default() == "B"  # without the lock the delete clears the new mark
