"""Forecast caches: the network's weekly volume forecast once per dataset, date and
horizon, and the share of it a viewer's scope may read.

The forecast is computed for every branch (``ForecastKey`` has no scope), so that a
branch manager, a regional lead and HQ read the same reconciled numbers; the scoped
result only cuts rows out of it.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from segmentation.access import Scope
from segmentation.keys import ForecastKey
from ui.caches import views
from ui.source import ActiveSource


@st.cache_resource(show_spinner=False, max_entries=4)
def network_forecast(key: ForecastKey, _source: ActiveSource):
    """The :class:`~segmentation.forecast.ForecastResult` of the whole network, from the
    daily activity cube (stored with the dataset, or computed in its database)."""
    from segmentation.forecast import ForecastConfig, forecast_network

    activity, _ = views.cubes(key.analysis(), _source)
    return forecast_network(activity, as_of=pd.Timestamp(key.as_of),
                            config=ForecastConfig(horizon=key.horizon))


@st.cache_resource(show_spinner=False, max_entries=16)
def scoped_forecast(key: ForecastKey, scope: Scope, _source: ActiveSource):
    """The rows of :func:`network_forecast` that ``scope`` may read."""
    return network_forecast(key, _source).scoped(scope)
