"""Parsing dates written in the common ways, and the date checks (ambiguous order,
implausible dates)."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from .numbers import plain_numbers
from .text import WS, as_text, is_texty

#: Dates outside [DATE_MIN, DATE_MAX) are treated as unreadable (placeholders
#: such as 1900-01-00 or 9999-12-31, and values beyond datetime64[ns]).
DATE_MIN = pd.Timestamp("1900-01-01")
DATE_MAX = pd.Timestamp("2200-01-01")
#: Excel's day 0 (its serial numbers count days from here, 1900 date system).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Numbers accepted as Excel serial dates: 1990-01-01 up to 2100-01-01.
SERIAL_MIN = (pd.Timestamp("1990-01-01") - EXCEL_EPOCH).days
SERIAL_MAX = (pd.Timestamp("2100-01-01") - EXCEL_EPOCH).days
#: Rows needed before a date counts as "far after the bulk" of a column.
BULK_MIN_ROWS = 10

# Regexes here avoid \s, \d on non-ASCII text, look-arounds and \u escapes, so that
# pandas runs them in pyarrow (RE2) instead of Python's re: 10-20x faster on 1M rows.
_TZ_SUFFIX = r"([0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?) ?(?:Z|[+-][0-9]{2}:?[0-9]{2})$"
_YEAR_LAST = r"^([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})(.*)$"
_NAT = np.datetime64("NaT", "ns")


def _to_ns(parsed: pd.Series) -> np.ndarray:
    """Parsed datetimes as a naive datetime64[ns] array, NaT outside [DATE_MIN, DATE_MAX)."""
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    parsed = parsed.where((parsed >= DATE_MIN) & (parsed < DATE_MAX))
    return parsed.to_numpy(dtype="datetime64[ns]", na_value=_NAT)


def _iso(text: pd.Series) -> np.ndarray:
    """ISO-like strings (pandas' lenient ISO 8601 parser) -> datetime64[ns]; NaT where not."""
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except (ValueError, OverflowError):
        # Mixed UTC offsets: keep each value's wall-clock time, as written.
        text = text.str.replace(_TZ_SUFFIX, r"\1", regex=True)
        try:
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
        except (ValueError, OverflowError):
            parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    out = _to_ns(parsed)
    # The ISO parser also takes "2024" and "2024-03"; a date needs a day.
    out[(text.str.len() < 8).to_numpy(dtype=bool, na_value=True)] = _NAT
    return out


def _from_numbers(num: np.ndarray) -> np.ndarray:
    """Excel serial days and yyyymmdd integers -> datetime64[ns]; NaT elsewhere."""
    out = np.full(len(num), _NAT)
    with np.errstate(invalid="ignore"):
        serial = (num >= SERIAL_MIN) & (num < SERIAL_MAX)
        ymd = (num >= 19000101) & (num < 22000101) & (num == np.floor(num))
    if serial.any():
        seconds = np.round(num[serial] * 86400).astype("int64")
        out[serial] = EXCEL_EPOCH.to_datetime64() + seconds.astype("timedelta64[s]")
    if ymd.any():
        ints = num[ymd].astype("int64")
        parts = pd.DataFrame({"year": ints // 10000, "month": ints // 100 % 100,
                              "day": ints % 100})
        out[ymd] = pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[ns]")
    return out


def _year_last(text: pd.Series, day_first: bool | None = None) -> np.ndarray:
    """``m/d/yyyy`` or ``d/m/yyyy``, one order for the whole column (see :func:`parse_dates`)."""
    out = np.full(len(text), _NAT)
    match = np.flatnonzero(text.str.match(_YEAR_LAST).to_numpy(dtype=bool, na_value=False))
    if len(match):
        sub = text.iloc[match]
        month_first = _iso(sub.str.replace(_YEAR_LAST, r"\3-\1-\2\4", regex=True))
        day_first_ = _iso(sub.str.replace(_YEAR_LAST, r"\3-\2-\1\4", regex=True))
        if day_first is None:
            day_first = (~np.isnat(day_first_)).sum() > (~np.isnat(month_first)).sum()
        out[match] = day_first_ if day_first else month_first
    return out


def _fill(out: np.ndarray, todo: np.ndarray, pos: np.ndarray, parsed: np.ndarray) -> None:
    """Write the parsed values at ``pos`` into ``out`` and mark them done."""
    ok = ~np.isnat(parsed)
    out[pos[ok]] = parsed[ok]
    todo[pos[ok]] = False


def _chinese(text: pd.Series) -> np.ndarray:
    """``2024年3月1日`` (with an optional time)."""
    out = np.full(len(text), _NAT)
    pos = np.flatnonzero(text.str.contains("[年月]", regex=True).to_numpy(dtype=bool))
    if len(pos):
        sub = text.iloc[pos].str.replace("[年月]", "-", regex=True)
        out[pos] = _iso(sub.str.replace("[日号]", " ", regex=True).str.strip())
    return out


def _serials(text: pd.Series) -> np.ndarray:
    """Excel serial days written as text (``45352``, ``45352.5``)."""
    numeric = text.str.fullmatch(r"[0-9]+(?:\.[0-9]+)?").to_numpy(dtype=bool, na_value=False)
    num = np.full(len(text), np.nan)
    num[numeric] = plain_numbers(text[numeric])
    return _from_numbers(num)


def _folded(text: pd.Series, day_first: bool | None = None) -> np.ndarray:
    """Full-width characters and stray spaces folded, then every form again (slow; few rows)."""
    text = text.str.normalize("NFKC")
    text = text.str.replace(f"{WS}*[年月/\\-]{WS}*", "-", regex=True)
    text = text.str.replace(f"{WS}*[日号]{WS}*", " ", regex=True).str.strip()
    out = np.full(len(text), _NAT)
    todo = np.ones(len(text), dtype=bool)
    for parse in (_iso, _serials, partial(_year_last, day_first=day_first)):
        pos = np.flatnonzero(todo)
        if not len(pos):
            break
        _fill(out, todo, pos, parse(text.iloc[pos]))
    return out


def parse_dates(values: pd.Series, *, day_first: bool | None = None
                ) -> tuple[pd.Series, pd.Series]:
    """Parse a column of dates written in the common ways.

    Accepted: ``2024-03-01``, ``2024/3/1``, ``2024.3.1``, ``20240301``,
    ``2024年3月1日`` (full-width digits too), each with an optional time
    (``2024-03-01 14:05``, ``2024-03-01T14:05:33``; a UTC offset is dropped and
    the written wall-clock time kept), Excel serial day numbers from 1990 to
    2100 (``45352`` is 2024-03-01; fractions are times of day), and values that
    are already datetimes. Dates with the year last (``01/02/2024``) are
    ambiguous: the order is decided once for the whole column, month/day unless
    more values are valid as day/month (US exports such as the Online Retail
    data write ``12/1/2010 8:26``), or as ``day_first`` says when it is given.
    Dates before 1900 or from 2200 on count as unreadable.

    Parameters
    ----------
    values : strings, datetimes, or numbers (Excel serials / yyyymmdd).
    day_first : the order of year-last dates: ``True`` day/month, ``False``
        month/day, ``None`` decided per column as above.

    Returns
    -------
    dates : datetime64[ns] Series (naive) on the same index; NaT where empty or
        unreadable.
    failed : bool Series, True where a value was present but could not be read.
    """
    index = values.index
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        out = _to_ns(values)
        failed = values.notna().to_numpy() & np.isnat(out)
        return pd.Series(out, index=index), pd.Series(failed, index=index)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        num = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        out = _from_numbers(num)
        failed = ~np.isnan(num) & np.isnat(out)
        return pd.Series(out, index=index), pd.Series(failed, index=index)

    text = as_text(values)
    todo = text.notna().to_numpy(copy=True)
    out = np.full(len(text), _NAT)
    for parse in (_iso, _chinese, _serials, partial(_year_last, day_first=day_first),
                  partial(_folded, day_first=day_first)):
        pos = np.flatnonzero(todo)
        if not len(pos):
            break
        _fill(out, todo, pos, parse(text.iloc[pos]))
    return pd.Series(out, index=index), pd.Series(todo, index=index)


def _year_last_parts(text: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For ``a/b/yyyy`` values: the mask of such values and their first and second numbers."""
    match = text.str.match(_YEAR_LAST).to_numpy(dtype=bool, na_value=False)
    first = np.full(len(text), np.nan)
    second = np.full(len(text), np.nan)
    if match.any():  # replace runs in pyarrow; extract would run Python's re per value
        sub = text[match]
        first[match] = sub.str.replace(_YEAR_LAST, r"\1", regex=True).astype("float64")
        second[match] = sub.str.replace(_YEAR_LAST, r"\2", regex=True).astype("float64")
    return match, first, second


def ambiguous_date_order(values: pd.Series) -> np.ndarray:
    """Where a column's ``a/b/yyyy`` dates could be read either way, with nothing to decide.

    :func:`parse_dates` decides the order once per column; when no value of the
    column has a first or second number above 12, both orders are valid for all
    of them and month/day is taken. Returns the mask of the values whose reading
    depends on that choice (``a != b``, both at most 12); all False when some
    value settles the order, or for non-text columns.
    """
    if not is_texty(values):
        return np.zeros(len(values), dtype=bool)
    text = as_text(values)
    match, first, second = _year_last_parts(text)
    if not match.any():
        return np.zeros(len(values), dtype=bool)
    with np.errstate(invalid="ignore"):
        if (first[match] > 12).any() or (second[match] > 12).any():
            return np.zeros(len(values), dtype=bool)
        return match & (first != second) & (first >= 1) & (second >= 1)


def implausible_dates(dates: pd.Series, *, today: pd.Timestamp | None) -> tuple[np.ndarray,
                                                                              pd.Timestamp]:
    """Dates that cannot be real: after ``today``, or far after the bulk of the column.

    The bulk ends at the column's 99th percentile (the lower value); a date counts
    as far after it when it is later than the bulk's end by more than a year and
    by more than the bulk's whole span (only with :data:`BULK_MIN_ROWS` dates or
    more). Returns the mask and the last date that is kept.
    """
    mask = np.zeros(len(dates), dtype=bool)
    present = dates.dropna()
    if present.empty:
        return mask, pd.NaT
    if today is not None:
        mask |= (dates > pd.Timestamp(today).normalize() + pd.Timedelta(days=1)).to_numpy()
    if len(present) >= BULK_MIN_ROWS:
        bulk_end = present.quantile(0.99, interpolation="lower")
        gap = max(pd.Timedelta(days=366), bulk_end - present.min())
        mask |= (dates > bulk_end + gap).to_numpy()
    kept = dates[~mask].dropna()
    return mask, (kept.max() if len(kept) else pd.NaT)
