"""Complaints: monthly trend and mix, breakdowns, resolution times, deadline breaches
and repeat complainers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data import SatisfactionData, period_rows, text_ids
from .scales import CURRENT
from .trends import month_frame

# --------------------------------------------------------------------------- complaints


def complaint_trend(data: SatisfactionData, *, months: int = 24) -> pd.DataFrame:
    """Complaints and complaints per 1,000 shipments per month.

    Returns
    -------
    DataFrame with ``month``, ``complaints``, ``shipments`` (NaN without
    shipment counts), ``per_1000`` (NaN without shipments) and ``partial``.
    """
    cp = data.complaints
    months_f = month_frame(data.as_of, months, cp["date"].min() if len(cp) else None)
    counts = cp.groupby(cp["date"].dt.to_period("M").dt.to_timestamp()).size()
    out = months_f.copy()
    out["complaints"] = counts.reindex(out["month"]).fillna(0).astype("int64").to_numpy()
    ships = data.monthly_shipments()
    out["shipments"] = ships.reindex(out["month"]).to_numpy(dtype="float64") \
        if len(ships) else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        out["per_1000"] = np.where(out["shipments"] > 0,
                                   1000.0 * out["complaints"] / out["shipments"], np.nan)
    return out[["month", "complaints", "shipments", "per_1000", "partial"]]


def complaint_mix(data: SatisfactionData, by: str = "category", *, months: int = 24
                  ) -> pd.DataFrame:
    """Complaints per month and value of ``by``: long frame ``month``, ``by``, ``complaints``."""
    cp = data.complaints
    if by not in cp.columns:
        return pd.DataFrame(columns=["month", by, "complaints"])
    months_f = month_frame(data.as_of, months, cp["date"].min() if len(cp) else None)
    month = cp["date"].dt.to_period("M").dt.to_timestamp()
    g = cp.groupby([month.rename("month"), cp[by].astype("string").rename(by)],
                   observed=True).size().rename("complaints").reset_index()
    g = g[g["month"].isin(months_f["month"])]
    return g.sort_values(["month", by]).reset_index(drop=True)


def complaint_breakdown(data: SatisfactionData, by: str, *, period_days: int | None = None,
                        sla_days: int = 7) -> pd.DataFrame:
    """Complaints per ``category`` / ``severity`` / ``branch`` / ``tier`` …

    Parameters
    ----------
    data : the (selected) data.
    by : a complaint column or a customer attribute.
    period_days : only complaints of the last ``period_days`` days (and
        shipments of the current window, which must then equal P); ``None``: all.
    sla_days : the service-level deadline for resolution, in days.

    Returns
    -------
    DataFrame indexed by ``by`` with ``complaints``, ``share``, ``open``,
    ``open_past_sla``, ``resolved``, ``median_days`` and ``p90_days``
    (resolution time), ``within_sla`` (share of resolved ones resolved within
    ``sla_days``) and, for customer attributes with shipment counts and a
    period, ``per_1000``; most complaints first.
    """
    cp = data.complaints
    if by not in cp.columns:
        return pd.DataFrame()
    if period_days is not None:
        cp = period_rows(cp, data.as_of, period_days)
    g = cp.groupby(cp[by].astype("string"), dropna=True)
    out = pd.DataFrame({
        "complaints": g.size(),
        "open": g["is_open"].sum(),
        "open_past_sla": g["age_days"].apply(lambda s: int((s > sla_days).sum())),
        "resolved": g["resolution_days"].count(),
        "median_days": g["resolution_days"].median(),
        "p90_days": g["resolution_days"].quantile(0.9),
        "within_sla": g["resolution_days"].apply(
            lambda s: float((s.dropna() <= sla_days).mean()) if s.notna().any() else np.nan),
    })
    out["share"] = out["complaints"] / out["complaints"].sum() if len(out) else np.nan
    if period_days is not None and data.shipments is not None:
        if by in data.attributes.columns:  # the group's own shipments
            s = data.shipments_by(by, CURRENT).reindex(out.index)
        else:  # a property of the complaint: all shipments of the selection
            s = pd.Series(data.shipment_total(CURRENT), index=out.index)
        out["per_1000"] = np.where(s > 0, 1000.0 * out["complaints"] / s, np.nan)
    out = out.astype({"complaints": "int64", "open": "int64", "open_past_sla": "int64",
                      "resolved": "int64"})
    out.index.name = by
    first = ["complaints", "share", "per_1000"] if "per_1000" in out else ["complaints", "share"]
    out = out[first + [c for c in out.columns if c not in first]]
    return out.sort_values("complaints", ascending=False, kind="stable")


def resolution_summary(data: SatisfactionData, *, sla_days: int = 7) -> dict[str, float]:
    """Resolved complaints: ``resolved`` (count), ``median_days``, ``p90_days``, ``within_sla``."""
    days = data.complaints["resolution_days"].dropna()
    if days.empty:
        return {"resolved": 0.0, "median_days": np.nan, "p90_days": np.nan,
                "within_sla": np.nan}
    return {"resolved": float(len(days)), "median_days": float(days.median()),
            "p90_days": float(days.quantile(0.9)),
            "within_sla": float((days <= sla_days).mean())}


def sla_breaches(data: SatisfactionData, *, sla_days: int = 7) -> pd.DataFrame:
    """Open complaints older than ``sla_days``, oldest first.

    Returns
    -------
    DataFrame with ``complaint_id`` (when present), ``customer_id``, ``date``,
    ``category``, ``severity`` and the group columns (when present),
    ``age_days`` and ``days_over`` (age - sla_days).
    """
    cp = data.complaints
    late = cp[(cp["age_days"] > sla_days).to_numpy()]
    cols = [c for c in ("complaint_id", "customer_id", "date", "category", "severity",
                        "branch", "tier") if c in late.columns]
    out = late[cols].copy()
    out["age_days"] = late["age_days"].astype("int64")
    out["days_over"] = out["age_days"] - int(sla_days)
    return out.sort_values(["age_days", *cols[:1]], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def repeat_complainers(data: SatisfactionData, *, min_complaints: int = 2,
                       window_days: int | None = 365) -> pd.DataFrame:
    """Customers with at least ``min_complaints`` complaints in the last ``window_days`` days.

    Returns
    -------
    DataFrame indexed by ``customer_id`` with ``complaints``, ``open``,
    ``categories`` (distinct categories, most frequent first, comma-joined keys),
    ``top_category``, ``first_date``, ``last_date`` and the group columns;
    most complaints first (then the latest).
    """
    cp = data.complaints
    if window_days is not None:
        cp = period_rows(cp, data.as_of, window_days)
    cp = cp[cp["customer_id"].notna().to_numpy()]
    cid = text_ids(cp["customer_id"])
    n = cid.value_counts()
    keep = n.index[n >= min_complaints]
    if len(keep) == 0:
        return pd.DataFrame(columns=["complaints", "open", "categories", "top_category",
                                     "first_date", "last_date"]).rename_axis("customer_id")
    mask = cid.isin(keep).to_numpy()
    sub = cp[mask].assign(_cid=cid[mask].to_numpy(),
                          _cat=cp.loc[mask, "category"].astype("string").to_numpy())
    # categories per customer, most frequent first (ties by name): one sort, no Python loop
    pairs = (sub.groupby(["_cid", "_cat"]).size().rename("n").reset_index()
             .sort_values(["_cid", "n", "_cat"], ascending=[True, False, True]))
    by_customer = pairs.groupby("_cid", sort=False)["_cat"]
    g = sub.groupby("_cid")
    out = pd.DataFrame({
        "complaints": g.size(),
        "open": g["is_open"].sum().astype("int64"),
        "categories": by_customer.agg(", ".join),
        "top_category": by_customer.first(),
        "first_date": g["date"].min(),
        "last_date": g["date"].max(),
    })
    out.index.name = "customer_id"
    attrs = data.attributes.reindex(out.index)
    for col in ("branch", "tier", "customer_type"):
        if col in attrs.columns:
            out[col] = attrs[col]
    return out.sort_values(["complaints", "last_date"], ascending=[False, False],
                           kind="stable")
