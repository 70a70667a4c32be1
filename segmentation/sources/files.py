"""What every reader shares: the source type, the file constants, reading a source's bytes,
the name shown in messages, header cleaning and the file-level error."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO

import pandas as pd

from ..schema import DataError, Problem

Source = str | os.PathLike | bytes | bytearray | memoryview | IO[bytes]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet",
                                       ".xls")
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm")
#: Old Excel 97-2003 workbooks: not readable (no xlrd), but accepted so that the
#: message can say what to do; an ``.xls`` that is really an .xlsx, a web page or
#: a text export (as some systems write) is read for what it is.
LEGACY_EXCEL_SUFFIXES: tuple[str, ...] = (".xls",)

#: Cell texts read as missing (besides the empty string). Deliberately short:
#: a lone "-" is not here because in an amount column it can mean zero.
NULL_TOKENS: tuple[str, ...] = ("", "NA", "N/A", "n/a", "NULL", "null", "Null", "None",
                                "none", "NaN", "nan", "#N/A", "NaT", "<NA>")

#: ``DataFrame.attrs`` key: the 1-based spreadsheet row of the header, when it
#: is not row 1 (a title row above the header in an Excel sheet).
HEADER_ROW_ATTR = "header_row"

#: ``DataFrame.attrs`` key: ``{header: (count, (cell, ...))}`` for the columns of an
#: Excel sheet whose formula cells have no calculated value saved (a workbook
#: written by a program and never saved in Excel); read as empty cells.
FORMULA_CELLS_ATTR = "formula_cells"

#: Pseudo table name for problems about a file as a whole.
FILE_TABLE = "file"


def file_error(code: str, name: str, **params: object) -> DataError:
    return DataError([Problem(FILE_TABLE, code, "error", params={"file": name, **params})])


def display_name(source: object, filename: str | None = None) -> str:
    """The name shown in messages: ``filename``, the path's name, or ``source.name``."""
    if filename:
        return Path(str(filename)).name
    if isinstance(source, (str, os.PathLike)):
        return Path(os.fspath(source)).name
    name = getattr(source, "name", None)
    return Path(str(name)).name if name else "upload"


def file_suffix(source: object, filename: str | None = None) -> str:
    if filename:
        return Path(str(filename)).suffix.lower()
    if isinstance(source, (str, os.PathLike)):
        return Path(os.fspath(source)).suffix.lower()
    name = getattr(source, "name", None)
    return Path(str(name)).suffix.lower() if name else ""


def read_bytes(source: Source, name: str) -> bytes:
    """All bytes of ``source``; a file-like object is read from its start."""
    if isinstance(source, (str, os.PathLike)):
        try:
            return Path(source).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise file_error("file_not_found", str(source)) from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    if hasattr(source, "getvalue"):
        return bytes(source.getvalue())
    if hasattr(source, "read"):
        if getattr(source, "seekable", lambda: False)():
            source.seek(0)
        return bytes(source.read())
    raise TypeError(f"cannot read {type(source).__name__}; give a path, bytes or a binary file")


_HEADER_CONTROLS = re.compile("[\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


def clean_headers(frame: pd.DataFrame) -> pd.DataFrame:
    """Headers without byte-order marks, control / zero-width characters and outer spaces."""
    headers: list[str] = []
    for column in frame.columns:
        header = base = _HEADER_CONTROLS.sub("", str(column)).strip()
        n = 0
        while header in headers:  # "amount" and "amount\x00": amount, amount.1 (as pandas)
            n += 1
            header = f"{base}.{n}"
        headers.append(header)
    if headers != list(frame.columns):
        frame = frame.set_axis(headers, axis=1)
    return frame


def has_rows(frame: pd.DataFrame) -> bool:
    return len(frame.columns) > 0 and bool(frame.notna().any(axis=1).any())


def require_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if not has_rows(frame):
        raise file_error("empty_file", name)
    return frame
