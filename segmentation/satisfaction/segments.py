"""Satisfaction and complaints of customer groups: top tier vs the rest, churn warnings."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..sql import as_text
from .data import SatisfactionData, lookup, period_rows, text_ids
from .indices import index_estimates
from .scales import CURRENT

# --------------------------------------------------------------------------- value & churn


def churn_groups(view: pd.DataFrame, *, threshold: float = 0.5) -> pd.Series | None:
    """``"warning"`` / ``"other"`` per customer from churn scores, or ``None``.

    Reads ``churn_status`` or ``status`` (see :mod:`segmentation.churn`:
    ``"warning"``, ``"ok"``, ``"lost"``; lost customers are left out, they are
    past warning) when present, else ``churn_risk >= threshold``; ``None`` when
    the frame has none of them (no churn warning computed yet).
    """
    lost = pd.Series(False, index=view.index)
    for col in ("churn_status", "status"):
        if col in view.columns:
            status = view[col].astype("string").str.lower()
            flag = status.eq("warning").fillna(False)
            lost = status.eq("lost").fillna(False)
            break
    else:
        if "churn_risk" not in view.columns:
            return None
        flag = pd.to_numeric(view["churn_risk"], errors="coerce").ge(threshold).fillna(False)
    out = pd.Series(np.where(flag.to_numpy(), "warning", "other"), index=view.index,
                    dtype="object")[~lost.to_numpy()]
    out.index = pd.Index(as_text(pd.Series(out.index)), name="customer_id")
    return out


def segment_summary(data: SatisfactionData, groups: pd.Series, *, period_days: int = 90,
                    order: Sequence[str] | None = None, confidence: float = 0.95
                    ) -> pd.DataFrame:
    """Satisfaction and complaints of customer groups (top tier vs the rest, churn warning …).

    Parameters
    ----------
    data : the (selected) data.
    groups : a group label per customer (index = ``customer_id``).
    period_days : the current period ``(as_of - P, as_of]``.
    order : the groups in this order (others after them); default sorted.

    Returns
    -------
    DataFrame indexed by group with ``customers``, ``responses``, ``index``,
    ``index_lo``, ``index_hi``, ``mean`` (answers in the period),
    ``complaints`` (in the period), ``complainants`` (share of the group's
    customers with a complaint in the period), ``per_1000`` (per 1,000
    shipments in the period) and ``open`` (open complaints now).
    """
    groups = pd.Series(groups.astype(object).to_numpy(),
                       index=pd.Index(as_text(pd.Series(groups.index))))
    groups = pd.Series(lookup(groups, data.attributes.index),
                       index=data.attributes.index).dropna()
    found = sorted(groups.unique(), key=str)
    first = [g for g in (order or ()) if g in set(found)]
    out = pd.DataFrame(index=pd.Index(first + [g for g in found if g not in first],
                                      name="group"))
    out["customers"] = groups.value_counts().reindex(out.index).fillna(0).astype("int64")

    def _group_of(frame: pd.DataFrame) -> np.ndarray:
        if "customer_id" not in frame.columns:
            return np.full(len(frame), None, dtype=object)
        return lookup(groups, text_ids(frame["customer_id"]))

    if data.has_surveys:
        now = period_rows(data.surveys, data.as_of, period_days)
        now = now.assign(_group=_group_of(now)).dropna(subset=["_group"])
        est = index_estimates(now, data.scale, by="_group", confidence=confidence)
        est = est.reindex(out.index)
        est["responses"] = est["responses"].fillna(0).astype("int64")
        out = out.join(est[["responses", "index", "index_lo", "index_hi", "mean"]])
    if data.has_complaints:
        cp = period_rows(data.complaints, data.as_of, period_days)
        cp = cp.assign(_group=_group_of(cp)).dropna(subset=["_group"])
        g = cp.groupby("_group")
        out["complaints"] = g.size().reindex(out.index).fillna(0).astype("int64")
        out["complainants"] = (g["customer_id"].nunique().reindex(out.index).fillna(0)
                               / out["customers"].where(out["customers"] > 0))
        if data.shipments is not None:
            ships = data.shipments[CURRENT].groupby(
                lookup(groups, data.shipments.index), dropna=True).sum()
            s = ships.reindex(out.index).astype("float64")
            out["per_1000"] = np.where(s > 0, 1000.0 * out["complaints"] / s, np.nan)
        open_now = data.complaints[data.complaints["is_open"].to_numpy()]
        open_now = open_now.assign(_group=_group_of(open_now)).dropna(subset=["_group"])
        out["open"] = open_now.groupby("_group").size().reindex(out.index).fillna(0).astype(
            "int64")
    return out
