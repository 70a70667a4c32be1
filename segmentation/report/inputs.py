"""The results a report is made from, for one user: computed here (the CLI, the bench) or
handed over by the app from the caches its pages already filled.

Everything is the library's own results (the customer view, the cubes, the tiers, the
tier history, the clusters, the satisfaction data, the churn scores); the report only
reads them. Scope and masking are applied here, once: every frame in
:class:`ReportInputs` holds only the user's customers, names and phones masked for a
role without ``see_pii``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from ..access import User, mask_frame

#: the days of "the current period" (the Overview's and the Satisfaction page's)
PERIOD_DAYS = 90
#: month ends of the tier history a report reads (three monthly moves)
HISTORY_MONTHS = 4

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Personas:
    """A clustering's profiles and z-scores (:func:`~segmentation.clusters.cluster_profiles`,
    :func:`~segmentation.clusters.cluster_zscores`) and the names the user gave clusters
    (cluster -> name); the automatic names are worded in the report's language."""

    profiles: pd.DataFrame
    zscores: pd.DataFrame
    renames: Mapping[int | str, str] | None = None

    def names(self, lang: str) -> pd.DataFrame:
        """``name`` and ``description`` per cluster in ``lang``, the user's names kept."""
        from ..clusters import apply_names, persona_names

        return apply_names(persona_names(self.profiles, self.zscores, lang), self.renames)


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """What a report reads, all of it already narrowed to the user's scope and filters.

    Attributes
    ----------
    as_of : the analysis date.
    view : the customer view of the scope's customers matching the filters (masked).
    activity, surveys : the daily activity and survey cubes of the scope
        (:func:`~segmentation.overview.activity_cube`; ``surveys`` ``None`` without).
    tiers : :class:`~segmentation.tiers.TierResult` of ``view``, ranked network-wide.
    pareto : :func:`~segmentation.tiers.pareto` of ``view``.
    filters : the sidebar filters (normalised pairs) the figures follow.
    history : tier history (month ends) of the scope, or ``None``.
    personas : the clustering of ``view`` named, or ``None`` (too few customers).
    satisfaction : :class:`~segmentation.satisfaction.SatisfactionData` of the scope with
        the tiers joined, or ``None`` (neither surveys nor complaints).
    churn : :class:`~segmentation.churn.ChurnResult` (network-wide model), or ``None``.
    churn_scores : its scores of ``view``'s customers, reasons worded (masked), or ``None``.
    calls_per_branch : weekly calls of a branch (the call list's capacity).
    campaign : the latest campaign within the scope, measured
        (:class:`~segmentation.campaigns.CampaignResult`), or ``None``.
    """

    as_of: date
    view: pd.DataFrame
    activity: pd.DataFrame
    surveys: pd.DataFrame | None
    tiers: Any
    pareto: pd.DataFrame
    filters: tuple = ()
    history: Any = None
    personas: Personas | None = None
    satisfaction: Any = None
    churn: Any = None
    churn_scores: pd.DataFrame | None = None
    campaign: Any = None
    calls_per_branch: int = 20
    period_days: int = PERIOD_DAYS


def worded_scores(scores: pd.DataFrame, customers: pd.Index, user: User | None,
                  lang: str) -> pd.DataFrame:
    """Churn scores of ``customers`` with their reasons in ``lang`` (only the warned ones
    are worded, as on the Churn page), names masked for a user without ``see_pii``."""
    from ..churn import render_main_reason, render_reasons

    out = scores.loc[scores.index.intersection(customers)]
    warned = (out["status"] == "warning").to_numpy()
    subset = out[warned]
    subset.attrs.update(scores.attrs)  # the wording reads the window and typical interval
    words = pd.Series("", index=out.index, dtype="str")
    main = words.copy()
    words[warned] = render_reasons(subset, lang)
    main[warned] = render_main_reason(subset, lang)
    out = out.assign(risk_reasons=words, main_reason=main)
    return masked(out, user)


def masked(frame: pd.DataFrame, user: User | None) -> pd.DataFrame:
    """``frame`` as ``user`` may read it: names and phones masked without ``see_pii``
    (``None``: a run without a user, which sees everything)."""
    return frame if user is None else mask_frame(frame, user)


def gather_inputs(engine, *, user: User | None, lang: str, settings=None,
                  as_of: date | pd.Timestamp | None = None, table_names=None,
                  filters: tuple = (), clusters: int = 6, horizon: int | None = None,
                  lost_after: int | None = None, calls_per_branch: int = 20,
                  history_months: int = HISTORY_MONTHS, network: pd.DataFrame | None = None,
                  churn=None, progress: Progress | None = None) -> ReportInputs:
    """Compute every result a report reads, from an engine holding the canonical tables.

    Models and ranks are network-wide (the tiers, the churn model), as in the app; what
    the report shows is the scope of ``user`` (``None``: everything, names shown).

    Parameters
    ----------
    engine : the data (the workspace's DuckDB file, or a company database).
    user : who the report is for (scope and masking).
    lang : language of the churn reasons.
    settings : :class:`~segmentation.tiers.TierSettings` (default: four tiers by share).
    as_of : analysis date (default: the last transaction day).
    table_names : canonical table -> actual name in ``engine``.
    filters : normalised filter pairs (``segmentation.filters.normalize_filters``).
    clusters : number of personas.
    horizon, lost_after : the churn definition (default: from the data).
    history_months : month ends of the tier history (0: none).
    network : the customer view of every customer at ``as_of`` (90-day window), when the
        caller has it already.
    churn : a :class:`~segmentation.churn.ChurnResult` of the same data and date to reuse
        (the app's cached one; the reports of several users of one dataset).
    progress : ``progress(share_done, step_key)`` after each step.
    """
    from ..access import ALL
    from ..features import customer_view, data_as_of
    from ..filters import apply_filters
    from ..overview import activity_cube, survey_cube
    from ..tiers import TierSettings, assign, pareto, prepare_scoring, restrict_scoring

    def step(done: float, key: str) -> None:
        if progress is not None:
            progress(done, key)

    settings = settings if settings is not None else TierSettings.default(4)
    scope = user.scope if user is not None else ALL
    day = pd.Timestamp(as_of if as_of is not None else data_as_of(engine, table_names))
    day = day.normalize()
    step(0.0, "view")
    if network is None:
        network = customer_view(engine, as_of=day, window_days=PERIOD_DAYS,
                                table_names=table_names)
    selected = apply_filters(network, dict(filters))
    view = scope.apply(selected)
    step(0.2, "cubes")
    activity = activity_cube(engine, as_of=day, table_names=table_names, scope=scope)
    surveys = survey_cube(engine, as_of=day, table_names=table_names, scope=scope)
    step(0.3, "tiers")
    base = prepare_scoring(selected)
    if not scope.is_all:
        base = restrict_scoring(base, view)
    tiers = assign(base, settings)
    curve = pareto(view)
    step(0.35, "churn")
    if churn is None:
        churn = _churn(engine, day, network, table_names, horizon, lost_after)
    scores = None if churn is None else worded_scores(churn.scores, view.index, user, lang)
    lost_cutoff = churn.lost_after_days if churn is not None else lost_after
    step(0.6, "history")
    history = None
    if history_months >= 2:
        history = _history(engine, day, settings, filters, scope, table_names,
                           history_months, lost_cutoff)
    step(0.8, "personas")
    personas = _personas(view, clusters)
    step(0.9, "satisfaction")
    satisfaction = _satisfaction(engine, scope.apply(network), day, scope, table_names,
                                 filters, tiers)
    step(1.0, "done")
    return ReportInputs(as_of=day.date(), view=masked(view, user), activity=activity,
                        surveys=surveys, tiers=tiers, pareto=curve, filters=tuple(filters),
                        history=history, personas=personas, satisfaction=satisfaction,
                        churn=churn, churn_scores=scores, calls_per_branch=calls_per_branch)


def _churn(engine, day, network, table_names, horizon, lost_after):
    from ..churn import ChurnUnavailable, score_churn

    try:
        return score_churn(engine, as_of=day, view=network, lang=None, horizon_days=horizon,
                           lost_after_days=lost_after, table_names=table_names)
    except ChurnUnavailable:  # too little data: the report says the section is missing
        return None


def _history(engine, day, settings, filters, scope, table_names, months, lost_after):
    from ..features import customer_view
    from ..filters import apply_filters
    from ..tiers import tier_history

    def view_fn(bind, **kwargs):
        return apply_filters(customer_view(bind, window_days=PERIOD_DAYS,
                                           table_names=table_names, **kwargs), dict(filters))

    return tier_history(engine, as_of=day, settings=settings, months=months,
                        view_fn=view_fn, scope=scope, lost_after_days=lost_after)


def _personas(view: pd.DataFrame, k: int) -> Personas | None:
    from ..clusters import (
        K_MIN,
        ClusterError,
        CustomerClusterer,
        available_features,
        cluster_profiles,
        cluster_zscores,
    )
    from ..clusters.results import persona_limit, starting_features

    k = min(k, persona_limit(len(view)))
    features = starting_features(None, available_features(view))
    if k < K_MIN or not features:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = CustomerClusterer(k, features).fit(view)
    except ClusterError:
        return None
    labels = model.predict(view)
    profiles = cluster_profiles(view, labels, model.features_)
    return Personas(profiles, cluster_zscores(view, labels, model.features_))


def _satisfaction(engine, view, day, scope, table_names, filters, tiers):
    from .. import satisfaction as sat

    try:
        data = sat.load(engine, view, as_of=day, period_days=PERIOD_DAYS, months=24,
                        table_names=table_names, scope=None if scope.is_all else scope)
    except sat.SatisfactionError:  # scores on no known scale: complaints still count
        data = sat.load(engine, view, as_of=day, period_days=PERIOD_DAYS, months=24,
                        with_surveys=False, table_names=table_names,
                        scope=None if scope.is_all else scope)
    if not data.has_surveys and not data.has_complaints:
        return None
    return data.select(dict(filters)).with_tiers(tiers.scored["tier"])
