"""Campaigns: did a marketing campaign work, against a held-out group or matched customers."""

from __future__ import annotations

import streamlit as st

from ui import campaigns_page, context
from ui.scoping import scope_caption

ctx = context.current()
t = ctx.t

st.title(t("cg.title"))
st.caption(t("cg.caption"))
scope_caption(ctx)
campaigns = campaigns_page.visible(ctx)
if ctx.user.can("manage_campaigns"):
    tab_results, tab_new = st.tabs([t("cg.tab.results"), t("cg.tab.new")])
    with tab_new:
        campaigns_page.draw_create(ctx)
else:
    tab_results = st.container()
with tab_results:
    campaigns_page.draw_results(ctx, campaigns)
