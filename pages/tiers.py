"""Tiers: tune how customers are graded and see the consequences live."""

from __future__ import annotations

import streamlit as st

from segmentation import charts, formatting
from segmentation.presets import PresetStore
from segmentation.textsafe import md
from segmentation.tiers import TierSettings
from ui import bignet_view, context, tiers_views
from ui.scoping import no_customers, scope_caption
from ui.tier_state import page_settings, tiers_state
from ui.tiers_editor import settings_panel

ctx = context.current()
lang, t = ctx.lang, ctx.t
store = PresetStore.for_workspace(context.workspace())

st.title(t("tp.title"))
st.caption(t("tp.caption", as_of=formatting.day(ctx.as_of, lang)))
scope_caption(ctx)

view = ctx.view()
if view.empty:
    no_customers(ctx)
    st.stop()
base = ctx.scoring_base()
bignet_view.ranked_within_caption(ctx)  # a network too large to rank in the app
page_settings(lambda: store.default_settings() or TierSettings.default(4))


@st.fragment
def tiers_body() -> None:
    with st.expander(t("tp.settings"), expanded=True):
        settings_panel(ctx, base, store)
    tiers = tiers_state()
    if tiers.error is not None:
        st.error(t("tp.settings.invalid", message=md(tiers.error.message(lang))))
        return
    settings = tiers.settings
    result = ctx.tiers(settings)  # cached per settings: a rerun assigns nothing
    labels = settings.tier_labels(lang)
    colors = dict(zip(settings.tiers, charts.tier_colors(len(settings.tiers)), strict=True))
    messages = result.messages(lang)
    if messages:
        st.info("\n".join(f"- {md(m)}" for m in messages), icon=":material/info:")
    tiers_views.overview(ctx, result, labels, colors)
    tiers_views.rfm_section(ctx, result)
    tiers_views.whatif_section(ctx, result, store, labels, colors)
    tiers_views.history_section(ctx, settings, colors)
    tiers_views.download_section(ctx, result.scored, settings, labels)


tiers_body()
