"""Cluster and persona of every customer in one call (CLI output, downloads)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from .. import i18n
from .model import CustomerClusterer
from .personas import apply_names, persona_names
from .profiles import cluster_profiles, cluster_zscores
from .suggest import suggest_k


def cluster_assignments(view: pd.DataFrame, n_clusters: int | None = 6,
                        features: Sequence[str] | None = None, *,
                        lang: str = i18n.DEFAULT_LANG,
                        overrides: Mapping[int | str, str] | None = None,
                        random_state: int = 7, sample_size: int | None = 100_000
                        ) -> pd.DataFrame:
    """Cluster and persona of every customer, for the CLI output and the page's download.

    Fits a :class:`CustomerClusterer` (``n_clusters=None``: the :func:`suggest_k`
    suggestion), names the clusters (:func:`persona_names`, then the user's
    ``overrides``) and assigns every customer.

    Returns
    -------
    DataFrame indexed like ``view`` with ``cluster`` (int64) and ``persona`` (str).
    Adjustments are warned (:class:`ClusterWarning`); a page that shows
    profiles too should call the pieces itself.
    """
    if n_clusters is None:
        _, n_clusters = suggest_k(view, features, random_state=random_state)
    model = CustomerClusterer(n_clusters, features, sample_size=sample_size,
                              random_state=random_state).fit(view)
    labels = model.predict(view)
    profiles = cluster_profiles(view, labels, model.features_)
    zscores = cluster_zscores(view, labels, model.features_)
    names = apply_names(persona_names(profiles, zscores, lang), overrides)
    persona = names["name"].reindex(labels.to_numpy()).to_numpy()
    return pd.DataFrame({"cluster": labels,
                         "persona": pd.Series(persona, index=view.index, dtype=str)})
