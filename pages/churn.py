"""Churn warnings: whom to call this week, why, what to offer, and how far to trust it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui.strings_churn  # noqa: F401  (registers the page strings)
from segmentation import charts, i18n
from segmentation.churn import (
    DEFAULT_CALLS_PER_BRANCH,
    STAGES,
    ChurnUnavailable,
    call_list,
    ranking_explanation,
    warning_list,
)
from segmentation.export import to_csv_bytes, to_excel_bytes
from segmentation.presets import MAX_CALLS_PER_BRANCH, PresetStore
from segmentation.tiers import assign
from ui import auth, context
from ui.scoping import customer_rows, scope_caption
from ui.state import persisted, relabel
from ui.tier_state import current_tier_settings

ctx = context.current()
lang, t = ctx.lang, ctx.t
HORIZONS = [30, 60, 90, 180]

view = ctx.view()
if view.empty:
    st.title(t("cp.title"))
    st.warning(t("common.no_customers"))
    st.stop()

default_h, default_lost = ctx.churn_defaults()
st.session_state.setdefault("churn_h", default_h)
c1, c2 = st.columns([3, 2])
with c2:
    st.segmented_control(t("cp.horizon"), HORIZONS, required=True,
                         format_func=lambda d: t("cp.horizon.days", d=d),
                         help=t("cp.horizon.help", d=default_h), **persisted("churn_h"))
    horizon = int(st.session_state["churn_h"])
    lost_key = f"churn_lost_{horizon}"
    st.session_state.setdefault(lost_key, default_lost[horizon])
    st.number_input(t("cp.lost"), min_value=horizon, max_value=1095, step=30,
                    help=t("cp.lost.help"), **persisted(lost_key))
    lost_after = int(st.session_state[lost_key])
with c1:
    st.title(t("cp.title"))
    st.caption(t("cp.caption", h=horizon, as_of=ctx.as_of.isoformat()))
    scope_caption(ctx)

with st.spinner(t("cp.running")):
    try:
        result = ctx.churn(horizon, lost_after)
        scores = ctx.churn_scores(horizon, lost_after)
    except ChurnUnavailable as err:  # too little data: say what is missing
        st.warning(err.message(lang))
        st.stop()
    except ValueError as err:
        st.warning(t("cp.too_short", h=horizon, detail=str(err)))
        st.stop()

st.session_state["churn_ready"] = (ctx.snap.dataset_id, ctx.as_of, horizon, lost_after)
settings = current_tier_settings(lang)
tiers = assign(ctx.scoring_base(), settings).scored["tier"]
labels = settings.tier_labels(lang)
scored = scores.join(tiers.rename("tier"), how="left")
warned = scored[scored["status"] == "warning"]

m1, m2, m3, m4 = st.columns(4)
m1.metric(t("cp.metric.warnings"), i18n.fmt_int(len(warned), lang), border=True,
          help=t("cp.metric.warnings.help"))
m2.metric(t("cp.metric.value"), i18n.fmt_money(warned["value_at_risk"].sum(), lang),
          border=True, help=t("cp.metric.value.help"))
m3.metric(t("cp.metric.lost"), i18n.fmt_int(int((scored["status"] == "lost").sum()), lang),
          border=True, help=t("cp.lost.help"))
live = scored[scored["status"] != "lost"]
m4.metric(t("cp.metric.avg"), i18n.fmt_pct(live["churn_risk"].mean(), lang), border=True)

bt = result.backtest
checked = scores.attrs.get("ranked_why") == "best"
(st.success if checked else st.warning)(ranking_explanation(scores.attrs, lang))

tab_list, tab_trust, tab_life = st.tabs([t("cp.tab.list"), t("cp.tab.trust"),
                                         t("cp.tab.lifecycle")])

with tab_list:
    store = PresetStore.for_workspace(context.workspace())
    if "churn_calls" not in st.session_state:
        st.session_state["churn_calls"] = (store.default_calls_per_branch()
                                           or DEFAULT_CALLS_PER_BRANCH)
    f1, f2, f3, f4 = st.columns(4)
    relabel("churn_f_tier", "churn_f_reason")
    pick_tiers = f1.multiselect(t("cp.filter.tier"), list(settings.tiers),
                                format_func=lambda k: labels[k], key="churn_f_tier",
                                placeholder=i18n.t("filter.all", lang))
    min_risk = f2.slider(t("cp.filter.min_risk"), 50, 100, 50, step=5, key="churn_f_risk")
    codes = sorted({c for cs in warned["reason_codes"].astype(str) for c in cs.split(",") if c})
    pick_codes = f3.multiselect(t("cp.filter.reason"), codes, key="churn_f_reason",
                                format_func=lambda c: i18n.t(f"churn.reason_label.{c}", lang),
                                placeholder=i18n.t("filter.all", lang))
    f4.number_input(t("cp.calls"), min_value=1, max_value=MAX_CALLS_PER_BRANCH, step=5,
                    help=t("cp.calls.help"), **persisted("churn_calls"))
    calls = int(st.session_state["churn_calls"])
    shown = call_list(warning_list(scored, tiers=pick_tiers or None, min_risk=min_risk / 100,
                                   reason_codes=pick_codes or None), calls_per_branch=calls)
    shown = shown.assign(
        tier_label=shown["tier"].map(labels),
        action=shown["tier"].map(lambda k: settings.actions(k, lang)[0]
                                 if isinstance(k, str) and settings.actions(k, lang) else ""),
    )
    this_week = shown["call_this_week"].to_numpy()
    n_branches = shown.loc[this_week, "branch"].nunique() if "branch" in shown else 1
    st.subheader(t("cp.list.one" if n_branches == 1 else "cp.list",
                   n=i18n.fmt_int(int(this_week.sum()), lang),
                   branches=i18n.fmt_int(n_branches, lang), cap=i18n.fmt_int(calls, lang)))
    if shown.empty:
        st.info(t("cp.list.empty"))
    rows_allowed = customer_rows(ctx)
    table = shown.reset_index()
    name_col = ["name"] if "name" in view.columns else []
    if name_col:
        table = table.join(view["name"], on="customer_id")
    columns = ["customer_id", *name_col, "branch", "branch_rank", "tier_label", "churn_risk",
               "value_at_risk", "clv_12m", "recency_days", "risk_reasons", "action"]
    columns = [c for c in columns if c in table.columns]
    column_config = {
        "customer_id": t("cp.col.customer"), "name": t("cp.col.name"),
        "branch": t("cp.col.branch"), "tier_label": t("cp.col.tier"),
        "branch_rank": st.column_config.NumberColumn(t("cp.col.branch_rank"), format="%d"),
        "churn_risk": st.column_config.ProgressColumn(
            t("cp.col.risk"), format="percent", min_value=0.0, max_value=1.0),
        "value_at_risk": st.column_config.NumberColumn(t("cp.col.value_at_risk"),
                                                       format="%.0f"),
        "clv_12m": st.column_config.NumberColumn(t("cp.col.clv"), format="%.0f"),
        "recency_days": st.column_config.NumberColumn(t("cp.col.recency"), format="%d"),
        "risk_reasons": st.column_config.TextColumn(t("cp.col.reasons"), width="large"),
        "action": st.column_config.TextColumn(t("cp.col.action"), width="medium"),
    }
    week_table = table[table["call_this_week"].to_numpy(dtype=bool)]
    rest_table = table[~table["call_this_week"].to_numpy(dtype=bool)]
    event = None if not rows_allowed else st.dataframe(
        week_table[columns], hide_index=True, key="churn_list", on_select="rerun",
        selection_mode="single-row", height=420, column_config=column_config)
    if not shown.empty and rows_allowed:
        st.markdown(f"**{t('cp.list.rest', n=i18n.fmt_int(len(rest_table), lang))}**")
        if rest_table.empty:
            st.caption(t("cp.list.rest.none"))
        else:
            st.dataframe(rest_table[columns], hide_index=True, key="churn_list_rest",
                         height=300, column_config=column_config)
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
            st.success(t("cp.calls.saved", n=calls, name=preset))
    else:
        st.caption(t("cp.calls.no_preset"))
    headers = {"customer_id": t("cp.col.customer"), "name": t("cp.col.name"),
               "branch": t("cp.col.branch"), "branch_rank": t("cp.col.branch_rank"),
               "call_this_week": t("cp.col.week"), "tier_label": t("cp.col.tier"),
               "churn_risk": t("cp.col.risk"), "value_at_risk": t("cp.col.value_at_risk"),
               "clv_12m": t("cp.col.clv"), "recency_days": t("cp.col.recency"),
               "risk_reasons": t("cp.col.reasons"), "action": t("cp.col.action")}
    export = table[["call_this_week", *columns]]
    d1, d2 = st.columns(2) if rows_allowed else (None, None)
    if rows_allowed:
        auth.download_button(d1, t("cp.download.csv"),
                             lambda: to_csv_bytes(export, headers=headers),
                             file_name=f"churn_warnings_{ctx.as_of}.csv", mime="text/csv",
                             key="churn_download_csv", on_click="ignore", rows=len(export))
        auth.download_button(d2, t("cp.download.xlsx"),
                             lambda: to_excel_bytes({"warnings": export}, headers=headers),
                             file_name=f"churn_warnings_{ctx.as_of}.xlsx",
                             key="churn_download_xlsx", on_click="ignore", rows=len(export),
                             mime="application/vnd.openxmlformats-officedocument."
                                  "spreadsheetml.sheet")

    if rows_allowed:
        st.subheader(t("cp.detail"))
    rows = event.selection.rows if event is not None else []
    options = week_table["customer_id"].astype(str).tolist()[:500] if rows_allowed else []
    selected = options[rows[0]] if rows and rows[0] < len(options) else None
    if selected is not None:
        st.session_state["churn_detail"] = selected
    if options:
        if st.session_state.get("churn_detail") not in options:
            st.session_state["churn_detail"] = options[0]
        customer = st.selectbox(t("cp.detail.pick"), options, key="churn_detail")
        history = ctx.customer_history(customer)
    if options and history is not None:  # None: not a customer of the scope (tampered)
        tx = history["transactions"]
        monthly = (tx.groupby(tx["date"].dt.to_period("M"))["amount"].sum().rename_axis("month")
                   .reset_index())
        monthly["month"] = monthly["month"].dt.to_timestamp()
        row = shown.loc[customer] if customer in shown.index else None
        if row is not None:
            st.markdown(f"**{customer}** · {row['tier_label']} · "
                        f"{t('cp.col.risk')} {i18n.fmt_pct(row['churn_risk'], lang)}  \n"
                        f"{row['risk_reasons']}  \n"
                        + "\n".join(f"- {a}" for a in settings.actions(row["tier"], lang)))
        st.plotly_chart(charts.customer_timeline(
            monthly, history.get("surveys"), history.get("complaints"),
            title=t("cp.detail.timeline", id=customer), spend_label=t("cp.detail.spend"),
            score_label=t("cp.detail.score"), complaint_label=t("cp.detail.complaint")),
            key="churn_timeline")

with tab_trust:
    if bt is not None:
        st.markdown(bt.design_sentence(lang))
        st.markdown(f"**{t('cp.trust.candidates')}**")
        metrics = bt.metrics.T.rename(index=lambda m: t(f"cp.trust.{m}"))

        def _candidate(c: str) -> str:
            name = i18n.t(f"churn.candidate.{c}", lang)
            return t("cp.trust.chosen", name=name) if c == scores.attrs["ranked_by"] else name

        metrics.columns = [_candidate(c) for c in metrics.columns]
        st.dataframe(metrics.style.format("{:.3f}"), key="churn_metrics")
        for note in bt.unused_sentences(lang):
            st.caption(note)
        st.markdown(bt.calibration_sentence(lang))
        st.plotly_chart(charts.reliability(
            bt.reliability, title=t("cp.trust.reliability"), x_label=t("cp.trust.predicted"),
            y_label=t("cp.trust.observed")), key="churn_reliability")
    else:
        st.info(t("cp.trust.none"))

with tab_life:
    life = ctx.lifecycle(lost_after)
    counts = life.counts.reset_index()
    stage_labels = {s: i18n.t(f"churn.stage.{s}", lang) for s in (*STAGES, "not_yet")}
    st.plotly_chart(charts.stacked_area(
        counts, x=counts.columns[0], columns=list(STAGES), labels=stage_labels,
        title=t("cp.lifecycle.chart"), x_label=t("cp.lifecycle.month"),
        y_label=t("cp.lifecycle.customers")), key="churn_lifecycle_area")
    st.caption(" · ".join(f"**{stage_labels[s]}**: {i18n.t(f'churn.stage_help.{s}', lang)}"
                          for s in STAGES))
    flows = life.flows
    last = flows["month_end"].max()
    part = flows[flows["month_end"] == last]
    previous = sorted(flows["month_end"].unique())
    start = previous[-2] if len(previous) > 1 else last
    st.plotly_chart(charts.sankey(
        part, source="from_stage", target="to_stage", value="customers",
        source_labels=stage_labels, target_labels=stage_labels,
        source_order=["not_yet", *STAGES], target_order=list(STAGES),
        title=t("cp.lifecycle.flows", start=str(pd.Timestamp(start).date()),
                end=str(pd.Timestamp(last).date()))), key="churn_lifecycle_sankey")
