"""Presets in the workspace: round trip, atomic save, default, export / import, CLI agreement."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from segmentation import storage as storage_module
from segmentation.presets import PresetStore, read_preset_file, validate_name
from segmentation.tiers import RFM_SEGMENT_RULES, SettingsError, TierSettings, score_customers
from segmentation.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"

CUSTOM = TierSettings(
    weights={"r": 0.1, "f": 0.2, "m": 0.5, "t": 0.2}, tiers=("vip", "premium", "high", "medium",
                                                             "low"),
    labels={"vip": {"en": "Diamond", "zh": "钻石卡"}}, shares=(0.05, 0.1, 0.15, 0.3, 0.4),
    playbook={"vip": ["Weekly call", "专属客户经理"]})


@pytest.fixture
def store(tmp_path) -> PresetStore:
    return PresetStore(tmp_path / "presets")


def test_round_trip_and_listing(store):
    assert store.list() == [] and store.default() is None
    path = store.save("Spring 2025", CUSTOM)
    store.save("春节方案", TierSettings(mode="threshold"))
    assert path == store.folder / "Spring 2025.json"
    assert store.load("Spring 2025") == CUSTOM
    assert store.list() == ["Spring 2025", "春节方案"]
    assert "春节方案" in store and "other" not in store and "../x" not in store
    content = json.loads(path.read_text(encoding="utf-8"))
    assert content["name"] == "Spring 2025" and content["version"] == 1
    assert content["labels"]["vip"]["zh"] == "钻石卡"  # readable UTF-8, not \\u escapes
    assert read_preset_file(path) == CUSTOM  # what the CLI's --preset reads
    store.save("Spring 2025", TierSettings())  # overwrite is allowed
    assert store.load("Spring 2025") == TierSettings()


@pytest.mark.parametrize("name", ["Spring 2025", "春节方案", "a-b_c.d (2)", "  padded  ", "X"])
def test_good_names(name):
    assert validate_name(name) == name.strip()


@pytest.mark.parametrize("name", ["", "   ", "../x", "a/b", "a\\b", ".hidden", "_default",
                                  "x" * 65, "a:b", "end.", "tab\tname", None])
def test_bad_names_are_refused(store, name):
    with pytest.raises(SettingsError) as info:
        store.save(name, TierSettings())
    assert info.value.code == "preset_name"
    assert "不能作为方案名称" in info.value.message("zh")
    assert store.list() == []


@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_failed_save_leaves_the_old_preset_intact(store, monkeypatch, failing):
    store.save("main", CUSTOM)
    before = (store.folder / "main.json").read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(storage_module.os, failing, boom)
    with pytest.raises(OSError, match="No space left"):
        store.save("main", TierSettings(mode="threshold"))
    monkeypatch.undo()
    assert (store.folder / "main.json").read_bytes() == before
    assert store.load("main") == CUSTOM
    assert sorted(p.name for p in store.folder.iterdir()) == ["main.json"]  # no temp left


def test_default_preset(store):
    store.save("a", CUSTOM)
    store.save("b", TierSettings())
    with pytest.raises(SettingsError, match="no saved preset named 'c'"):
        store.set_default("c")
    store.set_default("a")
    assert store.default() == "a" and store.default_settings() == CUSTOM
    assert store.list() == ["a", "b"]  # the pointer is not a preset
    store.delete("a")
    assert store.default() is None and store.default_settings() is None
    assert store.list() == ["b"]
    with pytest.raises(SettingsError) as info:
        store.load("a")
    assert info.value.code == "preset_missing"
    assert info.value.message("zh") == "没有名为“a”的已保存方案。"
    with pytest.raises(SettingsError):
        store.delete("a")
    store.set_default("b")
    store.set_default(None)
    assert store.default() is None


def test_export_and_import(store, tmp_path):
    store.save("source", CUSTOM)
    data = store.export_json("source")
    assert json.loads(data)["name"] == "source"
    other = PresetStore(tmp_path / "elsewhere")
    assert other.import_json(data) == "source"
    assert other.load("source") == CUSTOM
    assert other.import_json(data, name="copy") == "copy"
    assert other.list() == ["copy", "source"]
    with pytest.raises(SettingsError, match="already exists"):
        other.import_json(data, overwrite=False)
    # a plain settings file (no name) works with a name, and a BOM is accepted
    plain = b"\xef\xbb\xbf" + json.dumps({"tiers": ["gold", "rest"],
                                          "shares": [0.25, 0.75]}).encode()
    assert other.import_json(plain, name="simple") == "simple"
    assert other.load("simple").tiers == ("gold", "rest")


@pytest.mark.parametrize(
    ("data", "name", "code", "message"),
    [
        (b"{not json", None, "bad_json", "not valid JSON"),
        (b"\xff\xfe\x00", None, "bad_json", "not valid JSON"),
        (b"[1, 2]", None, "bad_type", "must be a JSON object"),
        (json.dumps({"name": "x", "colour": 1}).encode(), None, "unknown_field",
         "Unknown settings field 'colour'"),
        (json.dumps({"name": "x", "shares": [0.5, 0.2, 0.2, 0.2]}).encode(), None, "share_sum",
         "add up to 100%, got 110%"),
        (json.dumps({"tiers": ["a", "b", "c"]}).encode(), None, "preset_no_name",
         "The preset has no name"),
        (json.dumps({"name": "a/b"}).encode(), None, "preset_name", "not a usable preset name"),
        (b" " * 1_000_001, "big", "preset_too_large", "too large"),
    ],
    ids=["invalid-json", "not-utf8", "not-object", "unknown-field", "bad-shares", "no-name",
         "bad-name", "too-large"],
)
def test_import_errors_are_clear_and_save_nothing(store, data, name, code, message):
    with pytest.raises(SettingsError) as info:
        store.import_json(data, name=name)
    assert info.value.code == code and message in str(info.value)
    assert info.value.message("zh") != str(info.value)
    assert store.list() == []


def test_presets_survive_loading_another_dataset(tmp_path):
    tx = pd.DataFrame({"customer_id": ["A", "B"], "date": pd.to_datetime(["2025-01-01"] * 2),
                       "amount": [1.0, 2.0]})
    ws = Workspace(tmp_path / "ws")
    ws.replace({"transactions": tx}, source="test")
    store = PresetStore.for_workspace(ws)
    assert store.folder == tmp_path / "ws" / "presets"
    store.save("keep", CUSTOM)
    store.set_default("keep")
    ws.replace({"transactions": tx.assign(amount=[3.0, 4.0])}, source="test")
    reopened = PresetStore.for_workspace(Workspace(tmp_path / "ws"))
    assert reopened.list() == ["keep"] and reopened.default() == "keep"
    assert reopened.load("keep") == CUSTOM


# --------------------------------------------------------------------------- CLI agreement


def run_cli(*args: str, workspace: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if workspace is not None:
        env["SEG_WORKSPACE"] = str(workspace)
    return subprocess.run([sys.executable, "-m", "segmentation", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def sample_view(tmp_path_factory) -> pd.DataFrame:
    """The customer view exactly as the CLI builds it from the sample transactions."""
    from segmentation.cleaning import load_files
    from segmentation.features import customer_view

    as_of = pd.Timestamp("2025-03-31")
    dataset = load_files({"transactions": SAMPLE / "transactions.parquet"}, as_of=as_of)
    ws = Workspace(tmp_path_factory.mktemp("view"))
    ws.replace(dataset.tables, source="test")
    view = customer_view(ws.engine(), as_of=as_of)
    ws.engine().dispose()
    return view


MERGED_RULES = RFM_SEGMENT_RULES.replace({"segment": {"new": "newcomers",
                                                      "promising": "newcomers"}})


@pytest.mark.parametrize(
    "settings",
    [
        dataclasses.replace(CUSTOM, rfm_rules=MERGED_RULES.to_dict("records")),
        TierSettings(mode="threshold", frequency_classes={"high": 12, "medium": 3},
                     thresholds=[{"min_spend": 5000, "min_shipments": 12},
                                 {"min_spend": 1000}, {"min_shipments": 4}]),
    ],
    ids=["share-five-tiers-tenure-merged-segments", "threshold"],
)
def test_cli_with_a_saved_preset_agrees_with_the_library(tmp_path, sample_view, settings):
    store = PresetStore(tmp_path / "presets")
    path = store.save("page settings", settings)
    out = tmp_path / "scores.parquet"
    proc = run_cli("score", "--transactions", str(SAMPLE / "transactions.parquet"),
                   "--as-of", "2025-03-31", "--preset", str(path), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    cli = pd.read_parquet(out).set_index("customer_id")
    expected = score_customers(sample_view, settings)
    assert cli.index.tolist() == expected.index.tolist()
    for column in ("tier", "rfm_segment", "frequency_class"):
        assert (cli[column] == expected[column].astype(str)).all(), column
    assert cli["value_score"].tolist() == pytest.approx(expected["value_score"].tolist())
    assert set(cli["tier"]) <= set(settings.tiers)


def test_cli_preset_by_name_and_default(tmp_path):
    ws_folder = tmp_path / "ws"
    store = PresetStore.for_workspace(ws_folder)
    store.save("two tiers", TierSettings(tiers=("top", "rest"), shares=(0.3, 0.7)))
    store.set_default("two tiers")
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\n" + "".join(
        f"C{i},2025-01-{i + 1:02d},{10 * (i + 1)}\n" for i in range(20)), encoding="utf-8")
    for ref in ("two tiers", "@default"):
        out = tmp_path / "o.parquet"
        proc = run_cli("score", "--transactions", str(tx), "--preset", ref, "--out", str(out),
                       workspace=ws_folder)
        assert proc.returncode == 0, proc.stderr
        assert pd.read_parquet(out)["tier"].value_counts().to_dict() == {"rest": 14, "top": 6}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"shares": [0.5, 0.5]}', "4 tiers need 4 shares, got 2"),
        ("{oops", "not valid JSON"),
        (None, "no such file, and no saved preset of that name"),
    ],
    ids=["invalid-settings", "invalid-json", "missing"],
)
def test_cli_bad_preset_is_one_line(tmp_path, content, message):
    preset = tmp_path / "p.json"
    if content is not None:
        preset.write_text(content, encoding="utf-8")
    tx = tmp_path / "tx.csv"
    tx.write_text("customer_id,date,amount\nA,2025-01-01,3\n", encoding="utf-8")
    proc = run_cli("score", "--transactions", str(tx), "--preset", str(preset),
                   "--out", str(tmp_path / "o.csv"), workspace=tmp_path / "ws")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --preset {preset}")
    assert message in lines[0]
    assert not (tmp_path / "o.csv").exists()


def test_calls_per_branch_travel_with_the_preset(store, tmp_path):
    """The Churn page's weekly call capacity is saved, kept, exported and imported."""
    from segmentation.presets import read_preset_calls

    settings = TierSettings()
    store.save("north", settings)
    assert store.calls_per_branch("north") is None
    store.set_calls_per_branch("north", 12)
    assert store.calls_per_branch("north") == 12
    assert store.load("north") == settings  # the tiers are untouched
    store.save("north", settings)  # saved again from the Tiers page: the capacity stays
    assert store.calls_per_branch("north") == 12
    assert read_preset_calls(store.path("north")) == 12
    assert read_preset_file(store.path("north")) == settings
    data = store.export_json("north")
    assert json.loads(data)["churn"] == {"calls_per_branch": 12}
    assert store.import_json(data, name="south") == "south"
    assert store.calls_per_branch("south") == 12
    store.set_default("south")
    assert store.default_calls_per_branch() == 12
    for bad in (0, 10_001, 2.5, "20", True):
        with pytest.raises(SettingsError) as caught:
            store.import_json(json.dumps({"name": "x", "churn": {"calls_per_branch": bad}}))
        assert "churn.calls_per_branch" in caught.value.message("en")
    assert "x" not in store
