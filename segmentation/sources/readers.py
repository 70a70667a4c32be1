"""Parquet, and reading any supported file by its content and name (:func:`read_any`)."""

from __future__ import annotations

import io

import pandas as pd

from .delimited import csv_from_bytes, is_html
from .encodings import utf16_without_bom
from .excel import excel_from_bytes
from .files import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    LEGACY_EXCEL_SUFFIXES,
    SUPPORTED_SUFFIXES,
    Source,
    clean_headers,
    display_name,
    file_error,
    file_suffix,
    read_bytes,
    require_rows,
)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _parquet_from_bytes(data: bytes, name: str) -> pd.DataFrame:
    if not data:
        raise file_error("empty_file", name)
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several unrelated types for bad files
        raise file_error("unreadable_file", name, kind="Parquet", reason=str(err)) from None
    return require_rows(clean_headers(frame.reset_index(drop=True)), name)


def read_parquet(source: Source) -> pd.DataFrame:
    """Read a Parquet file, keeping its stored column types.

    Parameters
    ----------
    source : path, bytes or binary file-like object.

    Returns
    -------
    DataFrame with string headers and a default index.

    Raises
    ------
    DataError
        ``empty_file``, ``unreadable_file`` or ``file_not_found``.
    """
    name = display_name(source)
    return _parquet_from_bytes(read_bytes(source, name), name)


# --------------------------------------------------------------------------- any file


def _kind(data: bytes, suffix: str, name: str) -> str:
    """``csv``, ``excel`` or ``parquet``: by content where it is unmistakable, else by suffix."""
    if is_html(data):
        raise file_error("html_file", name)
    if data.startswith(b"PK\x03\x04") and suffix in (*EXCEL_SUFFIXES, *CSV_SUFFIXES,
                                                      *LEGACY_EXCEL_SUFFIXES, ""):
        return "excel"
    if suffix in LEGACY_EXCEL_SUFFIXES:
        binary = b"\x00" in data[:512] and not utf16_without_bom(data)
        if data.startswith(_OLE2_MAGIC) or binary:
            raise file_error("legacy_excel", name)
        return "csv"  # a text export named .xls
    if data.startswith(b"PAR1") and suffix in (".parquet", *CSV_SUFFIXES, ""):
        return "parquet"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    if suffix == ".parquet":
        return "parquet"
    if suffix in CSV_SUFFIXES or suffix == "":
        return "csv"
    raise file_error("unsupported_format", name, suffix=suffix)


def read_any(source: Source, *, filename: str | None = None, encoding: str | None = None,
             sep: str | None = None, sheet: str | int | None = None) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet file, choosing the reader by its name.

    Parameters
    ----------
    source : path, bytes or binary file-like object (an object with ``.name``,
        such as Streamlit's ``UploadedFile``, is named by it).
    filename : name to take the suffix and the message name from; overrides the
        path or ``source.name``.
    encoding, sep : passed to :func:`read_csv`.
    sheet : passed to :func:`read_excel`.

    Returns
    -------
    The raw table (see the individual readers).

    Raises
    ------
    DataError
        ``unsupported_format`` for a suffix outside :data:`SUPPORTED_SUFFIXES`,
        ``legacy_excel`` for an Excel 97-2003 ``.xls`` (one that is really an
        .xlsx or a text export is read as such), ``html_file`` for a web page,
        ``empty_file`` for 0 bytes or no data rows, ``unreadable_file`` for a
        damaged file, the workbook limits of :func:`check_workbook`, and the
        readers' other codes; messages name the file.
    """
    name = display_name(source, filename)
    suffix = file_suffix(source, filename)
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        raise file_error("unsupported_format", name, suffix=suffix)
    data = read_bytes(source, name)
    if not data:
        raise file_error("empty_file", name)
    kind = _kind(data, suffix, name)
    if kind == "excel":
        return excel_from_bytes(data, name, sheet)
    if kind == "parquet":
        return _parquet_from_bytes(data, name)
    return csv_from_bytes(data, name, encoding, sep)
