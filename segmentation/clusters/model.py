"""The estimator: :class:`CustomerClusterer` (KMeans with stable numbering)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.pipeline import Pipeline

from .features import feature_matrix, float_values, resolve_features
from .notes import ClusterError, ClusterNote
from .preprocessing import (
    in_id_order,
    prepare,
    preprocessor,
    sample_positions,
    take_rows,
    thread_limit,
    warn_notes,
)
from .specs import VALUE_COLUMN


class CustomerClusterer(ClusterMixin, BaseEstimator):
    """KMeans customer clusters with stable numbering (cluster 0 = highest median spend).

    Parameters
    ----------
    n_clusters : number of clusters asked for (the page's slider, 2..10).
    features : feature keys (:data:`FEATURE_GROUPS`); ``None`` = the
        :data:`DEFAULT_FEATURES` the view can provide. Requested keys the view
        lacks are left out with a :class:`ClusterWarning`.
    sample_size : fit on a seeded random sample of this many customers when
        the view is larger (``None``: always all). Every customer is assigned
        by :meth:`predict`.
    random_state : seed of the sample and of KMeans.
    n_init : k-means++ restarts in the search for starting centres (the best,
        lowest inertia, is kept).
    init_size : customers of the fit sample the restarts run on (seeded);
        the best centres then start one KMeans on the whole fit sample.
        ``None``: the restarts use the whole fit sample.
    n_threads : OpenMP / BLAS threads while fitting and predicting; ``None``
        leaves scikit-learn's default (all cores). The default, 1, is the safe
        choice when CPUs are shared (several dashboard sessions, parallel
        jobs): on a busy 2-core machine, threads waiting for each other made
        the 1M-customer fit 2.5-4x slower and a 5,000-row fit 15x slower.

    Attributes
    ----------
    pipeline_ : fitted ``Pipeline`` (``ColumnTransformer`` of imputers and scalers,
        then ``KMeans``); its KMeans labels are the *raw* labels.
    features_ : feature keys used (after leaving out missing / constant ones).
    feature_names_ : feature-matrix columns used, in order.
    n_clusters_ : number of clusters formed (fewer than asked when the data
        has fewer distinguishable customers).
    order_ : ``order_[i]`` is the raw KMeans label that became cluster ``i``.
    cluster_centers_ : centres in the scaled space, row ``i`` = cluster ``i``.
    n_customers_ : customers in the view given to :meth:`fit`.
    n_fit_ : customers the clusters were learned on (the sample).
    notes_ : :class:`ClusterNote` list: adjustments made (also warned) and
        whether a sample was used.
    """

    def __init__(self, n_clusters: int = 5, features: Sequence[str] | None = None, *,
                 sample_size: int | None = 100_000, random_state: int = 7, n_init: int = 50,
                 init_size: int | None = 20_000, n_threads: int | None = 1):
        self.n_clusters = n_clusters
        self.features = features
        self.sample_size = sample_size
        self.random_state = random_state
        self.n_init = n_init
        self.init_size = init_size
        self.n_threads = n_threads

    # -- fitting -------------------------------------------------------------
    def fit(self, view: pd.DataFrame, y: object = None) -> CustomerClusterer:
        """Learn the clusters from a customer view (or a seeded sample of it).

        Parameters
        ----------
        view : customer view; needs the columns of the chosen features and,
            for the numbering, ``monetary_total`` (without it clusters are
            numbered by size, largest first).

        Returns
        -------
        self

        Raises
        ------
        ClusterError
            No customers, ``n_clusters < 1``, unknown feature keys, or none of
            the chosen features in the view.
        """
        k = int(self.n_clusters)
        if k < 1:
            raise ClusterError("bad_k", k=self.n_clusters)
        if len(view) == 0:
            raise ClusterError("no_customers")
        view = in_id_order(view)
        positions = sample_positions(len(view), self.sample_size, self.random_state)
        sample = take_rows(view, positions)
        prepared = prepare(sample, self.features)
        notes = list(prepared.notes)
        if prepared.n_distinct < k:
            notes.append(ClusterNote("fewer_customers", "warning",
                                     {"distinct": prepared.n_distinct, "requested": k,
                                      "k": prepared.n_distinct}))
            k = prepared.n_distinct
        if positions is not None:
            notes.append(ClusterNote("sampled", "info",
                                     {"n_fit": len(sample), "n": len(view)}))
        warn_notes(notes)

        scale = preprocessor(prepared.matrix.columns)
        with thread_limit(self.n_threads):
            scaled = scale.fit_transform(prepared.matrix)
            seeds = self._search(scaled, k)
            kmeans = KMeans(n_clusters=k, init=seeds, n_init=1,
                            random_state=self.random_state).fit(scaled)
        # both steps are fitted: the pipeline is ready to transform and predict
        pipeline = Pipeline([("scale", scale), ("kmeans", kmeans)])
        raw = kmeans.labels_
        self.order_ = _value_order(raw, k, sample)
        self.pipeline_ = pipeline
        self.features_ = tuple(prepared.features)
        self.feature_names_ = tuple(prepared.matrix.columns)
        self.n_clusters_ = k
        self.cluster_centers_ = pipeline[-1].cluster_centers_[self.order_]
        self.n_customers_ = len(view)
        self.n_fit_ = len(sample)
        self.notes_ = notes
        return self

    def _search(self, scaled: np.ndarray, k: int) -> np.ndarray | str:
        """Starting centres: the best of ``n_init`` k-means++ runs on ``init_size`` rows."""
        if k == 1:
            return "k-means++"
        rows = sample_positions(len(scaled), self.init_size, self.random_state)
        search = scaled if rows is None else scaled[rows]
        if rows is not None and len(pd.DataFrame(search).drop_duplicates()) < k:
            search = scaled
        km = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state)
        return km.fit(search).cluster_centers_

    def _check_fitted(self) -> None:
        if not hasattr(self, "pipeline_"):
            raise ClusterError("not_fitted")

    def transform(self, view: pd.DataFrame) -> np.ndarray:
        """The customers in the scaled, weighted feature space the clusters live in."""
        self._check_fitted()
        return self.pipeline_[:-1].transform(self._matrix(view))

    def _matrix(self, view: pd.DataFrame) -> pd.DataFrame:
        keys, missing = resolve_features(view, self.features_)
        if missing:
            raise ClusterError("predict_missing", features=missing)
        matrix = feature_matrix(view, keys, impute=False)
        # a share / category value unseen here is 0 for everyone; unseen at fit is ignored
        return matrix.reindex(columns=list(self.feature_names_), fill_value=0.0)

    def predict(self, view: pd.DataFrame) -> pd.Series:
        """The cluster (0..``n_clusters_ - 1``) of every customer in ``view``.

        Returns
        -------
        Series ``cluster`` (int64) indexed like ``view`` (same order).

        Raises
        ------
        ClusterError
            Not fitted, or the view lacks a feature the clusters were learned on.
        """
        self._check_fitted()
        if len(view) == 0:
            return pd.Series([], index=view.index, dtype=np.int64, name="cluster")
        with thread_limit(self.n_threads):
            raw = self.pipeline_.predict(self._matrix(view))
        relabel = np.argsort(self.order_)
        return pd.Series(relabel[raw].astype(np.int64), index=view.index, name="cluster")

    def fit_predict(self, view: pd.DataFrame, y: object = None) -> pd.Series:
        """:meth:`fit` then :meth:`predict` on the same view."""
        return self.fit(view).predict(view)


def _value_order(raw: np.ndarray, k: int, sample: pd.DataFrame) -> np.ndarray:
    """Raw labels sorted by median spend (then mean spend, then size), highest first."""
    size = np.bincount(raw, minlength=k).astype(float)
    if VALUE_COLUMN in sample.columns:
        spend = pd.Series(np.nan_to_num(float_values(sample, VALUE_COLUMN)))
        grouped = spend.groupby(raw)
        median = grouped.median().reindex(range(k)).to_numpy()
        mean = grouped.mean().reindex(range(k)).to_numpy()
    else:
        median = mean = np.zeros(k)
    # np.lexsort sorts by the last key first; raw label last for a total order
    return np.lexsort((np.arange(k), -size, -mean, -median))
