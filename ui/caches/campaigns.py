"""Campaign caches: a campaign's measured result for one viewer (dataset, scope, method,
grading), computed once per key."""

from __future__ import annotations

import hashlib
import json
import warnings

import pandas as pd
import streamlit as st

from segmentation.campaigns import Campaign, EffectConfig, measure
from segmentation.features import customer_view
from segmentation.keys import CampaignKey
from segmentation.tiers import TierSettings, score_customers
from ui.source import ActiveSource


def digest(campaign: Campaign) -> str:
    """A short digest of the stored campaign (a changed list is another result)."""
    text = json.dumps(campaign.to_json(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@st.cache_resource(show_spinner=False, max_entries=16)
def result(key: CampaignKey, _campaign: Campaign, _in_scope: tuple[str, ...] | None,
           _source: ActiveSource):
    """The :class:`~segmentation.campaigns.CampaignResult` of ``_campaign`` for the scope of
    ``key``: customers graded network-wide the day before the start, then narrowed to the
    scope; a :class:`~segmentation.campaigns.CampaignError` propagates (nothing cached)."""
    snap = _source.snap
    start = pd.Timestamp(_campaign.start)
    view = customer_view(_source.engine, as_of=start - pd.Timedelta(days=1),
                         window_days=key.analysis.window_days,
                         table_names=_source.table_names)
    with warnings.catch_warnings():  # grading notes belong to the tiers page
        warnings.simplefilter("ignore", UserWarning)
        scored = score_customers(view, TierSettings.from_json(key.settings_json))
    customers = key.analysis.scope.apply(scored)
    return measure(_source.engine, _campaign, customers,
                   data_start=pd.Timestamp(snap.date_min).date(),
                   data_end=pd.Timestamp(snap.date_max).date(),
                   config=EffectConfig(method=key.method), table_names=_source.table_names,
                   scope=key.analysis.scope, in_scope=_in_scope)
