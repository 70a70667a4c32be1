"""Churn warnings: whom to call this week, why, what to offer, and how far to trust it."""

from __future__ import annotations

import streamlit as st

from segmentation import formatting, i18n
from segmentation.churn import (
    DEFAULT_CALLS_PER_BRANCH,
    HORIZON_OPTIONS,
    ChurnUnavailable,
    thin_evidence,
)
from segmentation.presets import MAX_CALLS_PER_BRANCH, PresetStore
from segmentation.textsafe import md
from ui import auth, background, background_view, bignet_view, context
from ui.churn_panels import (
    draw_call_list,
    draw_downloads,
    draw_lifecycle,
    draw_timeline,
    draw_trust,
)
from ui.scoping import customer_rows, no_customers, scope_caption
from ui.state import bind, relabel, state
from ui.tier_state import current_tier_settings

ctx = context.current()
lang, t = ctx.lang, ctx.t
chosen = state().churn

if not ctx.network_fits():  # too large to score here: the batch run's table, or a notice
    bignet_view.churn_from_scores_table(ctx)
    st.stop()

view = ctx.view()
if view.empty:
    st.title(t("cp.title"))
    no_customers(ctx)
    st.stop()

# the session's definition (the dataset's defaults until the user changes them) seeds both
chosen.horizon, lost_default = ctx.churn_definition()
chosen.lost_after.setdefault(chosen.horizon, lost_default)
c1, c2 = st.columns([3, 2])
with c2:
    horizon = int(st.segmented_control(
        t("cp.horizon"), list(HORIZON_OPTIONS), required=True,
        format_func=lambda d: t("cp.horizon.days", d=d),
        help=t("cp.horizon.help", d=ctx.churn_defaults()[0]),
        **bind(chosen, "horizon", key="churn_h")))
    lost_after = int(st.number_input(t("cp.lost"), min_value=horizon, max_value=1095, step=30,
                                     help=t("cp.lost.help"),
                                     **bind(chosen.lost_after, horizon,
                                            key=f"churn_lost_{horizon}")))
with c1:
    st.title(t("cp.title"))
    st.caption(t("cp.caption", h=horizon, as_of=formatting.day(ctx.as_of, lang)))
    scope_caption(ctx)

pending = background.churn_pending(ctx.snap.dataset_id, ctx.as_of)
with st.spinner(t("bg.waiting", what=background_view.progress_text(pending, lang)) if pending
                else t("bg.scoring", as_of=formatting.day(ctx.as_of, lang), h=horizon)):
    try:
        result = ctx.churn(horizon, lost_after)
    except ChurnUnavailable as err:  # too little data: say what is missing
        st.warning(md(err.message(lang)))
        st.stop()

settings = current_tier_settings(lang)
labels = settings.tier_labels(lang)
sheet = ctx.call_sheet(horizon, lost_after, settings)  # cached: a rerun rebuilds nothing
summary = sheet.summary
m1, m2, m3, m4 = st.columns(4)
m1.metric(t("cp.metric.warnings"), formatting.number(summary.warnings, lang), border=True,
          help=t("cp.metric.warnings.help"))
m2.metric(t("cp.metric.value"), formatting.compact(summary.value_at_risk, lang, money=True),
          border=True,
          help=t("cp.metric.value.help"))
m3.metric(t("cp.metric.lost"), formatting.number(summary.lost, lang), border=True,
          help=t("cp.lost.help"))
m4.metric(t("cp.metric.avg"), formatting.percent(summary.avg_risk, lang), border=True)

thin = thin_evidence(None if result.backtest is None else result.backtest.scores["churned"])
(st.success if result.ranking.checked and thin is None else st.warning)(result.explanation(lang))
if thin is not None:  # a few dozen customers: the figures are no grade
    st.warning(md(thin.message(lang)), icon=":material/data_alert:")

tab_list, tab_trust, tab_life = st.tabs([t("cp.tab.list"), t("cp.tab.trust"),
                                         t("cp.tab.lifecycle")])

with tab_list:
    store = PresetStore.for_workspace(context.workspace())
    if chosen.calls is None:
        chosen.calls = store.default_calls_per_branch() or DEFAULT_CALLS_PER_BRANCH
    f1, f2, f3, f4 = st.columns(4)
    relabel("churn_f_tier", "churn_f_reason")
    pick_tiers = f1.multiselect(t("cp.filter.tier"), list(settings.tiers),
                                format_func=lambda k: labels[k], key="churn_f_tier",
                                placeholder=i18n.t("filter.all", lang))
    min_risk = f2.slider(t("cp.filter.min_risk"), 50, 100, 50, step=5, key="churn_f_risk")
    pick_codes = f3.multiselect(t("cp.filter.reason"), sheet.reason_codes, key="churn_f_reason",
                                format_func=lambda c: i18n.t(f"churn.reason_label.{c}", lang),
                                placeholder=i18n.t("filter.all", lang))
    calls = int(f4.number_input(t("cp.calls"), min_value=1, max_value=MAX_CALLS_PER_BRANCH,
                                step=5, help=t("cp.calls.help"),
                                **bind(chosen, "calls", key="churn_calls")))
    shown = ctx.call_list(horizon, lost_after, settings, pick_tiers=pick_tiers,
                          min_risk=min_risk / 100, pick_reasons=pick_codes,
                          calls_per_branch=calls)
    st.subheader(t("cp.list.one" if shown.n_branches == 1 else "cp.list",
                   n=formatting.number(len(shown.week), lang),
                   branches=formatting.number(shown.n_branches, lang),
                   cap=formatting.number(calls, lang)))
    if shown.table.empty:
        st.info(t("cp.list.empty"))
    rows_allowed = customer_rows(ctx)
    event = draw_call_list(shown, lang) if rows_allowed else None
    names = store.list()
    if names:
        s1, s2 = st.columns([3, 1], vertical_alignment="bottom")
        default_name = store.default()
        preset = s1.selectbox(t("cp.calls.preset"), names, key="churn_calls_preset",
                              index=names.index(default_name) if default_name in names else 0)
        if s2.button(t("cp.calls.save"), key="churn_calls_save") \
                and auth.may_overwrite_preset(preset, default_name):
            store.set_calls_per_branch(preset, calls)
            auth.record("preset_saved", name=preset, calls_per_branch=calls)
            st.success(t("cp.calls.saved", n=calls, name=md(preset)))
    else:
        st.caption(t("cp.calls.no_preset"))
    if rows_allowed:
        draw_downloads(shown, lang, ctx.as_of)
        st.subheader(t("cp.detail"))
    rows = event.selection.rows if event is not None else []
    options = shown.week["customer_id"].head(500).astype(str).tolist() if rows_allowed else []
    if rows and rows[0] < len(options):
        chosen.detail = options[rows[0]]
    if options:
        if chosen.detail not in options:
            chosen.detail = options[0]
        customer = st.selectbox(t("cp.detail.pick"), options,
                                **bind(chosen, "detail", key="churn_detail"))
        history = ctx.customer_history(customer)
    if options and history is not None:  # None: not a customer of the scope (tampered)
        row = shown.row(customer)
        if row is not None:
            st.markdown(f"**{md(customer)}** · {md(row['tier_label'])} · "
                        f"{t('cp.col.risk')} {formatting.percent(row['churn_risk'], lang)}  \n"
                        f"{md(row['risk_reasons'])}  \n"
                        + "\n".join(f"- {md(a)}" for a in settings.actions(row["tier"], lang)))
        draw_timeline(customer, history, lang, ctx.key.network())

with tab_trust:
    draw_trust(result.backtest, result.ranking, lang, ctx.churn_key(horizon, lost_after).network())
with tab_life:
    draw_lifecycle(ctx.lifecycle(lost_after), lang, ctx.key.with_(filters=(), pii=True))
