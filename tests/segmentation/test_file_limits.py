"""Limits that cannot be sidestepped (issue 21, item 6): a workbook that understates its rows,
a small Parquet file that decodes to gigabytes."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from segmentation import sources
from segmentation.schema import DataError
from segmentation.sources import DEFAULT_LIMITS, FileLimits
from tests.hostile import rewrite_member, workbook

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def lying_workbook(rows: int, declared: int = 2) -> bytes:
    """A workbook with ``rows`` data rows whose ``<dimension>`` says ``declared`` rows."""
    data = workbook([["customer_id", "date", "amount"]]
                    + [[f"C{i}", "2024-01-10", i] for i in range(rows)])
    return rewrite_member(data, "xl/worksheets/sheet1.xml",
                          lambda xml: re.sub(rb'<dimension ref="[^"]+"',
                                             f'<dimension ref="A1:C{declared}"'.encode(), xml))


def test_a_workbook_that_understates_its_rows_stops_at_the_limit():
    """Regression: a workbook whose <dimension> said 2 rows but held 1.2 M was read in full."""
    data = lying_workbook(300)
    assert sources.check_workbook(data)  # the declared rows pass the check from the zip
    small = FileLimits(workbook_rows=100)
    for read in (lambda: sources.read_any(data, filename="x.xlsx", limits=small),
                 lambda: sources.read_excel_sheets(data, limits=small),
                 lambda: sources.read_excel(data, sheet=0, limits=small)):
        with pytest.raises(DataError) as err:
            read()
        problem = err.value.problems[0]
        assert problem.code == "workbook_rows_counted"
        assert "more than 100 rows" in problem.message("en")
        assert "超过 100 行" in problem.message("zh")
    # exactly at the limit (header included, as <dimension> counts it): read in full
    assert len(sources.read_any(data, filename="x.xlsx", limits=FileLimits(
        workbook_rows=301))) == 300


def test_the_default_workbook_row_limit():
    assert DEFAULT_LIMITS.workbook_rows == sources.MAX_WORKBOOK_ROWS == 500_000
    assert len(sources.read_any(lying_workbook(300), filename="x.xlsx")) == 300


def _repeated_text(rows: int, size: int, *, keep_arrow_schema: bool) -> bytes:
    """A Parquet file whose one text column repeats a ``size``-byte text ``rows`` times,
    dictionary-encoded: a few KB on disk, ``rows * size`` bytes once decoded."""
    column = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()),
                                            pa.array(["x" * size]))
    table = pa.table({"customer_id": pa.array([f"C{i}" for i in range(rows)]),
                      "comment": column})
    buffer = io.BytesIO()  # without the Arrow schema, as another writer: a text column
    pq.write_table(table, buffer, compression="zstd", store_schema=keep_arrow_schema,
                   use_dictionary=True)
    return buffer.getvalue()


@pytest.mark.parametrize("keep_arrow_schema", [True, False])
def test_parquet_that_decodes_to_too_much_text_is_refused_before_it_is_built(
        keep_arrow_schema):
    """Regression: a 91 KB Parquet file decoding to 2 GB of text took 2.3 GB, then failed
    with MemoryError. Here: 64 MB of text from a few KB, against an 8 MB limit."""
    data = _repeated_text(64, 2**20, keep_arrow_schema=keep_arrow_schema)
    assert len(data) < 100_000
    with pytest.raises(DataError) as err:
        sources.read_any(data, filename="c.parquet", limits=FileLimits(parquet_mb=8))
    problem = err.value.problems[0]
    assert problem.code == "parquet_too_large"
    assert "read up to 8 MB decoded" in problem.message("en")
    assert "最多读取 8 MB" in problem.message("zh")
    small = sources.read_parquet(_repeated_text(4, 2**20, keep_arrow_schema=keep_arrow_schema),
                                 limits=FileLimits(parquet_mb=8))
    assert small["comment"].str.len().tolist() == [2**20] * 4


def test_parquet_decoding_to_more_than_the_default_limit_is_refused_quickly():
    data = _repeated_text(2_100, 2**20, keep_arrow_schema=False)  # 2.05 GB of text
    start = time.perf_counter()
    with pytest.raises(DataError) as err:
        sources.read_any(data, filename="c.parquet")
    assert err.value.problems[0].code == "parquet_too_large"
    assert time.perf_counter() - start < 5
    assert DEFAULT_LIMITS.parquet_mb == 2_048


def test_parquet_rows_and_declared_size_are_checked_from_the_footer(monkeypatch):
    data = _repeated_text(50, 10, keep_arrow_schema=True)
    monkeypatch.setattr(pq.ParquetFile, "read_row_group", None)  # proof nothing is read
    with pytest.raises(DataError) as err:
        sources.read_any(data, filename="c.parquet", limits=FileLimits(parquet_rows=49))
    assert err.value.problems[0].code == "parquet_too_many_rows"
    assert "has 50 rows; at most 49 rows" in err.value.message("en")
    plain = io.BytesIO()  # 2 MB of text, no dictionary: the footer declares its size
    pq.write_table(pa.table({"x": ["y" * 1000] * 2000}), plain, use_dictionary=False)
    with pytest.raises(DataError) as err:
        sources.read_any(plain.getvalue(), filename="c.parquet",
                         limits=FileLimits(parquet_mb=1))
    assert err.value.problems[0].code == "parquet_too_large"


@pytest.mark.parametrize("table", ["transactions", "customers", "surveys", "complaints"])
def test_parquet_reads_as_pandas_does(table):
    path = SAMPLE / f"{table}.parquet"
    ours, theirs = sources.read_parquet(path), pd.read_parquet(path)
    pd.testing.assert_frame_equal(ours, theirs.reset_index(drop=True))
