"""The batch writer's CSV (text neutralised in Arrow, written by DuckDB) is byte for byte
the app's download (``safe_frame`` + pandas ``to_csv``) on hostile frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation import export
from segmentation.export import to_csv_bytes, write_file

STR = pd.StringDtype(na_value=np.nan)
#: Cells a spreadsheet would run, line breaks of every spelling, controls an .xlsx cannot
#: hold, quotes and commas, Chinese text, and missing values.
HOSTILE = ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tcmd", "\rcmd", "ok", "a\r\n=b", "a\n-b",
           "a\rb\r+c", "x\x0by", "x\x0c@y", "x\x1cy", "x\x85=y", "x\u2028-y", "x\u2029y",
           "\x00=x", "a\x01b", "a\x1fb", 'say "hi", ok', "a,b", "张伟", "“引号”", "", " ",
           None, "\u3000", "'=already"]


def _frames() -> dict[str, pd.DataFrame]:
    n = len(HOSTILE)
    rng = np.random.default_rng(7)
    numbers = pd.DataFrame({
        "amount": rng.normal(0, 1e4, n).round(2), "ratio": rng.uniform(0, 1, n),
        "count": rng.integers(0, 100, n), "flag": rng.integers(0, 2, n).astype(bool),
        "day": pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 400, n), "D"),
        "at": pd.to_datetime("2024-01-01 08:30") + pd.to_timedelta(rng.integers(0, 99, n), "h"),
        "maybe": np.where(rng.uniform(0, 1, n) < 0.3, np.nan, 1.5),
    })
    return {
        "str_dtype": numbers.assign(text=pd.Series(HOSTILE, dtype=STR)),
        "string_na": numbers.assign(text=pd.Series(HOSTILE, dtype="string")),
        "object_text": numbers.assign(text=pd.Series(HOSTILE, dtype=object)),
        "category": numbers.assign(text=pd.Categorical(HOSTILE)),
        "hostile_headers": pd.DataFrame({"=cmd": pd.Series(HOSTILE, dtype=STR),
                                         "a\rb": range(n), "-x\n+y": HOSTILE}),
        "all_missing_text": numbers.assign(text=pd.Series([None] * n, dtype=object)),
        "clean_text_only": pd.DataFrame({"customer_id": [f"C{i}" for i in range(n)],
                                         "tier": pd.Series(["vip", "low"] * (n // 2),
                                                           dtype=STR)}),
        "mixed_objects": numbers.assign(text=pd.Series([1, "=x", None, 2.5] * (n // 4),
                                                       dtype=object)),
        "time_zones": numbers.assign(text=HOSTILE,
                                     tz=numbers["at"].dt.tz_localize("Asia/Shanghai")),
        "empty": numbers.assign(text=pd.Series(HOSTILE, dtype=STR)).iloc[:0],
    }


FRAMES = _frames()


@pytest.mark.parametrize("name", FRAMES, ids=list(FRAMES))
def test_write_file_csv_is_the_download_byte_for_byte(tmp_path, name):
    frame = FRAMES[name]
    written = write_file(frame, tmp_path / "out.csv").read_bytes()
    assert written == to_csv_bytes(frame)
    if name in ("str_dtype", "object_text", "category", "hostile_headers"):
        assert b"'=1+1" in written and b"\r\n" in written


@pytest.mark.parametrize("name", ["str_dtype", "object_text", "category", "clean_text_only",
                                  "hostile_headers", "all_missing_text"])
def test_text_columns_take_the_arrow_path(name):
    """These frames never become Python objects on the way to DuckDB (the fast path)."""
    table = export._csv_table(FRAMES[name])
    assert table is not None
    expected = export._csv_columns(export.safe_frame(FRAMES[name]))
    assert table.column_names == expected.column_names
    for got, want in zip(table.columns, expected.columns, strict=True):
        assert got.to_pylist() == want.to_pylist()


@pytest.mark.parametrize("name", ["mixed_objects", "time_zones"])
def test_columns_that_need_pandas_leave_the_arrow_path(name):
    assert export._csv_table(FRAMES[name]) is None


def test_write_file_does_not_change_the_frame(tmp_path):
    frame = FRAMES["str_dtype"].copy()
    frame.attrs["as_of"] = "2024-06-30"
    before = frame.copy()
    write_file(frame, tmp_path / "out.parquet")
    write_file(frame, tmp_path / "out.csv")
    pd.testing.assert_frame_equal(frame, before)
    assert frame.attrs == {"as_of": "2024-06-30"}
    assert pd.read_parquet(tmp_path / "out.parquet").attrs == {}
