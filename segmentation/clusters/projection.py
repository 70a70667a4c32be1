"""The 2-D map of customers: a PCA of a seeded sample in the scaled space."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from .features import available_features, natural_columns
from .model import CustomerClusterer
from .notes import ClusterWarning
from .preprocessing import prepare, preprocessor, sample_positions
from .profiles import align_labels
from .specs import HOVER_COLUMNS


def projection(view: pd.DataFrame, labels: pd.Series | Sequence[int],
               features: Sequence[str] | None = None, sample_size: int | None = 3000,
               random_state: int = 7, *, model: CustomerClusterer | None = None
               ) -> pd.DataFrame:
    """A 2-D map of a seeded sample of customers (PCA), for a scatter coloured by cluster.

    Parameters
    ----------
    view : customer view.
    labels : cluster per customer (aligned on the index when a Series).
    features : feature keys; ignored when ``model`` is given.
    sample_size : customers drawn (seeded); ``None`` = all.
    random_state : seed of the sample and of the PCA solver.
    model : a fitted :class:`CustomerClusterer`: the map then uses exactly its
        scaled space (recommended). Without it the same scaling is fitted on
        the sample.

    Returns
    -------
    DataFrame with ``customer_id``, ``x``, ``y`` (first two principal
    components; ``y`` is 0 with a single feature column), ``cluster`` and the
    hover columns of :data:`HOVER_COLUMNS` that exist (``shipments_per_year``
    computed as in :func:`feature_values`), in customer-id order.
    ``attrs["explained_variance_ratio"]`` holds the share of variance of x and y.
    """
    lab = align_labels(view, labels)
    keep = np.flatnonzero(lab.notna().to_numpy())
    ids = view.index[keep]
    if not ids.is_monotonic_increasing:  # customer-id order, whatever the row order
        keep = keep[ids.argsort(kind="stable")]
    positions = sample_positions(len(keep), sample_size, random_state)
    rows = keep if positions is None else keep[positions]
    sample = view.iloc[rows]
    sample_labels = lab.iloc[rows].astype(np.int64).to_numpy()
    if model is not None:
        scaled = model.transform(sample)
    elif len(sample):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ClusterWarning)
            prepared = prepare(sample, features)
        scaled = preprocessor(prepared.matrix.columns).fit_transform(prepared.matrix)
    else:
        scaled = np.zeros((0, 2))
    xy = np.zeros((len(sample), 2))
    ratio = [0.0, 0.0]
    n_comp = min(2, scaled.shape[1], len(sample))
    if n_comp >= 1 and len(sample) >= 2 and np.ptp(scaled, axis=0).max() > 0:
        pca = PCA(n_components=n_comp, random_state=random_state)
        xy[:, :n_comp] = pca.fit_transform(scaled)
        ratio[:n_comp] = [float(r) for r in pca.explained_variance_ratio_]
    out = pd.DataFrame({
        "customer_id": sample.index.astype(str),
        "x": xy[:, 0], "y": xy[:, 1],
        "cluster": sample_labels,
    })
    for column in HOVER_COLUMNS:
        if column == "shipments_per_year" and "frequency" in available_features(sample):
            out[column] = natural_columns(sample, "frequency")[column]
        elif column in sample.columns:
            out[column] = sample[column].to_numpy()
    out.attrs["explained_variance_ratio"] = ratio
    return out


def density_bins(points: pd.DataFrame, *, bins: int = 24, min_count: int = 3) -> pd.DataFrame:
    """The map as counts on a grid, for users who may not see customer-level rows.

    Parameters
    ----------
    points : :func:`projection` (``x``, ``y``, ``cluster``).
    bins : grid cells per axis (over the range of all points).
    min_count : cells of a cluster with fewer customers are left out, so that no
        cell stands for one or two customers.

    Returns
    -------
    DataFrame with ``cluster``, ``x``, ``y`` (the cell's centre) and ``customers``,
    one row per cluster and cell, no customer id; ``attrs`` as ``points``.
    """
    columns = ["cluster", "x", "y", "customers"]
    if points.empty:
        out = pd.DataFrame(columns=columns)
    else:
        x_edges = np.linspace(points["x"].min(), points["x"].max() + 1e-9, bins + 1)
        y_edges = np.linspace(points["y"].min(), points["y"].max() + 1e-9, bins + 1)
        cells = pd.DataFrame({
            "cluster": points["cluster"].to_numpy(),
            "x": np.clip(np.digitize(points["x"], x_edges) - 1, 0, bins - 1),
            "y": np.clip(np.digitize(points["y"], y_edges) - 1, 0, bins - 1)})
        out = cells.groupby(["cluster", "x", "y"]).size().rename("customers").reset_index()
        out = out[out["customers"] >= min_count].reset_index(drop=True)
        out["x"] = (x_edges[out["x"]] + x_edges[out["x"] + 1]) / 2
        out["y"] = (y_edges[out["y"]] + y_edges[out["y"] + 1]) / 2
    out.attrs.update(points.attrs)
    return out
