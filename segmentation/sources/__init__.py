"""Reading tables from files: CSV, Excel and Parquet.

This module only reads; it does not validate. Every reader returns the raw
table with string headers and, for CSV and Excel, every cell as a string (or
missing), so that ids keep their leading zeros and all parsing happens in
:mod:`segmentation.cleaning`. Parquet keeps its stored types.

Problems that stop a file from being read raise :class:`~segmentation.schema.DataError`
with codes ``file_not_found``, ``unsupported_format``, ``empty_file``,
``unreadable_file``, ``unreadable_encoding``, ``sheet_not_found`` and
``csv_field_count``; their ``table`` is ``"file"`` (the caller may replace it
with the table the file was meant for).

A ``source`` is a path (``str`` or :class:`~pathlib.Path`), the file's bytes,
or a binary file-like object such as Streamlit's ``UploadedFile``.
"""

from __future__ import annotations

from .._lazy import lazy_exports

__all__ = [
    "CSV_SEPARATORS",
    "CSV_SUFFIXES",
    "DEFAULT_LIMITS",
    "EXCEL_SUFFIXES",
    "FILE_TABLE",
    "FORMULA_CELLS_ATTR",
    "FileLimits",
    "HEADER_ROW_ATTR",
    "LEGACY_EXCEL_SUFFIXES",
    "MAX_COMPRESSION_RATIO",
    "MAX_WORKBOOK_MB",
    "MAX_WORKBOOK_ROWS",
    "NULL_TOKENS",
    "SUPPORTED_SUFFIXES",
    "Source",
    "TABLE_NAME_KEYWORDS",
    "check_secrets_files",
    "check_workbook",
    "detect_encoding",
    "guess_table",
    "pick_sheet",
    "read_any",
    "read_csv",
    "read_excel",
    "read_excel_sheets",
    "read_parquet",
    "read_workbook_tables",
    "suggest_mapping",
    "tables_of_sheets",
]

__getattr__, __dir__ = lazy_exports(__name__, {
    ".delimited": ("CSV_SEPARATORS", "read_csv",),
    ".encodings": ("detect_encoding",),
    ".excel": (
        "MAX_COMPRESSION_RATIO", "MAX_WORKBOOK_MB", "MAX_WORKBOOK_ROWS", "check_workbook",
        "read_excel", "read_excel_sheets",
    ),
    ".files": (
        "CSV_SUFFIXES", "EXCEL_SUFFIXES", "FILE_TABLE", "FORMULA_CELLS_ATTR", "HEADER_ROW_ATTR",
        "LEGACY_EXCEL_SUFFIXES", "NULL_TOKENS", "SUPPORTED_SUFFIXES", "Source",
    ),
    ".limits": ("DEFAULT_LIMITS", "FileLimits",),
    ".mapping": ("suggest_mapping",),
    ".readers": ("read_any", "read_parquet",),
    ".settings": ("check_secrets_files",),
    ".workbook": (
        "TABLE_NAME_KEYWORDS", "guess_table", "pick_sheet", "read_workbook_tables",
        "tables_of_sheets",
    ),
})
