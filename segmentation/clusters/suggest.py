"""How many clusters: silhouette scores per k and the suggested k."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

from . import preprocessing as prep
from .notes import ClusterError, ClusterWarning


def suggest_k(view: pd.DataFrame, features: Sequence[str] | None = None,
              k_range: Iterable[int] = range(2, 11), sample_size: int | None = 5_000,
              random_state: int = 7, *, tolerance: float = 0.01, n_init: int = 10,
              n_threads: int | None = 1) -> tuple[pd.DataFrame, int]:
    """Silhouette scores for each k on a seeded sample, and the suggested k.

    Each k is fitted on the same sample (``sample_size`` customers, seeded, in
    the scaled space of :class:`CustomerClusterer`) and scored with the mean
    silhouette (-1..1; higher = tighter, better separated clusters).

    **Suggestion**: the smallest k whose silhouette is within ``tolerance`` of
    the best one (fewer clusters are easier to present when the separation is
    about as good). Silhouettes tend to favour coarse splits (on the sample,
    enterprise vs individual at k = 2): treat the chart as a guide, not a rule.

    Parameters
    ----------
    view, features : as for :class:`CustomerClusterer`.
    k_range : the k to try (the page's slider range).
    sample_size : customers scored (silhouettes cost n^2); ``None`` = all.
    random_state, n_threads : as for :class:`CustomerClusterer`.
    n_init : KMeans (k-means++) restarts for each k.
    tolerance : how close to the best silhouette counts as "as good".

    Returns
    -------
    (scores, k)
        ``scores``: one row per k of ``k_range`` with ``k``, ``silhouette``
        (NaN when the sample cannot form k clusters of at least 2 distinct
        customers, e.g. fewer customers than k) and ``inertia`` (within-cluster
        sum of squares, for an elbow chart), ``suggested`` (bool). ``k``: the
        suggestion; without any valid silhouette, the smallest k of the range
        that the data can form (at least 1).
    """
    ks = sorted({int(k) for k in k_range})
    if len(view) == 0:
        raise ClusterError("no_customers")
    view = prep.in_id_order(view)
    sample = prep.take_rows(view, prep.sample_positions(len(view), sample_size, random_state))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClusterWarning)  # fit() warns about the same things
        prepared = prep.prepare(sample, features)
    with prep.thread_limit(n_threads):
        scaled = prep.preprocessor(prepared.matrix.columns).fit_transform(prepared.matrix)
        rows = []
        for k in ks:
            silhouette = inertia = np.nan
            if 2 <= k <= prepared.n_distinct and k < len(scaled):
                km = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
                labels = km.fit_predict(scaled)
                inertia = float(km.inertia_)
                if len(np.unique(labels)) >= 2:
                    silhouette = float(silhouette_score(scaled, labels))
            elif 1 <= k <= prepared.n_distinct:
                km = KMeans(n_clusters=k, n_init=n_init, random_state=random_state)
                inertia = float(km.fit(scaled).inertia_)
            rows.append((k, silhouette, inertia))
    scores = pd.DataFrame(rows, columns=["k", "silhouette", "inertia"])
    scores["k"] = scores["k"].astype(np.int64)
    valid = scores["silhouette"].notna()
    if valid.any():
        best = scores.loc[valid, "silhouette"].max()
        suggested = int(scores.loc[valid & (scores["silhouette"] >= best - tolerance),
                                   "k"].min())
    else:
        formable = [k for k in ks if 1 <= k <= max(prepared.n_distinct, 1)]
        suggested = formable[0] if formable else 1
    scores["suggested"] = scores["k"] == suggested
    return scores, suggested
