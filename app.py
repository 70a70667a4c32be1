"""Entry point: page config, language, data source, shared sidebar, navigation."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from segmentation import i18n
from ui import auth, background_view, connect, context, sidebar
from ui.state import state

ROOT = Path(__file__).resolve().parent

st.set_page_config(page_title="Customer tiering · 客户分层",
                   page_icon="📦", layout="wide")

# Navigation first (its titles follow the language of the session), then the
# shared sidebar widgets below it.
st.session_state["_frame_run_id"] = st.session_state.get("_frame_run_id", 0) + 1
lang = state().sidebar.lang


def _page(file: str, key: str, icon: str, **kwargs) -> st.Page:
    return st.Page(str(ROOT / "pages" / file), title=i18n.t(f"nav.{key}", lang),
                   icon=f":material/{icon}:", url_path=key, **kwargs)


pages = {
    i18n.t("nav.section.analysis", lang): [
        _page("overview.py", "overview", "dashboard", default=True),
        _page("tiers.py", "tiers", "workspace_premium"),
        _page("clusters.py", "clusters", "hub"),
        _page("satisfaction.py", "satisfaction", "sentiment_satisfied"),
        _page("churn.py", "churn", "notifications_active"),
        _page("campaigns.py", "campaigns", "campaign"),
        _page("forecast.py", "forecast", "trending_up"),
        _page("report.py", "report", "slideshow"),
    ],
    i18n.t("nav.section.data", lang): [
        _page("data.py", "data", "database"),
    ],
}
# Who is this? Until someone is signed in every page's URL shows the sign-in form (open
# mode: everyone, with a banner on every page).
user = auth.gate(pages)
page = st.navigation(pages)
sidebar.language_switch()
auth.render_sidebar(user)
sidebar.render()
# the dataset's default figures: started if not stored yet, progress in the sidebar
# (not for a network too large to fetch: its figures are computed in the database)
if context.current().network_fits():
    background_view.sidebar_status(connect.active().snap.dataset_id, state().sidebar.lang)
page.run()
