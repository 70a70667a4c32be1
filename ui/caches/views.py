"""Customer views and what is built on them: the views of the network, of a scope and of
the sidebar filters, the free-text masker, the overview cubes, ranks, Pareto, tier history.

Two caches hold the unfiltered views so that the many scopes of signed-in users never
push out the network's view, which the tiers and the churn model of every user need.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation import bignet
from segmentation.access import ALL, Scope, mask_frame
from segmentation.customer import known_names
from segmentation.features import customer_view
from segmentation.filters import apply_filters, filter_options
from segmentation.keys import AnalysisKey, DatasetKey
from segmentation.overview import OverviewFigures, activity_cube, overview_figures, survey_cube
from segmentation.sql import max_customer_rows
from segmentation.textmask import TextMasker
from segmentation.tiers import (
    ScoringBase,
    TierResult,
    TierSettings,
    assign,
    pareto,
    prepare_scoring,
    restrict_scoring,
)
from segmentation.tiers import tier_history as _tier_history
from ui import background
from ui.source import ActiveSource


def scope_view(key: AnalysisKey, source: ActiveSource) -> pd.DataFrame:
    """The customer view of ``key``'s scope (filters and PII right ignored), narrowed
    inside the database; the whole network for an unlimited scope."""
    if key.scope.is_all:
        return network_view(key.network(), source)
    return _scoped_view(key.with_(filters=(), pii=True), source)


@st.cache_resource(show_spinner=False, max_entries=4)
def network_view(key: AnalysisKey, _source: ActiveSource) -> pd.DataFrame:
    """Every customer (``key`` is a network key: no filters, no scope); the dataset's
    stored default view when ``key`` is its default (computed once, in the background)."""
    stored = background.stored_view(key.dataset_id, key.as_of, key.window_days)
    if stored is not None:
        return stored
    return customer_view(_source.engine, as_of=key.as_of, window_days=key.window_days,
                         table_names=_source.table_names)


@st.cache_resource(show_spinner=False, max_entries=16)
def _scoped_view(key: AnalysisKey, _source: ActiveSource) -> pd.DataFrame:
    return customer_view(_source.engine, as_of=key.as_of, window_days=key.window_days,
                         table_names=_source.table_names, scope=key.scope)


def read_scope(key: AnalysisKey, source: ActiveSource) -> Scope:
    """The scope whose customer view is read for ``key``: its own, or, when it holds more
    customers than may travel (counted in the database once per key), the one its
    sidebar region or branch narrows it to (:func:`segmentation.bignet.fetch_scope`)."""
    if not source.is_database:
        return key.scope
    groups = customer_groups(key.with_(filters=(), pii=True), source)
    if bignet.size_of(groups) <= max_customer_rows():
        return key.scope
    network = (None if key.scope.is_all
               else customer_groups(key.with_(scope=ALL, filters=(), pii=True), source))
    return bignet.fetch_scope(key.scope, key.filters, network)


@st.cache_resource(show_spinner=False, max_entries=16)
def filtered_view(key: AnalysisKey, _source: ActiveSource) -> pd.DataFrame:
    """The customers of the scope and the filters; names and phones masked unless
    ``key.pii``. For a scope too large to fetch, the filters narrow the query
    (:func:`read_scope`)."""
    read = read_scope(key, _source)
    if read != key.scope:
        view = apply_filters(_scoped_view(key.with_(scope=read, filters=(), pii=True), _source),
                             dict(key.filters))
    else:
        view = apply_filters(scope_view(key, _source), dict(key.filters))
    return view if key.pii else mask_frame(view, None)


@st.cache_resource(show_spinner=False, max_entries=16)
def filter_choices(key: AnalysisKey, _source: ActiveSource) -> dict[str, list[str]]:
    """The sidebar's choices per filter column among the customers of ``key``'s scope,
    branches narrowed to the regions selected in ``key.filters`` (the only selection
    that narrows a choice: call with the region selection alone)."""
    return filter_options(filtered_view(key.unfiltered(), _source), dict(key.filters))


@st.cache_data(show_spinner=False, max_entries=32)
def customer_groups(key: AnalysisKey, _source: ActiveSource) -> pd.DataFrame:
    """Customers of ``key``'s scope per combination of the filter columns, counted in the
    database (:func:`segmentation.bignet.customer_groups`; call with ``key.unfiltered()``
    and ``pii=True``): the scope's size, the sidebar's choices and per-region / branch
    counts before any customer row travels."""
    return bignet.customer_groups(_source.engine, as_of=key.as_of, window_days=key.window_days,
                                  table_names=_source.table_names, scope=key.scope)


@st.cache_resource(show_spinner=False, max_entries=4)
def text_masker(key: DatasetKey, _source: ActiveSource) -> TextMasker:
    """The free-text masker of a dataset: phones, e-mail addresses and every customer name
    of its customers table (compiled once per dataset)."""
    return TextMasker(known_names(_source.engine, _source.table_names))


@st.cache_resource(show_spinner=False, max_entries=16)
def cubes(key: AnalysisKey, _source: ActiveSource
          ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """The daily activity and survey cubes of ``key``'s scope (filters are applied by
    the page on the cubes; call with ``key.unfiltered()``)."""
    if key.scope.is_all:
        stored = background.stored_cubes(key.dataset_id, key.as_of)
        if stored is not None:
            return stored
    engine, names = _source.engine, _source.table_names
    return (activity_cube(engine, as_of=key.as_of, table_names=names, scope=key.scope),
            survey_cube(engine, as_of=key.as_of, table_names=names, scope=key.scope))


@st.cache_resource(show_spinner=False, max_entries=16)
def overview(key: AnalysisKey, period_days: int, _source: ActiveSource) -> OverviewFigures:
    """The Overview's headline, monthly trend and region / branch breakdowns of the
    filtered customers (no names: call with ``pii=True``), computed once per key: a
    rerun of the page recomputes none of them."""
    activity, surveys = cubes(key.with_(filters=(), pii=True), _source)
    return overview_figures(filtered_view(key, _source), activity, surveys, as_of=key.as_of,
                            period_days=period_days, filters=dict(key.filters))


@st.cache_resource(show_spinner=False, max_entries=16)
def engine_overview(key: AnalysisKey, period_days: int, _source: ActiveSource
                    ) -> OverviewFigures:
    """:func:`overview` of a scope too large to fetch: the headline computed in the
    database, trend and breakdowns from the cubes and :func:`customer_groups`."""
    unfiltered = key.with_(filters=(), pii=True)
    activity, surveys = cubes(unfiltered, _source)
    return bignet.overview_in_engine(
        _source.engine, customer_groups(unfiltered, _source), activity, surveys,
        as_of=key.as_of, period_days=period_days, table_names=_source.table_names,
        scope=key.scope, filters=dict(key.filters))


@st.cache_resource(show_spinner=False, max_entries=8)
def selection_scoring(key: AnalysisKey, _source: ActiveSource) -> ScoringBase:
    """Ranks within the customers of ``key``'s scope and filters (a network too large to
    rank in the app: ``key.scope`` is the narrowed fetch of :func:`segmentation.bignet.
    fetch_scope`)."""
    return restrict_scoring(prepare_scoring(filtered_view(key.with_(pii=True), _source)),
                            filtered_view(key, _source))


def scoring_base(key: AnalysisKey, source: ActiveSource) -> ScoringBase:
    """Ranks among every customer of the filters (network-wide); a limited scope (or
    masked names) shows its customers with those ranks, nothing re-ranked."""
    if key.scope.is_all and key.pii:
        return _network_scoring(key, source)
    return _restricted_scoring(key, source)


@st.cache_resource(show_spinner=False, max_entries=4)
def _network_scoring(key: AnalysisKey, _source: ActiveSource) -> ScoringBase:
    return prepare_scoring(filtered_view(key.with_(scope=ALL, pii=True), _source))


@st.cache_resource(show_spinner=False, max_entries=16)
def _restricted_scoring(key: AnalysisKey, _source: ActiveSource) -> ScoringBase:
    network = _network_scoring(key.with_(scope=ALL, pii=True), _source)
    return restrict_scoring(network, filtered_view(key, _source))


@st.cache_resource(show_spinner=False, max_entries=8)
def tier_result(key: AnalysisKey, settings_json: str, _base: ScoringBase) -> TierResult:
    """The tiers of ``_base`` (the scoring base of ``key``) under the settings of
    ``settings_json``: a rerun with the same settings assigns nothing again; a slider
    move assigns once."""
    return assign(_base, TierSettings.from_json(settings_json))


@st.cache_resource(show_spinner=False, max_entries=16)
def pareto_table(key: AnalysisKey, _source: ActiveSource) -> pd.DataFrame:
    """Cumulative revenue share of the filtered customers (no names: call with
    ``pii=True``)."""
    return pareto(filtered_view(key, _source))


@st.cache_resource(show_spinner=False, max_entries=8)
def tier_history(key: AnalysisKey, settings_json: str, lost_after: int | None,
                 _source: ActiveSource):
    """Tiers at past month ends, graded network-wide, of the scope's customers (no names:
    call with ``pii=True``)."""
    names, window, filters = _source.table_names, key.window_days, dict(key.filters)
    read = read_scope(key.with_(scope=ALL), _source)  # the network's, or the selection's

    def view_fn(bind, **kwargs):
        return apply_filters(customer_view(bind, window_days=window, table_names=names,
                                           scope=read, **kwargs), filters)

    return _tier_history(_source.engine, as_of=pd.Timestamp(key.as_of),
                         settings=TierSettings.from_json(settings_json), view_fn=view_fn,
                         scope=key.scope, lost_after_days=lost_after)


@st.cache_resource(show_spinner=False, max_entries=32)
def customer_history(key: AnalysisKey, customer_id: str, _source: ActiveSource
                     ) -> dict[str, pd.DataFrame]:
    """One customer's records up to ``key``'s date (``key``: network; the caller checks
    that the customer is in the viewer's scope)."""
    from segmentation.customer import customer_history as history

    return history(_source.engine, customer_id, as_of=key.as_of,
                   table_names=_source.table_names)


@st.cache_data(show_spinner=False, max_entries=16, ttl=600)
def stored_scores(key: AnalysisKey, table: str, calls_per_branch: int, _source: ActiveSource):
    """The scores table's day and the calls of ``key``'s scope and filters, ranked in the database
    (:func:`segmentation.scores_table.stored_scores`; ``None`` when there is no such
    table). Kept ten minutes: a nightly run replaces the table."""
    from segmentation.scores_table import stored_scores as read

    try:
        return read(_source.engine, table, calls_per_branch=calls_per_branch, scope=key.scope,
                    filters=dict(key.filters))
    except LookupError:
        return None
