"""The weekly panel a campaign is measured on: each customer's shipments and revenue per
week before and after the start, and who was targeted, held out or neither.

Week ``k`` (``k = -pre_weeks .. post_weeks - 1``) holds the days
``start + 7k .. start + 7k + 6``: the first post week begins on the start day.
A shipment is a transaction with ``amount >= 0`` (as everywhere in the library);
revenue is the sum of ``amount`` (refunds included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..access import Scope
from ..sql import (
    TableNames,
    connected,
    day_of,
    fetch,
    is_purchase,
    resolve_tables,
    scope_sources,
    sum_if,
    transactions_source,
)
from .model import Campaign

__all__ = ["ACTIVITY_COLUMNS", "ATTRIBUTE_COLUMNS", "CampaignPanel", "build_panel",
           "read_activity"]

#: columns of the daily activity frame (:func:`read_activity`)
ACTIVITY_COLUMNS = ("customer_id", "date", "shipments", "revenue")
#: customer attributes at the start that the panel keeps (tier and branch are matched on)
ATTRIBUTE_COLUMNS = ("tier", "branch", "region", "recency_days")


@dataclass(frozen=True)
class CampaignPanel:
    """Weekly shipments and revenue per customer around a campaign's start.

    Attributes
    ----------
    customers : one row per customer (index ``customer_id``) with
        :data:`ATTRIBUTE_COLUMNS` and ``group`` (``"target"``, ``"holdout"``, ``"pool"``).
    shipments, revenue : float arrays (customers x weeks), rows in ``customers`` order.
    active_before, active_after : whether the customer shipped in the ``retention_days``
        before the start / from the start on (retention = still active after the start).
    start : the campaign's first day; ``pre_weeks``, ``post_weeks``: weeks each side.
    retention_days : the window of ``active_after``.
    """

    customers: pd.DataFrame
    shipments: np.ndarray
    revenue: np.ndarray
    active_before: np.ndarray
    active_after: np.ndarray
    start: pd.Timestamp
    pre_weeks: int
    post_weeks: int
    retention_days: int

    @property
    def week_starts(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex([self.start + pd.Timedelta(days=7 * k)
                                 for k in range(-self.pre_weeks, self.post_weeks)])

    def group(self, name: str) -> np.ndarray:
        """Row positions of the customers of group ``name``."""
        return np.flatnonzero(self.customers["group"].to_numpy() == name)


def read_activity(bind: sa.Engine | sa.Connection, *, start: dt.date, pre_weeks: int,
                  post_weeks: int, table_names: TableNames | None = None,
                  scope: Scope | None = None) -> pd.DataFrame:
    """Shipments and revenue per customer and day around ``start``, summed in the database.

    Returns
    -------
    DataFrame with :data:`ACTIVITY_COLUMNS` (``date`` datetime64, ``shipments`` and
    ``revenue`` float), one row per customer and day with a transaction in
    ``[start - 7 pre_weeks, start + 7 post_weeks)``, only customers of ``scope``.
    """
    lo = pd.Timestamp(start) - pd.Timedelta(days=7 * pre_weeks)
    hi = pd.Timestamp(start) + pd.Timedelta(days=7 * post_weeks)
    with connected(bind) as conn:
        found = scope_sources(resolve_tables(conn, table_names), scope)
        tx = transactions_source(found, table_names)
        day = day_of(tx.c("date"))
        amount = tx.c("amount")
        query = (sa.select(tx.c("customer_id").label("customer_id"), day.label("date"),
                           sum_if(sa.literal(1), is_purchase(amount)).label("shipments"),
                           sa.func.sum(amount).label("revenue"))
                 .select_from(tx.table)
                 .where(day >= sa.bindparam("lo", lo.date(), sa.Date()))
                 .where(day < sa.bindparam("hi", hi.date(), sa.Date()))
                 .group_by(tx.c("customer_id"), day))
        frame = fetch(conn, query)
    frame = frame.reindex(columns=list(ACTIVITY_COLUMNS))
    frame["customer_id"] = frame["customer_id"].astype("string")
    frame["date"] = pd.to_datetime(frame["date"])
    for column in ("shipments", "revenue"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").fillna(0.0).astype(float)
    return frame


def build_panel(customers: pd.DataFrame, activity: pd.DataFrame, campaign: Campaign, *,
                pre_weeks: int, post_weeks: int, retention_days: int) -> CampaignPanel:
    """The weekly panel of ``customers`` (their attributes at the start) from ``activity``.

    Parameters
    ----------
    customers : indexed by ``customer_id``, with :data:`ATTRIBUTE_COLUMNS` (missing
        ones are filled: tier and branch ``"-"``, recency NaN -> the largest); the
        customers known before the start (targets absent from it cannot be measured).
    activity : daily rows with :data:`ACTIVITY_COLUMNS` (:func:`read_activity`).
    campaign : the targets and held-out customers.
    """
    start = pd.Timestamp(campaign.start).normalize()
    attrs = pd.DataFrame(index=pd.Index(customers.index.astype("string"), name="customer_id"))
    for column in ATTRIBUTE_COLUMNS:
        if column in customers.columns:
            values = customers[column].to_numpy()
        else:
            values = np.full(len(customers), np.nan if column == "recency_days" else "-",
                             dtype=object)
        attrs[column] = values
    for column in ("tier", "branch", "region"):
        attrs[column] = attrs[column].astype("string").fillna("-")
    recency = pd.to_numeric(attrs["recency_days"], errors="coerce").astype(float)
    attrs["recency_days"] = recency.fillna(recency.max() if recency.notna().any() else 0.0)
    ids = attrs.index
    group = np.full(len(ids), "pool", dtype=object)
    group[ids.isin(list(campaign.targets))] = "target"
    group[ids.isin(list(campaign.holdout))] = "holdout"
    attrs["group"] = group

    n_weeks = pre_weeks + post_weeks
    act = activity[activity["customer_id"].astype("string").isin(ids)]
    row = ids.get_indexer(act["customer_id"].astype("string"))
    offset = (pd.to_datetime(act["date"]).dt.normalize() - start).dt.days.to_numpy()
    week = np.floor_divide(offset, 7) + pre_weeks
    keep = (row >= 0) & (week >= 0) & (week < n_weeks)
    flat = row[keep] * n_weeks + week[keep]
    size = len(ids) * n_weeks
    shipments = np.bincount(flat, act["shipments"].to_numpy(float)[keep], minlength=size)
    revenue = np.bincount(flat, act["revenue"].to_numpy(float)[keep], minlength=size)
    ships = act["shipments"].to_numpy(float) > 0
    before = keep & ships & (offset < 0) & (offset >= -retention_days)
    after = keep & ships & (offset >= 0) & (offset < retention_days)
    return CampaignPanel(
        customers=attrs,
        shipments=shipments.reshape(len(ids), n_weeks),
        revenue=revenue.reshape(len(ids), n_weeks),
        active_before=np.bincount(row[before], minlength=len(ids)) > 0,
        active_after=np.bincount(row[after], minlength=len(ids)) > 0,
        start=start, pre_weeks=int(pre_weeks), post_weeks=int(post_weeks),
        retention_days=int(retention_days))
