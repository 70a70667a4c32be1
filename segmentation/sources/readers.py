"""Parquet, and reading any supported file by its content and name (:func:`read_any`)."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..schema import DataError
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
from .limits import DEFAULT_LIMITS, FileLimits

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

try:  # what pandas.read_parquet uses: its text dtype, the pandas metadata
    from pandas.io._util import arrow_table_to_pandas as _to_pandas
except ImportError:  # pragma: no cover - another pandas
    def _to_pandas(table: pa.Table) -> pd.DataFrame:
        return table.to_pandas()


def _decoded_bytes(column: pa.ChunkedArray) -> int:
    """Bytes ``column`` takes once decoded: a dictionary column counts each value's text
    (what it becomes as plain strings), without building it."""
    total = 0
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            if not _is_text(chunk.type.value_type):
                total += chunk.nbytes
                continue
            sizes = pc.binary_length(chunk.dictionary)
            taken = pc.sum(pc.take(sizes, chunk.indices)).as_py() or 0
            total += int(taken) + 8 * len(chunk)  # the text plus an offset per value
        else:
            total += chunk.nbytes
    return total


def _is_text(kind: pa.DataType) -> bool:
    return (pa.types.is_string(kind) or pa.types.is_large_string(kind)
            or pa.types.is_binary(kind) or pa.types.is_large_binary(kind))


def _parquet_table(data: bytes, name: str, limits: FileLimits) -> pa.Table:
    """The file's table, refused from its footer (rows, declared size) or while its row
    groups are read (decoded size) beyond ``limits``; text read as dictionaries until the
    decoded size is known to fit."""
    import pyarrow.parquet as pq

    limit = limits.parquet_mb * 2**20
    parquet = pq.ParquetFile(pa.BufferReader(data))
    meta = parquet.metadata
    if meta.num_rows > limits.parquet_rows:
        raise file_error("parquet_too_many_rows", name, count=f"{meta.num_rows:,}",
                          limit=f"{limits.parquet_rows:,}")
    declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if declared > limit:
        raise file_error("parquet_too_large", name, size=_mb(declared), packed=_mb(len(data)),
                          limit=f"{limits.parquet_mb:,}")
    schema = parquet.schema_arrow
    text = [f.name for f in schema if _is_text(f.type)]
    parquet = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text)
    parts, decoded = [], 0
    for group in range(meta.num_row_groups):
        part = parquet.read_row_group(group)
        decoded += sum(_decoded_bytes(column) for column in part.columns)
        if decoded > limit:
            raise file_error("parquet_too_large", name, size=f"> {_mb(decoded)}",
                              packed=_mb(len(data)), limit=f"{limits.parquet_mb:,}")
        parts.append(part)
    if not parts:
        return _dates_as_timestamps(schema.empty_table())
    return _dates_as_timestamps(pa.concat_tables(parts).cast(schema))


def _dates_as_timestamps(table: pa.Table) -> pa.Table:
    """DATE columns as millisecond timestamps: pandas makes a ``date32`` column Python
    ``datetime.date`` objects (a million of them cost ~60 MB and must be parsed again
    as text), a timestamp column ``datetime64`` (``ms`` keeps placeholders such as
    9999-12-31 in range; the cleaning reads them as unreadable dates)."""
    fields = [pa.field(f.name, pa.timestamp("ms"), f.nullable, f.metadata)
              if pa.types.is_date(f.type) else f for f in table.schema]
    if all(f.type == old.type for f, old in zip(fields, table.schema, strict=True)):
        return table
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _mb(size: float) -> str:
    return f"{size / 2**20:,.1f}"


def _parquet_from_bytes(data: bytes, name: str,
                        limits: FileLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    if not data:
        raise file_error("empty_file", name)
    try:
        table = _parquet_table(data, name, limits)
        frame = _to_pandas(table)
    except DataError:
        raise
    except Exception as err:  # pyarrow raises several unrelated types for bad files
        raise file_error("unreadable_file", name, kind="Parquet", reason=str(err)) from None
    return require_rows(clean_headers(frame.reset_index(drop=True)), name)


def read_parquet(source: Source, *, limits: FileLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    """Read a Parquet file, keeping its stored column types.

    Parameters
    ----------
    source : path, bytes or binary file-like object.
    limits : rows and decoded size accepted (:class:`FileLimits`), checked from the
        footer before reading and while the row groups are read.

    Returns
    -------
    DataFrame with string headers and a default index.

    Raises
    ------
    DataError
        ``empty_file``, ``unreadable_file``, ``file_not_found``,
        ``parquet_too_many_rows`` or ``parquet_too_large``.
    """
    name = display_name(source)
    return _parquet_from_bytes(read_bytes(source, name), name, limits)


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
             sep: str | None = None, sheet: str | int | None = None,
             limits: FileLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    """Read a CSV, Excel or Parquet file, choosing the reader by its name.

    Parameters
    ----------
    source : path, bytes or binary file-like object (an object with ``.name``,
        such as Streamlit's ``UploadedFile``, is named by it).
    filename : name to take the suffix and the message name from; overrides the
        path or ``source.name``.
    encoding, sep : passed to :func:`read_csv`.
    sheet : passed to :func:`read_excel`.
    limits : the size and row limits of workbooks and Parquet files (:class:`FileLimits`).

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
        damaged file, the workbook limits of :func:`check_workbook` (and its rows
        counted while reading), the Parquet limits, and the
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
        return excel_from_bytes(data, name, sheet, limits)
    if kind == "parquet":
        return _parquet_from_bytes(data, name, limits)
    return csv_from_bytes(data, name, encoding, sep)
