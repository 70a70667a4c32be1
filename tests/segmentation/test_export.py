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
