"""Preset JSON is bounded in size and nesting before it is parsed, and only the roles that
manage the shared presets may import one (issue 21, item 6)."""

from __future__ import annotations

import json
import time

import pytest

from segmentation import access, presets
from segmentation.presets import MAX_IMPORT_BYTES, MAX_JSON_DEPTH, PresetStore
from segmentation.tiers import SettingsError, TierSettings


@pytest.fixture
def store(tmp_path) -> PresetStore:
    return PresetStore(tmp_path / "presets")


def _refused(store: PresetStore, data: bytes | str) -> SettingsError:
    start = time.perf_counter()
    with pytest.raises(SettingsError) as info:
        store.import_json(data, name="x")
    assert time.perf_counter() - start < 0.5  # refused at once, not after seconds of CPU
    assert store.list() == []
    return info.value


def test_deep_nesting_is_refused_before_parsing(store, tmp_path):
    """Regression: a preset nested 100,000 deep raised RecursionError on the Tiers page."""
    deep = b"[" * 30_000 + b"]" * 30_000  # below the size limit, far beyond the depth
    err = _refused(store, deep)
    assert err.code == "preset_too_deep"
    assert f"more than {MAX_JSON_DEPTH} levels" in err.message("en")
    assert f"超过 {MAX_JSON_DEPTH} 层" in err.message("zh")
    assert _refused(store, '{"name": {"a": ' * 21 + "1" + "}" * 22).code == "preset_too_deep"
    path = tmp_path / "deep.json"  # the CLI's --preset reads through the same check
    path.write_bytes(deep)
    with pytest.raises(SettingsError, match="levels deep"):
        presets.read_preset_file(path)


def test_brackets_inside_texts_do_not_count_as_nesting(store):
    obj = {"name": "ok", **TierSettings().to_dict()}
    obj["labels"] = {"vip": {"en": "[" * 25 + '"{{'}}  # escaped quote, then more brackets
    assert store.import_json(json.dumps(obj)) == "ok"
    assert store.load("ok").labels["vip"]["en"].startswith("[[[")


def test_a_large_preset_is_refused_at_once(store):
    """Regression: a 0.98 MB preset took 16-23 s of CPU to refuse."""
    rules = TierSettings().to_dict()["rfm_rules"] * 1_200
    big = json.dumps({"name": "x", **TierSettings().to_dict(), "rfm_rules": rules})
    assert 900_000 < len(big) < 1_000_000
    err = _refused(store, big.encode())
    assert err.code == "preset_too_large"
    assert "at most 65,536 bytes" in err.message("en")
    assert MAX_IMPORT_BYTES == 64 * 1024
    assert _refused(store, "张" * 30_000).code == "preset_too_large"  # 90 KB as UTF-8


def test_an_exported_preset_stays_far_below_the_limits(store):
    store.save("full", TierSettings())
    data = store.export_json("full")
    assert len(data) < MAX_IMPORT_BYTES // 8
    assert store.import_json(data, name="again") == "again"


def test_only_the_roles_that_manage_presets_may_import():
    assert access.can("hq", "import_preset")
    assert not [r for r in ("regional", "branch", "viewer") if access.can(r, "import_preset")]
