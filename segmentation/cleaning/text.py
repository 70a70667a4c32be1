"""Ids and text: stripping, control characters, value synonyms (the clean ``str`` dtype)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

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


def as_text(values: pd.Series) -> pd.Series:
    """Values as stripped ``str`` with empty strings as missing."""
    text = values if values.dtype == TEXT_DTYPE else values.astype(TEXT_DTYPE)
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
    found = text.str.contains(pattern, regex=True).to_numpy(dtype=bool, na_value=False)
    if not found.any():
        return text, found, 0
    sub = text[found]
    count = int(sub.str.count(pattern).sum())
    clean = text.copy()
    clean[found] = sub.str.replace(pattern, "", regex=True)
    return clean, found, count


def clean_ids(values: pd.Series) -> pd.Series:
    """Ids as stripped text; whole-number floats and Excel's trailing ``.0`` lose the ``.0``."""
    if pd.api.types.is_float_dtype(values.dtype):
        finite = values.dropna()
        if (finite == np.floor(finite)).all():
            values = values.astype("Int64")
    text = as_text(values)
    if not text.str.fullmatch(r"[0-9]+\.0+").any():  # nothing to change: no copy
        return text
    return text.str.replace(r"^([0-9]+)\.0+$", r"\1", regex=True)


def clean_text(values: pd.Series, column: str) -> pd.Series:
    text = as_text(values)
    synonyms = VALUE_SYNONYMS.get(column)
    if synonyms:
        mapped = text.str.lower().map(synonyms)
        text = text.where(mapped.isna(), mapped).astype(TEXT_DTYPE)
    return text
