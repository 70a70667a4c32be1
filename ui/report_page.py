"""The Report page's parts: the report's inputs from the results the other pages cached
(:func:`ui.context.current`'s public methods), the three files with a progress bar, and
their download buttons."""

from __future__ import annotations

from datetime import date

import streamlit as st

from segmentation import i18n
from segmentation.report import (
    FORMATS,
    Personas,
    ReportInputs,
    build_report,
    report_bytes,
    source_text,
)
from ui import auth, context
from ui.tier_state import current_tier_settings

#: session key of the built files (this module's own; pages never read it)
_FILES = "report_files"


def build_key(ctx, settings) -> tuple:
    """What the files depend on: dataset, date, filters, scope and PII right (the context's
    key), language, tier settings, churn definition."""
    return (ctx.key, ctx.lang, settings.to_json(), ctx.churn_definition())


def report_inputs(ctx, settings, step) -> ReportInputs:
    """The report's inputs from the context's caches (the pages' own results)."""
    from segmentation.churn import ChurnUnavailable
    from segmentation.clusters import ClusterError, available_features, starting_features
    from segmentation.personas_store import PersonaStore, scope_key
    from segmentation.satisfaction import SatisfactionError
    from segmentation.tiers import assign
    from ui.state import state

    step(0.05, "view")
    view = ctx.view()
    activity, surveys = ctx.cubes()
    step(0.2, "tiers")
    tiers = assign(ctx.scoring_base(), settings)
    step(0.3, "churn")
    churn = scores = None
    if ctx.network_fits():  # the model learns from every customer of the network
        horizon, lost_after = ctx.churn_definition()
        try:
            churn, scores = ctx.churn(horizon, lost_after), ctx.churn_scores(horizon, lost_after)
        except ChurnUnavailable:
            churn = scores = None
    step(0.5, "history")
    # graded network-wide at each month end: not for a network too large to fetch
    history = None if ctx.ranked_within_selection() else ctx.tier_history(settings)
    step(0.7, "personas")
    personas = None
    chosen = state().clusters
    features = tuple(starting_features(chosen.features, available_features(view)))
    if features:
        try:
            found = ctx.clustering(int(chosen.k), features)
        except ClusterError:
            found = None
        if found is not None:
            store = PersonaStore.for_workspace(context.workspace(), ctx.snap.dataset_id)
            personas = Personas(found.profiles, found.zscores,
                                store.names(scope_key(int(chosen.k), features, ctx.filters)))
    step(0.8, "satisfaction")
    try:
        satisfaction = ctx.satisfaction_graded(settings)
    except SatisfactionError:
        satisfaction = ctx.satisfaction_graded(settings, with_surveys=False)
    if not satisfaction.has_surveys and not satisfaction.has_complaints:
        satisfaction = None
    calls = state().churn.calls or 20
    return ReportInputs(as_of=ctx.as_of, view=view, activity=activity, surveys=surveys,
                        tiers=tiers, pareto=ctx.pareto(), filters=ctx.filters,
                        history=history, personas=personas, satisfaction=satisfaction,
                        churn=churn, churn_scores=scores, calls_per_branch=calls,
                        campaign=latest_campaign(ctx, settings))


def latest_campaign(ctx, settings):
    """The latest campaign within the user's scope, measured (held-out group when it has
    one); ``None`` without one or when it cannot be measured."""
    from segmentation.campaigns import CampaignError, CampaignStore, visible_campaigns

    campaigns = CampaignStore.for_workspace(context.workspace()).list()
    if not ctx.scope.is_all:
        campaigns = visible_campaigns(campaigns, ctx.scope, ctx.full_view().index.astype(str))
    if not campaigns:
        return None
    latest = campaigns[0]
    try:
        return ctx.campaign_result(latest, "holdout" if latest.has_holdout else "matched",
                                   settings)
    except CampaignError:
        return None


def build_files(ctx) -> None:
    """Build the report and its three files, with a progress bar; keep them in the session."""
    settings = current_tier_settings(ctx.lang)
    bar = st.progress(0.0, text=ctx.t("rp.building"))

    def step(done: float, key: str) -> None:
        bar.progress(done, text=i18n.t(f"report.step.{key}", ctx.lang))

    inputs = report_inputs(ctx, settings, step)
    user = None if ctx.user.open_mode else ctx.user
    report = build_report(inputs, lang=ctx.lang, user=user, source=_source(ctx),
                          author=ctx.user.display_name or ctx.user.name, created=date.today())
    files = {}
    for i, name in enumerate(FORMATS):
        step(0.85 + 0.05 * i, name if name != "pptx" else "deck")
        files[name] = report_bytes(report, name)
    bar.progress(1.0, text=ctx.t("rp.ready", sections=len(report.sections),
                                 context=report.context))
    st.session_state[_FILES] = {"key": build_key(ctx, settings), "files": files,
                                "sections": [(s.title, s.sentence) for s in report.sections]}


def _source(ctx) -> str:
    """The dataset as the title page names it: its kind and name, and the day it was
    loaded, in the user's language."""
    snap = ctx.snap
    return source_text(snap.source, snap.label, ctx.lang, loaded=snap.loaded_at)


def built(ctx) -> dict | None:
    """The files built in this session for the current key, else ``None``."""
    kept = st.session_state.get(_FILES)
    if kept is None:
        return None
    if kept["key"] != build_key(ctx, current_tier_settings(ctx.lang)):
        st.info(ctx.t("rp.stale"))
        return None
    return kept


def downloads(ctx, kept: dict) -> None:
    """One download button per file (audited like every export)."""
    stem = f"report_{ctx.as_of.isoformat()}"
    for column, (name, (suffix, mime)) in zip(st.columns(len(FORMATS)), FORMATS.items(),
                                              strict=True):
        auth.download_button(column, ctx.t(f"rp.download.{name}"), kept["files"][name],
                             file_name=stem + suffix, mime=mime, key=f"report_download_{name}",
                             what=f"report {name}", icon=":material/download:")
