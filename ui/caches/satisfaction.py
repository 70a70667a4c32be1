"""Satisfaction caches: surveys, complaints and shipments of a scope, their cut to the
sidebar filters graded in tiers, and segment summaries."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation.keys import AnalysisKey
from ui.caches import views
from ui.source import ActiveSource

#: months of survey / complaint trends read for the satisfaction page
SATISFACTION_MONTHS = 24


@st.cache_resource(show_spinner=False, max_entries=16)
def data(key: AnalysisKey, with_surveys: bool, _source: ActiveSource):
    """Surveys, complaints, attributes and shipments of ``key``'s scope at its date
    (call with ``key.unfiltered()`` and ``pii=True``: filters and names apply later)."""
    from segmentation import satisfaction as sat
    from segmentation.database import guard_raw_rows

    source = _source
    check = (lambda table: guard_raw_rows(source.snap.rows, table)) if source.is_database \
        else None
    return sat.load(source.engine, views.scope_view(key, source), as_of=key.as_of,
                    period_days=key.window_days, months=SATISFACTION_MONTHS,
                    with_surveys=with_surveys, table_names=source.table_names,
                    check_rows=check, scope=key.scope)


@st.cache_resource(show_spinner=False, max_entries=8)
def graded(key: AnalysisKey, with_surveys: bool, settings_json: str, _all, _tiers: pd.Series):
    """The customers of ``key``'s filters (within its scope, which ``_all`` already is),
    with the tiers of the grading ``settings_json`` (``_tiers``)."""
    return _all.select(dict(key.filters)).with_tiers(_tiers)


@st.cache_resource(show_spinner=False, max_entries=8)
def summary(key: AnalysisKey, with_surveys: bool, settings_json: str, scale_key: str,
            name: str, parts: tuple, order: tuple, _data, _groups: pd.Series) -> pd.DataFrame:
    """Segment summaries of the groups ``name`` (built from ``parts``) over ``_data``;
    they do not depend on the page's tier choice or deadline, so they are cached."""
    from segmentation.satisfaction import segment_summary

    return segment_summary(_data, _groups, period_days=key.window_days, order=list(order))


#: The page's computations over its current selection that are cached (what they return
#: depends only on the selection and the arguments); anything else is refused.
COMPUTATIONS = frozenset({
    "survey_trend", "dimension_trend", "compare_groups", "score_alerts", "complaint_trend",
    "complaint_mix", "complaint_ranking", "resolution_summary", "sla_breaches",
    "repeat_complainers", "headline_cards", "low_score_comments",
    "complaint_texts",
})


@st.cache_resource(show_spinner=False, max_entries=64)
def computed(key: AnalysisKey, with_surveys: bool, settings_json: str, tiers: tuple,
             scale_key: str, what: str, arguments: tuple, _data):
    """``segmentation.satisfaction.<what>(_data, **arguments)`` once per selection:
    ``_data`` is ``key``'s customers graded with ``settings_json``, cut to ``tiers`` and
    read on ``scale_key`` (what the page shows); a rerun with nothing changed, or a switch
    of language, computes nothing again. Callers must not change the result."""
    from segmentation import satisfaction as sat

    if what not in COMPUTATIONS:
        raise ValueError(f"not a cached satisfaction computation: {what!r}")
    return getattr(sat, what)(_data, **dict(arguments))
