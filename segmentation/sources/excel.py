"""Reading Excel workbooks: the size / zip-bomb / row limits checked before parsing, the
header row under a title, formulas saved without values, choosing a sheet."""

from __future__ import annotations

import io
import re
import zipfile

import pandas as pd

from ..schema import canonical_name
from .files import (
    FORMULA_CELLS_ATTR,
    HEADER_ROW_ATTR,
    NULL_TOKENS,
    Source,
    clean_headers,
    display_name,
    file_error,
    has_rows,
    read_bytes,
    require_rows,
)
from .limits import DEFAULT_LIMITS, FileLimits

#: The default workbook limits (:class:`~segmentation.sources.limits.FileLimits`),
#: checked from the zip directory before anything is parsed: the uncompressed size
#: of all parts, the compression ratio (real workbooks stay far below it; a "zip
#: bomb" does not) and the rows over all sheets (from each sheet's ``<dimension>``,
#: then counted while the sheets are read). Bigger tables belong in CSV or
#: Parquet, which read ten times faster.
MAX_WORKBOOK_MB = DEFAULT_LIMITS.workbook_mb
MAX_COMPRESSION_RATIO = DEFAULT_LIMITS.compression_ratio
MAX_WORKBOOK_ROWS = DEFAULT_LIMITS.workbook_rows

_SCAN_CHUNK = 4 * 2**20  # bytes of a sheet's XML scanned at a time for formula cells
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}([0-9]+))?"')
_FORMULA_NO_VALUE = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)\s*'
    rb'(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
_MAX_HEADER_SCAN = 10


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


def check_workbook(data: bytes, name: str = "upload", *,
                   limits: FileLimits = DEFAULT_LIMITS) -> dict[str, str]:
    """Refuse a workbook beyond the limits before any of it is parsed.

    Checks, from the zip directory and the first bytes of each sheet only: the
    unpacked size (``limits.workbook_mb``), the compression ratio
    (``limits.compression_ratio``, above 16 MB unpacked) and the rows over all
    sheets that their ``<dimension>`` declares (``limits.workbook_rows``; the
    readers count the rows again while reading, as a sheet may understate them).

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
        raise file_error("unreadable_file", name, kind="Excel",
                          reason="not a valid .xlsx workbook") from None
    with archive:
        infos = archive.infolist()
        size = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if size > limits.workbook_mb * 2**20:
            raise file_error("workbook_too_large", name, size=_mb(size), packed=_mb(len(data)),
                              limit=f"{limits.workbook_mb:,}")
        if size > 16 * 2**20 and size / packed > limits.compression_ratio:
            raise file_error("workbook_compression", name, ratio=f"{size / packed:,.0f}",
                              packed=_mb(len(data)), size=_mb(size),
                              limit=limits.compression_ratio)
        members = _sheet_members(archive)
        rows = {sheet: _declared_rows(archive, member) for sheet, member in members.items()}
        if sum(rows.values()) > limits.workbook_rows:
            big = sorted(rows.items(), key=lambda item: -item[1])[:3]
            raise file_error("workbook_too_many_rows", name, count=f"{sum(rows.values()):,}",
                              sheets=", ".join(f"'{s}': {n:,}" for s, n in big),
                              limit=f"{limits.workbook_rows:,}")
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


def _open_workbook(data: bytes, name: str,
                   limits: FileLimits) -> tuple[pd.ExcelFile, dict[str, str]]:
    members = check_workbook(data, name, limits=limits)
    try:
        return pd.ExcelFile(io.BytesIO(data), engine="openpyxl"), members
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as err:
        reason = "not a valid .xlsx workbook" if isinstance(err, zipfile.BadZipFile) else str(err)
        raise file_error("unreadable_file", name, kind="Excel", reason=reason) from None


class _RowBudget:
    """Rows still allowed over the sheets of one workbook; a sheet is read (streamed) up
    to one row beyond them, so that an understated ``<dimension>`` stops at the limit."""

    def __init__(self, name: str, limit: int):
        self.name, self.limit, self.left = name, limit, limit

    def take(self, sheet: str, rows: int) -> None:
        if rows > self.left:
            raise file_error("workbook_rows_counted", self.name, sheet=sheet,
                              limit=f"{self.limit:,}")
        self.left -= rows


def _parse_sheet(book: pd.ExcelFile, sheet: str, name: str, data: bytes,
                 member: str | None, budget: _RowBudget) -> pd.DataFrame:
    try:  # the header row plus at most budget.left + 1 rows are read
        frame = pd.read_excel(book, sheet_name=sheet, dtype=str, keep_default_na=False,
                              na_values=list(NULL_TOKENS), nrows=budget.left + 1)
    except (ValueError, KeyError, TypeError, OSError) as err:
        raise file_error("unreadable_file", name, kind="Excel", reason=str(err)) from None
    budget.take(sheet, len(frame) + 1)  # the header row counts, as in <dimension>
    frame = _promote_header(clean_headers(frame))
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


def _excel_sheets(data: bytes, name: str, limits: FileLimits) -> dict[str, pd.DataFrame]:
    book, members = _open_workbook(data, name, limits)
    budget = _RowBudget(name, limits.workbook_rows)
    with book:
        return {str(s): _parse_sheet(book, s, name, data, members.get(str(s)), budget)
                for s in book.sheet_names}


def read_excel_sheets(source: Source, *,
                      limits: FileLimits = DEFAULT_LIMITS) -> dict[str, pd.DataFrame]:
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
        ``unreadable_file`` (damaged, encrypted, or not an xlsx), ``file_not_found``,
        the limits of :func:`check_workbook`, or ``workbook_rows_counted`` when the
        sheets hold more rows than ``limits.workbook_rows`` (counted while reading).
    """
    name = display_name(source)
    return _excel_sheets(read_bytes(source, name), name, limits)


def excel_from_bytes(data: bytes, name: str, sheet: str | int | None,
                     limits: FileLimits = DEFAULT_LIMITS) -> pd.DataFrame:
    book, members = _open_workbook(data, name, limits)
    budget = _RowBudget(name, limits.workbook_rows)
    with book:
        names = [str(s) for s in book.sheet_names]
        if sheet is None:
            for candidate in names:
                frame = _parse_sheet(book, candidate, name, data, members.get(candidate),
                                     budget)
                if has_rows(frame):
                    return frame
            raise file_error("empty_file", name)
        chosen = chosen_sheet(names, sheet, name)
        return require_rows(_parse_sheet(book, chosen, name, data, members.get(chosen),
                                         budget), f"{name} [{chosen}]")


def read_excel(source: Source, sheet: str | int | None = None, *,
               limits: FileLimits = DEFAULT_LIMITS) -> pd.DataFrame:
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
        ``sheet_not_found``, ``empty_file``, ``unreadable_file``, ``file_not_found``,
        or the limits, as :func:`read_excel_sheets`.
    """
    name = display_name(source)
    return excel_from_bytes(read_bytes(source, name), name, sheet, limits)


def chosen_sheet(names: list[str], sheet: str | int, name: str) -> str:
    """The sheet named ``sheet`` (exactly, else ignoring case and spaces) or at index
    ``sheet``; ``sheet_not_found`` lists the sheets there are."""
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        chosen = names[sheet] if -len(names) <= sheet < len(names) else None
    else:
        wanted = str(sheet).strip()
        chosen = next((s for s in names if s == wanted), None) or next(
            (s for s in names if s.strip().lower() == wanted.lower()), None)
    if chosen is None:
        raise file_error("sheet_not_found", name, sheet=repr(sheet),
                          sheets=", ".join(repr(s) for s in names))
    return chosen
