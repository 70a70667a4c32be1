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


def duplicate_rows(frame: pd.DataFrame) -> np.ndarray:
    """``frame.duplicated(keep="first")`` as a mask: the exact copies of an earlier row.

    Rows are first matched on their date and number columns, cheap to compare; only
    the rows that share those with another row are compared on every column (text is
    what costs: ~3x faster on ten million transactions).
    """
    cheap = [c for c in frame.columns if not is_texty(frame[c])]
    if not cheap or len(cheap) == frame.shape[1]:
        return frame.duplicated(keep="first").to_numpy()
    out = np.zeros(len(frame), dtype=bool)
    candidates = np.flatnonzero(frame.duplicated(subset=cheap, keep=False).to_numpy())
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
    for column, values in selected.items():
        if not is_texty(values):
            columns[column] = values
            continue
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
            clean[column] = clean_ids(values)
            if is_texty(values):
                scientific = values.str.fullmatch(SCIENTIFIC_ID).to_numpy(
                    dtype=bool, na_value=False)
                rows.report("scientific_ids", column, scientific, values=values,
                            can_be_fatal=True, fatal_share=0.0)
        elif kind == "text":
            clean[column] = clean_text(values, column)
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
