"""The frozen key objects of every cached or stored computation.

A result is decided by *what data* (the dataset), *when* (the analysis date and
window), *whose customers* (the sidebar filters and the user's scope) and *what
the viewer may read* (names and phones). :class:`AnalysisKey` holds exactly that,
normalised, so that two callers asking for the same thing build equal keys: the
app's caches (``ui/caches``), the stored default scores beside a dataset and the
batch CLI all use it. :class:`ChurnKey` adds the churn definition;
:class:`DatasetKey` is what depends on the dataset alone (its names, for masking).

>>> from datetime import date
>>> key = AnalysisKey("ds1", date(2024, 6, 30), filters={"region": ["华东"]})
>>> key.filters, key.scope.is_all, key.pii
((('region', ('华东',)),), True, True)
>>> key == AnalysisKey("ds1", date(2024, 6, 30), filters=(("region", ("华东",)),))
True
>>> key.network().filters, key.network().dataset_id
((), 'ds1')
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from .access import ALL, Scope
from .filters import normalize_filters

#: the window (days) of "recent" figures unless a caller says otherwise
DEFAULT_WINDOW_DAYS = 90


@dataclass(frozen=True)
class DatasetKey:
    """A result that depends on the dataset alone (not on a date, filters or viewer)."""

    dataset_id: str


@dataclass(frozen=True)
class AnalysisKey:
    """What decides a result: dataset, date, window, filters, scope and the PII right.

    ``filters`` may be given as a mapping or as pairs; it is stored in the
    normalised, hashable form of :func:`~segmentation.filters.normalize_filters`.
    """

    dataset_id: str
    as_of: date
    window_days: int = DEFAULT_WINDOW_DAYS
    filters: tuple = ()
    scope: Scope = field(default=ALL)
    pii: bool = True

    def __post_init__(self) -> None:
        filters = self.filters
        if not isinstance(filters, dict):
            filters = dict(filters or ())
        object.__setattr__(self, "filters", normalize_filters(filters))
        as_of = self.as_of
        if hasattr(as_of, "date") and callable(as_of.date):  # a Timestamp or datetime
            as_of = as_of.date()
        object.__setattr__(self, "as_of", as_of)
        object.__setattr__(self, "window_days", int(self.window_days))

    @property
    def is_network(self) -> bool:
        """Every customer, names included: the key of network-wide ranks and models."""
        return not self.filters and self.scope.is_all and self.pii

    @property
    def dataset(self) -> DatasetKey:
        return DatasetKey(self.dataset_id)

    def network(self) -> AnalysisKey:
        """The same dataset, date and window for every customer (no filters, no scope)."""
        return replace(self, filters=(), scope=ALL, pii=True)

    def unfiltered(self) -> AnalysisKey:
        """The same key without the sidebar filters (the scope and PII right kept)."""
        return replace(self, filters=())

    def with_(self, **changes) -> AnalysisKey:
        """A copy with ``changes`` (``dataclasses.replace``)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class ChurnKey:
    """A churn score request: the analysis key and the churn definition."""

    analysis: AnalysisKey
    horizon_days: int
    lost_after_days: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "horizon_days", int(self.horizon_days))
        object.__setattr__(self, "lost_after_days", int(self.lost_after_days))

    def network(self) -> ChurnKey:
        """The same definition for every customer (no filters, no scope, names included)."""
        return replace(self, analysis=self.analysis.network())


@dataclass(frozen=True)
class CampaignKey:
    """A campaign's result for one viewer: the analysis key (dataset and scope), the
    campaign (its id and a digest of its stored content), the method and the tier
    settings the customers are graded with at the start."""

    analysis: AnalysisKey
    campaign_id: str
    digest: str
    method: str
    settings_json: str


@dataclass(frozen=True)
class ForecastKey:
    """A volume forecast: dataset, analysis date and weeks ahead. The forecast is the
    network's (every branch, so that branch, region and network agree); a viewer's
    scope cuts rows out of it afterwards.

    >>> ForecastKey("ds1", date(2024, 6, 30)) == ForecastKey("ds1", date(2024, 6, 30), 13)
    True
    """

    dataset_id: str
    as_of: date
    horizon: int = 13

    def __post_init__(self) -> None:
        as_of = self.as_of
        if hasattr(as_of, "date") and callable(as_of.date):  # a Timestamp or datetime
            as_of = as_of.date()
        object.__setattr__(self, "as_of", as_of)
        object.__setattr__(self, "horizon", int(self.horizon))

    def analysis(self) -> AnalysisKey:
        """The network-wide analysis key of the same dataset and date (for the cubes)."""
        return AnalysisKey(self.dataset_id, self.as_of)
