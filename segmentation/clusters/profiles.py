"""Cluster profiles: size, revenue, typical feature values, z-scores, tier mix and
the top branches of each cluster."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .features import feature_matrix, feature_values, float_values
from .notes import ClusterError
from .specs import FEATURE_GROUPS, VALUE_COLUMN, feature_of_column


def align_labels(view: pd.DataFrame, labels: pd.Series | Sequence[int] | np.ndarray) -> pd.Series:
    """Cluster labels aligned with ``view`` rows (a Series is aligned by index)."""
    if isinstance(labels, pd.Series):
        aligned = labels.reindex(view.index) if not labels.index.equals(view.index) else labels
        return aligned.rename("cluster")
    values = np.asarray(labels)
    if len(values) != len(view):
        raise ClusterError("labels_length", labels=len(values), n=len(view))
    return pd.Series(values, index=view.index, name="cluster")


def _cluster_index(labels: pd.Series) -> pd.Index:
    values = labels.dropna().unique()
    return pd.Index(np.sort(values.astype(np.int64)), name="cluster")


def cluster_profiles(view: pd.DataFrame, labels: pd.Series | Sequence[int],
                     features: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per cluster: size, revenue and the typical value of each feature.

    Parameters
    ----------
    view : customer view (``monetary_total`` for revenue).
    labels : cluster per customer (:meth:`CustomerClusterer.predict`); a
        Series is aligned on the view's index, customers without a label are
        left out.
    features : feature keys whose values to show; ``None`` = the defaults the
        view can provide (pass ``model.features_``).

    Returns
    -------
    DataFrame indexed by ``cluster`` (int, ascending) with ``size`` (int64),
    ``share`` (of the labelled customers), ``revenue`` (sum of
    ``monetary_total``, NaN counted as 0), ``revenue_share`` (of the total;
    NaN when the total is not positive), then one column per feature column
    in natural units (:func:`feature_values`): the **median** for single
    columns (frequency, spend ...), the **mean** for share and one-hot columns
    (the cluster's service mix, its share of enterprises), because the median
    of a 0/1 or sparse column says little.
    """
    lab = align_labels(view, labels)
    index = _cluster_index(lab)
    keep = lab.notna().to_numpy()
    groups = lab[keep].astype(np.int64).to_numpy()
    size = pd.Series(groups).value_counts().reindex(index, fill_value=0)
    out = pd.DataFrame({"size": size.to_numpy(dtype=np.int64)}, index=index)
    out["share"] = out["size"] / max(int(out["size"].sum()), 1)
    if VALUE_COLUMN in view.columns:
        spend = np.nan_to_num(float_values(view, VALUE_COLUMN))[keep]
        revenue = pd.Series(spend).groupby(groups).sum().reindex(index, fill_value=0.0)
        out["revenue"] = revenue.to_numpy()
        total = out["revenue"].sum()
        out["revenue_share"] = out["revenue"] / total if total > 0 else np.nan
    values = feature_values(view, features)[keep]
    values.index = pd.Index(groups, name="cluster")
    grouped = values.groupby(level=0)
    for column in values.columns:
        kind = FEATURE_GROUPS[feature_of_column(column) or ""].kind
        stat = grouped[column].mean() if kind in ("share", "category") else \
            grouped[column].median()
        out[column] = stat.reindex(index).to_numpy()
    return out


def cluster_zscores(view: pd.DataFrame, labels: pd.Series | Sequence[int],
                    features: Sequence[str] | None = None) -> pd.DataFrame:
    """How each cluster differs from the average customer, per feature column (heatmap).

    ``(cluster mean - overall mean) / overall standard deviation`` of every
    column of :func:`feature_matrix` (so on the log scale for log features,
    which keeps a few very large senders from dominating the means; missing
    values imputed with the median). Population standard deviation; a column
    without variation gives 0.

    Returns
    -------
    DataFrame indexed by ``cluster`` (ascending), one float column per feature column.
    """
    lab = align_labels(view, labels)
    index = _cluster_index(lab)
    keep = lab.notna().to_numpy()
    matrix = feature_matrix(view, features)[keep]
    groups = lab[keep].astype(np.int64).to_numpy()
    mean = matrix.mean()
    std = matrix.std(ddof=0).replace(0.0, np.nan)
    cluster_mean = matrix.groupby(groups).mean().reindex(index)
    z = ((cluster_mean - mean) / std).fillna(0.0)
    z.index.name = "cluster"
    return z


def cluster_tier_mix(view: pd.DataFrame, labels: pd.Series | Sequence[int], *,
                     tier: str = "tier") -> pd.DataFrame:
    """Share of each value tier within each cluster (rows sum to 1).

    Parameters
    ----------
    view : customer view with a ``tier`` column (e.g. after
        :func:`segmentation.tiers.score_customers`).
    tier : the tier column.

    Returns
    -------
    DataFrame indexed by ``cluster``, one column per tier (the categorical
    order, best tier first, when ``tier`` is categorical; else sorted). An
    empty frame (cluster index, no columns) when the view has no tier column.
    """
    lab = align_labels(view, labels)
    index = _cluster_index(lab)
    if tier not in view.columns:
        return pd.DataFrame(index=index)
    counts = pd.crosstab(lab, view[tier], dropna=True).reindex(index, fill_value=0)
    if isinstance(view[tier].dtype, pd.CategoricalDtype):
        counts = counts.reindex(columns=view[tier].cat.categories, fill_value=0)
    totals = counts.sum(axis=1).replace(0, np.nan)
    mix = counts.div(totals, axis=0).fillna(0.0)
    mix.columns = pd.Index(list(mix.columns), name=tier)
    mix.index.name = "cluster"
    return mix


def cluster_top_branches(view: pd.DataFrame, labels: pd.Series | Sequence[int],
                         n: int = 3, *, branch: str = "branch") -> pd.DataFrame:
    """The ``n`` branches with the most customers of each cluster.

    Returns
    -------
    DataFrame with ``cluster``, ``rank`` (1 = most customers), ``branch``,
    ``customers``, ``share`` (of the cluster's customers) and ``revenue``
    (sum of ``monetary_total``, when present); ties by branch name. Empty
    (these columns, no rows) when the view has no branch column.
    """
    columns = ["cluster", "rank", "branch", "customers", "share", "revenue"]
    if branch not in view.columns:
        return pd.DataFrame(columns=columns)
    lab = align_labels(view, labels)
    frame = pd.DataFrame({"cluster": lab.to_numpy(), "branch": view[branch].to_numpy()})
    frame["revenue"] = (np.nan_to_num(float_values(view, VALUE_COLUMN))
                        if VALUE_COLUMN in view.columns else np.nan)
    frame = frame.dropna(subset=["cluster", "branch"])
    frame["cluster"] = frame["cluster"].astype(np.int64)
    frame["branch"] = frame["branch"].astype(str)
    agg = (frame.groupby(["cluster", "branch"], sort=True)
           .agg(customers=("branch", "size"), revenue=("revenue", "sum")).reset_index())
    sizes = frame.groupby("cluster").size()
    agg["share"] = agg["customers"] / agg["cluster"].map(sizes)
    agg = agg.sort_values(["cluster", "customers", "branch"], ascending=[True, False, True],
                          kind="stable")
    agg["rank"] = agg.groupby("cluster").cumcount() + 1
    agg = agg[agg["rank"] <= n]
    return agg[columns].reset_index(drop=True)
