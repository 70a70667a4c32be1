"""Clustering caches: the fitted clustering of the viewer's customers and the silhouette
scores behind the suggested number of clusters."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation.keys import AnalysisKey


@st.cache_resource(show_spinner=False, max_entries=16)
def clustering(key: AnalysisKey, k: int, features: tuple[str, ...], _view: pd.DataFrame):
    """Fit on (a seeded sample of) ``_view``, the customers of ``key`` as its viewer may
    see them, assign everyone, profile: once per key. The key holds the PII right: the
    result carries the view's rows, names included when ``key.pii``."""
    from segmentation.clusters import cluster_view

    return cluster_view(_view, k, features)


@st.cache_resource(show_spinner=False, max_entries=8)
def silhouettes(key: AnalysisKey, features: tuple[str, ...], _view: pd.DataFrame
                ) -> tuple[pd.DataFrame, int]:
    """Silhouette score per k on a sample of ``_view``, and the suggested k (numbers
    only: call with ``pii=True``)."""
    from segmentation.clusters import K_MAX, K_MIN, suggest_k

    return suggest_k(_view, features, k_range=range(K_MIN, K_MAX + 1))
