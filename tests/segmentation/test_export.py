"""Formula-safe CSV and Excel exports that spreadsheets open."""

import io

import openpyxl
import pandas as pd

from segmentation.export import neutralize, to_csv_bytes, to_excel_bytes

FRAME = pd.DataFrame({
    "customer_id": pd.array(["C1", "=HYPERLINK(\"http://x\")", "@SUM(A1)", "+86 138", "-2+3"],
                            dtype="string"),
    "name": ["张伟", "华安贸易", None, "\tcmd", "Li"],
    "amount": [1.5, -2.0, 3.0, 4.0, 5.0],
    "tier": pd.Categorical(["vip", "low", "low", "high", "=bad"]),
})


def test_neutralize():
    assert neutralize("=1+1") == "'=1+1"
    assert neutralize("-5") == "'-5"
    assert neutralize("ok") == "ok"
    assert neutralize(-5.0) == -5.0


def test_csv_has_bom_and_no_formula_cells():
    data = to_csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["customer_id"].tolist() == ["C1", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)",
                                            "'+86 138", "'-2+3"]
    assert back["name"].tolist()[:2] == ["张伟", "华安贸易"]
    assert back["amount"].tolist()[1] == "-2.0"  # numbers are not touched
    assert back["tier"].tolist()[-1] == "'=bad"


def test_excel_cells_are_values_not_formulas(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(to_excel_bytes({"客户": FRAME}, headers={"customer_id": "客户编号"}))
    wb = openpyxl.load_workbook(path)
    ws = wb["客户"]
    assert [c.value for c in ws[1]] == ["客户编号", "name", "amount", "tier"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert ws["A3"].value == "'=HYPERLINK(\"http://x\")"
    assert ws["C3"].value == -2.0 and ws["C3"].data_type == "n"
    assert ws["B2"].value == "张伟"


# --------------------------------------------------------------------------- hostile text

import pytest  # noqa: E402

from segmentation import export  # noqa: E402


def test_control_characters_never_break_an_excel_export(tmp_path):
    """Regression: openpyxl refused NUL / \\x01 / \\x0b ("cannot be used in worksheets"), so a
    download from a database with such ids did nothing."""
    frame = pd.DataFrame({"customer_id": ["C\x001", "C\x012"], "name": ["a\x0bb", "=x\x00"],
                          "note": ["line 1\nline 2", "tab\tinside"]})
    data = to_excel_bytes({"customers": frame})
    ws = openpyxl.load_workbook(io.BytesIO(data))["customers"]
    assert [c.value for c in ws["A"][1:]] == ["C1", "C2"]
    assert [c.value for c in ws["B"][1:]] == ["a\nb", "'=x"]  # \x0b is a line break
    assert [c.value for c in ws["C"][1:]] == ["line 1\nline 2", "tab\tinside"]
    back = pd.read_csv(io.BytesIO(to_csv_bytes(frame)), encoding="utf-8-sig", dtype=str)
    assert back["customer_id"].tolist() == ["C1", "C2"]


def test_sheet_names_are_made_valid_and_long_tables_continue_on_more_sheets(monkeypatch):
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 4)  # 3 data rows per sheet
    frame = pd.DataFrame({"x": range(7)})
    data = to_excel_bytes({"a/b:c*[d]?" + "e" * 40: frame, "small": frame.head(2)})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["a_b_c__d__eeeeeeeeeeeeeeeee (1)", "a_b_c__d__eeeeeeeeeeeeeeeee (2)",
                               "a_b_c__d__eeeeeeeeeeeeeeeee (3)", "small"]
    rows = [[c.value for c in book[name]["A"][1:]] for name in book.sheetnames[:3]]
    assert rows == [[0, 1, 2], [3, 4, 5], [6]]
    assert all(len(n) <= 31 for n in book.sheetnames)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_write_file_is_formula_safe_and_atomic(tmp_path, suffix):
    path = tmp_path / "deep" / f"scores{suffix}"
    export.write_file(FRAME, path)
    assert [p.name for p in path.parent.iterdir()] == [path.name]
    if suffix == ".csv":
        back = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
        assert back["customer_id"].tolist()[1] == "'=HYPERLINK(\"http://x\")"
        assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    elif suffix == ".xlsx":
        ws = openpyxl.load_workbook(path).active
        assert ws["A3"].value == "'=HYPERLINK(\"http://x\")" and ws["A3"].data_type == "s"
    else:  # Parquet keeps the values and types: no spreadsheet evaluates it
        back = pd.read_parquet(path)
        assert back["customer_id"].tolist()[1] == "=HYPERLINK(\"http://x\")"
        assert back["amount"].dtype == "float64"


def test_write_file_leaves_nothing_when_it_fails(tmp_path, monkeypatch):
    path = tmp_path / "scores.xlsx"
    path.write_bytes(b"old")

    def broken(target, sheets, headers):
        target.write(b"partial")
        raise RuntimeError("disk gone")

    monkeypatch.setattr(export, "_write_excel", broken)
    with pytest.raises(RuntimeError, match="disk gone"):
        export.write_file(FRAME, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["scores.xlsx"]
    with pytest.raises(ValueError, match="unsupported output type '.json'"):
        export.write_file(FRAME, tmp_path / "x.json")


def test_excel_numbers_get_real_formats_not_general(tmp_path):
    """Churn risk as a percent, money in yuan with two decimals, counts grouped, other
    decimals with two: no number in a "General" cell (``0.5222222222222224``)."""
    from segmentation.export import write_file

    frame = pd.DataFrame({
        "customer_id": ["C1", "C2"],
        "churn_risk": [0.5222222222222224, 0.1],
        "monetary_total": [1121532.1299999, 887743.5],
        "clv_12m": [2345.678901, 12.0],
        "frequency": [12457, 3],
        "value_score": [4.2666666666, 1.0],
        "p_alive": [0.93, 0.4],
        "tier_share": [0.25, 0.75],
        "last_purchase_date": pd.to_datetime(["2025-06-30", "2024-07-01"]),
        "tier": ["vip", "low"],
    })
    money = '"¥"#,##0.00;-"¥"#,##0.00'
    expected = {"customer_id": "General", "churn_risk": "0.0%", "monetary_total": money,
                "clv_12m": money, "frequency": "#,##0", "value_score": "#,##0.00",
                "p_alive": "0.0%", "tier_share": "0.0%", "last_purchase_date": "yyyy-mm-dd",
                "tier": "General"}
    for data in (to_excel_bytes({"customers": frame}),
                 write_file(frame, tmp_path / "scores.xlsx").read_bytes()):
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            assert {h: c.number_format for h, c in zip(header, row, strict=True)} == expected
        assert sheet.cell(row=2, column=2).value == 0.5222222222222224  # the value stays exact
