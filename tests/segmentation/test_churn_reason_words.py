"""``render_reasons`` / ``render_main_reason`` word the codes as the row-by-row split of
the code lists did, on a mix of customers and hostile code lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.churn import reasoning
from segmentation.churn.reasoning import reason_codes, render_main_reason, render_reasons
from segmentation.churn.signals import SIGNAL_COLUMNS


def _old_render_reasons(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The implementation before the code lists were factorised (one split per row)."""
    n = len(frame)
    signals = frame[list(SIGNAL_COLUMNS)]
    signals.attrs.update(frame.attrs)
    split = frame["reason_codes"].astype("str").str.split(",", expand=True)
    sep = "；" if lang == "zh" else "; "
    joined = pd.Series([""] * n, dtype="str")
    for k in range(split.shape[1] if n else 0):
        slot = split[k].fillna("").to_numpy(dtype=object)
        text = np.full(n, "", dtype=object)
        for code in pd.unique(slot):
            if not code:
                continue
            rows = np.flatnonzero(slot == code)
            text[rows] = reasoning._reason_text(str(code), signals, rows,
                                                lang).to_numpy(dtype=object)
        piece = pd.Series(text, dtype="str")
        joined = joined + (pd.Series(np.where(slot != "", sep, ""), dtype="str") if k else "") \
            + piece
    return pd.Series(joined.array, index=frame.index, name="risk_reasons", dtype="str")


def _old_render_main_reason(frame: pd.DataFrame, lang: str = "en") -> pd.Series:
    first = frame.assign(reason_codes=frame["reason_codes"].astype("str").str.split(
        ",", n=1).str[0])
    first.attrs.update(frame.attrs)
    return _old_render_reasons(first, lang).rename("main_reason")


def _signals(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frequency = rng.integers(1, 30, n).astype(float)
    frame = pd.DataFrame({
        "recency_days": rng.integers(0, 400, n).astype(float),
        "frequency": frequency,
        "usual_interval_days": np.where(frequency >= 2, rng.uniform(5, 90, n), np.nan),
        "overdue_ratio": rng.uniform(0, 4, n),
        "interval_to_horizon": rng.uniform(0, 3, n),
        "frequency_recent": rng.integers(0, 10, n).astype(float),
        "frequency_prior": rng.integers(0, 10, n).astype(float),
        "frequency_change": rng.uniform(-1, 1, n),
        "spend_change": rng.uniform(-1, 1, n),
        "ticket_change": rng.uniform(-1, 1, n),
        "satisfaction_from": rng.choice([np.nan, 3.0, 4.5], n),
        "satisfaction_last": rng.choice([np.nan, 1.5, 2.0, 4.8], n),
        "satisfaction_drop": rng.choice([np.nan, 0.0, 1.5], n),
        "complaints_open": rng.choice([0.0, 1.0, 2.0], n),
        "complaints_recent": rng.choice([0.0, 1.0, 3.0], n),
        "complaint_category": pd.Series(rng.choice(["delay", "damage", "", None, "其他"], n),
                                        dtype="str"),
        "tenure_days": rng.integers(10, 2000, n).astype(float),
    }, index=pd.Index([f"C{i}" for i in range(n)], name="customer_id"))
    frame.attrs.update(window_days=90, typical_interval_days=21.0,
                       satisfaction_scale=(1.0, 5.0))
    return frame


def _scores(n: int = 600) -> pd.DataFrame:
    signals = _signals(n)
    rng = np.random.default_rng(11)
    risk = pd.Series(rng.uniform(0, 1, n), index=signals.index)
    lost = pd.Series(rng.uniform(0, 1, n) < 0.1, index=signals.index)
    codes = reason_codes(signals, risk, warning_threshold=0.7, lost=lost)
    frame = pd.concat([signals, codes], axis=1)
    frame.attrs.update(signals.attrs)
    return frame


def _hostile(frame: pd.DataFrame) -> pd.DataFrame:
    """Code lists a stored score table may hold: missing, empty, one code, an empty slot,
    a trailing comma, four codes, as object text."""
    lists = ["overdue", None, "", "recent,,loyal", "quiet,", "spend_down,ticket_down,loyal,pace",
             np.nan, "lost", "complaints_open,satisfaction_low"]
    out = frame.copy()
    column = out["reason_codes"].astype(object).to_numpy(copy=True)
    column[: len(lists)] = lists
    out["reason_codes"] = pd.Series(column, index=out.index, dtype=object)
    return out


FRAMES = {"scored": _scores(), "hostile": _hostile(_scores()),
          "empty": _scores().iloc[:0], "all_missing": _scores().assign(reason_codes=None)}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", FRAMES, ids=list(FRAMES))
def test_render_reasons_equals_the_row_by_row_split(name, lang):
    frame = FRAMES[name]
    new = render_reasons(frame, lang)
    pd.testing.assert_series_equal(new, _old_render_reasons(frame, lang))
    if name == "scored":
        assert new.str.contains("; " if lang == "en" else "；").any()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", FRAMES, ids=list(FRAMES))
def test_render_main_reason_equals_the_row_by_row_split(name, lang):
    frame = FRAMES[name]
    new = render_main_reason(frame, lang)
    if name == "all_missing":  # the row-by-row split raised here; now: no reason, no error
        with pytest.raises(AttributeError):
            _old_render_main_reason(frame, lang)
        assert new.name == "main_reason" and (new == "").all() and len(new) == len(frame)
        return
    pd.testing.assert_series_equal(new, _old_render_main_reason(frame, lang))


def test_reason_labels_word_stored_codes_in_either_language():
    """A stored scores table has codes, not signals: the labels are all the page can word,
    in the viewer's language, in the codes' order; unknown codes and missing lists give
    nothing rather than an error."""
    from segmentation.churn import reason_labels

    codes = pd.Series(["overdue,complaints_open", None, "spend_down,from_a_newer_version",
                       "overdue,complaints_open"], index=["a", "b", "c", "d"])
    en, zh = reason_labels(codes, "en"), reason_labels(codes, "zh")
    assert en.tolist() == ["overdue; open complaints", "", "lower spend",
                           "overdue; open complaints"]
    assert zh.tolist() == ["超期未寄件；投诉未解决", "", "金额下降", "超期未寄件；投诉未解决"]
    assert en.index.equals(codes.index) and en.name == "risk_reasons"


def test_both_directions_of_a_percentile_from_one_sort():
    """A signal ranked both ways (spend down / spend up) is sorted once: the percentile of
    ``-x`` comes from the average ranks of ``x``, bit for bit what pandas' own
    ``rank(pct=True)`` of ``-x`` gives, ties, missing values and rows outside the
    population included."""
    rng = np.random.default_rng(5)
    values = rng.choice([np.nan, -1.0, 0.0, 0.25, 3.0, 7.5], 20_000)
    continuous = rng.uniform(size=len(values)) < 0.5  # half tied values, half not
    values[continuous] = rng.normal(size=continuous.sum())
    population = rng.uniform(size=len(values)) < 0.8
    ranks = reasoning._average_ranks(values, population)
    for direction in (1, -1):
        expected = np.full(len(values), np.nan)
        expected[population] = pd.Series(direction * values[population]).rank(
            pct=True, method="average").to_numpy()
        got = reasoning._directed(ranks, direction)
        assert np.array_equal(got, expected, equal_nan=True)
        assert np.isnan(got[~population]).all()


def test_reason_codes_pick_the_strongest_candidates_as_a_full_sort_would():
    """The top reasons per customer come from a few argmax passes; they are the columns a
    stable descending sort of every row puts first, ties to the earlier rule."""
    rng = np.random.default_rng(9)
    key = rng.choice([-np.inf, 0.5, 1.0, 2.5, 2.75], (5_000, 12))
    order, picked = reasoning._top_columns(key, 3)
    full = np.argsort(-key, axis=1, kind="stable")[:, :3]
    full_picked = np.take_along_axis(key, full, axis=1) > -np.inf
    assert np.array_equal(picked, full_picked)
    assert np.array_equal(np.where(picked, order, -1), np.where(full_picked, full, -1))


def test_more_reasons_asked_for_extend_the_same_lists():
    """Asking for every reason that holds (as many slots as there are rules) gives each
    customer's three reasons first and nothing else changed: the lists are found by
    hashing slot after slot, which does not overflow however many slots there are."""
    signals = _signals(3000)
    rng = np.random.default_rng(4)
    risk = pd.Series(rng.uniform(0, 1, len(signals)), index=signals.index)
    lost = pd.Series(rng.uniform(0, 1, len(signals)) < 0.1, index=signals.index)
    three = reason_codes(signals, risk, warning_threshold=0.7, lost=lost)
    every = reason_codes(signals, risk, warning_threshold=0.7, lost=lost,
                         max_reasons=len(reasoning.REASON_RULES))
    longer = every["reason_codes"].str.split(",")
    assert (longer.str.len() > 3).any()  # some customers have more than three
    assert longer.str[:3].str.join(",").tolist() == three["reason_codes"].tolist()
    known = set(reasoning.REASON_RULES["code"]) | {"quiet", "lost", "pace", "pattern"}
    assert {c for codes in longer for c in codes} <= known
