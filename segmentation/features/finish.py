"""The pandas side of the customer view: per-customer rows fetched from the database
become the view's measures (recency, ratios, trends, shares, home branch).

The finishing steps work on plain arrays aligned with the transactions result,
then sort once and build the view in one go: at a million customers every
extra reindex / concat of string-indexed frames costs a noticeable fraction
of a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..sql import as_text, positions_in
from .queries import ATTRIBUTE_COLUMNS, TX_COUNTS, TX_DATES, TX_OPTIONAL_SUMS, TX_SUMS

Columns = dict[str, "np.ndarray | pd.api.extensions.ExtensionArray"]


def _take(values: np.ndarray | pd.api.extensions.ExtensionArray, positions: np.ndarray,
          fill: object) -> np.ndarray | pd.api.extensions.ExtensionArray:
    """``values[positions]`` with ``fill`` where the position is -1."""
    if isinstance(values, np.ndarray):
        if len(values) == 0:
            return np.full(len(positions), fill, dtype=values.dtype)
        return np.where(positions >= 0, values[positions], np.asarray(fill, values.dtype))
    return pd.api.extensions.take(values, positions, allow_fill=True)


def _days(values: pd.Series) -> np.ndarray:
    """Calendar days as ``datetime64[ns]`` from DATE / TIMESTAMP / ISO text results."""
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        values = pd.to_datetime(values, format="ISO8601")
    days = pd.Series(values, copy=False).astype("datetime64[ns]").dt.floor("D")
    return days.to_numpy()


def _floats(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values).to_numpy(dtype="float64", na_value=np.nan)


def _counts(values: pd.Series) -> np.ndarray:
    return np.nan_to_num(_floats(values)).astype("int64")


def _ratio(num: np.ndarray, den: np.ndarray, valid: np.ndarray) -> np.ndarray:
    out = np.full(len(num), np.nan)
    np.divide(num, den, out=out, where=valid)
    return out


def finish_transactions(raw: Mapping[str, pd.Series], as_of: pd.Timestamp,
                         shares: Mapping[str, list]) -> Columns:
    """Measures from the transaction aggregate, aligned with its rows."""
    out: Columns = {c: _days(raw[c]) for c in TX_DATES}
    as_of64 = np.datetime64(as_of.to_datetime64(), "ns")
    day = np.timedelta64(1, "D")
    out["recency_days"] = (as_of64 - out["last_date"]) / day
    out["tenure_days"] = (as_of64 - out["first_date"]) / day
    counts = {c: _counts(raw[c]) for c in TX_COUNTS}
    sums = {c: np.nan_to_num(_floats(raw[c])) for c in TX_SUMS}
    freq = counts["frequency"]
    span = (out["last_purchase_date"] - out["first_purchase_date"]) / day
    out.update({
        "frequency": freq,
        "n_transactions": counts["n_transactions"],
        "monetary_total": sums["monetary_total"],
        "monetary_avg": _ratio(sums["monetary_total"], freq.astype("float64"), freq > 0),
        "refund_count": counts["refund_count"],
        "refund_amount": sums["refund_amount"],
        "avg_interval_days": _ratio(span, (freq - 1).astype("float64"), freq > 1),
    })
    for label in TX_OPTIONAL_SUMS.values():
        if label in raw:
            out[label] = _floats(raw[label])
    recent_f, prior_f = counts["frequency_recent"], counts["frequency_prior"]
    recent_s, prior_s = sums["spend_recent"], sums["spend_prior"]
    out.update({
        "frequency_recent": recent_f,
        "frequency_prior": prior_f,
        "frequency_trend": _ratio((recent_f - prior_f).astype("float64"),
                                  prior_f.astype("float64"), prior_f > 0),
        "spend_recent": recent_s,
        "spend_prior": prior_s,
        "spend_trend": _ratio(recent_s - prior_s, prior_s, prior_s > 0),
    })
    n_tx = counts["n_transactions"].astype("float64")
    for column, values in shares.items():
        for i, value in enumerate(values):
            n = np.nan_to_num(_floats(raw[f"{column}_n_{i}"]))
            out[f"{column}_share_{value}"] = _ratio(n, n_tx, n_tx > 0)
    return out


def home_branch(raw: Mapping[str, pd.Series], ids: pd.Index) -> pd.api.extensions.ExtensionArray:
    """Per customer of ``ids``, the branch with the most rows; ties go to the first name.

    "First" is text (code point) order, decided here rather than by a database
    collation.
    """
    rows = positions_in(raw["customer_id"], ids)
    keep = rows >= 0
    codes, names = pd.factorize(as_text(raw["branch"]), sort=True)
    rows, codes, n = rows[keep], codes[keep], _counts(raw["n"])[keep]
    # one score orders (count, then name) per row: more rows first, then the smaller code
    n_names = max(len(names), 1)
    best = np.full(len(ids), -1, dtype=np.int64)
    np.maximum.at(best, rows, n * n_names + (n_names - 1 - codes))
    chosen = np.where(best >= 0, n_names - 1 - best % n_names, -1)
    return _take(pd.array(names, dtype="str"), chosen, None)


def attributes(raw: Mapping[str, pd.Series], ids: pd.Index,
               columns: Sequence[str] = ATTRIBUTE_COLUMNS) -> Columns:
    """Customer attributes for ``ids``; a duplicated customer id keeps its first row."""
    rows = positions_in(ids, raw["customer_id"])
    out: Columns = {}
    for column in columns:
        if column in raw:
            values = (_days(raw[column]) if column == "signup_date"
                      else as_text(raw[column]).array)
            out[column] = _take(values, rows, np.datetime64("NaT", "ns"))
    return out


def survey_measures(raw: Mapping[str, pd.Series], ids: pd.Index) -> Columns:
    rows = positions_in(ids, raw["customer_id"])
    n, n_recent, n_prior, n_last = (_take(_counts(raw[c]), rows, 0) for c in
                                    ("n_surveys", "n_recent", "n_prior", "n_last"))
    sums = {c: _take(np.nan_to_num(_floats(raw[c])), rows, 0.0) for c in
            ("score_sum", "score_sum_recent", "score_sum_prior", "score_sum_last")}
    return {
        "n_surveys": n,
        "satisfaction_avg": _ratio(sums["score_sum"], n, n > 0),
        "satisfaction_last": _ratio(sums["score_sum_last"], n_last, n_last > 0),
        "satisfaction_recent": _ratio(sums["score_sum_recent"], n_recent, n_recent > 0),
        "satisfaction_prior": _ratio(sums["score_sum_prior"], n_prior, n_prior > 0),
    }


def complaint_measures(raw: Mapping[str, pd.Series], ids: pd.Index) -> Columns:
    rows = positions_in(ids, raw["customer_id"])
    return {c: _take(_counts(raw[c]), rows, 0)
            for c in ("n_complaints", "complaints_recent", "complaints_open") if c in raw}
