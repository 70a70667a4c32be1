"""The workbook (XLSX): an "About" sheet, then a sheet per section with the tables behind its
charts: real number formats, frozen header, filters, fitted column widths.

Each table of a sheet is an Excel table (its own filter buttons); numbers stay numbers with
the formats of :func:`segmentation.formatting.excel_format`, texts from the data are
neutralised so that no cell is read as a formula.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table as ExcelTable
from openpyxl.worksheet.table import TableStyleInfo

from .. import formatting as fmt
from .. import i18n
from ..export import neutralize
from .model import Report, Section, Table

#: widest column, in characters
MAX_WIDTH = 60
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_MONTH_FORMAT = {"en": "mmm yyyy", "zh": 'yyyy"年"m"月"'}


def write_workbook(report: Report, target: str | Path | io.BytesIO) -> None:
    """Write ``report`` as an XLSX workbook (or into a binary buffer)."""
    book = Workbook()
    about = book.active
    about.title = _sheet_name(i18n.t("report.sheet.about", report.lang), set())
    used = {about.title}
    _about(about, report)
    for section in report.sections:
        sheet = book.create_sheet(_sheet_name(section.title, used))
        used.add(sheet.title)
        _section(sheet, section, report)
    book.save(target)


def workbook_bytes(report: Report) -> bytes:
    buffer = io.BytesIO()
    write_workbook(report, buffer)
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (31 characters, none of ``[]:*?/\\``)."""
    base = _BAD_SHEET.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in {u.lower() for u in used}:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    return name


def _width(text: str) -> int:
    """Display width: a CJK character takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _number_format(kind: str, lang: str) -> str | None:
    if kind in ("int", "decimal", "money", "percent", "date"):
        return fmt.excel_format(kind)
    if kind == "month":
        return _MONTH_FORMAT[lang]
    return None


def _cell_value(value: object, kind: str) -> object:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind in ("date", "month"):
        return pd.Timestamp(value).to_pydatetime()
    if kind in ("int", "decimal", "money", "percent"):
        return float(value) if kind != "int" else int(round(float(value)))
    return neutralize(str(value))


def _about(sheet, report: Report) -> None:
    lang = report.lang
    sheet["A1"] = report.title
    sheet["A1"].font = Font(bold=True, size=16)
    rows = [("report.meta.scope", report.scope),
            ("report.meta.as_of", report.as_of),
            ("report.meta.source", report.source),
            ("report.meta.author", report.author)]
    if report.created is not None:
        rows.append(("report.meta.created", report.created))
    for i, (key, value) in enumerate(rows, start=3):
        sheet.cell(i, 1, i18n.t(key, lang)).font = Font(bold=True)
        cell = sheet.cell(i, 2, value if not isinstance(value, str) else neutralize(value))
        if not isinstance(value, str):
            cell.number_format = fmt.excel_format("date")
            cell.alignment = Alignment(horizontal="left")
    row = len(rows) + 4
    sheet.cell(row, 1, i18n.t("report.contents", lang)).font = Font(bold=True)
    for section in report.sections:
        row += 1
        sheet.cell(row, 1, neutralize(section.title))
        sheet.cell(row, 2, neutralize(section.sentence)).alignment = Alignment(wrap_text=True)
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 100


def _section(sheet, section: Section, report: Report) -> None:
    """The sentence on top, then each table (title, header, rows) with a blank line."""
    lang = report.lang
    sheet["A1"] = neutralize(section.sentence)
    sheet["A1"].alignment = Alignment(wrap_text=False)
    sheet["A2"] = report.context
    sheet["A2"].font = Font(italic=True, color="52606D")
    row = 4
    widths: dict[int, int] = {}
    first_header = None
    for n, table in enumerate(section.tables):
        sheet.cell(row, 1, neutralize(table.title)).font = Font(bold=True)
        row += 1
        header_row = row
        first_header = first_header or header_row
        _write_table(sheet, table, header_row, lang, widths)
        last = header_row + max(len(table.frame), 1)
        ref = f"A{header_row}:{get_column_letter(len(table.columns))}{last}"
        excel = ExcelTable(displayName=f"T_{section.key}_{n}", ref=ref)
        excel.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        sheet.add_table(excel)
        row = last + 2
    for note in section.notes:
        sheet.cell(row, 1, neutralize(note)).font = Font(italic=True)
        row += 1
    if first_header is not None:  # the first table's header stays in view
        sheet.freeze_panes = f"A{first_header + 1}"
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8),
                                                                     MAX_WIDTH)


def _write_table(sheet, table: Table, header_row: int, lang: str,
                 widths: dict[int, int]) -> None:
    headers = _unique_headers([table.header(c) for c in table.columns])
    for j, (column, header) in enumerate(zip(table.columns, headers, strict=True), start=1):
        cell = sheet.cell(header_row, j, neutralize(header))
        cell.font = Font(bold=True)
        widths[j] = max(widths.get(j, 0), _width(header))
        values = table.frame[column]
        for i in range(len(values)):
            kind = table.cell_kind(column, i)
            value = values.iloc[i]
            cell = sheet.cell(header_row + 1 + i, j, _cell_value(value, kind))
            number_format = _number_format(kind, lang)
            if number_format is not None:
                cell.number_format = number_format
            shown = _shown(value, kind, lang)
            widths[j] = max(widths[j], min(_width(shown), MAX_WIDTH))


def _shown(value: object, kind: str, lang: str) -> str:
    from .model import format_value

    return format_value(value, kind if kind != "month" else "month", lang)


def _unique_headers(headers: list[str]) -> list[str]:
    """Excel tables need distinct, non-empty header texts."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        text = header.strip() or "-"
        if text in seen:
            seen[text] += 1
            text = f"{text} ({seen[text]})"
        else:
            seen[text] = 1
        out.append(text)
    return out
