"""Who churned (no purchase in the horizon) and the time-shifted training set."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..sql import as_day
from .defaults import check_horizon, default_lost_after
from .features import ViewCache, churn_features, purchase_days


def churn_labels(bind: sa.Engine | sa.Connection, *, start, horizon_days: int,
                 index: pd.Index, table_names: Mapping[str, str] | None = None,
                 views: Mapping[tuple[pd.Timestamp, int], pd.DataFrame] | None = None
                 ) -> pd.Series:
    """Who churned: no purchase in the days ``(start, start + H]``.

    One small query (purchase days per customer in the window), or none when
    ``views`` holds a customer view at ``start + H``: a customer of ``index``
    made no purchase in the window exactly when their last purchase day up to
    ``start + H`` is on or before ``start``. This is the only place that reads
    data after ``start``.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    start : the cutoff; the window starts the day after it.
    horizon_days : H.
    index : the customers to label (``customer_id`` as text).
    table_names : canonical table -> actual name.
    views : customer views keyed by ``(day, window_days)`` (see :func:`churn_features`);
        one at ``start + H`` must hold every customer of ``index`` with a transaction
        up to ``start + H`` (the full view, or one read with the same ``table_names``).

    Returns
    -------
    Series of bool, indexed like ``index``, named ``churned``: True when the
    customer made no purchase in the window.
    """
    horizon = check_horizon(horizon_days)
    start = as_day(start)
    end = start + pd.Timedelta(days=horizon)
    view = next((v for (day, _), v in (views or {}).items() if as_day(day) == end), None)
    if view is not None:
        last = view["last_purchase_date"].to_numpy(dtype="datetime64[ns]")
        pos = view.index.get_indexer(pd.Index(index, copy=False).astype("str"))
        bought = np.zeros(len(index), dtype=bool)
        found = pos >= 0
        bought[found] = last[pos[found]] > np.datetime64(start.to_datetime64(), "ns")
        return pd.Series(~bought, index=index, name="churned")
    days = purchase_days(bind, after=start, until=start + pd.Timedelta(days=horizon),
                          index=index, table_names=table_names)
    return pd.Series(days.to_numpy() == 0, index=index, name="churned")


def training_set(bind: sa.Engine | sa.Connection, *, as_of, horizon_days: int,
                 lost_after_days: int | None = None, window_days: int = 90,
                 table_names: Mapping[str, str] | None = None, views: ViewCache | None = None,
                 sample_size: int | None = 200_000, random_state: int = 7,
                 features: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Features at the cutoff ``as_of - H`` and labels from ``(as_of - H, as_of]``.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : the last day whose data may be used (the labels end here).
    horizon_days : H.
    lost_after_days : customers lapsed longer than this at the cutoff are
        dropped (they are "lost", not churn candidates); default
        :func:`default_lost_after` of the cutoff's view.
    window_days, table_names, views, sample_size, random_state : as in
        :func:`churn_features`.
    features : :func:`churn_features` at the cutoff, when the caller has them.

    Returns
    -------
    (features, labels)
        ``features``: :func:`churn_features` at the cutoff for every customer
        who is not lost there (all rows, never sampled), ``attrs`` with
        ``cutoff``, ``lost_after_days`` and ``n_lost`` / ``lost_churn_rate``
        (the customers left out and how many of them did not come back);
        ``labels``: :func:`churn_labels` for those customers.
    """
    horizon = check_horizon(horizon_days)
    cutoff = as_day(as_of) - pd.Timedelta(days=horizon)
    if features is None:
        features = churn_features(bind, as_of=cutoff, horizon_days=horizon,
                                  window_days=window_days, table_names=table_names,
                                  views=views, sample_size=sample_size,
                                  random_state=random_state)
    elif as_day(features.attrs.get("as_of", cutoff)) != cutoff:
        raise ValueError("the features passed were computed for another day")
    lost_after = (default_lost_after(features, horizon) if lost_after_days is None
                  else int(lost_after_days))
    labels = churn_labels(bind, start=cutoff, horizon_days=horizon, index=features.index,
                          table_names=table_names, views=views)
    lost = features["recency_days"].to_numpy() > lost_after
    attrs = dict(features.attrs)
    kept, kept_labels = features.loc[~lost], labels.loc[~lost]
    kept.attrs.update(attrs, cutoff=cutoff, lost_after_days=lost_after,
                      n_lost=int(lost.sum()),
                      lost_churn_rate=float(labels.to_numpy()[lost].mean()) if lost.any()
                      else 1.0)
    return kept, kept_labels
