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

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import pandas as pd

from . import i18n
from .schema import TABLES, DataError, Problem, canonical_name, columns_of

Source = str | os.PathLike | bytes | bytearray | memoryview | IO[bytes]

SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet",
                                       ".xls")
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm")
#: Old Excel 97-2003 workbooks: not readable (no xlrd), but accepted so that the
#: message can say what to do; an ``.xls`` that is really an .xlsx, a web page or
#: a text export (as some systems write) is read for what it is.
LEGACY_EXCEL_SUFFIXES: tuple[str, ...] = (".xls",)

#: Workbook limits, checked from the zip directory before anything is parsed: the
#: uncompressed size of all parts, the compression ratio (real workbooks stay far
#: below it; a "zip bomb" does not) and the rows over all sheets (from each
#: sheet's ``<dimension>``). Bigger tables belong in CSV or Parquet, which read
#: ten times faster.
MAX_WORKBOOK_MB = 256
MAX_COMPRESSION_RATIO = 100
MAX_WORKBOOK_ROWS = 500_000

#: Separators tried, in order of preference when several fit equally well.
CSV_SEPARATORS: tuple[str, ...] = (",", "\t", ";", "|")

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

_SAMPLE_CHARS = 64 * 1024
_SCAN_CHUNK = 4 * 2**20  # bytes of a sheet's XML scanned at a time for formula cells
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta",
               b"<!--", b"<script", b"<div", b"<?xml")
_CSV_OPEN_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}([0-9]+))?"')
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*'
    rb'(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
_MAX_HEADER_SCAN = 10
_CSV_LINE_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")

i18n.register({
    "table.file": {"en": "file", "zh": "文件"},
    "problem.file_not_found": {
        "en": "The file '{file}' does not exist. Check the path.",
        "zh": "文件“{file}”不存在，请检查路径。",
    },
    "problem.unsupported_format": {
        "en": "The file '{file}' has an unsupported type '{suffix}'. Use CSV (.csv, .txt, .tsv), "
              "Excel (.xlsx, .xlsm) or Parquet (.parquet); save old .xls workbooks as .xlsx "
              "first.",
        "zh": "文件“{file}”的类型“{suffix}”不受支持。请使用 CSV（.csv、.txt、.tsv）、"
              "Excel（.xlsx、.xlsm）或 Parquet（.parquet）文件；旧版 .xls 工作簿请先另存为 .xlsx。",
    },
    "problem.empty_file": {
        "en": "The file '{file}' is empty: it has no data rows. Check that you picked the right "
              "file or sheet.",
        "zh": "文件“{file}”是空的，没有任何数据行。请确认选择了正确的文件或工作表。",
    },
    "problem.unreadable_file": {
        "en": "The file '{file}' could not be read as {kind} ({reason}). Check that it is not "
              "damaged or password-protected and that its type matches its name.",
        "zh": "无法按 {kind} 格式读取文件“{file}”（{reason}）。请确认文件未损坏、未加密，"
              "且扩展名与实际格式一致。",
    },
    "problem.unreadable_encoding": {
        "en": "The file '{file}' could not be decoded as text (tried {tried}). Save it as "
              "\"CSV UTF-8\", or choose its encoding (for example gbk) explicitly.",
        "zh": "无法识别文件“{file}”的文字编码（已尝试 {tried}）。请将其另存为“CSV UTF-8”，"
              "或手动指定编码（例如 gbk）。",
    },
    "problem.sheet_not_found": {
        "en": "The workbook '{file}' has no sheet {sheet}. Its sheets are: {sheets}.",
        "zh": "工作簿“{file}”中没有工作表 {sheet}。现有工作表：{sheets}。",
    },
    "problem.html_file": {
        "en": "The file '{file}' is a web page (HTML), not a table: the browser probably saved "
              "the page that links to the download instead of the file itself. Download the "
              "file again (for example right-click the link and choose \"Save link as\"), or "
              "export it from the system as CSV or Excel.",
        "zh": "文件“{file}”是一个网页（HTML），不是数据表：浏览器保存的可能是下载链接所在的页面，"
              "而不是文件本身。请重新下载该文件（例如右键点击链接选择“链接另存为”），"
              "或从系统中导出 CSV 或 Excel 文件。",
    },
    "problem.legacy_excel": {
        "en": "The file '{file}' is an old Excel 97-2003 workbook (.xls), which this app cannot "
              "read. Open it in Excel (or WPS / LibreOffice), choose \"Save As\" → \"Excel "
              "Workbook (*.xlsx)\" or \"CSV UTF-8\", and load that file.",
        "zh": "文件“{file}”是旧版 Excel 97-2003 工作簿（.xls），本应用无法读取。"
              "请用 Excel（或 WPS、LibreOffice）打开，选择“另存为”→“Excel 工作簿（*.xlsx）”"
              "或“CSV UTF-8”，再上传新文件。",
    },
    "problem.csv_open_quote": {
        "en": "The file '{file}': the double quote (\") opened on line {line} is never closed, "
              "so everything after it would be read as one value. Add the closing quote or "
              "remove the stray one on that line, then load the file again.",
        "zh": "文件“{file}”：第 {line} 行的英文双引号（\"）没有闭合，其后的所有内容都会被当作"
              "一个值读取。请在该行补上闭合的引号或删除多余的引号，然后重新上传。",
    },
    "problem.workbook_too_large": {
        "en": "The workbook '{file}' unpacks to {size} MB of data (the file itself is {packed} "
              "MB); workbooks are read up to {limit} MB unpacked. Reading it would take "
              "minutes and much memory. Save the table as CSV (or Parquet) and load that, or "
              "split the workbook.",
        "zh": "工作簿“{file}”解压后有 {size} MB 数据（文件本身 {packed} MB）；"
              "工作簿解压后最多读取 {limit} MB。读取它将耗时数分钟并占用大量内存。"
              "请将数据表另存为 CSV（或 Parquet）后上传，或拆分该工作簿。",
    },
    "problem.workbook_compression": {
        "en": "The workbook '{file}' is compressed {ratio}:1 ({packed} MB unpacking to {size} "
              "MB), far beyond what real spreadsheets reach (at most {limit}:1 is accepted); it "
              "was not opened, as such files are built to exhaust memory (a \"zip bomb\"). If "
              "the data is genuine, save it as CSV and load that.",
        "zh": "工作簿“{file}”的压缩比为 {ratio}:1（{packed} MB 解压为 {size} MB），"
              "远超真实电子表格的水平（最多接受 {limit}:1）；这类文件通常是为耗尽内存而构造的"
              "（“压缩炸弹”），因此未打开。如果数据确实无误，请另存为 CSV 后上传。",
    },
    "problem.workbook_too_many_rows": {
        "en": "The workbook '{file}' has {count} rows ({sheets}); at most {limit} rows are read "
              "from Excel workbooks. Save the table as CSV (or Parquet), which has no such "
              "limit and reads much faster, and load that.",
        "zh": "工作簿“{file}”共有 {count} 行（{sheets}）；Excel 工作簿最多读取 {limit} 行。"
              "请将数据表另存为 CSV（或 Parquet，无此限制且读取快得多）后上传。",
    },
    "problem.bad_secrets_file": {
        "en": "the file '{file}' is not valid TOML (line {line}, column {col}). Fix that line "
              "(compare it with the example in the README, \"Connect the company database\"); "
              "until then its connections are ignored.",
        "zh": "文件“{file}”不是有效的 TOML（第 {line} 行第 {col} 列）。请修正该行（可对照 "
              "README 中“连接公司数据库”一节的示例）；修正之前，其中的连接将被忽略。",
    },
    "problem.secrets_not_utf8": {
        "en": "the file '{file}' is not UTF-8 text. Save it as UTF-8; until then its "
              "connections are ignored.",
        "zh": "文件“{file}”不是 UTF-8 文本。请以 UTF-8 编码保存；修正之前，其中的连接将被忽略。",
    },
    "problem.csv_field_count": {
        "en": "The file '{file}': line {line} has {found} fields but the header has {expected}. "
              "A value probably contains the separator {sep}; put such values in double quotes "
              "or choose another separator.",
        "zh": "文件“{file}”：第 {line} 行有 {found} 个字段，而表头只有 {expected} 个。"
              "可能某个值中含有分隔符 {sep}；请给这类值加上英文双引号，或改用其他分隔符。",
    },
})


def _file_error(code: str, name: str, **params: object) -> DataError:
    return DataError([Problem(FILE_TABLE, code, "error", params={"file": name, **params})])


def _display_name(source: object, filename: str | None = None) -> str:
    """The name shown in messages: ``filename``, the path's name, or ``source.name``."""
    if filename:
        return Path(str(filename)).name
    if isinstance(source, (str, os.PathLike)):
        return Path(os.fspath(source)).name
    name = getattr(source, "name", None)
    return Path(str(name)).name if name else "upload"


def _suffix(source: object, filename: str | None = None) -> str:
    if filename:
        return Path(str(filename)).suffix.lower()
    if isinstance(source, (str, os.PathLike)):
        return Path(os.fspath(source)).suffix.lower()
    name = getattr(source, "name", None)
    return Path(str(name)).suffix.lower() if name else ""


def _read_bytes(source: Source, name: str) -> bytes:
    """All bytes of ``source``; a file-like object is read from its start."""
    if isinstance(source, (str, os.PathLike)):
        try:
            return Path(source).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise _file_error("file_not_found", str(source)) from None
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


def _clean_headers(frame: pd.DataFrame) -> pd.DataFrame:
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


def _has_rows(frame: pd.DataFrame) -> bool:
    return len(frame.columns) > 0 and bool(frame.notna().any(axis=1).any())


def _require_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    if not _has_rows(frame):
        raise _file_error("empty_file", name)
    return frame


# --------------------------------------------------------------------------- encodings


def _decodes(data: bytes, encoding: str) -> bool:
    """Whether ``data`` decodes as ``encoding``, checked in chunks to spare memory."""
    decoder = codecs.getincrementaldecoder(encoding)()
    step = 4 * 1024 * 1024
    try:
        for start in range(0, len(data), step):
            decoder.decode(data[start:start + step], final=False)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when the bytes look like UTF-16 text without a BOM.

    Text that is mostly ASCII (headers, digits, dates, separators) has a NUL in
    every other byte in UTF-16; UTF-8 and GBK text almost never has NULs.
    """
    sample = data[:4096]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for encoding, nuls, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls >= 0.3 * half and other <= 0.05 * half:
            try:
                data[: len(data) // 2 * 2].decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
    return None


def _detect(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text" export
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    for encoding in ("utf-8", "gb18030"):
        if _decodes(data, encoding):
            return encoding
    raise _file_error("unreadable_encoding", name, tried="utf-8, gb18030 (gbk)")


def detect_encoding(data: bytes) -> str:
    """The text encoding of a CSV file's bytes.

    Parameters
    ----------
    data : the raw bytes.

    Returns
    -------
    ``"utf-8-sig"`` when the data starts with a UTF-8 byte-order mark (``"utf-16"``
    for a UTF-16 mark), ``"utf-16-le"`` / ``"utf-16-be"`` for UTF-16 text without
    a mark (NUL in every other byte), ``"utf-8"`` when it decodes as UTF-8, else
    ``"gb18030"`` (a superset of GBK and GB2312) when it decodes as that.

    Raises
    ------
    DataError
        ``unreadable_encoding`` when none of these fit.
    """
    return _detect(data, "")


# --------------------------------------------------------------------------- CSV


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


def _is_html(data: bytes) -> bool:
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


def _csv_from_bytes(data: bytes, name: str, encoding: str | None, sep: str | None) -> pd.DataFrame:
    if not data.strip():
        raise _file_error("empty_file", name)
    if _is_html(data):
        raise _file_error("html_file", name)
    encoding = encoding or _detect(data, name)
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise _file_error("unreadable_encoding", name, tried=encoding) from None
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
        raise _file_error("unreadable_encoding", name, tried=encoding) from None
    except pd.errors.EmptyDataError:
        raise _file_error("empty_file", name) from None
    except pd.errors.ParserError as err:
        quote = _CSV_OPEN_QUOTE.search(str(err))
        if quote:
            text = data.decode(encoding, errors="replace")
            raise _file_error("csv_open_quote", name,
                              line=_open_quote_line(text, sep, int(quote.group(1)))) from None
        match = _CSV_LINE_ERROR.search(str(err))
        if match:
            expected, line, found = match.groups()
            raise _file_error("csv_field_count", name, line=line, found=found,
                              expected=expected, sep=repr(sep)) from None
        raise _file_error("unreadable_file", name, kind="CSV", reason=str(err)) from None
    return _require_rows(_clean_headers(frame), name)


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
    name = _display_name(source)
    return _csv_from_bytes(_read_bytes(source, name), name, encoding, sep)


# --------------------------------------------------------------------------- Excel


def _promote_header(frame: pd.DataFrame) -> pd.DataFrame:
    """Use a lower row as the header when the first one is a title above the table.

    Applies when no header of row 1 is a known column name but one of the next
    rows has at least two; records the header's spreadsheet row in
    ``frame.attrs[HEADER_ROW_ATTR]``.
    """
    if any(canonical_name(c) for c in frame.columns):
        return frame
    for i in range(min(_MAX_HEADER_SCAN, len(frame))):
        values = frame.iloc[i]
        if sum(canonical_name(v) is not None for v in values if isinstance(v, str)) >= 2:
            headers = [str(v).strip() if isinstance(v, str) else f"Unnamed: {j}"
                       for j, v in enumerate(values)]
            body = frame.iloc[i + 1:].set_axis(headers, axis=1).reset_index(drop=True)
            body.attrs[HEADER_ROW_ATTR] = i + 2
            return body
    return frame


def _mb(size: float) -> str:
    return f"{size / 2**20:,.1f}"


def _sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """``{sheet name: worksheet part}`` from the workbook's own index (``{}`` if unreadable)."""
    import xml.etree.ElementTree as ET

    try:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        targets[rel.get("Id")] = target
    members = {}
    for sheet in book.iter():
        if sheet.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in sheet.attrib.items() if k.rsplit("}", 1)[-1] == "id"), None)
        if rid in targets and sheet.get("name") is not None:
            members[sheet.get("name")] = targets[rid]
    return members


def _declared_rows(archive: zipfile.ZipFile, member: str) -> int:
    """The last row of a sheet's ``<dimension>`` (read from its first bytes only); 0 if absent."""
    try:
        with archive.open(member) as handle:
            head = handle.read(16 * 1024)
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
        return 0
    match = _DIMENSION.search(head)
    if not match:
        return 0
    return int(match.group(1) or 1)


def check_workbook(data: bytes, name: str = "upload") -> dict[str, str]:
    """Refuse a workbook beyond the limits before any of it is parsed.

    Checks, from the zip directory and the first bytes of each sheet only: the
    unpacked size (:data:`MAX_WORKBOOK_MB`), the compression ratio
    (:data:`MAX_COMPRESSION_RATIO`, above 16 MB unpacked) and the rows over all
    sheets (:data:`MAX_WORKBOOK_ROWS`).

    Returns
    -------
    ``{sheet name: worksheet part}`` (for the formula scan).

    Raises
    ------
    DataError
        ``unreadable_file`` (not a zip), ``workbook_too_large``,
        ``workbook_compression`` or ``workbook_too_many_rows``.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error("unreadable_file", name, kind="Excel",
                          reason="not a valid .xlsx workbook") from None
    with archive:
        infos = archive.infolist()
        size = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if size > MAX_WORKBOOK_MB * 2**20:
            raise _file_error("workbook_too_large", name, size=_mb(size), packed=_mb(len(data)),
                              limit=f"{MAX_WORKBOOK_MB:,}")
        if size > 16 * 2**20 and size / packed > MAX_COMPRESSION_RATIO:
            raise _file_error("workbook_compression", name, ratio=f"{size / packed:,.0f}",
                              packed=_mb(len(data)), size=_mb(size),
                              limit=MAX_COMPRESSION_RATIO)
        members = _sheet_members(archive)
        rows = {sheet: _declared_rows(archive, member) for sheet, member in members.items()}
        if sum(rows.values()) > MAX_WORKBOOK_ROWS:
            big = sorted(rows.items(), key=lambda item: -item[1])[:3]
            raise _file_error("workbook_too_many_rows", name, count=f"{sum(rows.values()):,}",
                              sheets=", ".join(f"'{s}': {n:,}" for s, n in big),
                              limit=f"{MAX_WORKBOOK_ROWS:,}")
    return members


def _formula_cells(data: bytes, member: str | None) -> dict[int, tuple[int, list[str]]]:
    """``{column position: (count, first cells)}`` of formulas saved without a value."""
    if not member:
        return {}
    found: dict[int, tuple[int, list[str]]] = {}
    overlap = min(64 * 1024, _SCAN_CHUNK // 2)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as handle:
            buffer = b""
            while True:
                piece = handle.read(_SCAN_CHUNK)
                buffer += piece
                if b"<f" not in buffer:
                    buffer = buffer[-4096:]  # a cell may straddle the chunks
                    if not piece:
                        break
                    continue
                safe = len(buffer) if not piece else max(0, len(buffer) - overlap)
                for match in _FORMULA_NO_VALUE.finditer(buffer):
                    if match.start() >= safe:
                        break
                    letters, row = match.group(1).decode(), match.group(2).decode()
                    position = 0
                    for ch in letters:
                        position = position * 26 + ord(ch) - 64
                    count, cells = found.get(position - 1, (0, []))
                    if len(cells) < 5:
                        cells.append((int(row), letters + row))
                    found[position - 1] = (count + 1, cells)
                buffer = buffer[safe:]
                if not piece:
                    break
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError):
        return {}
    return found


def _open_workbook(data: bytes, name: str) -> tuple[pd.ExcelFile, dict[str, str]]:
    members = check_workbook(data, name)
    try:
        return pd.ExcelFile(io.BytesIO(data), engine="openpyxl"), members
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as err:
        reason = "not a valid .xlsx workbook" if isinstance(err, zipfile.BadZipFile) else str(err)
        raise _file_error("unreadable_file", name, kind="Excel", reason=reason) from None


def _parse_sheet(book: pd.ExcelFile, sheet: str, name: str, data: bytes = b"",
                 member: str | None = None) -> pd.DataFrame:
    try:
        frame = pd.read_excel(book, sheet_name=sheet, dtype=str, keep_default_na=False,
                              na_values=list(NULL_TOKENS))
    except (ValueError, KeyError, TypeError, OSError) as err:
        raise _file_error("unreadable_file", name, kind="Excel", reason=str(err)) from None
    frame = _promote_header(_clean_headers(frame))
    formulas = _formula_cells(data, member)
    if formulas:
        header_row = int(frame.attrs.get(HEADER_ROW_ATTR, 1))
        cells = {}
        for position, (count, refs) in formulas.items():
            below = [ref for row, ref in refs if row > header_row]
            if position < len(frame.columns) and below:
                cells[str(frame.columns[position])] = (count, tuple(below))
        if cells:
            frame.attrs[FORMULA_CELLS_ATTR] = cells
    return frame


def _excel_sheets(data: bytes, name: str) -> dict[str, pd.DataFrame]:
    book, members = _open_workbook(data, name)
    with book:
        return {str(s): _parse_sheet(book, s, name, data, members.get(str(s)))
                for s in book.sheet_names}


def read_excel_sheets(source: Source) -> dict[str, pd.DataFrame]:
    """Read every sheet of an Excel workbook.

    Parameters
    ----------
    source : path, bytes or binary file-like object of an ``.xlsx`` / ``.xlsm`` file.

    Returns
    -------
    ``{sheet name: DataFrame}`` in workbook order, cells as strings (dates as
    ``"2024-03-01 00:00:00"``, whole numbers without ``.0``); empty sheets give
    empty frames. When a title row sits above the header, the header row is
    found and recorded in ``frame.attrs["header_row"]``.

    Raises
    ------
    DataError
        ``unreadable_file`` (damaged, encrypted, or not an xlsx) or ``file_not_found``.
    """
    name = _display_name(source)
    return _excel_sheets(_read_bytes(source, name), name)


def _excel_from_bytes(data: bytes, name: str, sheet: str | int | None) -> pd.DataFrame:
    book, members = _open_workbook(data, name)
    with book:
        names = [str(s) for s in book.sheet_names]
        if sheet is None:
            for candidate in names:
                frame = _parse_sheet(book, candidate, name, data, members.get(candidate))
                if _has_rows(frame):
                    return frame
            raise _file_error("empty_file", name)
        chosen = _chosen_sheet(names, sheet, name)
        return _require_rows(_parse_sheet(book, chosen, name, data, members.get(chosen)),
                             f"{name} [{chosen}]")


def read_excel(source: Source, sheet: str | int | None = None) -> pd.DataFrame:
    """Read one sheet of an Excel workbook.

    Parameters
    ----------
    source : path, bytes or binary file-like object.
    sheet : sheet name or 0-based position; ``None`` takes the first sheet that
        has data.

    Returns
    -------
    DataFrame as for :func:`read_excel_sheets`.

    Raises
    ------
    DataError
        ``sheet_not_found``, ``empty_file``, ``unreadable_file`` or ``file_not_found``.
    """
    name = _display_name(source)
    return _excel_from_bytes(_read_bytes(source, name), name, sheet)


# --------------------------------------------------------------------------- Parquet


def _parquet_from_bytes(data: bytes, name: str) -> pd.DataFrame:
    if not data:
        raise _file_error("empty_file", name)
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as err:  # pyarrow raises several unrelated types for bad files
        raise _file_error("unreadable_file", name, kind="Parquet", reason=str(err)) from None
    return _require_rows(_clean_headers(frame.reset_index(drop=True)), name)


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
    name = _display_name(source)
    return _parquet_from_bytes(_read_bytes(source, name), name)


# --------------------------------------------------------------------------- any file


def _kind(data: bytes, suffix: str, name: str) -> str:
    """``csv``, ``excel`` or ``parquet``: by content where it is unmistakable, else by suffix."""
    if _is_html(data):
        raise _file_error("html_file", name)
    if data.startswith(b"PK\x03\x04") and suffix in (*EXCEL_SUFFIXES, *CSV_SUFFIXES,
                                                      *LEGACY_EXCEL_SUFFIXES, ""):
        return "excel"
    if suffix in LEGACY_EXCEL_SUFFIXES:
        binary = b"\x00" in data[:512] and not _utf16_without_bom(data)
        if data.startswith(_OLE2_MAGIC) or binary:
            raise _file_error("legacy_excel", name)
        return "csv"  # a text export named .xls
    if data.startswith(b"PAR1") and suffix in (".parquet", *CSV_SUFFIXES, ""):
        return "parquet"
    if suffix in EXCEL_SUFFIXES:
        return "excel"
    if suffix == ".parquet":
        return "parquet"
    if suffix in CSV_SUFFIXES or suffix == "":
        return "csv"
    raise _file_error("unsupported_format", name, suffix=suffix)


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
    name = _display_name(source, filename)
    suffix = _suffix(source, filename)
    if suffix and suffix not in SUPPORTED_SUFFIXES:
        raise _file_error("unsupported_format", name, suffix=suffix)
    data = _read_bytes(source, name)
    if not data:
        raise _file_error("empty_file", name)
    kind = _kind(data, suffix, name)
    if kind == "excel":
        return _excel_from_bytes(data, name, sheet)
    if kind == "parquet":
        return _parquet_from_bytes(data, name)
    return _csv_from_bytes(data, name, encoding, sep)


# --------------------------------------------------------------------------- tables


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
        if not _has_rows(frame):
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
        frame = next((f for f in sheets.values() if _has_rows(f)), None)
        if frame is None:
            raise _file_error("empty_file", name)
        return frame
    chosen = _chosen_sheet(names, sheet, name)
    return _require_rows(sheets[chosen], f"{name} [{chosen}]")


def _chosen_sheet(names: list[str], sheet: str | int, name: str) -> str:
    """The sheet named ``sheet`` (exactly, else ignoring case and spaces) or at index
    ``sheet``; ``sheet_not_found`` lists the sheets there are."""
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        chosen = names[sheet] if -len(names) <= sheet < len(names) else None
    else:
        wanted = str(sheet).strip()
        chosen = next((s for s in names if s == wanted), None) or next(
            (s for s in names if s.strip().lower() == wanted.lower()), None)
    if chosen is None:
        raise _file_error("sheet_not_found", name, sheet=repr(sheet),
                          sheets=", ".join(repr(s) for s in names))
    return chosen


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


def suggest_mapping(columns: Iterable[object], table: str) -> dict[str, str]:
    """Raw header -> canonical column of ``table``, from the header aliases.

    Parameters
    ----------
    columns : the raw headers, in file order.
    table : canonical table name.

    Returns
    -------
    ``{raw header: canonical column}``. Each canonical column is used at most
    once (the first matching header wins); headers that match nothing, or a
    column of another table, are left out.
    """
    if table not in TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {TABLES}")
    allowed = set(columns_of(table))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in columns:
        canonical = canonical_name(header)
        if canonical in allowed and canonical not in used:
            mapping[header] = canonical
            used.add(canonical)
    return mapping


# --------------------------------------------------------------------------- settings files

_TOML_WHERE = re.compile(r"at line (\d+), column (\d+)")


def check_secrets_files(paths: Iterable[str | os.PathLike]) -> list[Problem]:
    """A problem for every existing ``.toml`` file among ``paths`` that does not parse.

    ``bad_secrets_file`` names the file and the line and column of the error
    only (the parser's own message could quote a value, and the file holds
    passwords); ``secrets_not_utf8`` when it is not UTF-8. Missing files and
    folders (Kubernetes-style secret directories) are skipped.
    """
    import tomllib

    problems = []
    for path in paths:
        path = Path(os.fspath(path))
        if path.suffix.lower() != ".toml" or not path.is_file():
            continue
        try:
            tomllib.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            problems.append(Problem(FILE_TABLE, "secrets_not_utf8", "error",
                                    params={"file": str(path)}))
        except tomllib.TOMLDecodeError as err:
            match = _TOML_WHERE.search(str(err))
            problems.append(Problem(FILE_TABLE, "bad_secrets_file", "error", params={
                "file": str(path), "line": match.group(1) if match else "?",
                "col": match.group(2) if match else "?"}))
        except OSError:
            continue
    return problems
