"""Customer lists as files that spreadsheets open safely.

CSV is written as UTF-8 with a byte-order mark so that Excel shows Chinese
correctly. Text cells that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, or a tab / carriage return, the OWASP list) get a
leading apostrophe, in CSV and in Excel alike; numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """``value`` with a leading apostrophe if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame, *, headers: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy with every text cell (and header) neutralised; categories become text."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype("string")
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.map(neutralize, na_action="ignore").astype(object)
    if headers:
        out = out.rename(columns=dict(headers))
    out.columns = [neutralize(str(c)) for c in out.columns]
    out.attrs = {}
    return out


def to_csv_bytes(frame: pd.DataFrame, *, headers: Mapping[str, str] | None = None) -> bytes:
    """UTF-8 (with BOM) CSV of ``frame`` without its index, formula-safe."""
    return safe_frame(frame, headers=headers).to_csv(index=False).encode("utf-8-sig")


def to_excel_bytes(sheets: Mapping[str, pd.DataFrame] | pd.DataFrame, *,
                   headers: Mapping[str, str] | None = None) -> bytes:
    """An .xlsx workbook (one sheet per entry), formula-safe, with readable column widths."""
    if isinstance(sheets, pd.DataFrame):
        sheets = {"Sheet1": sheets}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            safe = safe_frame(frame, headers=headers)
            for column in safe.columns:  # Excel has no timezone-aware dates
                if isinstance(safe[column].dtype, pd.DatetimeTZDtype):
                    safe[column] = safe[column].dt.tz_localize(None)
            sheet = str(name)[:31]
            safe.to_excel(writer, sheet_name=sheet, index=False)
            ws = writer.sheets[sheet]
            for i, column in enumerate(safe.columns, start=1):
                sample = [str(column), *map(str, safe[column].head(200).tolist())]
                width = min(60, max(len(s.encode("gbk", "replace")) for s in sample) + 2)
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
            for cell in ws[1]:  # keep text as text: no cell may hold a formula
                cell.data_type = "s"
    return buffer.getvalue()
