"""Parsing numbers and amounts as people write them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .text import WS, as_text

_CURRENCY = r"(?i)rmb|cny|元|[¥￥$€£]"
_GROUPED_NUMBER = r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]+)?"


_PLAIN_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"


def plain_numbers(text: pd.Series) -> np.ndarray:
    """Plain decimal strings -> float64; NaN for anything else (and for infinities)."""
    ok = text.str.fullmatch(_PLAIN_NUMBER).to_numpy(dtype=bool, na_value=False)
    out = np.full(len(text), np.nan)
    if ok.any():
        matched = text[ok]
        try:
            out[ok] = matched.astype("float64").to_numpy()
        except (ValueError, TypeError):
            out[ok] = pd.to_numeric(matched, errors="coerce").to_numpy(dtype="float64")
    out[~np.isfinite(out)] = np.nan
    return out


def parse_amounts(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of amounts or other numbers written as people write them.

    Accepted besides plain numbers: currency signs and words (``¥ ￥ $ € £ RMB
    CNY 元``), thousands separators (``,``, full-width ``，``, spaces; groups must
    be of three digits, so ``1.234,50`` and ``12,50`` are refused rather than
    misread), accounting negatives ``(123.00)``, the unicode minus ``−`` and
    full-width digits. A lone dash (``-``, ``—``), as spreadsheets show an empty
    amount, counts as missing, not as a failure.

    Parameters
    ----------
    values : strings or numbers.

    Returns
    -------
    numbers : float64 Series on the same index; NaN where empty or unreadable.
    failed : bool Series, True where a value was present but is not a number.
    """
    index = values.index
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
        num = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
        failed = ~np.isnan(num) & ~np.isfinite(num)
        num[failed] = np.nan
        return pd.Series(num, index=index), pd.Series(failed, index=index)

    text = as_text(values)
    present = text.notna().to_numpy()
    num = plain_numbers(text)
    pos = np.flatnonzero(present & np.isnan(num))
    blank = np.zeros(len(text), dtype=bool)
    if len(pos):
        # Only simple regexes without back-references below: they run in pyarrow.
        sub = text.iloc[pos]
        wide = np.flatnonzero(sub.str.contains("[\u3000\uff01-\uff5e]", regex=True))
        if len(wide):  # full-width digits, commas, brackets: NFKC is slow, so only there
            sub = sub.copy()
            sub.iloc[wide] = sub.iloc[wide].str.normalize("NFKC")
        sub = sub.str.replace("\u2212", "-", regex=False)
        dash = sub.str.fullmatch(r"[-–—]+").to_numpy(dtype=bool, na_value=False)
        sub = sub.str.replace(_CURRENCY, "", regex=True).str.strip()
        negative = sub.str.fullmatch(r"\(.*\)").to_numpy(dtype=bool, na_value=False)
        sub = sub.where(~negative, sub.str.strip("()").str.strip())
        sub = sub.str.replace(f"^-{WS}+", "-", regex=True)
        sub = sub.str.replace(f"^\\+{WS}*", "", regex=True)
        sub = sub.str.replace(f"{WS}+", ",", regex=True)
        valid = sub.str.fullmatch(_GROUPED_NUMBER) & sub.str.contains("[0-9]", regex=True)
        sub = sub.where(valid.to_numpy(dtype=bool)).str.replace(",", "", regex=False)
        parsed = plain_numbers(sub)
        parsed = np.where(negative, -np.abs(parsed), parsed)
        num[pos] = parsed
        blank[pos[dash]] = True
    failed = present & np.isnan(num) & ~blank
    return pd.Series(num, index=index), pd.Series(failed, index=index)
