"""Persona renames: per dataset and clustering, atomic writes, checked names."""

from __future__ import annotations

import json
import os

import pytest

from segmentation.clusters import persona_key
from segmentation.personas_store import (
    MAX_NAME_LENGTH,
    PersonaError,
    PersonaStore,
    clean_renames,
    scope_key,
)

FEATURES = ("frequency", "spend", "service_mix")
KEY = persona_key(6, FEATURES)
AUTO = {0: "High-volume express business senders", 1: "Regular business senders",
        2: "Occasional individual senders"}


@pytest.fixture
def store(tmp_path):
    return PersonaStore.for_workspace(tmp_path, "20250101000000-abcd1234")


def test_no_file_means_no_renames(store):
    assert store.names(KEY) == {}
    assert store.scopes() == []
    assert not store.path.exists()


def test_saved_names_come_back_with_int_keys(store, tmp_path):
    store.save(KEY, {0: "Cross-border sellers", "2": "跨境电商大客户"})
    assert store.path == tmp_path / "personas" / "20250101000000-abcd1234.json"
    again = PersonaStore.for_workspace(tmp_path, "20250101000000-abcd1234")
    assert again.names(KEY) == {0: "Cross-border sellers", 2: "跨境电商大客户"}
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data == {"version": 1, "dataset_id": "20250101000000-abcd1234",
                    "personas": {KEY: {"0": "Cross-border sellers", "2": "跨境电商大客户"}}}
    assert "跨境电商大客户" in store.path.read_text(encoding="utf-8")  # readable, not \u escapes


def test_another_dataset_does_not_see_the_names(store, tmp_path):
    store.save(KEY, {0: "Cross-border sellers"})
    other = PersonaStore.for_workspace(tmp_path, "20250202000000-ffff0000")
    assert other.names(KEY) == {}
    # a file copied under another dataset's name is not trusted either
    other.folder.mkdir(parents=True, exist_ok=True)
    other.path.write_bytes(store.path.read_bytes())
    assert other.names(KEY) == {}


def test_prune_removes_the_files_of_other_datasets(store, tmp_path):
    old = PersonaStore.for_workspace(tmp_path, "20240101000000-00000000")
    old.save(KEY, {1: "Old name"})
    store.save(KEY, {0: "New name"})
    assert store.prune() == [old.path]
    assert not old.path.exists()
    assert store.names(KEY) == {0: "New name"}


def test_scopes_are_kept_apart(store):
    other_key = persona_key(4, FEATURES)
    store.save(KEY, {0: "Six-cluster name"})
    store.save(other_key, {0: "Four-cluster name"})
    assert store.names(KEY) == {0: "Six-cluster name"}
    assert store.names(other_key) == {0: "Four-cluster name"}
    store.save(KEY, {1: "Replaced"})  # a save replaces the scope's renames
    assert store.names(KEY) == {1: "Replaced"}
    store.clear(KEY)
    assert store.names(KEY) == {}
    assert store.scopes() == [other_key]


def test_blank_names_are_not_kept(store):
    assert store.save(KEY, {0: "  ", 1: "", 2: " Rural parcel senders "}) == {
        2: "Rural parcel senders"}
    assert store.names(KEY) == {2: "Rural parcel senders"}


def test_interrupted_write_keeps_the_previous_file(store, monkeypatch):
    store.save(KEY, {0: "Kept"})
    before = store.path.read_bytes()

    def crash(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        store.save(KEY, {0: "Lost"})
    monkeypatch.undo()
    assert store.path.read_bytes() == before
    assert [p.name for p in store.folder.iterdir()] == [store.path.name]  # no temp file left


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"dataset_id": 3}',
                                     '{"dataset_id": "20250101000000-abcd1234", "personas": 1}'],
                         ids=["broken", "list", "foreign", "bad-personas"])
def test_unreadable_file_means_no_renames_and_is_overwritten(store, content):
    store.folder.mkdir(parents=True)
    store.path.write_text(content, encoding="utf-8")
    assert store.names(KEY) == {}
    store.save(KEY, {0: "Fresh"})
    assert store.names(KEY) == {0: "Fresh"}


@pytest.mark.parametrize("dataset_id", ["", "../evil", "a/b", ".hidden", None],
                         ids=["empty", "parent", "slash", "dot", "none"])
def test_dataset_id_must_be_a_plain_file_name(tmp_path, dataset_id):
    with pytest.raises(PersonaError, match="Not a dataset id"):
        PersonaStore.for_workspace(tmp_path, dataset_id)


def test_scope_key_adds_active_filters_only():
    assert scope_key(6, FEATURES) == KEY
    assert scope_key(6, FEATURES, (("branch", ()), ("region", ()))) == KEY
    filters = (("region", ("华东",)), ("branch", ("B2", "B1")))
    assert scope_key(6, FEATURES, filters) == f"{KEY}|branch=B1,B2|region=华东"
    assert scope_key(6, FEATURES, {"branch": ["B1", "B2"], "region": ["华东"]}) == \
        scope_key(6, FEATURES, filters)


def test_clean_renames_keeps_only_real_changes():
    edited = {0: AUTO[0], 1: "  Key   accounts ", 2: ""}
    assert clean_renames(edited, AUTO) == {1: "Key accounts"}
    assert clean_renames({7: "Unknown cluster"}, AUTO) == {}


def test_clean_renames_refuses_duplicates():
    with pytest.raises(PersonaError, match="cannot have the same name") as err:
        clean_renames({2: "regular business senders"}, AUTO)
    assert "客群 1, 2" in err.value.message("zh")
    with pytest.raises(PersonaError, match="clusters 0, 1"):
        clean_renames({0: "Big accounts", 1: "Big accounts"}, AUTO)


def test_clean_renames_refuses_long_names():
    with pytest.raises(PersonaError, match=f"at most {MAX_NAME_LENGTH}"):
        clean_renames({0: "x" * (MAX_NAME_LENGTH + 1)}, AUTO)
    assert clean_renames({0: "x" * MAX_NAME_LENGTH}, AUTO) == {0: "x" * MAX_NAME_LENGTH}
