"""Line breaks inside text: read as one line feed from every source, quoted and checked for a
formula on every line by the writers (issue 21, item 2)."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess

import duckdb
import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from segmentation import export
from segmentation.cleaning import prepare_table
from segmentation.cli import main
from segmentation.linebreaks import LINE_BREAKS, normalize_breaks
from segmentation.sources import read_any
from segmentation.sql import fetch

BREAKS = ["\r", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
          "\u2029"]
PREFIXES = ["=", "+", "-", "@", "\t"]
FORMULA = ("=", "+", "-", "@", "\t", "\r")
PAYLOAD = "cmd|' /C calc'!A0"
#: one hostile name per break and prefix: "Zhang Wei" <break> "=cmd|' /C calc'!A0"
NAMES = [f"Zhang Wei{b}{p}{PAYLOAD}" for b in BREAKS for p in PREFIXES]


def _lines(cell: str) -> list[str]:
    """The lines of a cell, split at every break a reader might honour."""
    return LINE_BREAKS.split(cell)


def _unsafe_cells(data: bytes) -> list[str]:
    """Cells of a CSV file (parsed properly, and naively line by line, as a spreadsheet that
    starts a row at every break would) with a line that starts with a formula prefix."""
    text = data.decode("utf-8-sig")
    proper = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
    naive = [c for line in LINE_BREAKS.split(text) for row in csv.reader([line]) for c in row]
    return [c for c in proper + naive for line in _lines(c) if line.startswith(FORMULA)]


def test_a_bare_carriage_return_cannot_smuggle_a_formula_into_csv():
    """Regression: "Zhang Wei\\r=cmd…" was written unquoted, so a spreadsheet started a row
    at the CR and ran the formula."""
    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(len(NAMES))], "name": NAMES})
    data = export.to_csv_bytes(frame)
    assert _unsafe_cells(data) == []
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(back) == len(NAMES) + 1  # one record per customer: every break was quoted
    assert back[1][1] == f"Zhang Wei\n'={PAYLOAD}"
    # the mixed-type (object) path and headers as well
    mixed = pd.DataFrame({"x\r=h": pd.Series([1, "a\u2028@b"], dtype=object)})
    assert _unsafe_cells(export.to_csv_bytes(mixed)) == []
    assert export.neutralize("a\r\n-b\r+c") == "a\n'-b\n'+c"


def test_excel_cells_hold_no_formula_line(tmp_path):
    frame = pd.DataFrame({"name": NAMES})
    path = tmp_path / "x.xlsx"
    export.write_file(frame, path)
    cells = [c for row in openpyxl.load_workbook(path).active.iter_rows(min_row=2) for c in row]
    assert all(c.data_type == "s" for c in cells)
    assert not [c.value for c in cells for line in _lines(c.value) if line.startswith(FORMULA)]


@pytest.fixture
def crafted_files(tmp_path) -> list[str]:
    """Transactions and a customers file whose names carry a formula after a line break."""
    ids = [f"C{i}" for i in range(len(NAMES))]
    tx = pd.DataFrame({"customer_id": ids * 3, "amount": range(3 * len(ids)),
                       "date": [f"2024-0{1 + k}-{10 + i % 15}" for k in range(3)
                                for i in range(len(ids))]})
    tx.to_parquet(tmp_path / "tx.parquet")
    with open(tmp_path / "customers.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["customer_id", "name", "branch"])
        for i, name in enumerate(NAMES):
            writer.writerow([ids[i], name, f"B{i % 3}\r@SUM(A1)"])
    return ["--transactions", str(tmp_path / "tx.parquet"),
            "--customers", str(tmp_path / "customers.csv")]


def test_cli_csv_output_has_no_formula_on_any_line(crafted_files, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert main(["score", *crafted_files, "--no-churn", "--out", str(out)]) == 0
    capsys.readouterr()
    data = out.read_bytes()
    assert _unsafe_cells(data) == []
    back = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(back) == len(NAMES)
    assert set(back["name"]) == {f"Zhang Wei\n'{p}{PAYLOAD}" for p in PREFIXES}
    if shutil.which("soffice"):  # a real spreadsheet, when installed
        subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir",
                        str(tmp_path / "lo"), str(out)], check=True, timeout=120,
                       capture_output=True)
        book = openpyxl.load_workbook(tmp_path / "lo" / "x.xlsx")
        cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
        assert all(c.data_type != "f" for c in cells)
        assert len(list(book.active.iter_rows())) == len(NAMES) + 1


@pytest.mark.parametrize("kind", ["csv", "xlsx", "parquet"])
def test_every_file_type_reads_line_breaks_as_one_line_feed(kind):
    names = [f"a{b}b" for b in BREAKS]
    frame = pd.DataFrame({"customer_id": [f"C{i}\u2028" for i in range(len(names))],
                          "name": names})
    buffer = io.BytesIO()
    if kind == "csv":
        frame.to_csv(buffer, index=False, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    elif kind == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(list(frame.columns))
        for row in frame.itertuples(index=False):  # an .xlsx cannot hold \x0b … \x1e
            book.active.append([export.ILLEGAL_CHARACTERS.sub("\n", v) for v in row])
        book.save(buffer)
    else:
        frame.to_parquet(buffer)
    raw = read_any(buffer.getvalue(), filename=f"customers.{kind}")
    clean = prepare_table(raw, "customers").frame
    assert clean["name"].tolist() == ["a\nb"] * len(names)
    assert clean["customer_id"].tolist() == [f"C{i}" for i in range(len(names))]


def test_database_rows_read_line_breaks_as_one_line_feed(tmp_path):
    path = tmp_path / "x.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t (name VARCHAR, n INTEGER)")
        con.executemany("INSERT INTO t VALUES (?, ?)", [[f"a{b}b", 1] for b in BREAKS])
    for url in (f"duckdb:///{path}", f"sqlite:///{tmp_path / 'x.db'}"):
        engine = sa.create_engine(url)
        table = sa.table("t", sa.column("name"), sa.column("n"))
        with engine.begin() as conn:
            if url.startswith("sqlite"):
                conn.execute(sa.text("CREATE TABLE t (name TEXT, n INTEGER)"))
                conn.execute(sa.text("INSERT INTO t VALUES (:name, 1)"),
                             [{"name": f"a{b}b"} for b in BREAKS])
            rows = fetch(conn, sa.select(table.c.name, table.c.n))
        engine.dispose()
        assert rows["name"].tolist() == ["a\nb"] * len(BREAKS), url
        assert rows["n"].tolist() == [1] * len(BREAKS)


def test_normalize_breaks_leaves_text_without_breaks_alone():
    plain = pd.Series(["张伟", "…", "é", None, "a\nb"], dtype="str")
    assert normalize_breaks(plain) is plain
    assert normalize_breaks(pd.Series(["a\u2029b"], dtype="str")).tolist() == ["a\nb"]
