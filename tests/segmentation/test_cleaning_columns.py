"""The column-operation shortcuts of the cleaning (byte screens, hashed duplicate search)
give what the pandas expressions they stand in for give, on hostile input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from segmentation.cleaning import prepare_table
from segmentation.cleaning.tables import duplicate_rows
from segmentation.cleaning.text import (
    _ID_CONTROLS,
    _TEXT_CONTROLS,
    SCIENTIFIC_ID,
    TEXT_DTYPE,
    as_text,
    clean_ids,
    fullmatch_mask,
    strip_controls,
)

#: Every character ``str.strip`` removes, and neighbours of their UTF-8 lead bytes that it
#: keeps (NEL vs ``©``, U+3000 vs ``。``, U+2028 vs ``“``).
SPACES = ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", " ", "\x85", "\xa0", "\u1680",
          "\u2000", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]
NOT_SPACES = ["©", "。", "“", "\u200b", "\ufeff", "é", "中", "\x7f", "x", "😀"]
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x1f", "\x7f", "\x85", "\u200b", "\u200d",
            "\u2060", "\ufeff", "\u2028"]


def _hostile_strings() -> list[object]:
    values: list[object] = ["", " ", "C1", "中文", None, np.nan, "1.0", "12.000", "1.2E+10",
                            "3e+5", "1.5e+3", "a.0", "+1", "1.23457E+10 "]
    for ch in SPACES + NOT_SPACES + CONTROLS:
        values += [ch, ch + "a", "a" + ch, "ab" + ch, "中" + ch, ch + "中", "a" + ch + "b",
                   ch * 2]
    return values


def _variants(values: list[object]) -> dict[str, pd.Series]:
    """The strings as one chunk, as many small chunks, as a slice (an offset into the
    buffers), as large_string, and without any missing value."""
    base = pd.Series(values, dtype=TEXT_DTYPE)
    arrow = pa.array(values, type=pa.string(), from_pandas=True)
    as_series = {pa.string(): TEXT_DTYPE, pa.large_string(): TEXT_DTYPE}.get
    chunked = pa.chunked_array([arrow[i:i + 7] for i in range(0, len(arrow), 7)])
    variants = {
        "one_chunk": base,
        "chunks": chunked.to_pandas(types_mapper=as_series),
        "slice": base.iloc[5:-4].reset_index(drop=True),
        "large": pa.chunked_array([arrow.cast(pa.large_string())]).to_pandas(
            types_mapper=as_series),
        "no_missing": pd.Series([v for v in values if isinstance(v, str)], dtype=TEXT_DTYPE),
    }
    assert variants["chunks"].array._pa_array.num_chunks > 1
    assert variants["slice"].array._pa_array.chunks[0].offset == 5
    return variants


VARIANTS = _variants(_hostile_strings())


def _old_as_text(values: pd.Series) -> pd.Series:
    text = values if values.dtype == TEXT_DTYPE else values.astype(TEXT_DTYPE)
    stripped = text.str.strip()
    empty = stripped == ""
    if not empty.any() and stripped.equals(text):
        return text
    return stripped.where(~empty)


def _columns() -> dict[str, pd.Series]:
    """Each variant of the whole hostile list, and a clean column with one hostile value
    (a screen works per column: one value must be enough to make it look)."""
    columns = {f"all/{name}": values for name, values in VARIANTS.items()}
    for value in _hostile_strings():
        if isinstance(value, str):
            columns[f"one/{value!r}"] = pd.Series(["C1", "中文", value, None, "x.y"],
                                                  dtype=TEXT_DTYPE)
    return columns


COLUMNS = _columns()


def _mismatches(check) -> list[str]:
    """The names of the columns for which ``check(values)`` raises an AssertionError."""
    failed = []
    for name, values in COLUMNS.items():
        try:
            check(values)
        except AssertionError:
            failed.append(name)
    return failed


def test_as_text_equals_strip_on_hostile_text():
    def check(values):
        pd.testing.assert_series_equal(as_text(values), _old_as_text(values))

    assert _mismatches(check) == []


@pytest.mark.parametrize("kind", ["id", "text"])
def test_strip_controls_finds_what_the_expression_finds(kind):
    pattern = _ID_CONTROLS if kind == "id" else _TEXT_CONTROLS

    def check(values):
        expected = values.str.contains(pattern, regex=True).to_numpy(dtype=bool,
                                                                     na_value=False)
        clean, found, count = strip_controls(values, kind)
        np.testing.assert_array_equal(found, expected)
        assert count == int(values[expected].str.count(pattern).sum())
        pd.testing.assert_series_equal(
            clean, values.where(~expected, values.str.replace(pattern, "", regex=True)))

    assert _mismatches(check) == []


def test_fullmatch_mask_equals_fullmatch():
    def check(values):
        for pattern, needs in ((SCIENTIFIC_ID, "+"), (r"[0-9]+\.0+", ".")):
            expected = values.str.fullmatch(pattern).to_numpy(dtype=bool, na_value=False)
            np.testing.assert_array_equal(fullmatch_mask(values, pattern, needs), expected)

    assert _mismatches(check) == []


def test_screens_skip_columns_without_the_bytes():
    """Clean ASCII columns are returned as they are (no copy), and the masks are empty."""
    values = pd.Series([f"C{i}" for i in range(50)] + [None], dtype=TEXT_DTYPE)
    assert as_text(values) is values
    assert clean_ids(values) is values
    clean, found, count = strip_controls(values, "id")
    assert clean is values and not found.any() and count == 0
    assert not fullmatch_mask(values, SCIENTIFIC_ID, "+").any()


def _chunked(values: np.ndarray, size: int = 97) -> pd.Series:
    """Text as a pyarrow-backed column of many chunks (as a Parquet file's row groups)."""
    chunks = [pa.array(values[i:i + size], type=pa.string(), from_pandas=True)
              for i in range(0, len(values), size)]
    return pa.chunked_array(chunks).to_pandas(types_mapper={pa.string(): TEXT_DTYPE}.get)


def _duplicate_frames() -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(7)
    n = 3000
    text = pd.Series(rng.choice(["a", "b", "中", "", None], n), dtype=TEXT_DTYPE)
    numbers = rng.choice([0.0, -0.0, 1.5, np.nan, float("nan") * -1, 2.0], n)
    dates = pd.Series(rng.choice(pd.to_datetime(["2024-01-01", "2024-01-02", None]), n))
    mixed = pd.Series(rng.choice(np.array([1, "1", 1.0, None, np.nan, "x", (1, 2)],
                                          dtype=object), n), dtype=object)
    return {
        "numbers_dates_text": pd.DataFrame({"d": dates, "x": numbers, "t": text}),
        "negative_zero_and_nan_payloads": pd.DataFrame({
            "x": np.array([0.0, -0.0, np.nan, -np.nan, np.float64("nan"), 0.0]),
            "t": pd.Series(["a"] * 6, dtype=TEXT_DTYPE)}),
        "text_only": pd.DataFrame({"t": text, "u": text.iloc[::-1].reset_index(drop=True)}),
        "numbers_only": pd.DataFrame({"x": numbers, "i": rng.integers(0, 3, n),
                                      "b": rng.integers(0, 2, n).astype(bool)}),
        "mixed_objects": pd.DataFrame({"m": mixed, "x": numbers}),
        "object_only": pd.DataFrame({"m": mixed}),
        "nullable_and_tz": pd.DataFrame({
            "i": pd.array(rng.choice([1, 2, None], n), dtype="Int64"),
            "z": dates.dt.tz_localize("Asia/Shanghai"), "t": text}),
        "all_unique": pd.DataFrame({"x": np.arange(n, dtype=float), "t": text}),
        "few_candidates_many_chunks": pd.DataFrame({
            "x": np.r_[np.arange(n - 40, dtype=float), np.zeros(40)],
            "t": _chunked(np.r_[text.iloc[:n - 40].to_numpy(dtype=object),
                                np.array(["a", "b"] * 20, dtype=object)])}),
        "one_row": pd.DataFrame({"x": [1.0], "t": pd.Series(["a"], dtype=TEXT_DTYPE)}),
        "empty": pd.DataFrame({"x": pd.Series([], dtype=float)}),
    }


DUPLICATE_FRAMES = _duplicate_frames()


@pytest.mark.parametrize("name", DUPLICATE_FRAMES, ids=list(DUPLICATE_FRAMES))
def test_duplicate_rows_equals_duplicated(name):
    frame = DUPLICATE_FRAMES[name]
    expected = frame.duplicated(keep="first").to_numpy()
    np.testing.assert_array_equal(duplicate_rows(frame), expected)
    if name in ("numbers_dates_text", "few_candidates_many_chunks"):
        assert 0 < expected.sum() < len(frame)  # the case tests something
    if name == "few_candidates_many_chunks":
        assert frame["t"].array._pa_array.num_chunks > 20


def test_prepare_table_drops_the_same_duplicates_as_duplicated():
    """Through ``prepare_table``: rows that differ only in text are kept, copies dropped,
    and the warning counts them."""
    raw = pd.DataFrame({
        "customer_id": pd.Series(["C1", "C1", "C1", "C2", "C2", " C2 "], dtype=TEXT_DTYPE),
        "date": pd.Series(["2024-01-01"] * 6, dtype=TEXT_DTYPE),
        "amount": [5.0, 5.0, 5.0, -0.0, 0.0, 0.0],
        "branch": pd.Series(["A", "A", "B", None, None, None], dtype=TEXT_DTYPE),
    })
    prepared = prepare_table(raw, "transactions")
    assert prepared.frame["customer_id"].tolist() == ["C1", "C1", "C2"]
    assert prepared.frame["branch"].tolist()[:2] == ["A", "B"]
    (problem,) = [p for p in prepared.problems if p.code == "duplicate_rows"]
    assert problem.rows == 3 and problem.examples == (3, 6, 7)


def test_take_sorted_takes_what_take_takes():
    """The chunk-by-chunk take behind the text hashes, against ``ChunkedArray.take``."""
    from segmentation.cleaning.tables import _take_sorted

    values = _chunked(np.array([f"v{i}" if i % 7 else None for i in range(1000)],
                               dtype=object), size=37).array._pa_array
    rng = np.random.default_rng(7)
    for rows in (np.sort(rng.choice(1000, 50, replace=False)), np.arange(1000),
                 np.array([0, 36, 37, 999]), np.zeros(0, dtype=np.int64)):
        got = _take_sorted(values, rows)
        assert got.to_pylist() == values.take(pa.array(rows, type=pa.int64())).to_pylist()
