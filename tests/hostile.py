"""A corpus of small hostile input files, generated (no binaries committed).

Each case is a :class:`Case`: the files it uploads (``{table: (file name, bytes)}``),
what must happen (``refused`` at read time, ``refused`` at load time, or ``loaded``
with a warning), the problem code and a fragment of the English and Chinese message.
The same corpus runs through the batch CLI (tests/segmentation/test_cli.py) and the
Data page (tests/app/test_data_page.py).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
import pandas as pd

TODAY = pd.Timestamp.today().normalize()


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, tuple[str, bytes]]
    outcome: str  # "read_error" (the file is refused when read), "load_error", "loaded"
    code: str
    en: str
    zh: str
    customers: int | None = None  # customers loaded, when "loaded"
    extra: dict = field(default_factory=dict)


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8", sep: str = ",") -> bytes:
    return "\n".join(sep.join(str(v) for v in row) for row in rows).encode(encoding) + (
        "\n".encode(encoding))


def _base_rows(n: int = 12, prefix: str = "C") -> list[list[object]]:
    """``n`` clean transactions of 4 customers in January-February 2024."""
    rows: list[list[object]] = [["customer_id", "date", "amount"]]
    for i in range(n):
        rows.append([f"{prefix}{i % 4 + 1}", f"2024-{1 + i // 10:02d}-{i % 10 + 10}", 10 + i])
    return rows


def workbook(rows: list[list[object]], *, title: str = "orders") -> bytes:
    """An .xlsx written by openpyxl (formulas are kept without calculated values)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_member(data: bytes, member: str, edit) -> bytes:
    """The zip ``data`` with ``member`` replaced by ``edit(old bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, edit(content) if info.filename == member else content)
    return out.getvalue()


def zip_bomb(unpacked_mb: int = 24) -> bytes:
    """A small valid workbook whose shared strings unpack to ``unpacked_mb`` MB of filler."""
    data = workbook(_base_rows())

    def edit(_old: bytes) -> bytes:
        filler = b"<si><t>" + b"A" * 1000 + b"</t></si>"
        return b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + (
            filler * (unpacked_mb * 1024)) + b"</sst>"

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", edit(b""))
    return out.getvalue()


def many_rows_workbook(rows: int = 600_000) -> bytes:
    """A tiny workbook whose sheet declares ``rows`` rows (``<dimension ref="A1:C…">``)."""
    data = workbook(_base_rows())
    return rewrite_member(data, "xl/worksheets/sheet1.xml",
                          lambda xml: re.sub(rb'<dimension ref="[^"]+"',
                                             f'<dimension ref="A1:C{rows}"'.encode(), xml))


def formula_workbook() -> bytes:
    rows: list[list[object]] = [["customer_id", "date", "amount"]]
    for i in range(2, 8):
        rows.append([f"C{i}", f"2024-01-{i + 10}", f"=10*{i}"])
    return workbook(rows)


def _control_rows() -> list[list[object]]:
    rows = _base_rows()
    rows[0].append("name")
    for i, row in enumerate(rows[1:]):
        row.append("Zhang\x0bWei" if i == 0 else "Li")
    rows[2][0] = "C\x002"  # the same customer as C2, with a NUL
    rows[3][0] = "C3\x01"
    return rows


def _future_rows() -> list[list[object]]:
    rows = _base_rows()
    rows.append(["C1", "2099-01-01", 99])
    return rows


def _scientific_rows() -> list[list[object]]:
    rows = [["customer_id", "date", "amount"]]
    for i in range(12):
        rows.append(["1.23457E+10" if i % 3 else f"9{i}", f"2024-01-{i + 10}", 5 + i])
    return rows


def _competing_rows() -> list[list[object]]:
    rows = _base_rows()
    rows[0].append("amount")  # a second amount column (pandas reads it as amount.1)
    for row in rows[1:]:
        row.append(int(row[2]) * 100)
    return rows


def _ambiguous_rows() -> list[list[object]]:
    rows = [["customer_id", "date", "amount"]]
    for i in range(12):
        rows.append([f"C{i % 4 + 1}", f"0{i % 9 + 1}/0{(i + 3) % 9 + 1}/2024", 5 + i])
    return rows


def _customers_unmatched() -> bytes:
    return csv_bytes([["customer_id", "customer_type"], ["X1", "enterprise"], ["X2", "individual"]])


HTML = (b"<!DOCTYPE html>\n<html><head><title>Report download</title></head>"
        b"<body><a href='/export.csv'>Download</a></body></html>\n")

OPEN_QUOTE = (b"customer_id,date,amount\nC1,2024-01-10,5\nC2,2024-01-11,6\n"
              b'C3,"2024-01-12,7\nC4,2024-01-13,8\nC1,2024-01-14,9\n')

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024


def corpus() -> list[Case]:
    base = csv_bytes(_base_rows())
    return [
        Case("scientific-ids", {"transactions": ("ids.csv", csv_bytes(_scientific_rows()))},
             "load_error", "scientific_ids", "scientific notation", "科学计数法"),
        Case("formulas-without-values",
             {"transactions": ("generated.xlsx", formula_workbook())},
             "load_error", "formula_without_values", "never opened and saved in Excel",
             "从未在 Excel 中打开并保存过"),
        Case("zip-bomb", {"transactions": ("bomb.xlsx", zip_bomb())},
             "read_error", "workbook_compression", "zip bomb", "压缩炸弹"),
        Case("too-many-rows", {"transactions": ("huge.xlsx", many_rows_workbook())},
             "read_error", "workbook_too_many_rows", "at most 500,000 rows", "最多读取 500,000 行"),
        Case("html-as-csv", {"transactions": ("export.csv", HTML)},
             "read_error", "html_file", "is a web page (HTML)", "是一个网页（HTML）"),
        Case("open-quote", {"transactions": ("quote.csv", OPEN_QUOTE)},
             "read_error", "csv_open_quote", "opened on line 4 is never closed",
             "第 4 行的英文双引号"),
        Case("legacy-xls", {"transactions": ("old.xls", OLE2)},
             "read_error", "legacy_excel", "old Excel 97-2003 workbook", "旧版 Excel 97-2003"),
        Case("control-characters", {"transactions": ("ctrl.csv", csv_bytes(_control_rows()))},
             "loaded", "control_characters", "invisible control characters", "不可见的控制字符",
             customers=4),
        Case("future-date", {"transactions": ("future.csv", csv_bytes(_future_rows()))},
             "loaded", "implausible_dates", "far after the other rows, which end on 2024-02-11",
             "远晚于其他行", customers=4, extra={"date_max": "2024-02-11"}),
        Case("customers-unmatched", {"transactions": ("tx.csv", base),
                                     "customers": ("clients.csv", _customers_unmatched())},
             "loaded", "customers_unmatched", "none of its 2 customer ids appears",
             "没有一个出现在交易明细中", customers=4),
        Case("second-amount-column",
             {"transactions": ("two-amounts.csv", csv_bytes(_competing_rows()))},
             "loaded", "competing_columns", "'amount.1' ignored", "忽略了 'amount.1'",
             customers=4),
        Case("ambiguous-day-month", {"transactions": ("dm.csv", csv_bytes(_ambiguous_rows()))},
             "loaded", "ambiguous_date_order", "could be day/month or month/day",
             "既可理解为“日/月”", customers=4),
        Case("utf16-without-bom",
             {"transactions": ("unicode.txt", csv_bytes(_base_rows(), encoding="utf-16-le",
                                                        sep="\t"))},
             "loaded", "", "", "", customers=4),
        Case("xls-that-is-text",
             {"transactions": ("export.xls", csv_bytes(_base_rows(), sep="\t"))},
             "loaded", "", "", "", customers=4),
    ]


CASES = corpus()


# --------------------------------------------------------------------------- markup in data
#: Where a browser would fetch from if markup in the data were rendered: a port nothing
#: listens on (the browser test starts its own recording server and uses its port).
MARKUP_HOST = "127.0.0.1:9"


def markup_payload(host: str = MARKUP_HOST) -> str:
    """A markdown image, a markdown link, an HTML image and bold: shown as text, or a bug."""
    return (f"![x](http://{host}/a.png) [x](http://{host}/) <img src=http://{host}/b.png> "
            "**bold**")


def markup_tables(host: str = MARKUP_HOST, customers: int = 1500) -> dict[str, pd.DataFrame]:
    """The sample's first ``customers`` customers with markup in every text the pages show:
    customer ids, names, branches, regions, channels, services, comments, complaint
    categories (raw tables, to go through :func:`segmentation.cleaning.prepare_dataset`)."""
    from segmentation.workspace import SAMPLE_FOLDER

    payload = markup_payload(host)
    tables = {name: pd.read_parquet(SAMPLE_FOLDER / f"{name}.parquet")
              for name in ("transactions", "customers", "surveys", "complaints")}
    keep = set(tables["customers"]["customer_id"].iloc[:customers])
    out = {}
    for name, frame in tables.items():
        frame = frame[frame["customer_id"].isin(keep)].copy()
        for column in ("customer_id", "name", "branch", "region", "channel", "service",
                       "comment", "category"):
            if column in frame.columns:
                frame[column] = frame[column].map(
                    lambda v: v if pd.isna(v) else f"{v} {payload}")
        out[name] = frame.reset_index(drop=True)
    return out


def markup_workspace(folder, host: str = MARKUP_HOST):
    """A workspace at ``folder`` holding :func:`markup_tables` as an upload whose file name
    carries markup, and a default preset whose tier names and actions carry markup."""
    from segmentation.cleaning import prepare_dataset
    from segmentation.presets import PresetStore
    from segmentation.tiers import TierSettings
    from segmentation.workspace import Workspace

    workspace = Workspace(folder)
    dataset = prepare_dataset(markup_tables(host))
    snap = workspace.replace(dataset.tables, source="upload",
                             label=f"![x](http://{host}/f.png) <img src=http://{host}/g.png>.csv")
    base = TierSettings().to_dict()
    first, second = base["tiers"][0], base["tiers"][1]
    base["labels"] = {first: {"en": f"![t](http://{host}/t.png)**b**",
                              "zh": f"![t](http://{host}/t.png)**b**"},
                      second: {"en": f"<img src=http://{host}/u>", "zh": f"<img src=http://{host}/u>"}}
    base["playbook"] = {first: [markup_payload(host)]}
    store = PresetStore.for_workspace(workspace)
    store.save("markup", TierSettings.from_dict(base))
    store.set_default("markup")
    return snap
