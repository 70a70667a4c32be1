"""Scoring a whole network in bounded memory: learn once, then score bucket by bucket.

``python -m segmentation score --database NAME --write-table TABLE`` on a network with
more customers than :func:`segmentation.limits.max_customer_rows` never holds every
customer's row. :func:`fit_network` learns, once:

- the tiers from network-wide quantiles computed in the engine
  (:class:`segmentation.tiers.network.NetworkTiers`);
- the churn ranking, model and calibration and the BG/NBD / Gamma-Gamma fit on a seeded
  sample of the customers drawn in the engine
  (:class:`segmentation.churn.network.NetworkChurn`);
- the clusters and their persona names on the same sample.

:func:`score_buckets` then splits the customers into consecutive ranges of the same
seeded hash buckets (:func:`segmentation.churn.features.bucket_tables`), reads one range's
customer view at a time, applies what was learned, and hands the scored rows to a
callback (the CLI writes them back to the table: the first range replaces it, later ones
append). Peak memory is about one range's customers (plus the sample, once).

Everything applied per bucket depends only on each customer's own rows, so the rows
scored in buckets equal those of :meth:`NetworkScorer.score` on the whole view with the
same learned parts (the tests check it on DuckDB, PostgreSQL and Spark). Two things are
relative to the scored customers and differ from a run over everyone: the order of each
customer's reasons (their strength is ranked among the customers scored together) and
the within-bucket row order.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from .churn.features import SAMPLE_BUCKETS, bucket_tables, sampled_tables
from .features import customer_view
from .sql import TableNames

__all__ = ["NetworkScorer", "bucket_ranges", "fit_network", "network_size", "score_buckets"]

#: The seed of the buckets (and of the learning sample): the churn sample's.
BUCKET_SEED = 7


def network_size(bind: sa.Engine | sa.Connection, *, as_of=None,
                 table_names: TableNames | None = None) -> int:
    """Customers with a transaction up to ``as_of`` (``None``: the last transaction day,
    as a batch run without ``--as-of`` scores), counted in the engine."""
    from .features import data_as_of
    from .pushdown import check_scope_size

    if as_of is None:
        as_of = data_as_of(bind, table_names)
    return check_scope_size(bind, limit=2**62, as_of=as_of, table_names=table_names)


def bucket_ranges(customers: int, bound: int) -> list[tuple[int, int]]:
    """Consecutive ranges of hash buckets covering ``[0, SAMPLE_BUCKETS)``, enough of them
    that each holds about half of ``bound`` customers (a hash spreads unevenly: the half
    leaves room)."""
    parts = max(1, min(SAMPLE_BUCKETS, math.ceil(2 * customers / max(1, int(bound)))))
    edges = [round(i * SAMPLE_BUCKETS / parts) for i in range(parts + 1)]
    return [(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]


@dataclass(frozen=True)
class NetworkScorer:
    """What a bucketed run learned once (:func:`fit_network`), applied to any part."""

    as_of: pd.Timestamp
    tiers: object  # NetworkTiers
    churn: object | None  # NetworkChurn, None without churn (--no-churn, too little data)
    clusters: object | None  # fitted CustomerClusterer
    personas: pd.Series | None  # persona name per cluster label
    table_names: TableNames | None
    window_days: int = 90

    def view(self, bind: sa.Engine | sa.Connection, names: Mapping | None) -> pd.DataFrame:
        """The customer view at :attr:`as_of` of the tables ``names``."""
        return customer_view(bind, as_of=self.as_of, window_days=self.window_days,
                             table_names=names)

    def score(self, bind: sa.Engine | sa.Connection, view: pd.DataFrame,
              names: Mapping | None) -> tuple[pd.DataFrame, pd.DataFrame | None]:
        """``(scored, churn)`` of the customers of ``view`` (read from the tables
        ``names``): the tiered view with ``cluster`` / ``persona``, and the churn scores
        (``None`` without churn), as the CLI's in-memory run makes them."""
        scored = self.tiers.assign(view)
        if self.clusters is not None and len(view):
            labels = self.clusters.predict(view)
            scored = scored.join(pd.DataFrame({
                "cluster": labels,
                "persona": pd.Series(self.personas.reindex(labels.to_numpy()).to_numpy(),
                                     index=view.index, dtype=str)}))
        churn = None
        if self.churn is not None and len(view):
            churn = self.churn.score(bind, view, table_names=names)
        return scored, churn


def fit_network(bind: sa.Engine | sa.Connection, *, as_of, customers: int, bound: int,
                settings=None, churn: bool = True, horizon_days: int | None = None,
                lost_after_days: int | None = None, clusters: int | None = 6,
                lang: str = "en", table_names: TableNames | None = None,
                on_warning: Callable[[str], None] | None = None) -> NetworkScorer:
    """Learn the tiers (network-wide quantiles in the engine), the churn model and the
    clusters (on a seeded sample of at most about ``bound / 2`` of the ``customers``,
    drawn in the engine).

    ``on_warning`` receives the reason churn is left out (too little data in the sample).
    """
    from .churn import ChurnUnavailable
    from .churn.network import NetworkChurn
    from .tiers.network import NetworkTiers

    tiers = NetworkTiers.fit(bind, settings, as_of=as_of, table_names=table_names)
    share = min(1.0, (bound / 2) / max(1, customers))
    drawn = sampled_tables(bind, share=share, seed=BUCKET_SEED, table_names=table_names)
    if drawn is None:
        raise ValueError(f"no hash function is known for {bind.dialect.name}: the network "
                         "cannot be split into buckets there")
    names, _ = drawn
    sample = customer_view(bind, as_of=as_of, table_names=names)
    learned_churn = None
    if churn:
        try:
            learned_churn = NetworkChurn.fit(bind, as_of=as_of, sample_view=sample,
                                             sample_names=names, horizon_days=horizon_days,
                                             lost_after_days=lost_after_days)
        except ChurnUnavailable as err:
            if on_warning is not None:
                on_warning(err.message(lang))
    model = personas = None
    if clusters is not None and len(sample) >= clusters:
        from .clusters.model import CustomerClusterer
        from .clusters.personas import apply_names, persona_names
        from .clusters.profiles import cluster_profiles, cluster_zscores

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = CustomerClusterer(clusters, sample_size=100_000, random_state=7).fit(sample)
            labels = model.predict(sample)
            profiles = cluster_profiles(sample, labels, model.features_)
            zscores = cluster_zscores(sample, labels, model.features_)
            personas = apply_names(persona_names(profiles, zscores, lang), None)["name"]
    return NetworkScorer(as_of=pd.Timestamp(as_of), tiers=tiers, churn=learned_churn,
                         clusters=model, personas=personas, table_names=table_names)


def score_buckets(bind: sa.Engine | sa.Connection, scorer: NetworkScorer,
                  ranges: list[tuple[int, int]]
                  ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame | None]]:
    """``(scored, churn)`` of each range of hash buckets in turn (one range in memory)."""
    for first, stop in ranges:
        names = bucket_tables(bind, first=first, stop=stop, seed=BUCKET_SEED,
                              table_names=scorer.table_names)
        if names is None:
            raise ValueError(f"no hash function is known for {bind.dialect.name}")
        view = scorer.view(bind, names)
        yield scorer.score(bind, view, names)
