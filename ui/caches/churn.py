"""Churn caches: the fitted model and its backtest, the scores worded in a language, the
scores a viewer sees (their filters, scope and PII right), the call sheet, lifecycle
stages and the dataset's default definition.

The model is fitted once per dataset, date and definition for every customer
(``ChurnKey.network()``); what a page shows of it is cut, masked and worded per
key, once, so that a rerun with nothing changed rebuilds nothing at a million
customers.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation.access import mask_frame
from segmentation.keys import AnalysisKey, ChurnKey
from segmentation.tiers import TierSettings, assign
from ui.caches import views
from ui.source import ActiveSource


@st.cache_resource(show_spinner=False, max_entries=4)
def model(key: ChurnKey, _source: ActiveSource):
    """Backtest, choose, fit and score once per dataset, date and definition (``key`` is
    a network key: all customers); the scores carry reason codes and values, no words."""
    from segmentation.churn import score_churn

    analysis = key.analysis
    return score_churn(_source.engine, as_of=pd.Timestamp(analysis.as_of),
                       horizon_days=key.horizon_days, lost_after_days=key.lost_after_days,
                       lang=None, table_names=_source.table_names,
                       view=views.network_view(analysis, _source))


@st.cache_resource(show_spinner=False, max_entries=8)
def worded_scores(key: ChurnKey, lang: str, _source: ActiveSource) -> pd.DataFrame:
    """The network's scores with reasons worded in ``lang``: rendering only, nothing is
    scored again.

    Only the customers with a warning get words (the lists show no one else; the
    others keep their ``reason_codes``): a language switch at a million customers
    then words a third of them.
    """
    from segmentation.churn import render_main_reason, render_reasons

    scores = model(key, _source).scores
    warned = (scores["status"] == "warning").to_numpy()
    words = pd.Series("", index=scores.index, dtype="str")
    main = words.copy()
    subset = scores[warned]
    subset.attrs.update(scores.attrs)  # the wording reads the window and the typical interval
    words[warned] = render_reasons(subset, lang)
    main[warned] = render_main_reason(subset, lang)
    out = scores.assign(risk_reasons=words, main_reason=main)
    out.attrs.update(scores.attrs)
    return out


def scores(key: ChurnKey, lang: str, source: ActiveSource) -> pd.DataFrame:
    """The scores (network-wide) of ``key``'s customers (scope and filters), worded in
    ``lang``, names and phones masked unless ``key.analysis.pii``."""
    if key.analysis.is_network:
        return worded_scores(key, lang, source)
    return _shown_scores(key, lang, source)


@st.cache_resource(show_spinner=False, max_entries=8)
def _shown_scores(key: ChurnKey, lang: str, _source: ActiveSource) -> pd.DataFrame:
    worded = worded_scores(key.network(), lang, _source)
    shown = views.filtered_view(key.analysis, _source).index
    out = worded if len(shown) == len(worded) and shown.equals(worded.index) else \
        worded.loc[worded.index.intersection(shown)]
    if not key.analysis.pii:
        out = mask_frame(out, None)
    if out is worded:
        out = worded.copy(deep=False)
    out.attrs.update(worded.attrs)  # the wording reads the window and typical interval
    return out


@st.cache_resource(show_spinner=False, max_entries=8)
def call_sheet(key: ChurnKey, lang: str, settings_json: str, _source: ActiveSource):
    """The :class:`~segmentation.churn.CallSheet` of ``key``'s customers under the tier
    settings ``settings_json`` (tiers ranked as on the Tiers page), worded in ``lang``."""
    from segmentation.churn import call_sheet as make_sheet

    settings = TierSettings.from_json(settings_json)
    tiers = assign(views.scoring_base(key.analysis, _source), settings).scored["tier"]
    return make_sheet(scores(key, lang, _source), tiers=tiers,
                      tier_labels=settings.tier_labels(lang),
                      actions={k: settings.actions(k, lang) for k in settings.tiers},
                      contacts=views.filtered_view(key.analysis, _source))


@st.cache_resource(show_spinner=False, max_entries=16)
def call_list(key: ChurnKey, lang: str, settings_json: str, pick_tiers: tuple,
              min_risk: float, pick_reasons: tuple, calls_per_branch: int,
              _source: ActiveSource):
    """:func:`call_sheet`'s call list under the page's list filters (tiers, least risk,
    reasons, weekly calls per branch)."""
    sheet = call_sheet(key, lang, settings_json, _source)
    return sheet.calls(pick_tiers=list(pick_tiers), min_risk=min_risk,
                       pick_reasons=list(pick_reasons), calls_per_branch=calls_per_branch)


@st.cache_resource(show_spinner=False, max_entries=16)
def lifecycle(key: AnalysisKey, lost_after: int, _source: ActiveSource):
    """Lifecycle stages (network-wide), counted for the customers of ``key``'s scope
    (call with ``key.unfiltered()``, names do not matter)."""
    from segmentation.churn import lifecycle_stages

    shown = None if key.scope.is_all else views.scope_view(key, _source).index
    return lifecycle_stages(_source.engine, as_of=pd.Timestamp(key.as_of),
                            lost_after_days=lost_after, table_names=_source.table_names,
                            customers=shown)


@st.cache_resource(show_spinner=False, max_entries=4)
def defaults(key: AnalysisKey, _source: ActiveSource) -> tuple[int, dict[int, int]]:
    """The default horizon and, per horizon, the default lost cutoff (``key``: network)."""
    from segmentation.churn import default_horizon, default_lost_after, history_days

    view = views.network_view(key, _source)
    horizon = default_horizon(view, history=history_days(view))
    return horizon, {h: default_lost_after(view, h) for h in (30, 60, 90, 180)}
