"""A plain pandas reference for the customer view, independent of the SQL implementation.

:func:`pandas_customer_view` follows the column definitions in the docstring of
:func:`segmentation.features.customer_view` with ordinary in-memory groupbys, so
the tests can check the SQL pushdown against it and a benchmark can time both.
It takes the canonical tables as DataFrames (dates as datetime64, any time of
day ignored) and returns the same columns, order, dtypes and index.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

ATTRIBUTES = ("name", "phone", "customer_type", "branch", "region", "area_type",
              "signup_date", "account_manager")
MAX_SHARE_VALUES = 50


def _day(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).astype("datetime64[ns]").dt.normalize()


def _per(frame: pd.DataFrame, ids: pd.Index, column: str, how: str, fill=None) -> pd.Series:
    """``frame.groupby("customer_id")[column].<how>()`` on the full id index."""
    if frame.empty:
        out = pd.Series(np.nan, index=ids, dtype="float64")
    else:
        grouped = frame.groupby("customer_id")[column]
        out = (grouped.sum(min_count=1) if how == "sum_or_nan" else grouped.agg(how))
        out = out.reindex(ids)
    return out if fill is None else out.fillna(fill)


def _div(num: pd.Series, den: pd.Series, valid: pd.Series) -> pd.Series:
    return (num.astype("float64") / den.astype("float64")).where(valid)


def _windows(days: pd.Series, as_of: pd.Timestamp, window_days: int
             ) -> tuple[pd.Series, pd.Series]:
    w = pd.Timedelta(days=window_days)
    recent = (days > as_of - w) & (days <= as_of)
    prior = (days > as_of - 2 * w) & (days <= as_of - w)
    return recent, prior


def pandas_customer_view(tables: Mapping[str, pd.DataFrame], as_of, window_days: int = 90
                         ) -> pd.DataFrame:
    """The customer view computed in memory.

    Parameters
    ----------
    tables : canonical table name -> DataFrame; ``transactions`` required.
    as_of : analysis day.
    window_days : length of the recent / prior windows in days.

    Returns
    -------
    DataFrame as :func:`segmentation.features.customer_view` returns it.
    """
    as_of = pd.Timestamp(as_of).normalize()
    tx = tables["transactions"].copy()
    tx["day"] = _day(tx["date"])
    tx = tx[tx["customer_id"].notna() & (tx["day"] <= as_of)].copy()
    tx["customer_id"] = tx["customer_id"].astype("str")
    ids = pd.Index(sorted(tx["customer_id"].unique()), dtype="str", name="customer_id")
    recent, prior = _windows(tx["day"], as_of, window_days)
    purchases = tx[tx["amount"] >= 0]  # a zero-amount order is an order
    refunds = tx[tx["amount"] < 0]
    p_recent, p_prior = purchases[recent[tx["amount"] >= 0]], purchases[prior[tx["amount"] >= 0]]

    v = pd.DataFrame(index=ids)
    v["first_date"] = _per(tx, ids, "day", "min")
    v["last_date"] = _per(tx, ids, "day", "max")
    v["first_purchase_date"] = _per(purchases, ids, "day", "min").astype("datetime64[ns]")
    v["last_purchase_date"] = _per(purchases, ids, "day", "max").astype("datetime64[ns]")
    v["recency_days"] = (as_of - v["last_date"]).dt.days.astype("float64")
    v["tenure_days"] = (as_of - v["first_date"]).dt.days.astype("float64")
    v["frequency"] = _per(purchases, ids, "day", "nunique", 0).astype("int64")
    v["n_transactions"] = _per(purchases, ids, "day", "size", 0).astype("int64")
    v["monetary_total"] = _per(tx, ids, "amount", "sum", 0.0).astype("float64")
    v["monetary_avg"] = _div(v["monetary_total"], v["frequency"], v["frequency"] > 0)
    v["refund_count"] = _per(refunds, ids, "amount", "size", 0).astype("int64")
    v["refund_amount"] = -_per(refunds, ids, "amount", "sum", 0.0).astype("float64") + 0.0
    span = (v["last_purchase_date"] - v["first_purchase_date"]).dt.days
    v["avg_interval_days"] = _div(span, v["frequency"] - 1, v["frequency"] > 1)
    for column, label in (("quantity", "quantity_total"), ("weight_kg", "weight_total")):
        if column in tx:
            v[label] = _per(tx, ids, column, "sum_or_nan").astype("float64")
    v["frequency_recent"] = _per(p_recent, ids, "day", "nunique", 0).astype("int64")
    v["frequency_prior"] = _per(p_prior, ids, "day", "nunique", 0).astype("int64")
    v["frequency_trend"] = _div(v["frequency_recent"] - v["frequency_prior"],
                                v["frequency_prior"], v["frequency_prior"] > 0)
    v["spend_recent"] = _per(tx[recent], ids, "amount", "sum", 0.0).astype("float64")
    v["spend_prior"] = _per(tx[prior], ids, "amount", "sum", 0.0).astype("float64")
    v["spend_trend"] = _div(v["spend_recent"] - v["spend_prior"], v["spend_prior"],
                            v["spend_prior"] > 0)
    for column in ("service", "channel"):
        if column not in tx:
            continue
        known = purchases[purchases[column].notna()]
        totals = known[column].value_counts()
        ranked = sorted(totals.index, key=lambda value: (-totals[value], str(value)))
        for value in ranked[:MAX_SHARE_VALUES]:
            hits = known[known[column] == value]
            n = hits.groupby("customer_id").size().reindex(ids, fill_value=0)
            v[f"{column}_share_{value}"] = _div(n, v["n_transactions"], v["n_transactions"] > 0)

    attrs = pd.DataFrame(index=ids)
    customers = tables.get("customers")
    if customers is not None and "customer_id" in customers:
        cust = customers[customers["customer_id"].notna()].copy()
        cust["customer_id"] = cust["customer_id"].astype("str")
        cust = cust.drop_duplicates("customer_id").set_index("customer_id")
        for column in ATTRIBUTES:
            if column in cust:
                values = cust[column].reindex(ids)
                attrs[column] = (_day(values) if column == "signup_date"
                                 else values.astype("str"))
    if "branch" in tx:
        counted = (tx[tx["branch"].notna()]
                   .assign(branch=lambda f: f["branch"].astype("str"))
                   .groupby(["customer_id", "branch"]).size().rename("n").reset_index())
        best = (counted.sort_values(["customer_id", "n", "branch"],
                                    ascending=[True, False, True])
                .drop_duplicates("customer_id").set_index("customer_id")["branch"])
        home = best.astype("str").reindex(ids)
        attrs["branch"] = attrs["branch"].fillna(home) if "branch" in attrs else home
    attrs = attrs[[c for c in ATTRIBUTES if c in attrs]]

    parts = [attrs, v]
    surveys = tables.get("surveys")
    if surveys is not None and {"customer_id", "date", "score"} <= set(surveys.columns):
        s = surveys[surveys["customer_id"].notna() & surveys["score"].notna()].copy()
        s["day"] = _day(s["date"])
        s = s[s["day"] <= as_of]
        s["customer_id"] = s["customer_id"].astype("str")
        s_recent, s_prior = _windows(s["day"], as_of, window_days)
        last_day = s.groupby("customer_id")["day"].transform("max")
        out = pd.DataFrame(index=ids)
        out["n_surveys"] = _per(s, ids, "score", "size", 0).astype("int64")
        out["satisfaction_avg"] = _per(s, ids, "score", "mean").astype("float64")
        out["satisfaction_last"] = _per(s[s["day"] == last_day], ids, "score",
                                        "mean").astype("float64")
        out["satisfaction_recent"] = _per(s[s_recent], ids, "score", "mean").astype("float64")
        out["satisfaction_prior"] = _per(s[s_prior], ids, "score", "mean").astype("float64")
        parts.append(out)

    complaints = tables.get("complaints")
    if complaints is not None and {"customer_id", "date"} <= set(complaints.columns):
        c = complaints[complaints["customer_id"].notna()].copy()
        c["day"] = _day(c["date"])
        c = c[c["day"] <= as_of]
        c["customer_id"] = c["customer_id"].astype("str")
        c_recent, _ = _windows(c["day"], as_of, window_days)
        out = pd.DataFrame(index=ids)
        out["n_complaints"] = _per(c, ids, "day", "size", 0).astype("int64")
        out["complaints_recent"] = _per(c[c_recent], ids, "day", "size", 0).astype("int64")
        if "status" in c or "resolved_date" in c:
            c["open"] = _is_open(c, as_of)
            out["complaints_open"] = _per(c[c["open"]], ids, "day", "size", 0).astype("int64")
        parts.append(out)

    view = pd.concat(parts, axis=1)
    view.index.name = "customer_id"
    view.attrs.update(as_of=as_of, window_days=int(window_days))
    return view


def _is_open(c: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    """Open on as_of: a known resolved day decides, else the status, else open."""
    missing = pd.Series(pd.NaT, index=c.index, dtype="datetime64[ns]")
    resolved = _day(c["resolved_date"]) if "resolved_date" in c else missing
    status = c["status"] if "status" in c else pd.Series(np.nan, index=c.index, dtype="str")
    by_status = status.isna() | (status.astype("str").str.lower() == "open")
    return pd.Series(np.where(resolved.notna(), resolved > as_of, by_status), index=c.index,
                     dtype=bool)
