"""One raw table -> a clean canonical table (:func:`prepare_table`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import sources
from ..linebreaks import normalize_breaks
from ..schema import (
    COLUMN_KINDS,
    REQUIRED,
    DataError,
    Problem,
)
from .checks import Rows, table_checks
from .dates import ambiguous_date_order, implausible_dates, parse_dates
from .mapping import (
    check_table,
    competing_columns,
    formula_problems,
    resolve_mapping,
    select_columns,
    suggestions,
    zh_name,
)
from .numbers import parse_amounts
from .text import (
    SCIENTIFIC_ID,
    TEXT_DTYPE,
    as_text,
    clean_ids,
    clean_text,
    fullmatch_mask,
    is_texty,
    strip_controls,
    visible,
)


@dataclass(frozen=True)
class PreparedTable:
    """A clean canonical table, its warnings, and the header mapping that was used.

    ``mapping`` is ``{raw header: canonical column}``; ``problems`` holds only
    warnings (fatal problems raise instead).
    """

    frame: pd.DataFrame
    problems: list[Problem]
    mapping: dict[str, str]


#: Mixes one column's 64-bit values into the row hashes (a multiplicative hash).
_MIX = np.uint64(0x9E3779B97F4A7C15)


def _mix(hashes: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``hashes`` (changed in place) mixed with ``values``."""
    np.bitwise_xor(hashes, values, out=hashes)
    np.multiply(hashes, _MIX, out=hashes)
    np.bitwise_xor(hashes, hashes >> np.uint64(29), out=hashes)
    return hashes


def _number_bits(values: pd.Series) -> np.ndarray | None:
    """64 bits per value that are equal wherever ``DataFrame.duplicated`` sees equal values
    (every NaN alike, ``-0.0`` as ``0.0``); ``None`` for a column that is not a plain
    numpy number, date or flag column."""
    kind = values.dtype
    if not isinstance(kind, np.dtype):
        return None
    array = values.to_numpy()
    if kind.kind == "f":
        array = array.astype(np.float64, copy=False)
        return np.where(np.isnan(array), np.nan, array + 0.0).view(np.uint64)
    if kind.kind in "iub":
        return array.astype(np.int64, copy=False).view(np.uint64)
    if kind.kind in "mM":
        return array.view(np.int64).view(np.uint64)
    return None


def _take_sorted(values, rows: np.ndarray):
    """``values.take(rows)`` for a chunked Arrow array and ascending ``rows``, chunk by
    chunk (``ChunkedArray.take`` first joins every chunk: a copy of ten million strings
    to take a few thousand)."""
    import pyarrow as pa

    bounds = np.cumsum([0] + [len(chunk) for chunk in values.chunks])
    cuts = np.searchsorted(rows, bounds)
    parts = [chunk.take(pa.array(rows[cuts[i]:cuts[i + 1]] - bounds[i]))
             for i, chunk in enumerate(values.chunks) if cuts[i + 1] > cuts[i]]
    return pa.chunked_array(parts, type=values.type)


def _text_hashes(frame: pd.DataFrame, columns: list[str], rows: np.ndarray) -> np.ndarray:
    """DuckDB's hash of the pyarrow-backed text ``columns`` at positions ``rows`` (equal
    text, or missing values alike, hash alike)."""
    import duckdb
    import pyarrow as pa

    every = len(rows) * 2 > len(frame)  # most rows: hash them all, no copy of the text
    table = pa.table({f"c{i}": frame[c].array._pa_array if every
                      else _take_sorted(frame[c].array._pa_array, rows)
                      for i, c in enumerate(columns)})
    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.register("_rows", table)
        names = ", ".join(f"c{i}" for i in range(len(columns)))
        hashes = con.execute(f"SELECT hash({names}) AS h FROM _rows").fetchnumpy()["h"]
    return hashes[rows] if every else hashes


def _shared(hashes: np.ndarray) -> np.ndarray:
    """Positions whose hash occurs more than once, in order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ordered = np.sort(hashes)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if not repeated.size:
        return np.zeros(0, dtype=np.int64)
    found = pc.is_in(pa.array(hashes), value_set=pa.array(repeated))
    return np.flatnonzero(found.to_numpy(zero_copy_only=False))


def duplicate_rows(frame: pd.DataFrame) -> np.ndarray:
    """``frame.duplicated(keep="first")`` as a mask: the exact copies of an earlier row.

    Rows are first hashed on the columns that hash in column operations (numbers and
    dates in numpy, pyarrow-backed text by DuckDB, only for the rows whose numbers and
    dates another row shares); only the rows whose hash another row shares are compared
    by ``duplicated`` itself on every column. Equal rows always hash alike, so the mask
    is ``duplicated``'s own (ten million transactions: about a second, not eight).
    """
    if len(frame) < 2:
        return np.zeros(len(frame), dtype=bool)
    hashes = np.zeros(len(frame), dtype=np.uint64)
    text: list[str] = []
    hashed = False
    for column in frame.columns:
        bits = _number_bits(frame[column])
        if bits is not None:
            hashes, hashed = _mix(hashes, bits), True
        elif isinstance(frame[column].dtype, pd.StringDtype) and \
                frame[column].dtype.storage == "pyarrow":
            text.append(column)
    candidates = _shared(hashes) if hashed else np.arange(len(frame))
    if text and len(candidates):
        hashes = _mix(hashes[candidates], _text_hashes(frame, text, candidates))
        candidates = candidates[_shared(hashes)]
    out = np.zeros(len(frame), dtype=bool)
    if len(candidates):
        out[candidates] = frame.iloc[candidates].duplicated(keep="first").to_numpy()
    return out


def prepare_table(raw: pd.DataFrame, table: str, *,
                  mapping: Mapping[str, str | None] | None = None,
                  as_of: pd.Timestamp | str | None = None,
                  today: pd.Timestamp | str | None = None,
                  day_first: bool | None = None) -> PreparedTable:
    """Map, parse and check one raw table.

    Parameters
    ----------
    raw : the table as read (any dtypes; see :mod:`segmentation.sources`).
        Row ``i`` is reported as spreadsheet row ``i + 2`` (header = row 1), or
        later when ``raw.attrs["header_row"]`` says the header sits lower.
    table : ``transactions``, ``customers``, ``surveys`` or ``complaints``.
    mapping : explicit ``{raw header: canonical column}`` (see :func:`apply_mapping`).
    as_of : analysis date; rows dated later get a ``future_dates`` warning.
    today : the real date (the library never reads the clock); rows dated after
        it are set aside (``implausible_dates``), as are rows dated far after the
        rest of the column even without it.
    day_first : order of ``01/03/2024``-style dates (see :func:`parse_dates`);
        with ``None`` an order nothing in a column settles is stated
        (``ambiguous_date_order``).

    Returns
    -------
    PreparedTable
        ``frame`` has the table's mapped canonical columns in canonical order,
        a fresh RangeIndex and rows in file order: ``customer_id`` and text
        columns ``str`` (stripped, empty = missing), date columns
        datetime64[ns] (the transactions ``date`` floored to the day), number
        columns float64. Blank lines, rows skipped for row problems and exact
        duplicate rows are gone. ``problems`` lists warnings only.

    Raises
    ------
    DataError
        Listing every fatal problem of the table (see the module docstring).
    """
    check_table(table)
    first_row = int(raw.attrs.get(sources.HEADER_ROW_ATTR, 1)) + 1
    headers = [str(c) for c in raw.columns]
    raw = raw.set_axis(headers, axis=1) if headers != list(raw.columns) else raw
    resolved, fatal = resolve_mapping(headers, table, mapping)
    by_column = {c: h for h, c in resolved.items()}
    unmapped = [h for h in headers if h not in resolved]
    for column in REQUIRED[table]:
        if column not in by_column:
            fatal.append(Problem(table, "missing_columns", "error", column=column,
                                 params={"suggestions": suggestions(column, raw, unmapped),
                                         "zh_name": zh_name(column)}))
    if fatal:
        if not (len(raw.columns) and raw.notna().any(axis=1).any()):
            fatal.append(Problem(table, "empty_table", "error"))
        raise DataError(fatal)
    formulas = formula_problems(raw, table, by_column)
    competing = competing_columns(raw, table, resolved, by_column)
    selected = select_columns(raw, table, resolved)
    columns: dict[str, pd.Series] = {}
    controls: dict[str, tuple[np.ndarray, int, pd.Series]] = {}
    stripped: set[str] = set()  # columns that are as_text output (not stripped twice)
    for column, values in selected.items():
        if not is_texty(values):
            columns[column] = values
            continue
        stripped.add(column)
        kind = COLUMN_KINDS.get(column, "text")
        if kind not in ("id", "text"):  # dates and numbers: a control character fails parsing
            columns[column] = as_text(values)
            continue
        text = values if values.dtype == TEXT_DTYPE else values.astype(TEXT_DTYPE)
        if kind == "text":  # every line break becomes "\n" (ids lose them as controls)
            text = normalize_breaks(text)
        clean, found, count = strip_controls(text, kind)
        if count:
            controls[column] = (found, count, text)
        columns[column] = as_text(clean)
    # copy=False: a frame built from a dict of Series copies every column by default
    frame = pd.DataFrame(columns, index=selected.index, copy=False)
    keep = frame.notna().any(axis=1).to_numpy()
    if not keep.any():
        raise DataError([*formulas, Problem(table, "empty_table", "error")])

    rownum = np.flatnonzero(keep) + first_row
    keep_pos = np.flatnonzero(keep)
    frame = (frame if len(keep_pos) == len(frame) else frame.iloc[keep_pos]).reset_index(
        drop=True)
    rows = Rows(table, by_column, rownum, total=len(frame))
    rows.fatal.extend(formulas)
    rows.warnings.extend(competing)
    for column, (found, count, text) in controls.items():
        found = found[keep_pos]
        shown = text.iloc[keep_pos].reset_index(drop=True).where(found)
        rows.report("control_characters", column, found,
                    values=shown.map(visible, na_action="ignore"), chars=count)
    required = set(REQUIRED[table])
    drop = np.zeros(len(frame), dtype=bool)
    clean: dict[str, pd.Series] = {}
    for column in frame.columns:
        values = frame[column]
        kind = COLUMN_KINDS.get(column, "text")
        is_required = column in required
        failed = np.zeros(len(frame), dtype=bool)
        if kind == "id":
            clean[column] = clean_ids(values, stripped=column in stripped)
            if is_texty(values):
                scientific = fullmatch_mask(values, SCIENTIFIC_ID, "+")
                rows.report("scientific_ids", column, scientific, values=values,
                            can_be_fatal=True, fatal_share=0.0)
        elif kind == "text":
            clean[column] = clean_text(values, column, stripped=column in stripped)
        else:
            if kind == "date":
                parsed, failed_s = parse_dates(values, day_first=day_first)
            else:
                parsed, failed_s = parse_amounts(values)
            failed = failed_s.to_numpy()
            clean[column] = parsed
            if kind == "date" and day_first is None:
                ambiguous = ambiguous_date_order(values) & ~failed
                if ambiguous.any():
                    first = int(np.flatnonzero(ambiguous)[0])
                    rows.report("ambiguous_date_order", column, ambiguous, values=values,
                                sample=str(values.iloc[first]),
                                read=parsed.iloc[first].strftime("%Y-%m-%d"))
            if is_required:
                code = "bad_dates" if kind == "date" else "bad_numbers"
                rows.report(code, column, failed, values=values, can_be_fatal=True)
                drop |= failed
            else:
                code = "bad_optional_dates" if kind == "date" else "bad_optional_numbers"
                rows.report(code, column, failed, values=values)
        if is_required:
            empty = clean[column].isna().to_numpy() & ~failed
            code = "missing_ids" if column == "customer_id" else "missing_values"
            rows.report(code, column, empty, can_be_fatal=True)
            drop |= empty
    if rows.fatal:
        raise DataError(rows.fatal)

    result = pd.DataFrame(clean, index=frame.index, copy=False)
    raw_values = frame
    if drop.any():
        keep_pos = np.flatnonzero(~drop)
        result, raw_values = result.iloc[keep_pos], raw_values.iloc[keep_pos]
        rows.rownum = rows.rownum[keep_pos]
    if "date" in result and "date" in required:
        implausible, last_kept = implausible_dates(
            result["date"], today=None if today is None else pd.Timestamp(today))
        rows.report("implausible_dates", "date", implausible, values=raw_values["date"],
                    can_be_fatal=True,
                    today="–" if today is None else pd.Timestamp(today).strftime("%Y-%m-%d"),
                    bulk_end="–" if pd.isna(last_kept) else last_kept.strftime("%Y-%m-%d"))
        if rows.fatal:
            raise DataError(rows.fatal)
        if implausible.any():
            keep_pos = np.flatnonzero(~implausible)
            result, raw_values = result.iloc[keep_pos], raw_values.iloc[keep_pos]
            rows.rownum = rows.rownum[keep_pos]
    duplicated = duplicate_rows(result)
    rows.report("duplicate_rows", None, duplicated)
    if duplicated.any():
        keep_pos = np.flatnonzero(~duplicated)
        result, raw_values = result.iloc[keep_pos], raw_values.iloc[keep_pos]
        rows.rownum = rows.rownum[keep_pos]
    table_checks(table, result, raw_values, rows, as_of)
    if table == "transactions":
        result["date"] = result["date"].dt.floor("D")
    if table == "customers":
        repeated = result["customer_id"].duplicated(keep="first").to_numpy()
        rows.report("duplicate_customers", "customer_id", repeated,
                    values=raw_values["customer_id"])
        if repeated.any():
            result = result.iloc[np.flatnonzero(~repeated)]
    result = result.reset_index(drop=True)
    for column in result.columns:
        kind = COLUMN_KINDS.get(column, "text")
        if kind in ("id", "text"):
            result[column] = result[column].astype(TEXT_DTYPE)
        elif kind == "date":
            result[column] = result[column].astype("datetime64[ns]")
        else:
            result[column] = result[column].astype("float64")
    return PreparedTable(result, rows.warnings, dict(resolved))
