"""Reading delimited text (CSV, TSV, .txt): separator sniffing and readable parse errors."""

from __future__ import annotations

import codecs
import csv
import io
import re

import pandas as pd

from .encodings import detect
from .files import (
    NULL_TOKENS,
    Source,
    clean_headers,
    display_name,
    file_error,
    read_bytes,
    require_rows,
)

#: Separators tried, in order of preference when several fit equally well.
CSV_SEPARATORS: tuple[str, ...] = (",", "\t", ";", "|")

_SAMPLE_CHARS = 64 * 1024
_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta",
               b"<!--", b"<script", b"<div", b"<?xml")
_CSV_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
_CSV_LINE_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _sniff_separator(sample: str, truncated: bool) -> str:
    """The separator that splits the header into most fields, consistently over the sample."""
    best, best_score = ",", (False, 0.0, 0)
    for sep in CSV_SEPARATORS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=sep) if r]
        except csv.Error:  # e.g. a NUL byte; pandas will report the file properly
            continue
        if truncated and len(rows) > 1:
            rows = rows[:-1]  # the last record may be cut in the middle
        if not rows:
            continue
        width = len(rows[0])
        body = rows[1:]
        consistency = sum(len(r) == width for r in body) / len(body) if body else 1.0
        score = (width > 1, consistency, width)
        if score > best_score:
            best, best_score = sep, score
    return best


def is_html(data: bytes) -> bool:
    """Whether the bytes are a web page (a browser's "save page" instead of the download)."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        return b"<html" in head
    return head.startswith(_HTML_START)


def _open_quote_line(text: str, sep: str, record: int) -> int:
    """The file line where record ``record`` (0 = the header) starts."""
    if record <= 0:
        return 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for i, _ in enumerate(reader):
            if i == record - 1:
                return reader.line_num + 1
    except csv.Error:
        pass
    return record + 1


def csv_from_bytes(data: bytes, name: str, encoding: str | None, sep: str | None) -> pd.DataFrame:
    if not data.strip():
        raise file_error("empty_file", name)
    if is_html(data):
        raise file_error("html_file", name)
    encoding = encoding or detect(data, name)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise file_error("unreadable_encoding", name, tried=encoding) from None
    if sep is None:
        head = data[: _SAMPLE_CHARS * 4].decode(encoding, errors="ignore")
        sample = head[:_SAMPLE_CHARS]
        sep = _sniff_separator(sample, truncated=len(head) > len(sample) or
                               len(data) > _SAMPLE_CHARS * 4)
    try:
        frame = pd.read_csv(io.BytesIO(data), sep=sep, encoding=encoding, dtype=str,
                            keep_default_na=False, na_values=list(NULL_TOKENS),
                            skip_blank_lines=False)
    except UnicodeDecodeError:
        raise file_error("unreadable_encoding", name, tried=encoding) from None
    except pd.errors.EmptyDataError:
        raise file_error("empty_file", name) from None
    except pd.errors.ParserError as err:
        quote = _CSV_OPEN_QUOTE.search(str(err))
        if quote:
            text = data.decode(encoding, errors="replace")
            raise file_error("csv_open_quote", name,
                              line=_open_quote_line(text, sep, int(quote.group(1)))) from None
        match = _CSV_LINE_ERROR.search(str(err))
        if match:
            expected, line, found = match.groups()
            raise file_error("csv_field_count", name, line=line, found=found,
                              expected=expected, sep=repr(sep)) from None
        raise file_error("unreadable_file", name, kind="CSV", reason=str(err)) from None
    return require_rows(clean_headers(frame), name)


def read_csv(source: Source, *, encoding: str | None = None,
             sep: str | None = None) -> pd.DataFrame:
    """Read a delimited text file with every cell as a string.

    Parameters
    ----------
    source : path, bytes or binary file-like object.
    encoding : text encoding; detected with :func:`detect_encoding` when ``None``
        (pass ``"gbk"`` or ``"gb18030"`` to override the detection).
    sep : field separator; sniffed among ``,`` ``\\t`` ``;`` ``|`` when ``None``.

    Returns
    -------
    DataFrame with the headers (stripped, byte-order mark removed) as columns and
    pandas string cells; empty cells and :data:`NULL_TOKENS` are missing. Blank
    lines are kept as all-missing rows so that row positions match the file's
    line numbers (row ``i`` is line ``i + 2``).

    Raises
    ------
    DataError
        ``empty_file``, ``unreadable_encoding``, ``csv_field_count``,
        ``csv_open_quote`` (with the line where the unclosed quote opens),
        ``html_file`` (a web page saved under a .csv name), ``unreadable_file``
        or ``file_not_found``.
    """
    name = display_name(source)
    return csv_from_bytes(read_bytes(source, name), name, encoding, sep)
