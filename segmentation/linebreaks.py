"""Line breaks inside text: one definition for reading data and for writing files.

Text may hold line breaks in many spellings: CRLF, a bare CR (old Mac exports,
and the trick that makes a spreadsheet start a new row inside a CSV field), LF,
vertical tab, form feed, the file / group / record separators ``\\x1c`` … ``\\x1e``,
NEL ``\\x85`` and the Unicode line and paragraph separators U+2028 / U+2029.
Every source (CSV, Excel, Parquet and database rows) reads each of them as one
line feed ``"\\n"``, so a comment keeps its lines and there is one kind of break
left for the writers (:mod:`segmentation.export`) to quote and to check for a
formula at the start of each line.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

#: Every line break, CRLF first (it becomes a single line feed).
LINE_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
#: The breaks other than a plain line feed (what :func:`normalize_breaks` changes).
OTHER_BREAKS = "[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]"

def _may_hold_breaks(values: pd.Series) -> bool:
    """Whether the UTF-8 bytes of a pyarrow-backed text column hold any byte sequence of
    :data:`OTHER_BREAKS` (a quick screen over the raw buffers, no per-value work)."""
    chunks = values.array._pa_array.chunks  # ArrowStringArray
    for chunk in chunks:
        if not isinstance(chunk, pa.Array) or chunk.buffers()[2] is None:
            continue
        data = np.frombuffer(chunk.buffers()[2], dtype=np.uint8)
        if not data.size:
            continue
        if data.min() <= 0x1E:                          # CR, VT, FF, FS, GS, RS (or LF, tab)
            return True
        if data.max() < 0x80:                           # ASCII only
            continue
        lead = np.flatnonzero(data[:-1] == 0xC2)        # NEL is C2 85
        if lead.size and (data[lead + 1] == 0x85).any():
            return True
        lead = np.flatnonzero(data[:-2] == 0xE2)        # U+2028 / U+2029 are E2 80 A8 / A9
        if lead.size and ((data[lead + 1] == 0x80) & ((data[lead + 2] == 0xA8)
                                                       | (data[lead + 2] == 0xA9))).any():
            return True
    return False


def normalize_breaks(values: pd.Series) -> pd.Series:
    """``values`` (text) with every line break as one ``"\\n"``; other values unchanged.

    Cheap when there is nothing to change: a pyarrow-backed column is screened on
    its bytes; only columns that hold a break are rewritten.
    """
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        if not _may_hold_breaks(values):
            return values
        found = values.str.contains(OTHER_BREAKS, regex=True).fillna(False)
        if not found.any():
            return values
        return values.where(~found, values.str.replace(LINE_BREAKS.pattern, "\n", regex=True))
    if values.dtype == object:
        def one(value: object) -> object:
            return LINE_BREAKS.sub("\n", value) if isinstance(value, str) else value

        return values.map(one, na_action="ignore")
    if isinstance(values.dtype, pd.StringDtype):
        found = values.str.contains(OTHER_BREAKS, regex=True).fillna(False)
        if found.any():
            return values.where(~found, values.str.replace(LINE_BREAKS.pattern, "\n",
                                                           regex=True))
    return values


def normalize_frame_breaks(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`normalize_breaks` over every text column of ``frame`` (the frame itself when
    nothing changes)."""
    changed = {}
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
            clean = normalize_breaks(values)
            if clean is not values:
                changed[column] = clean
    if not changed:
        return frame
    out = frame.copy()
    for column, values in changed.items():
        out[column] = values
    return out
