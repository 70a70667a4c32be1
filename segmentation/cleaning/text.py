"""Ids and text: stripping, control characters, value synonyms (the clean ``str`` dtype)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

#: Known spellings of categorical values -> canonical value (compared in lower
#: case). Values not listed are kept as written.
VALUE_SYNONYMS: dict[str, dict[str, str]] = {
    "customer_type": {
        "enterprise": "enterprise", "business": "enterprise", "corporate": "enterprise",
        "company": "enterprise", "b2b": "enterprise", "企业": "enterprise",
        "企业客户": "enterprise", "公司": "enterprise", "单位": "enterprise",
        "对公": "enterprise", "协议客户": "enterprise", "大客户": "enterprise",
        "individual": "individual", "personal": "individual", "private": "individual",
        "consumer": "individual", "b2c": "individual", "个人": "individual",
        "个人客户": "individual", "散户": "individual", "散客": "individual",
    },
    "area_type": {
        "urban": "urban", "city": "urban", "城市": "urban", "城镇": "urban", "城区": "urban",
        "市区": "urban", "rural": "rural", "countryside": "rural", "village": "rural",
        "农村": "rural", "乡村": "rural", "乡镇": "rural",
    },
    "status": {
        "open": "open", "pending": "open", "in progress": "open", "new": "open",
        "未解决": "open", "未处理": "open", "待处理": "open", "处理中": "open",
        "resolved": "resolved", "closed": "resolved", "done": "resolved", "solved": "resolved",
        "已解决": "resolved", "已处理": "resolved", "已办结": "resolved", "办结": "resolved",
        "已结案": "resolved", "已关闭": "resolved",
    },
}

#: The string dtype of clean id and text columns (pandas 3's default ``str``).
TEXT_DTYPE = pd.StringDtype(na_value=np.nan)

WS = "[ \t\u00a0\u2009\u202f\u3000]"  # literal characters, not \u escapes

#: Control characters removed from ids: C0, DEL, and zero-width characters that
#: make two ids look the same but compare different.
_ID_CONTROLS = "[\x00-\x1f\x7f\x85\u200b\u200c\u200d\u2028\u2029\u2060\ufeff]"
#: Control characters removed from other text (tab and line feed stay: a comment may
#: hold several lines; every other line break became a line feed before, see
#: :mod:`segmentation.linebreaks`). These are the ones an .xlsx cannot hold.
_TEXT_CONTROLS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
#: An id a spreadsheet wrote in scientific notation (Excel writes ``1.23457E+10``).
SCIENTIFIC_ID = r"[0-9](?:\.[0-9]+)?[eE]\+[0-9]{1,3}"


def is_texty(values: pd.Series) -> bool:
    return values.dtype == object or isinstance(values.dtype, pd.StringDtype)


# Byte screens. A regular expression over ten million values costs about a second per
# column, although in most columns nothing matches; the UTF-8 bytes of a pyarrow-backed
# column tell that at once (one pass over the column's buffer, no per-value work). Each
# screen is conservative: it may say "maybe" where the expression then finds nothing,
# never "no" where it would find something, so the result is the expression's own.


def _byte_set(*spans: tuple[int, int]) -> np.ndarray:
    """A 256-entry mask of the bytes in the inclusive ranges ``spans``."""
    table = np.zeros(256, dtype=bool)
    for low, high in spans:
        table[low:high + 1] = True
    return table


#: Bytes of :data:`_ID_CONTROLS`: C0, DEL, and the lead bytes of NEL (C2 85) and of the
#: zero-width characters and separators (E2 80 8B…, E2 80 A8/A9, E2 81 A0, EF BB BF).
_ID_CONTROL_BYTES = _byte_set((0x00, 0x1F), (0x7F, 0x7F), (0xC2, 0xC2), (0xE2, 0xE2),
                              (0xEF, 0xEF))
#: Bytes of :data:`_TEXT_CONTROLS` (ASCII only: in UTF-8 these bytes are the characters).
_TEXT_CONTROL_BYTES = _byte_set((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x7F))
#: First bytes of the characters ``str.strip`` removes (Unicode white space: tab … CR,
#: FS … space, NEL, NBSP (C2), U+1680 (E1), U+2000 … U+205F (E2), U+3000 (E3)).
_SPACE_LEADS = _byte_set((0x00, 0x20), (0xC2, 0xC2), (0xE1, 0xE3))
_THREE_BYTE_SPACE_LEADS = _byte_set((0xE1, 0xE3))


def _utf8_chunks(values: pd.Series) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | None]]\
        | None:
    """``(offsets, data, valid)`` per chunk of a pyarrow-backed text column (``valid``
    ``None`` when the chunk has no missing values), or ``None`` for any other column."""
    if not (isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"):
        return None
    out = []
    for chunk in values.array._pa_array.chunks:  # ArrowStringArray
        if pa.types.is_large_string(chunk.type):
            width = np.int64
        elif pa.types.is_string(chunk.type):
            width = np.int32
        else:
            return None
        if not len(chunk):
            continue
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, dtype=width)[chunk.offset:chunk.offset + len(chunk) + 1]
        data = (np.frombuffer(data, dtype=np.uint8) if data is not None
                else np.zeros(0, dtype=np.uint8))
        valid = (chunk.is_valid().to_numpy(zero_copy_only=False) if chunk.null_count
                 else None)
        out.append((offsets, data, valid))
    return out


def _holds_bytes(values: pd.Series, table: np.ndarray) -> bool:
    """Whether any value of ``values`` may hold a byte of ``table`` (``True`` for a column
    whose bytes cannot be screened)."""
    chunks = _utf8_chunks(values)
    if chunks is None:
        return True
    for offsets, data, _ in chunks:
        part = data[offsets[0]:offsets[-1]]
        if not part.size:
            continue
        low, high = int(part.min()), int(part.max())
        wanted = np.flatnonzero(table[low:high + 1]) + low  # the bytes that can be there
        if len(wanted) > 8:
            if table[part].any():
                return True
        elif any((part == byte).any() for byte in wanted):
            return True
    return False


def _may_strip(values: pd.Series) -> bool:
    """Whether :func:`as_text` may change ``values``: a value that is empty or whose first
    or last character may be white space (``True`` for a column that cannot be screened)."""
    chunks = _utf8_chunks(values)
    if chunks is None:
        return True
    for offsets, data, valid in chunks:
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        if not filled.all():
            if valid is None or (valid & ~filled).any():
                return True  # an empty string becomes missing
            starts, ends = starts[filled], ends[filled]
        if not len(starts):
            continue
        # the first character; the last one: ASCII, or 2 or 3 bytes from its lead byte on
        # (a position before the value's start lands on its first byte, checked already)
        if _SPACE_LEADS[data[starts]].any() or (data[ends - 1] <= 0x20).any():
            return True
        if (data[np.maximum(ends - 2, starts)] == 0xC2).any():
            return True
        if _THREE_BYTE_SPACE_LEADS[data[np.maximum(ends - 3, starts)]].any():
            return True
    return False


def fullmatch_mask(values: pd.Series, pattern: str, needs: str) -> np.ndarray:
    """``values.str.fullmatch(pattern)`` as a bool mask (missing: ``False``), where a match
    must hold the ASCII character ``needs``: a column without it is not searched."""
    if not _holds_bytes(values, _byte_set((ord(needs), ord(needs)))):
        return np.zeros(len(values), dtype=bool)
    return values.str.fullmatch(pattern).to_numpy(dtype=bool, na_value=False)


def as_text(values: pd.Series) -> pd.Series:
    """Values as stripped ``str`` with empty strings as missing."""
    text = values if values.dtype == TEXT_DTYPE else values.astype(TEXT_DTYPE)
    if not _may_strip(text):
        return text  # nothing to strip and nothing empty (screened on the bytes): no copy
    stripped = text.str.strip()
    empty = stripped == ""
    if not empty.any() and stripped.equals(text):
        return text  # nothing to change: keep the column's own buffers (no copy)
    return stripped.where(~empty)


def short(value: object, limit: int = 40) -> str:
    """``value`` as quoted in a message: at most ``limit`` characters, a date without a
    time of day as the date alone (as a file shows it)."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        value = value.date()
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def visible(value: object) -> str:
    """``value`` with control characters shown as ``\\x00`` (for messages)."""
    return re.sub("[\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]",
                  lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                  else f"\\u{ord(m.group()):04x}", str(value))


def strip_controls(text: pd.Series, kind: str) -> tuple[pd.Series, np.ndarray, int]:
    """``text`` without control characters; the rows that had some, and how many there were."""
    pattern = _ID_CONTROLS if kind == "id" else _TEXT_CONTROLS
    if not _holds_bytes(text, _ID_CONTROL_BYTES if kind == "id" else _TEXT_CONTROL_BYTES):
        return text, np.zeros(len(text), dtype=bool), 0
    found = text.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)
    if not found.any():
        return text, found, 0
    sub = text[found]
    count = int(sub.str.count(pattern).sum())
    clean = text.copy()
    clean[found] = sub.str.replace(pattern, "", regex=True)
    return clean, found, count


def clean_ids(values: pd.Series, *, stripped: bool = False) -> pd.Series:
    """Ids as stripped text; whole-number floats and Excel's trailing ``.0`` lose the ``.0``.

    ``stripped``: ``values`` are :func:`as_text` output already (not screened again).
    """
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if (finite == np.floor(finite)).all():
            values = values.astype("Int64")
    text = values if stripped and values.dtype == TEXT_DTYPE else as_text(values)
    if not fullmatch_mask(text, r"[0-9]+\.0+", ".").any():  # nothing to change: no copy
        return text
    return text.str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True)


def clean_text(values: pd.Series, column: str, *, stripped: bool = False) -> pd.Series:
    """Text stripped, empty as missing, known spellings of categories as the canonical value
    (:data:`VALUE_SYNONYMS`); ``stripped`` as for :func:`clean_ids`."""
    text = values if stripped and values.dtype == TEXT_DTYPE else as_text(values)
    synonyms = VALUE_SYNONYMS.get(column)
    if synonyms:
        mapped = text.str.lower().map(synonyms)
        text = text.where(mapped.isna(), mapped).astype(TEXT_DTYPE)
    return text
