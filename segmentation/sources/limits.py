"""How much of a file the readers accept: one settings object, checked before and while
reading, so that a small file cannot unpack into more memory than the machine has."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileLimits:
    """Limits of the file readers (the defaults are :data:`DEFAULT_LIMITS`).

    Attributes
    ----------
    workbook_mb : unpacked size of all parts of an Excel workbook, from its zip directory.
    compression_ratio : largest unpacked / packed ratio of a workbook above 16 MB
        unpacked (real workbooks stay far below; a "zip bomb" does not).
    workbook_rows : rows over all sheets of a workbook: checked from each sheet's
        ``<dimension>`` first, then counted while the sheets are read (a workbook whose
        ``<dimension>`` understates its rows stops at the limit, not at its end).
    parquet_mb : decoded size of a Parquet file's data (text as UTF-8 bytes, numbers and
        dates 8 bytes), checked from its footer before reading and counted while its
        row groups are read: a small file of repeated text cannot decode to gigabytes.
    parquet_rows : rows of a Parquet file, from its footer.
    """

    workbook_mb: int = 256
    compression_ratio: int = 100
    workbook_rows: int = 500_000
    parquet_mb: int = 2_048
    parquet_rows: int = 50_000_000


DEFAULT_LIMITS = FileLimits()
