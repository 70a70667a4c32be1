"""Workbooks holding one table per sheet: which table a sheet holds, picking a sheet."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..schema import TABLES, canonical_name
from .excel import chosen_sheet, read_excel_sheets
from .files import Source, file_error, has_rows, require_rows

#: Keywords in a sheet or file name that identify a table. Order matters:
#: complaints and surveys come before transactions and customers because their
#: names often contain the customer word too ("客户投诉", "customer survey").
TABLE_NAME_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("complaints", ("complaint", "投诉", "工单", "ticket")),
    ("surveys", ("survey", "satisfaction", "csat", "nps", "满意度", "调查", "问卷", "评价")),
    ("transactions", ("transaction", "txn", "order", "shipment", "sales", "invoice",
                      "交易", "明细", "订单", "寄件", "发货", "运单", "流水", "收寄", "销售")),
    ("customers", ("customer", "client", "member", "客户", "会员", "用户")),
)


def guess_table(name: str, columns: Iterable[object]) -> str | None:
    """Which canonical table a sheet or file holds.

    Parameters
    ----------
    name : sheet or file name; keywords such as ``transactions`` / ``交易`` /
        ``明细`` / ``orders``, ``customers`` / ``客户``, ``surveys`` / ``满意度`` /
        ``调查``, ``complaints`` / ``投诉`` decide first (:data:`TABLE_NAME_KEYWORDS`).
    columns : its headers, used when the name says nothing: a ``category``
        column means complaints, a ``score`` column surveys, ``amount`` and
        ``date`` transactions, a ``customer_id`` with neither date nor amount
        customers.

    Returns
    -------
    The table name, or ``None`` when neither name nor columns tell.
    """
    text = str(name).strip().lower()
    for table, words in TABLE_NAME_KEYWORDS:
        if any(word in text for word in words):
            return table
    found = {canonical_name(c) for c in columns} - {None}
    if "category" in found:
        return "complaints"
    if "score" in found:
        return "surveys"
    if {"amount", "date"} <= found:
        return "transactions"
    if "customer_id" in found and not found & {"date", "amount"}:
        return "customers"
    return None


def _workbook_tables(sheets: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame],
                                                                 list[str]]:
    tables: dict[str, pd.DataFrame] = {}
    unplaced: list[str] = []
    for sheet, frame in sheets.items():
        if not has_rows(frame):
            continue
        table = guess_table(sheet, frame.columns)
        if table is None or table in tables:
            unplaced.append(sheet)
        else:
            tables[table] = frame
    return {t: tables[t] for t in TABLES if t in tables}, unplaced


def tables_of_sheets(sheets: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame],
                                                                 list[str]]:
    """:func:`read_workbook_tables` for sheets already read with :func:`read_excel_sheets`."""
    return _workbook_tables(sheets)


def pick_sheet(sheets: dict[str, pd.DataFrame], sheet: str | int | None,
               name: str = "upload") -> pd.DataFrame:
    """One sheet of a workbook already read, chosen as :func:`read_excel` chooses it.

    Raises
    ------
    DataError
        ``sheet_not_found`` or ``empty_file``, as :func:`read_excel`.
    """
    names = list(sheets)
    if sheet is None:
        frame = next((f for f in sheets.values() if has_rows(f)), None)
        if frame is None:
            raise file_error("empty_file", name)
        return frame
    chosen = chosen_sheet(names, sheet, name)
    return require_rows(sheets[chosen], f"{name} [{chosen}]")


def read_workbook_tables(source: Source) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Read a workbook that holds one table per sheet.

    Parameters
    ----------
    source : path, bytes or binary file-like object of an Excel workbook.

    Returns
    -------
    tables : ``{table: raw frame}`` for the sheets that :func:`guess_table`
        places (the first sheet wins when two look like the same table).
    unplaced : names of non-empty sheets that could not be placed or repeat a
        table already found. Empty sheets are skipped silently.

    Raises
    ------
    DataError
        As :func:`read_excel_sheets`.
    """
    return _workbook_tables(read_excel_sheets(source))
