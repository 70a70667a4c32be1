"""Satisfaction and complaints: where service slips, for whom, and what drives it."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting
from segmentation import satisfaction as sat
from ui import (
    context,
    satisfaction_complaints,
    satisfaction_drivers,
    satisfaction_links,
    satisfaction_trends,
    satisfaction_voice,
)
from ui.satisfaction_view import DAYS, SatisfactionView, draw_headline
from ui.scoping import scope_caption
from ui.state import bind, state
from ui.tier_state import current_tier_settings

ctx = context.current()
lang, t = ctx.lang, ctx.t
chosen = state().satisfaction

st.title(t("sat.title"))
with st.spinner(t("common.loading")):
    try:
        everything = ctx.satisfaction()
        scale_problem = None
    except sat.SatisfactionError as err:  # scores on no known scale: complaints still work
        scale_problem = err.message(lang)
        everything = ctx.satisfaction(False)
with_surveys = scale_problem is None
# tiers as on the tiers and churn pages: the current grading, ranked within the filters
SETTINGS = current_tier_settings(lang)
graded = ctx.satisfaction_graded(SETTINGS, with_surveys)

# ---------------------------------------------------------------- page controls
present = set(graded.attributes["tier"].dropna().unique())  # once: a million rows
tier_options = [tier for tier in SETTINGS.tiers if tier in present]
chosen.tiers = [k for k in chosen.tiers if k in tier_options]  # drop stale choices
if chosen.scale not in ("auto", *sat.SCALES):
    chosen.scale = "auto"
c_tier, c_scale, c_sla = st.columns([2, 1, 1])
with c_tier:
    chosen_tiers = st.multiselect(t("sat.tier_filter"), options=tier_options,
                                  format_func=lambda k: SETTINGS.label(k, lang),
                                  placeholder=t("filter.all"), help=t("sat.tier_filter.help"),
                                  **bind(chosen, "tiers", key="sat_tier"))
with c_scale:
    detected = everything.scale
    scale_key = st.selectbox(
        t("sat.scale_choice"), options=["auto", *sat.SCALES],
        format_func=lambda k: (t("sat.scale_choice.auto", scale=detected.label(lang))
                               if k == "auto" and detected is not None
                               else sat.SCALES[k].label(lang) if k != "auto" else "–"),
        help=t("sat.scale_choice.help"), disabled=not everything.has_surveys,
        **bind(chosen, "scale", key="sat_scale"))
with c_sla:
    sla = int(st.number_input(t("sat.sla"), min_value=1, max_value=365, step=1,
                              help=t("sat.sla.help"), **bind(chosen, "sla", key="sat_sla")))

data = graded.select(tiers=chosen_tiers).with_scale(None if scale_key == "auto" else scale_key)
if data.scale is not None:
    st.caption(t("sat.caption", days=DAYS, as_of=formatting.day(ctx.as_of, lang),
                 scale=data.scale.label(lang)))
else:
    st.caption(t("sat.caption.no_surveys", days=DAYS, as_of=formatting.day(ctx.as_of, lang)))
scope_caption(ctx)
if scale_problem:
    st.error(t("sat.scale_error", message=scale_problem))
elif scale_key != "auto" and data.has_surveys:  # a chosen scale the scores do not fit
    mismatch = sat.scale_mismatch(data.surveys["score"], data.scale, lang)
    if mismatch:
        st.warning(mismatch, icon=":material/straighten:")
if not data.has_surveys and not data.has_complaints:
    st.info(t("sat.need_surveys"))
    st.info(t("sat.need_complaints"))
    st.stop()

view = SatisfactionView(ctx, SETTINGS, everything, graded, data, with_surveys, scale_key, sla,
                        tier_options, chosen_tiers)
draw_headline(view)
tabs = st.tabs([t("sat.tab.trends"), t("sat.tab.drivers"), t("sat.tab.complaints"),
                t("sat.tab.voice"), t("sat.tab.links")])
for tab, module in zip(tabs, (satisfaction_trends, satisfaction_drivers, satisfaction_complaints,
                              satisfaction_voice, satisfaction_links), strict=True):
    with tab:
        module.draw(view)
