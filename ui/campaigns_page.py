"""The Campaigns page's parts: the list within the user's scope, a campaign's result, and
the form HQ analysts create campaigns with."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from segmentation import formatting
from segmentation.access import Scope
from segmentation.campaigns import (
    Campaign,
    CampaignError,
    CampaignStore,
    new_campaign_id,
    read_target_ids,
    split_holdout,
    uplift_table,
    visible_campaigns,
)
from segmentation.campaigns.chart import weekly_chart
from segmentation.textsafe import md
from ui import auth, context, show
from ui.tier_state import current_tier_settings


def store() -> CampaignStore:
    return CampaignStore.for_workspace(context.workspace())


def visible(ctx) -> list[Campaign]:
    """The stored campaigns the user may see."""
    campaigns = store().list()
    if ctx.scope.is_all:
        return campaigns
    return visible_campaigns(campaigns, ctx.scope, ctx.full_view().index.astype(str))


def _interval(ctx, low: str, high: str, conf: float) -> str:
    return ctx.t("cg.metric.interval", conf=formatting.percent(conf, ctx.lang, digits=0),
                 low=low, high=high)


def draw_results(ctx, campaigns: list[Campaign]) -> None:
    """Pick a campaign, measure it within the scope, show figures, chart, tables."""
    lang, t = ctx.lang, ctx.t
    if not campaigns:
        st.info(t("cg.none.create" if ctx.user.can("manage_campaigns") else "cg.none"))
        return
    by_id = {c.campaign_id: c for c in campaigns}
    c1, c2 = st.columns([3, 2])
    chosen = c1.selectbox(t("cg.pick"), list(by_id), key="campaigns_pick",
                          format_func=lambda i: t("cg.pick.label", name=by_id[i].name,
                                                  start=formatting.day(by_id[i].start, lang),
                                                  end=formatting.day(by_id[i].end, lang)))
    campaign = by_id[chosen]
    methods = ["holdout", "matched"] if campaign.has_holdout else ["matched"]
    method = c2.segmented_control(t("cg.method"), methods, default=methods[0], required=True,
                                  format_func=lambda m: t(f"cg.method.{m}"),
                                  help=t("cg.method.help"), key=f"campaigns_method_{chosen}")
    st.caption(t("cg.defined", targets=formatting.number(len(campaign.targets), lang),
                 holdout=formatting.number(len(campaign.holdout), lang),
                 cost=formatting.money(campaign.cost_per_contact, lang, 2),
                 who=md(campaign.created_by or "–")))
    with st.spinner(t("cg.computing")):
        try:
            result = ctx.campaign_result(campaign, method, current_tier_settings(lang))
        except CampaignError as err:
            st.warning(md(err.message(lang)), icon=":material/info:")
            return
    est = result.estimate
    conf = est.confidence
    if not ctx.scope.is_all:  # the part of the campaign this user's figures are about
        st.caption(t("cg.in_scope", targets=formatting.number(result.n_contacted, lang),
                     comparison=formatting.number(est.n_comparison, lang),
                     group=t(f"cg.method.{est.method}")))
    # two rows of three (the last row two): five cards in one row cut their labels short
    m1, m2, m3, m4, m5 = [*st.columns(3), *st.columns(3)][:5]
    kept, k_lo, k_hi = result.extra_retained
    m1.metric(t("cg.metric.retained"), formatting.number(kept, lang, signed=True), border=True,
              help=_interval(ctx, formatting.number(k_lo, lang), formatting.number(k_hi, lang),
                             conf))
    rev, r_lo, r_hi = result.incremental_revenue
    m2.metric(t("cg.metric.revenue"), formatting.money(rev, lang), border=True,
              help=_interval(ctx, formatting.money(r_lo, lang), formatting.money(r_hi, lang),
                             conf))
    m3.metric(t("cg.metric.cost"), formatting.money(result.cost, lang), border=True)
    roi = result.roi
    m4.metric(t("cg.metric.roi"), "–" if roi is None else formatting.percent(roi, lang, 0,
                                                                               signed=True),
              border=True, help=t("cg.metric.roi.help"))
    per = result.cost_per_retained
    m5.metric(t("cg.metric.per_retained"), "–" if per is None else formatting.money(per, lang),
              border=True)
    st.markdown(f"**{md(t('cg.sentence'))}:** {md(result.sentence(lang))}")
    check = result.check_text(lang)
    if check:
        (st.success if est.check.passed else st.warning)(md(check))
    for note in result.notes(lang):
        st.caption(md(note))
    outcome = st.segmented_control(t("cg.chart.outcome"), ["shipments", "revenue"],
                                   default="shipments", required=True, key="campaigns_chart",
                                   format_func=lambda o: t(f"campaign.outcome.{o}"))
    show.chart(weekly_chart(est, lang, outcome), width="stretch")
    settings = current_tier_settings(lang)
    labels = settings.tier_labels(lang)
    by_tier = est.by_tier
    if not by_tier.empty:  # the tiers in their own order, named as on the tiers page
        order = {k: i for i, k in enumerate(settings.tiers)}
        by_tier = (by_tier.assign(_order=by_tier["tier"].map(order).fillna(len(order)))
                   .sort_values("_order").drop(columns="_order")
                   .assign(tier=lambda f: f["tier"].map(lambda k: labels.get(k, k))))
    st.subheader(t("cg.by_tier"))
    st.dataframe(uplift_table(by_tier, "tier", lang), hide_index=True, width="stretch")
    st.subheader(t("cg.by_branch"))
    st.dataframe(uplift_table(est.by_branch, "branch", lang), hide_index=True, width="stretch",
                 height=320 if len(est.by_branch) > 8 else "auto")
    st.caption(t("cg.by.caption"))
    with st.expander(t("cg.assumptions")):
        st.markdown("\n".join(f"- {md(a)}" for a in result.assumptions(lang)))


def _targets(ctx, source: str) -> tuple[tuple[str, ...], tuple[str, ...] | None, str]:
    """(ids, held-out ids from a file or None, source label) of the chosen target source."""
    lang, t = ctx.lang, ctx.t
    if source == "file":
        upload = st.file_uploader(t("cg.new.file"), type=["csv", "xlsx"], key="campaigns_file",
                                  help=t("cg.new.file.help"))
        if upload is None:
            return (), None, "file"
        try:
            targets, holdout = read_target_ids(upload.getvalue(), upload.name)
        except CampaignError as err:
            st.error(md(err.message(lang)))
            return (), None, "file"
        listed = pd.Index([*targets, *holdout])
        missing = int((~listed.isin(ctx.full_view().index)).sum())
        if missing:  # a wrong id column, or another dataset's list: say so before saving
            st.warning(t("cg.new.file.unknown", missing=formatting.number(missing, lang),
                         n=formatting.number(len(listed), lang), file=md(upload.name)),
                       icon=":material/warning:")
        return targets, holdout or None, "file"
    if source == "persona":
        return _persona_targets(ctx)
    if source == "warnings":
        churn = ctx.current_churn()
        if churn is None:
            st.info(t("cg.new.warnings.none"))
            return (), None, "warnings"
        scores = churn.scores
        return tuple(scores.index[scores["churn_risk"] >= 0.5].astype(str)), None, "warnings"
    settings = current_tier_settings(lang)
    scored = ctx.tiers(settings).scored  # the Tiers page's assignment, cached
    column = "tier" if source == "tier" else "rfm_segment"
    present = set(scored[column].dropna().unique())  # once, not per option
    options = [v for v in (settings.tiers if source == "tier" else sorted(present))
               if v in present]
    labels = settings.tier_labels(lang) if source == "tier" else {}
    picked = st.multiselect(t(f"cg.new.{'tiers' if source == 'tier' else 'segments'}"),
                            options, key=f"campaigns_{column}",
                            format_func=lambda v: labels.get(v, str(v)))
    ids = tuple(scored.index[scored[column].isin(picked)].astype(str))
    return ids, None, f"{source}:{','.join(map(str, picked))}"


def _persona_targets(ctx) -> tuple[tuple[str, ...], None, str]:
    """The customers of the personas picked, from the Clusters page's current clustering."""
    from segmentation.clusters import (
        ClusterError,
        apply_names,
        available_features,
        persona_names,
        starting_features,
    )
    from segmentation.personas_store import PersonaStore, scope_key
    from ui.state import state

    lang, t = ctx.lang, ctx.t
    chosen = state().clusters
    k = int(chosen.k)
    features = tuple(starting_features(chosen.features, available_features(ctx.view())))
    try:
        found = ctx.clustering(k, features) if features else None
    except ClusterError:
        found = None
    if found is None:
        st.info(t("cg.new.personas.none"))
        return (), None, "persona"
    renames = PersonaStore.for_workspace(context.workspace(), ctx.snap.dataset_id).names(
        scope_key(k, features, ctx.filters))
    names = apply_names(persona_names(found.profiles, found.zscores, lang), renames)["name"]
    picked = st.multiselect(t("cg.new.personas"), list(names.index), key="campaigns_persona",
                            format_func=lambda c: names[c])
    ids = tuple(found.labels.index[found.labels.isin(picked)].astype(str))
    return ids, None, f"persona:{','.join(map(str, picked))}"


def draw_create(ctx) -> None:
    """The form of a new campaign (HQ analysts only; checked here again)."""
    lang, t = ctx.lang, ctx.t
    if not ctx.user.can("manage_campaigns"):
        st.info(t("cg.new.only_hq"))
        return
    end_of_data = pd.Timestamp(ctx.snap.date_max).date()
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    name = c1.text_input(t("cg.new.name"), max_chars=80, key="campaigns_name")
    start = c2.date_input(t("cg.new.start"), value=end_of_data - dt.timedelta(days=90),
                          key="campaigns_start")
    end = c3.date_input(t("cg.new.end"), value=end_of_data - dt.timedelta(days=63),
                        key="campaigns_end")
    cost = c4.number_input(t("cg.new.cost"), min_value=0.0, value=5.0, step=0.5,
                           key="campaigns_cost")
    sources = ["tier", "segment", "persona", "warnings", "file"]
    source = st.radio(t("cg.new.source"), sources, horizontal=True, key="campaigns_source",
                      format_func=lambda s: t(f"cg.new.source.{s}"))
    ids, file_holdout, label = _targets(ctx, source)
    share = st.slider(t("cg.new.holdout"), 0, 50, 20, step=5, format="%d%%",
                      key="campaigns_holdout", help=t("cg.new.holdout.help"),
                      disabled=file_holdout is not None)
    if file_holdout is not None:
        targets, holdout = ids, file_holdout
    else:
        targets, holdout = split_holdout(ids, share / 100)
    st.caption(t("cg.new.count", targets=formatting.number(len(targets), lang),
                 holdout=formatting.number(len(holdout), lang)))
    if st.button(t("cg.new.save"), type="primary", key="campaigns_save"):
        filters = dict(ctx.filters)
        try:
            campaign = Campaign(new_campaign_id(), name, start, end, cost, targets, holdout,
                                created_by=ctx.user.name,
                                scope=Scope(regions=filters.get("region", ()),
                                            branches=filters.get("branch", ())),
                                source=label,
                                created_at=dt.datetime.now(dt.UTC).isoformat(
                                    timespec="seconds"))
        except CampaignError as err:
            st.error(md(err.message(lang)))
            return
        store().save(campaign)
        auth.record("campaign_saved", name=campaign.name, targets=len(campaign.targets),
                    holdout=len(campaign.holdout))
        st.success(t("cg.new.saved", name=md(campaign.name)))
