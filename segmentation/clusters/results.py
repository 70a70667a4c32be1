"""Page-ready results: one fitted clustering with its profiles and map, the persona names
with the user's renames, and the tables a page shows or offers for download.

Everything here is plain pandas; the wording of headers and captions stays with the
page (its message catalogue).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from .model import CustomerClusterer
from .notes import ClusterWarning
from .personas import apply_names, persona_names
from .profiles import cluster_profiles, cluster_tier_mix, cluster_top_branches, cluster_zscores
from .projection import projection
from .specs import DEFAULT_FEATURES, FEATURE_GROUPS, feature_of_column

#: The page's range of k (the slider and the silhouette chart).
K_MIN, K_MAX = 2, 10
#: Fewest customers a cluster needs to be described as a persona: a "persona" of a
#: handful of customers describes those customers, not a kind of sender.
MIN_PERSONA_SIZE = 30


def persona_limit(n_customers: int) -> int:
    """How many personas of at least :data:`MIN_PERSONA_SIZE` customers ``n_customers``
    can hold (below :data:`K_MIN`: too few customers for personas)."""
    return int(n_customers) // MIN_PERSONA_SIZE


def small_clusters(profiles: pd.DataFrame) -> list[int]:
    """The clusters of ``profiles`` (:func:`cluster_profiles`) with fewer than
    :data:`MIN_PERSONA_SIZE` customers."""
    return [int(c) for c in profiles.index[profiles["size"] < MIN_PERSONA_SIZE]]
#: Profile columns in yuan (shown as whole yuan).
MONEY_COLUMNS: tuple[str, ...] = ("monetary_total", "monetary_avg")
#: Profile columns that are not feature values.
SIZE_COLUMNS: tuple[str, ...] = ("size", "share", "revenue", "revenue_share")


@dataclass(frozen=True)
class Clustering:
    """One fitted clustering of a view and what a page draws from it."""

    model: CustomerClusterer
    labels: pd.Series
    profiles: pd.DataFrame
    zscores: pd.DataFrame
    points: pd.DataFrame


def cluster_view(view: pd.DataFrame, k: int, features: Sequence[str] | None) -> Clustering:
    """Fit on (a seeded sample of) the view, assign everyone, profile and map.

    Adjustments are not warned: they are in ``model.notes_`` for the page to show.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ClusterWarning)  # the notes are shown instead
        model = CustomerClusterer(k, features).fit(view)
    labels = model.predict(view)
    return Clustering(
        model=model, labels=labels,
        profiles=cluster_profiles(view, labels, model.features_),
        zscores=cluster_zscores(view, labels, model.features_),
        points=projection(view, labels, model=model),
    )


def starting_features(chosen: Iterable[str] | None, options: Sequence[str]) -> list[str]:
    """The features to start from: the defaults the data offers on first use, else the
    earlier choice without those this dataset cannot provide."""
    if chosen is None:
        return [k for k in DEFAULT_FEATURES if k in options]
    return [k for k in chosen if k in options]


def ordered_features(chosen: Iterable[str] | None) -> tuple[str, ...]:
    """The chosen features in display order (the same set is the same clustering)."""
    picked = set(chosen or ())
    return tuple(k for k in FEATURE_GROUPS if k in picked)


def is_share_column(column: str) -> bool:
    """Whether a profile column is a share or one-hot mean (0..1) rather than a median."""
    key = feature_of_column(column)
    return key is not None and FEATURE_GROUPS[key].kind in ("share", "category")


def feature_columns(profiles: pd.DataFrame) -> list[str]:
    """The feature-value columns of :func:`cluster_profiles`, in order."""
    return [c for c in profiles.columns if c not in SIZE_COLUMNS]


def named_personas(clustering: Clustering, lang: str,
                   renames: Mapping[int | str, str] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(names, auto)``: persona names and descriptions with the user's renames applied,
    and the automatic ones (:func:`persona_names`)."""
    auto = persona_names(clustering.profiles, clustering.zscores, lang)
    return apply_names(auto, renames), auto


def profile_table(profiles: pd.DataFrame, names: pd.DataFrame, *,
                  descriptions: bool = False) -> pd.DataFrame:
    """The profiles with ``cluster`` as a column followed by ``persona`` (and, for the
    download, ``description``)."""
    table = profiles.reset_index()
    table.insert(1, "persona", table["cluster"].map(names["name"]))
    if descriptions:
        table.insert(2, "description", table["cluster"].map(names["description"]))
    return table


def rounded_money(table: pd.DataFrame) -> pd.DataFrame:
    """Revenue and spend columns as whole yuan (reads better on a slide)."""
    money = [c for c in ("revenue", *MONEY_COLUMNS) if c in table.columns]
    out = table.copy()
    out[money] = out[money].round(0)
    return out


def tier_mix_long(tiers: pd.Series, labels: pd.Series) -> pd.DataFrame:
    """Share of each tier within each cluster as long rows ``cluster`` (text), ``tier``,
    ``share``, for a stacked bar chart."""
    mix = cluster_tier_mix(tiers.to_frame("tier"), labels)
    long = (mix.rename_axis(index="cluster", columns="tier").stack().rename("share")
            .reset_index())
    long["cluster"] = long["cluster"].astype(str)
    return long


def top_branch_table(view: pd.DataFrame, labels: pd.Series, cluster_labels: Mapping[int, str],
                     n: int = 3) -> pd.DataFrame:
    """:func:`cluster_top_branches` with the cluster's label as ``persona`` and revenue in
    whole yuan (empty without a branch column)."""
    top = cluster_top_branches(view, labels, n=n)
    if top.empty:
        return top
    top.insert(1, "persona", top["cluster"].map(cluster_labels))
    top["revenue"] = top["revenue"].round(0)
    return top


def assignment_table(view: pd.DataFrame, clustering: Clustering, names: pd.DataFrame,
                     tiers: pd.Series, tier_labels: Mapping[str, str]) -> pd.DataFrame:
    """Every customer's cluster, persona, branch (when known) and tier label: the download."""
    labels = clustering.labels
    frame = pd.DataFrame({
        "customer_id": view.index.astype(str),
        "cluster": labels.to_numpy(),
        "persona": labels.map(names["name"]).to_numpy(),
    })
    if "branch" in view.columns:
        frame["branch"] = view["branch"].to_numpy()
    frame["tier"] = tiers.reindex(view.index).map(tier_labels).astype(object).to_numpy()
    return frame
