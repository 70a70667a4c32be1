"""Reading CSV / Excel / Parquet files, guessing tables and suggesting header mappings."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from segmentation import sources
from segmentation.schema import DataError
from segmentation.sources import excel

STR = pd.StringDtype(na_value=np.nan)

ZH_CSV = "客户编号,交易日期,金额,网点\n001,2024年3月1日,12.50,北京朝阳\n002,2024/3/2,8,上海浦东\n"


def _frame(data: dict[str, list]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype=STR) for k, v in data.items()})


ZH_EXPECTED = _frame({"客户编号": ["001", "002"], "交易日期": ["2024年3月1日", "2024/3/2"],
                      "金额": ["12.50", "8"], "网点": ["北京朝阳", "上海浦东"]})


def _workbook(sheets: dict[str, list[list]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class Upload(io.BytesIO):
    """Stands in for Streamlit's UploadedFile: a BytesIO with a name."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"),
     ("gb18030", "gb18030"), ("utf-16", "utf-16")],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "utf16-excel-unicode-text"],
)
def test_read_csv_detects_encoding(tmp_path, encoding, detected):
    data = ZH_CSV.encode(encoding)
    assert sources.detect_encoding(data) == detected
    path = tmp_path / "交易.csv"
    path.write_bytes(data)
    pd.testing.assert_frame_equal(sources.read_csv(path), ZH_EXPECTED)


def test_gb18030_only_characters():
    # U+4DAE is in GB18030 but not in GBK.
    data = "客户编号,姓名\n001,\u4dae先生\n".encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        "\u4dae".encode("gbk")
    frame = sources.read_csv(data)
    assert frame.loc[0, "姓名"] == "\u4dae先生"


def test_encoding_override():
    data = ZH_CSV.encode("gbk")
    pd.testing.assert_frame_equal(sources.read_csv(data, encoding="gbk"), ZH_EXPECTED)
    # Latin-1 decodes anything: the override is obeyed, not second-guessed.
    latin = sources.read_csv("name\ncafé\n".encode("latin-1"), encoding="latin-1")
    assert latin.loc[0, "name"] == "café"


def test_wrong_encoding_override_is_reported():
    data = ZH_CSV.encode("gbk")
    with pytest.raises(DataError, match=r"could not be decoded as text \(tried utf-8\)") as err:
        sources.read_csv(Upload(data, "明细.csv"), encoding="utf-8")
    assert err.value.problems[0].code == "unreadable_encoding"
    assert "无法识别文件“明细.csv”的文字编码" in err.value.message("zh")


def test_undecodable_bytes():
    with pytest.raises(DataError, match="tried utf-8, gb18030") as err:
        sources.detect_encoding(b"a,b\n\x80\xff,1\n")
    assert err.value.problems[0].code == "unreadable_encoding"


# --------------------------------------------------------------------------- separators


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
@pytest.mark.parametrize("given", [False, True], ids=["sniffed", "explicit"])
def test_separators(sep, given):
    text = sep.join(["CustomerID", "InvoiceDate", "revenue"]) + "\n"
    text += sep.join(["C01", "2024-03-01", "5"]) + "\n" + sep.join(["C02", "", "7.5"]) + "\n"
    frame = sources.read_csv(text.encode(), sep=sep if given else None)
    expected = _frame({"CustomerID": ["C01", "C02"], "InvoiceDate": ["2024-03-01", np.nan],
                       "revenue": ["5", "7.5"]})
    pd.testing.assert_frame_equal(frame, expected)


def test_semicolon_file_with_thousands_commas_is_not_split_on_commas():
    data = "客户号;日期;金额\n1;2024-03-01;1,234.50\n2;2024-03-02;12,000\n".encode()
    frame = sources.read_csv(data)
    assert list(frame.columns) == ["客户号", "日期", "金额"]
    assert frame["金额"].tolist() == ["1,234.50", "12,000"]


def test_quoted_separator_inside_values():
    data = b'id,amount,comment\n1,"1,234.50","late, but fine"\n'
    frame = sources.read_csv(data)
    assert frame.iloc[0].tolist() == ["1", "1,234.50", "late, but fine"]


def test_strings_keep_leading_zeros_and_nulls_become_missing():
    data = b"customer_id,amount,branch\n007,NULL,A\n0010,,N/A\n , 5 ,#N/A\n"
    frame = sources.read_csv(data)
    expected = _frame({"customer_id": ["007", "0010", " "], "amount": [np.nan, np.nan, " 5 "],
                       "branch": ["A", np.nan, np.nan]})
    pd.testing.assert_frame_equal(frame, expected)


def test_blank_lines_are_kept_so_row_numbers_match_the_file():
    frame = sources.read_csv(b"id,amount\n1,5\n\n2,6\n")
    assert frame["id"].tolist() == ["1", np.nan, "2"]


def test_headers_are_stripped():
    frame = sources.read_csv(" 客户编号 ,\t金额 \n1,2\n".encode("utf-8-sig"), sep=",")
    assert list(frame.columns) == ["客户编号", "金额"]


def test_csv_field_count_error_names_the_line():
    data = b"id,amount\n1,5\n2,1,234.50\n"
    with pytest.raises(DataError, match="line 3 has 3 fields but the header has 2") as err:
        sources.read_csv(Upload(data, "t.csv"), sep=",")
    assert "第 3 行有 3 个字段，而表头只有 2 个" in err.value.message("zh")


# --------------------------------------------------------------------------- Excel


def test_read_excel_one_sheet_cells_as_strings():
    data = _workbook({"Sheet1": [["客户编号", "日期", "金额", "备注"],
                                 ["001", dt.datetime(2024, 3, 1), 12.5, None],
                                 [1002, dt.datetime(2024, 3, 1, 14, 5), 1234, "x"],
                                 [1003, 45352, "¥1,234.50", None]]})
    frame = sources.read_excel(data)
    expected = _frame({"客户编号": ["001", "1002", "1003"],
                       "日期": ["2024-03-01 00:00:00", "2024-03-01 14:05:00", "45352"],
                       "金额": ["12.5", "1234", "¥1,234.50"], "备注": [np.nan, "x", np.nan]})
    pd.testing.assert_frame_equal(frame, expected)


@pytest.mark.parametrize("sheet", ["订单", 1, " 订单 "], ids=["name", "position", "loose-name"])
def test_read_excel_sheet_choice(sheet):
    data = _workbook({"说明": [["本文件为导出数据"]], "订单": [["id", "amount"], ["7", 3]]})
    frame = sources.read_excel(data, sheet=sheet)
    pd.testing.assert_frame_equal(frame, _frame({"id": ["7"], "amount": ["3"]}))


def test_read_excel_default_skips_empty_first_sheet():
    data = _workbook({"空": [], "数据": [["id"], ["1"]]})
    pd.testing.assert_frame_equal(sources.read_excel(data), _frame({"id": ["1"]}))


def test_read_excel_unknown_sheet():
    data = _workbook({"交易": [["id"], ["1"]], "客户": [["id"], ["1"]]})
    with pytest.raises(DataError, match="has no sheet 'orders'. Its sheets are: '交易', '客户'"):
        sources.read_excel(Upload(data, "book.xlsx"), sheet="orders")


def test_read_excel_title_row_above_header():
    data = _workbook({"Sheet1": [["2024年3月交易明细"], ["客户编号", "交易日期", "金额"],
                                 ["001", "2024-03-01", "5"]]})
    frame = sources.read_excel(data)
    pd.testing.assert_frame_equal(
        frame, _frame({"客户编号": ["001"], "交易日期": ["2024-03-01"], "金额": ["5"]}))
    assert frame.attrs[sources.HEADER_ROW_ATTR] == 2


def test_read_excel_sheets_returns_all():
    data = _workbook({"a": [["x"], ["1"]], "b": []})
    sheets = sources.read_excel_sheets(data)
    assert list(sheets) == ["a", "b"]
    assert sheets["b"].empty


def test_workbook_with_one_sheet_per_table():
    data = _workbook({
        "交易明细": [["客户编号", "交易日期", "金额"], ["1", "2024-03-01", "5"]],
        "客户资料": [["客户编号", "客户类型"], ["1", "企业"]],
        "满意度调查": [["客户编号", "日期", "满意度"], ["1", "2024-03-02", "5"]],
        "投诉记录": [["客户编号", "日期", "投诉类别"], ["1", "2024-03-03", "延误"]],
        "说明": [["随便写点什么"], ["x"]],
        "Sheet9": [],
    })
    tables, unplaced = sources.read_workbook_tables(Upload(data, "全部.xlsx"))
    assert list(tables) == ["transactions", "customers", "surveys", "complaints"]
    assert unplaced == ["说明"]
    pd.testing.assert_frame_equal(tables["customers"],
                                  _frame({"客户编号": ["1"], "客户类型": ["企业"]}))


def test_workbook_sheets_placed_by_columns_and_duplicates_reported():
    data = _workbook({
        "Sheet1": [["CustomerID", "InvoiceDate", "revenue"], ["1", "2024-03-01", "5"]],
        "Sheet2": [["customer_id", "rating", "date"], ["1", "4", "2024-03-01"]],
        "Sheet3": [["customer_id", "amount", "date"], ["1", "4", "2024-03-01"]],
    })
    tables, unplaced = sources.read_workbook_tables(data)
    assert list(tables) == ["transactions", "surveys"]
    assert unplaced == ["Sheet3"]


def test_unreadable_excel():
    with pytest.raises(DataError, match="'broken.xlsx' could not be read as Excel") as err:
        sources.read_any(b"this is not a zip file", filename="broken.xlsx")
    assert err.value.problems[0].code == "unreadable_file"
    assert "无法按 Excel 格式读取文件“broken.xlsx”" in err.value.message("zh")


# --------------------------------------------------------------------------- Parquet


def test_read_parquet_keeps_types(tmp_path):
    frame = pd.DataFrame({"customer_id": ["001", "002"],
                          "date": pd.to_datetime(["2024-03-01", "2024-03-02"]),
                          "amount": [1.5, 2.0]})
    path = tmp_path / "t.parquet"
    frame.to_parquet(path)
    pd.testing.assert_frame_equal(sources.read_parquet(path), frame)
    pd.testing.assert_frame_equal(sources.read_any(Upload(path.read_bytes(), "t.parquet")),
                                  frame)


# --------------------------------------------------------------------------- read_any


@pytest.mark.parametrize("how", ["str-path", "path", "bytes+filename", "upload"])
def test_read_any_source_kinds(tmp_path, how):
    path = tmp_path / "交易.csv"
    path.write_bytes(ZH_CSV.encode("gbk"))
    source = {"str-path": str(path), "path": path, "bytes+filename": path.read_bytes(),
              "upload": Upload(path.read_bytes(), "交易.csv")}[how]
    filename = "交易.csv" if how == "bytes+filename" else None
    pd.testing.assert_frame_equal(sources.read_any(source, filename=filename), ZH_EXPECTED)


def test_read_any_dispatches_excel_and_tsv(tmp_path):
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(_workbook({"a": [["x"], ["1"]], "b": [["y"], ["2"]]}))
    pd.testing.assert_frame_equal(sources.read_any(xlsx, sheet="b"), _frame({"y": ["2"]}))
    tsv = tmp_path / "t.tsv"
    tsv.write_text("x\ty\n1\t2\n", encoding="utf-8")
    pd.testing.assert_frame_equal(sources.read_any(tsv), _frame({"x": ["1"], "y": ["2"]}))


def test_read_any_trusts_content_over_a_wrong_suffix():
    data = _workbook({"a": [["x"], ["1"]]})
    pd.testing.assert_frame_equal(sources.read_any(data, filename="export.csv"),
                                  _frame({"x": ["1"]}))


@pytest.mark.parametrize("name", ["data.json", "notes.docx"], ids=["json", "docx"])
def test_unsupported_suffix(name):
    with pytest.raises(DataError, match=f"'{name}' has an unsupported type") as err:
        sources.read_any(b"whatever", filename=name)
    assert err.value.problems[0].code == "unsupported_format"
    assert f"文件“{name}”的类型" in err.value.message("zh")


@pytest.mark.parametrize(
    ("data", "name"),
    [(b"", "empty.csv"), (b"   \n", "blank.csv"), (b"customer_id,date,amount\n", "header.csv"),
     (b"customer_id,amount\n,\n\n", "commas.csv")],
    ids=["zero-bytes", "whitespace", "header-only", "empty-cells"],
)
def test_empty_file(data, name):
    with pytest.raises(DataError, match=f"The file '{name}' is empty") as err:
        sources.read_any(data, filename=name)
    assert err.value.problems[0].code == "empty_file"
    assert f"文件“{name}”是空的" in err.value.message("zh")


def test_empty_excel_sheet():
    with pytest.raises(DataError, match="is empty"):
        sources.read_any(_workbook({"a": [["id", "amount"]]}), filename="e.xlsx")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        sources.read_any(tmp_path / "nope.csv")


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize(
    ("name", "columns", "table"),
    [
        ("transactions", [], "transactions"),
        ("交易明细", ["客户编号"], "transactions"),
        ("2024年寄件明细", [], "transactions"),
        ("Orders", [], "transactions"),
        ("shipments_2024.csv", [], "transactions"),
        ("customers", [], "customers"),
        ("客户资料", [], "customers"),
        ("surveys", [], "surveys"),
        ("满意度", [], "surveys"),
        ("客户满意度调查", [], "surveys"),
        ("complaints", [], "complaints"),
        ("客户投诉", [], "complaints"),
        ("Sheet1", ["客户编号", "日期", "投诉类别"], "complaints"),
        ("Sheet1", ["客户编号", "日期", "评分"], "surveys"),
        ("Sheet1", ["CustomerID", "InvoiceDate", "revenue"], "transactions"),
        ("Sheet1", ["客户编号", "客户类型", "区域"], "customers"),
        ("Sheet1", ["foo", "bar"], None),
    ],
    ids=["en-transactions", "zh-交易", "zh-明细", "orders", "shipments", "en-customers",
         "zh-客户", "en-surveys", "zh-满意度", "zh-调查", "en-complaints", "zh-投诉",
         "cols-category", "cols-score", "cols-amount-date", "cols-customer-attrs", "unknown"],
)
def test_guess_table(name, columns, table):
    assert sources.guess_table(name, columns) == table


ISSUE_ALIASES = [
    ("客户编号", "customers", "customer_id"), ("客户ID", "customers", "customer_id"),
    ("客户号", "customers", "customer_id"), ("交易日期", "transactions", "date"),
    ("寄件日期", "transactions", "date"), ("日期", "surveys", "date"),
    ("金额", "transactions", "amount"), ("交易金额", "transactions", "amount"),
    ("资费", "transactions", "amount"), ("邮费", "transactions", "amount"),
    ("网点", "transactions", "branch"), ("营业网点", "customers", "branch"),
    ("区域", "customers", "region"), ("地区", "customers", "region"),
    ("分公司", "customers", "region"), ("客户类型", "customers", "customer_type"),
    ("满意度", "surveys", "score"), ("评分", "surveys", "score"),
    ("投诉类别", "complaints", "category"), ("CustomerID", "transactions", "customer_id"),
    ("InvoiceDate", "transactions", "date"), ("order_date", "transactions", "date"),
    ("revenue", "transactions", "amount"),
]


@pytest.mark.parametrize(("header", "table", "canonical"), ISSUE_ALIASES,
                         ids=[a[0] for a in ISSUE_ALIASES])
def test_suggest_mapping_issue_aliases(header, table, canonical):
    assert sources.suggest_mapping([header, "unrelated"], table) == {header: canonical}


def test_suggest_mapping_first_match_wins_and_table_restricts():
    columns = ["Customer ID", "客户编号", "寄件日期", "日期", "邮费", "满意度", "其他"]
    assert sources.suggest_mapping(columns, "transactions") == {
        "Customer ID": "customer_id", "寄件日期": "date", "邮费": "amount"}
    assert sources.suggest_mapping(columns, "surveys") == {
        "Customer ID": "customer_id", "寄件日期": "date", "满意度": "score"}


def test_suggest_mapping_unknown_table():
    with pytest.raises(ValueError, match="unknown table"):
        sources.suggest_mapping(["a"], "orders")


# --------------------------------------------------------------------------- hostile files

from tests.hostile import (  # noqa: E402
    HTML,
    OLE2,
    formula_workbook,
    many_rows_workbook,
    zip_bomb,
)

TEXT = "customer_id,date,amount,网点\nC1,2024-01-01,1.5,北京朝阳\nC2,2024-01-02,2,上海\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_and_read(encoding):
    """Regression: read as UTF-8, the headers came out as 'c\\x00u\\x00s…'."""
    data = TEXT.encode(encoding)
    assert sources.detect_encoding(data) == encoding
    frame = sources.read_any(data, filename="export.csv")
    assert list(frame.columns) == ["customer_id", "date", "amount", "网点"]
    assert frame["网点"].tolist() == ["北京朝阳", "上海"]


def test_nul_bytes_in_utf8_are_not_mistaken_for_utf16():
    data = "customer_id,date,amount,网点\nC\x001,2024-01-01,1,北京\nC2,2024-01-02,2,上海\n".encode()
    assert sources.detect_encoding(data) == "utf-8"


@pytest.mark.parametrize("data", [HTML, b"\n\n  <html lang='zh'><body>x</body></html>",
                                  b'<?xml version="1.0"?>\n<html xmlns="x"></html>'],
                         ids=["doctype", "html-tag", "xhtml"])
@pytest.mark.parametrize("name", ["export.csv", "export.xlsx", "export.xls"])
def test_a_web_page_saved_as_a_table_says_so(data, name):
    with pytest.raises(DataError) as err:
        sources.read_any(data, filename=name)
    assert err.value.problems[0].code == "html_file"
    assert f"The file '{name}' is a web page (HTML), not a table" in err.value.message("en")
    assert f"文件“{name}”是一个网页（HTML）" in err.value.message("zh")


@pytest.mark.parametrize(
    ("text", "line"),
    [('customer_id,date,amount\nC1,2024-01-01,1\nC2,"2024-01-02,2\n', 3),
     ('customer_id,date,amount\n\nC1,2024-01-01,1\nC2,2024-01-02,"2\nC3,2024-01-03,3\n', 4),
     ('customer_id,date,amount\nC1,"multi\nline",1\nC2,"2024-01-02,2\nC3,x,3\n', 4),
     ('"customer_id,date,amount\nC1,2024-01-01,1\n', 1)],
    ids=["simple", "after-a-blank-line", "after-a-multiline-value", "in-the-header"],
)
def test_unclosed_quote_names_the_line_where_it_opens(text, line):
    with pytest.raises(DataError) as err:
        sources.read_csv(text.encode())
    assert err.value.problems[0].code == "csv_open_quote"
    assert f"opened on line {line} is never closed" in err.value.message("en")
    assert f"第 {line} 行的英文双引号" in err.value.message("zh")


def test_legacy_xls_is_accepted_and_explained():
    with pytest.raises(DataError) as err:
        sources.read_any(OLE2, filename="2019.xls")
    assert err.value.problems[0].code == "legacy_excel"
    assert "Save As" in err.value.message("en") and "另存为" in err.value.message("zh")


def test_an_xls_that_is_really_xlsx_or_text_is_read():
    data = _workbook({"orders": [["customer_id", "amount"], ["C1", 3]]})
    assert sources.read_any(data, filename="old.xls")["customer_id"].tolist() == ["C1"]
    text = b"customer_id\tamount\nC1\t3\n"
    assert sources.read_any(text, filename="old.xls")["amount"].tolist() == ["3"]


def test_zip_bomb_is_refused_from_the_zip_directory(monkeypatch):
    """Regression: a 2.6 MB workbook unpacking to 331 MB took 47 s to show the mapping."""
    data = zip_bomb(24)
    assert len(data) < 200_000
    monkeypatch.setattr(excel.pd, "ExcelFile", None)  # proof that nothing is parsed
    with pytest.raises(DataError) as err:
        sources.read_any(data, filename="bomb.xlsx")
    problem = err.value.problems[0]
    assert problem.code == "workbook_compression"
    assert "at most 100:1 is accepted" in problem.message("en")
    assert "unpacking to 23.8 MB" in problem.message("en")
    assert "最多接受 100:1" in problem.message("zh")


def test_workbook_beyond_the_unpacked_size_limit():
    data = _workbook({"orders": [["customer_id", "amount"]] + [[f"C{i}", i] for i in range(
        40_000)]})
    with pytest.raises(DataError) as err:
        sources.read_excel(data, limits=sources.FileLimits(workbook_mb=1))
    assert err.value.problems[0].code == "workbook_too_large"
    assert "workbooks are read up to 1 MB unpacked" in err.value.message("en")
    assert "解压后最多读取 1 MB" in err.value.message("zh")


def test_workbook_beyond_the_row_limit():
    with pytest.raises(DataError) as err:
        sources.read_workbook_tables(many_rows_workbook(600_000))
    assert err.value.problems[0].code == "workbook_too_many_rows"
    assert "has 600,000 rows ('orders': 600,000)" in err.value.message("en")
    assert sources.check_workbook(many_rows_workbook(1_000)) == {
        "orders": "xl/worksheets/sheet1.xml"}


def test_formula_cells_without_values_are_recorded_per_column():
    frame = sources.read_any(formula_workbook(), filename="generated.xlsx")
    assert frame["amount"].isna().all()
    assert frame.attrs[sources.FORMULA_CELLS_ATTR] == {
        "amount": (6, ("C2", "C3", "C4", "C5", "C6"))}
    saved = _workbook({"orders": [["customer_id", "amount"], ["C1", 3]]})
    assert sources.FORMULA_CELLS_ATTR not in sources.read_any(saved, filename="x.xlsx").attrs


def test_formula_cells_below_a_title_row_map_to_the_promoted_header():
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Shipments 2024 (=report)"])
    ws.append(["customer_id", "date", "amount"])
    ws.append(["C1", "2024-01-01", "=1+1"])
    buffer = io.BytesIO()
    book.save(buffer)
    frame = sources.read_excel(buffer.getvalue())
    assert frame.attrs[sources.HEADER_ROW_ATTR] == 2
    assert frame.attrs[sources.FORMULA_CELLS_ATTR] == {"amount": (1, ("C3",))}


def test_check_secrets_files(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[connections.hq]\nurl = "sqlite:///x.db"\n')
    bad = tmp_path / "bad.toml"
    bad.write_text('[connections.hq]\npassword = "s3cret\n')
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'password = "caf\xe9"\n')
    problems = sources.check_secrets_files([good, bad, latin, tmp_path / "missing.toml",
                                            tmp_path])
    assert [p.code for p in problems] == ["bad_secrets_file", "secrets_not_utf8"]
    assert problems[0].message("en").startswith(f"the file '{bad}' is not valid TOML (line 2, ")
    assert "s3cret" not in problems[0].message("en")
    assert "不是有效的 TOML（第 2 行" in problems[0].message("zh")
    assert "不是 UTF-8 文本" in problems[1].message("zh")


def test_control_characters_in_headers_are_removed():
    data = b"customer_id\x00,da\x0bte,\xe2\x80\x8bamount,amount\nC1,2024-01-01,1,2\n"
    frame = sources.read_any(data, filename="x.csv")
    assert frame.columns.tolist() == ["customer_id", "date", "amount", "amount.1"]


@pytest.mark.parametrize("chunk", [64, 97, 1000, 4 * 2**20])
def test_formula_cells_are_counted_once_across_scan_chunks(monkeypatch, chunk):
    monkeypatch.setattr(excel, "_SCAN_CHUNK", chunk)  # read by _formula_cells
    rows = b"".join(b'<row r="%d"><c r="A%d"><f>1+1</f><v></v></c><c r="B%d" t="s"><v>0</v>'
                    b'</c><c r="C%d"><f>2+2</f><v>4</v></c></row>' % (i, i, i, i)
                    for i in range(2, 302))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml",
                         b"<worksheet><sheetData>" + rows + b"</sheetData></worksheet>")
    found = excel._formula_cells(buffer.getvalue(), "xl/worksheets/sheet1.xml")
    assert list(found) == [0]  # column A only: C's formulas have their value saved
    count, cells = found[0]
    assert count == 300 and [ref for _, ref in cells] == ["A2", "A3", "A4", "A5", "A6"]


def test_parquet_dates_arrive_as_datetimes_and_bad_ones_are_quoted_as_written():
    """A DATE column becomes datetime64 (not a million ``datetime.date`` objects parsed
    again as text); a placeholder day is still unreadable and quoted as the file shows it."""
    from segmentation.cleaning import prepare_table

    days = [dt.date(2024, 3, d) for d in range(1, 10)] + [dt.date(9999, 12, 31)]
    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(10)], "date": days,
                          "amount": [1.0] * 10})
    buffer = io.BytesIO()
    frame.to_parquet(buffer)
    raw = sources.read_any(buffer.getvalue(), filename="t.parquet")
    assert pd.api.types.is_datetime64_dtype(raw["date"])
    prepared = prepare_table(raw, "transactions")
    assert prepared.frame["date"].tolist() == [pd.Timestamp(d) for d in days[:-1]]
    (bad,) = [p for p in prepared.problems if p.code == "bad_dates"]
    assert bad.examples == ((11, "9999-12-31"),)
