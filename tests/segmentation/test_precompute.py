"""A dataset's default results: computed once, stored beside it, read back as computed,
found by a second workspace object, gone with the dataset."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pandas as pd
import pytest

from data.generate_sample import generate
from segmentation import precompute as pc
from segmentation.keys import AnalysisKey, ChurnKey
from segmentation.precompute import codec
from segmentation.workspace import KEEP_PREVIOUS, Workspace


@pytest.fixture(scope="module")
def tables():
    out = generate(2_000, with_text=False)
    out.pop("truth", None)
    return out


@pytest.fixture(scope="module")
def computed(tmp_path_factory, tables):
    """A workspace holding one dataset whose defaults were computed."""
    ws = Workspace(tmp_path_factory.mktemp("ws"))
    snap = ws.replace(tables, source="test")
    store = pc.DerivedStore(ws.folder, snap.dataset_id)
    key = pc.default_key(snap.dataset_id, snap.date_max)
    steps: list[tuple[int, int, str]] = []
    pc.compute_defaults(ws.engine(snap), store, key, progress=lambda *a: steps.append(a))
    return ws, snap, key, steps


def _churn_key(store, key):
    horizon, lost_after = pc.stored_churn_defaults(store, key)
    return ChurnKey(key, horizon, lost_after[horizon])


def test_every_step_is_stored_and_reported(computed):
    ws, snap, key, steps = computed
    assert steps == [(1, 4, "view"), (2, 4, "cubes"), (3, 4, "churn"), (4, 4, "lifecycle"),
                     (4, 4, "done")]
    store = pc.DerivedStore(ws.folder, snap.dataset_id)
    assert store.complete
    assert store.folder == ws.folder / "derived" / snap.dataset_id
    manifest = json.loads((store.folder / "manifest.json").read_text(encoding="utf-8"))
    assert {e["kind"] for e in manifest["entries"].values()} == {"view", "cubes", "churn", "words",
                                                                  "lifecycle"}
    assert not list(store.folder.glob("*.pkl")) and not list(store.folder.glob("*.pickle"))


def test_a_second_workspace_object_reads_them_without_computing(computed, monkeypatch):
    """A new process (another Workspace on the folder) finds everything and computes
    nothing: the view, the cubes, the churn model and the lifecycle are not run again."""
    ws, snap, key, _ = computed
    from segmentation import churn, features, overview

    def forbidden(*args, **kwargs):
        raise AssertionError("computed again")

    for module, name in ((churn, "score_churn"), (churn, "lifecycle_stages"),
                         (features, "customer_view"), (overview, "activity_cube"),
                         (overview, "survey_cube"), (churn.ChurnModel, "fit")):
        monkeypatch.setattr(module, name, forbidden)
    again = Workspace(ws.folder)
    store = pc.DerivedStore(again.folder, snap.dataset_id)
    pc.compute_defaults(again.engine(snap), store, key)  # nothing left to do
    assert pc.get_view(store, key) is not None
    assert pc.get_churn(store, _churn_key(store, key)) is not None


def test_stored_results_equal_a_fresh_computation(computed):
    from segmentation.churn import lifecycle_stages, score_churn
    from segmentation.features import customer_view
    from segmentation.overview import activity_cube

    ws, snap, key, _ = computed
    store = pc.DerivedStore(ws.folder, snap.dataset_id)
    engine = ws.engine(snap)
    view = customer_view(engine, as_of=key.as_of, window_days=key.window_days)
    stored_view = pc.get_view(store, key)
    pd.testing.assert_frame_equal(stored_view, view)
    assert stored_view.attrs == view.attrs
    keys = ["day", "region", "branch", "customer_type", "area_type"]

    def ordered(cube):  # the engine's GROUP BY has no row order
        return cube.sort_values(keys).reset_index(drop=True)

    pd.testing.assert_frame_equal(ordered(pc.get_cubes(store, key)[0]),
                                  ordered(activity_cube(engine, as_of=key.as_of)))
    ckey = _churn_key(store, key)
    fresh = score_churn(engine, as_of=pd.Timestamp(key.as_of), horizon_days=ckey.horizon_days,
                        lost_after_days=ckey.lost_after_days, lang=None, view=view)
    stored = pc.get_churn(store, ckey)
    pd.testing.assert_frame_equal(stored.scores, fresh.scores)
    assert stored.scores.attrs == fresh.scores.attrs
    for lang in ("en", "zh"):
        assert stored.explanation(lang) == fresh.explanation(lang)
    assert stored.backtest.design_sentence("zh") == fresh.backtest.design_sentence("zh")
    for f in dataclasses.fields(fresh.backtest):
        a, b = getattr(stored.backtest, f.name), getattr(fresh.backtest, f.name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_freq=False)
        elif f.name == "calibration":
            assert (a.candidate, a.method) == (b.candidate, b.method)
        else:
            assert a == b or (a != a and b != b), f.name
    assert stored.model is None  # not stored: nothing that reads a stored result applies it
    with pytest.raises(RuntimeError, match="without its fitted map"):
        stored.calibration([0.5])
    life = lifecycle_stages(engine, as_of=pd.Timestamp(key.as_of),
                            lost_after_days=ckey.lost_after_days)
    got = pc.get_lifecycle(store, key, ckey.lost_after_days)
    pd.testing.assert_frame_equal(got.counts, life.counts, check_freq=False)
    pd.testing.assert_series_equal(got.current, life.current)


def test_only_the_asked_key_is_found(computed):
    ws, snap, key, _ = computed
    store = pc.DerivedStore(ws.folder, snap.dataset_id)
    assert pc.get_view(store, key.with_(as_of=date(2024, 1, 31))) is None
    assert pc.get_view(store, key.with_(window_days=30)) is None
    ckey = _churn_key(store, key)
    assert pc.get_churn(store, ChurnKey(key, ckey.horizon_days, ckey.lost_after_days + 1)) \
        is None
    with pytest.raises(ValueError, match="network-wide"):
        pc.get_view(store, key.with_(filters={"region": ["north"]}))


def test_a_cancelled_job_stores_nothing_more(tmp_path, tables):
    ws = Workspace(tmp_path)
    snap = ws.replace(tables, source="test")
    store = pc.DerivedStore(ws.folder, snap.dataset_id)
    seen: list[str] = []
    with pytest.raises(pc.Cancelled):
        pc.compute_defaults(ws.engine(snap), store, pc.default_key(snap.dataset_id,
                                                                   snap.date_max),
                            progress=lambda i, n, s: seen.append(s),
                            cancelled=lambda: "cubes" in seen)
    assert store.defaults()["steps"] == ["view"]
    assert not store.complete


def test_stored_results_go_with_their_dataset(tmp_path, tables):
    """A new load: the new dataset has nothing stored; once the old dataset's file is
    collected, its stored results are removed too."""
    ws = Workspace(tmp_path)
    old = ws.replace(tables, source="test")
    store = pc.DerivedStore(ws.folder, old.dataset_id)
    key = pc.default_key(old.dataset_id, old.date_max)
    pc.results.put_view(store, key, pd.DataFrame({"x": [1.0]}))
    assert pc.get_view(store, key) is not None
    new = ws.replace(tables, source="test")
    assert not pc.DerivedStore(ws.folder, new.dataset_id).complete
    assert pc.get_view(pc.DerivedStore(ws.folder, new.dataset_id),
                       pc.default_key(new.dataset_id, new.date_max)) is None
    for _ in range(KEEP_PREVIOUS):
        ws.replace(tables, source="test")
    assert not (ws.folder / f"dataset-{old.dataset_id}.duckdb").exists()
    assert not store.folder.exists()


@pytest.mark.parametrize("bad", ["../etc", "a/b", "", "x" * 20, "db-../-1"],
                         ids=["parent", "slash", "empty", "word", "db-parent"])
def test_only_dataset_ids_name_a_folder(tmp_path, bad):
    with pytest.raises(ValueError, match="not a dataset id"):
        pc.DerivedStore(tmp_path, bad)


def test_codec_round_trip_and_refusal():
    value = {"at": pd.Timestamp("2024-06-30"), "day": date(2024, 6, 30), "pair": ("a", 1),
             "nan": float("nan"), "by_h": {30: 60, 90: 180}, "n": None}
    back = codec.loads(codec.dumps(value))
    assert back["at"] == value["at"] and back["day"] == value["day"]
    assert back["pair"] == ("a", 1) and back["by_h"] == {30: 60, 90: 180}
    assert back["nan"] != back["nan"] and back["n"] is None
    with pytest.raises(TypeError, match="cannot store"):
        codec.dumps({"model": object()})


def test_analysis_key_fields_are_what_names_an_entry():
    key = AnalysisKey("20240101000000-0123abcd", date(2024, 6, 30))
    assert pc.store.entry_name("view", key) == pc.store.entry_name(
        "view", AnalysisKey("20240101000000-0123abcd", pd.Timestamp("2024-06-30")))
    assert pc.store.entry_name("view", key) != pc.store.entry_name("cubes", key)


def test_the_warnings_reasons_are_stored_in_both_languages(computed):
    from segmentation.churn import render_main_reason, render_reasons

    ws, snap, key, _ = computed
    store = pc.DerivedStore(ws.folder, snap.dataset_id)
    scores = pc.get_churn(store, _churn_key(store, key)).scores
    warned = scores[scores["status"] == "warning"]
    warned.attrs.update(scores.attrs)
    assert len(warned)
    for lang in ("en", "zh"):
        reasons, main = pc.results.get_words(store, _churn_key(store, key), scores, lang)
        assert reasons.index.equals(scores.index)
        pd.testing.assert_series_equal(reasons[warned.index], render_reasons(warned, lang),
                                       check_names=False)
        pd.testing.assert_series_equal(main[warned.index], render_main_reason(warned, lang),
                                       check_names=False)
        assert (reasons[scores["status"] != "warning"] == "").all()


@pytest.mark.parametrize("index", [
    pd.Index(["c1", "c2", "c3"], name="customer_id"),
    pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)], names=["branch", "week"]),
    pd.RangeIndex(3),
    pd.Index(["x", "y", "z"]),  # unnamed: stored as pandas stores it
])
def test_stored_frames_read_back_equal_with_named_levels_as_columns(tmp_path, index):
    """A named index is stored as ``__index__`` columns, so that reading a million
    customer ids does not rebuild a string index through Python objects (issue 23: the
    first render of the Overview and the Churn page read them)."""
    import pyarrow.parquet as pq

    from segmentation.precompute.store import frame_bytes, read_frame

    frame = pd.DataFrame({"risk": [0.1, 0.5, 0.9], "tier": ["A", "B", "C"]}, index=index)
    path = tmp_path / "f.parquet"
    path.write_bytes(frame_bytes(frame))
    pd.testing.assert_frame_equal(read_frame(path), frame)
    stored = pq.read_schema(path).pandas_metadata["index_columns"]
    named = all(isinstance(n, str) for n in index.names) and not isinstance(index, pd.RangeIndex)
    assert (stored == []) == named
