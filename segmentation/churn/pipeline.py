"""The whole pipeline the page and the CLI share (:func:`score_churn`): backtest, choose,
fit, score."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..features import customer_view
from .backtesting import (
    Backtest,
    candidate_scores,
    choose,
    gbm_problem,
    ranking_explanation,
    run_backtest,
)
from .calibration import Calibration
from .defaults import (
    backtest_need,
    check_enough_data,
    check_horizon,
    default_horizon,
    default_lost_after,
    history_days,
    resolve_as_of,
    shifted_need,
)
from .features import ViewCache, churn_features
from .model import ChurnModel
from .reasoning import render_reasons
from .scores import assemble_scores


@dataclass(frozen=True)
class ChurnResult:
    """What :func:`score_churn` returns: the scores, the fitted time-shifted model (``None``
    unless it ranks), the backtest (``None`` when the history is too short for one)."""

    scores: pd.DataFrame
    model: ChurnModel | None
    backtest: Backtest | None

    def explanation(self, lang: str = "en") -> str:
        """Which score ranks and why (:func:`ranking_explanation`)."""
        return ranking_explanation(self.scores.attrs, lang)


def score_churn(bind: sa.Engine | sa.Connection, *, as_of=None,
                horizon_days: int | None = None, lost_after_days: int | None = None,
                lang: str | None = "en", check: bool = True, view: pd.DataFrame | None = None,
                table_names: Mapping[str, str] | None = None, **model_params) -> ChurnResult:
    """The whole pipeline the page and the CLI share: backtest, choose, fit, score.

    1. Below :data:`MIN_CUSTOMERS` customers or :data:`MIN_HISTORY_DAYS` days
       of history, :class:`ChurnUnavailable` says what is missing.
    2. ``H`` defaults to :func:`default_horizon` of the view at ``as_of`` with
       its history.
    3. With ``H + 30`` days of history, :func:`backtest` judges every
       candidate on ``(as_of - H, as_of]`` and chooses one (never ranking
       worse than the recency rule there) with its calibration. The
       time-shifted model, when chosen, is then trained on features at
       ``as_of - H`` with the very labels the backtest judged on, and applied
       at ``as_of``.
    4. With less history, the BG/NBD probability of no purchase in H days
       ranks (``ranked_why == "short"``), or, without repeat buyers, the
       recency rank (``"rank_only"``; a rank, not a probability).

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : scoring day (default: the last transaction day).
    horizon_days, lost_after_days : see :class:`ChurnModel`; the lost cutoff
        defaults to :func:`default_lost_after` at ``as_of - H``.
    lang : language of ``risk_reasons``; ``None`` leaves the words out (the
        scores carry ``reason_codes`` and the signal values, and
        :func:`render_reasons` words them in either language later).
    check : run the backtest; ``False`` skips it (label-free ranking as in 4).
    view : the customer view at ``as_of`` (``window_days`` 90 unless given in
        ``model_params``), when the caller already has it.
    table_names : canonical table -> actual name.
    **model_params : further :class:`ChurnModel` parameters.

    Returns
    -------
    ChurnResult
        ``scores`` as :meth:`ChurnModel.score` describes them, every candidate's
        raw score in ``score_<candidate>``, and ``attrs``: ``ranked_by`` (a
        :data:`CANDIDATES` name), ``ranked_why``, ``why_params``,
        ``calibration`` (``Calibration.method``), ``unused``,
        ``history_days``, ``horizon_days``, ``lost_after_days`` (see
        :func:`ranking_explanation`).

    Raises
    ------
    ChurnUnavailable
        Too few customers or days of history (see 1).
    """
    day = resolve_as_of(bind, as_of, table_names)
    window = int(model_params.get("window_days", 90))
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window, table_names=table_names)
    check_enough_data(view)
    history = history_days(view)
    if horizon_days is None:
        horizon_days = default_horizon(view, history=history)
    horizon = check_horizon(horizon_days)
    sample_size = model_params.get("sample_size", 200_000)
    random_state = int(model_params.get("random_state", 7))
    warning_threshold = float(model_params.get("warning_threshold", 0.5))
    views: ViewCache = {(day, window): view}
    run = None
    if check and history >= backtest_need(horizon):
        run = run_backtest(bind, day=day, horizon=horizon, lost_after_days=lost_after_days,
                            history=history, n_bins=10, table_names=table_names, views=views,
                            model_params=model_params)
    features = churn_features(bind, as_of=day, horizon_days=horizon, window_days=window,
                              table_names=table_names, view=view, views=views,
                              sample_size=sample_size, random_state=random_state)
    if run is not None:
        bt = run.backtest
        lost_after = bt.lost_after_days
        chosen, why, why_params = bt.chosen, bt.why, dict(bt.why_params)
        calibration, lost_rate, unused = bt.calibration, bt.lost_churn_rate, dict(bt.unused)
    else:
        bt = None
        lost_after = (default_lost_after(features, horizon) if lost_after_days is None
                      else int(lost_after_days))
        lost_rate = math.nan
        unused = {"gbm": ("history", {"need": shifted_need(horizon), "horizon": horizon,
                                      "have": history})}
        why_params = {"horizon": horizon, "need": backtest_need(horizon), "have": history}
        chosen, why, calibration = "recency", "rank_only", Calibration("recency", "rank")
    lost = features["recency_days"].to_numpy(dtype="float64") > lost_after
    live = ~lost
    gbm = None
    if bt is not None and (chosen == "gbm" or (chosen == "blend" and "gbm" in bt.metrics.index)):
        # the final model learns from the very window the backtest judged on
        train_x = run.features.loc[run.live]
        train_y = run.labels.loc[run.live]
        train_x.attrs.update(run.features.attrs, cutoff=bt.eval_cutoff,
                             lost_after_days=lost_after, lost_churn_rate=lost_rate,
                             n_lost=int((~run.live).sum()))
        if gbm_problem(train_y) is None:
            gbm = ChurnModel(horizon, lost_after, **model_params)
            gbm._fit_frame(train_x, train_y)
            gbm.as_of_ = day
        else:  # cannot happen with the backtest's checks; stay safe: the next best label-free
            metrics = bt.metrics.drop(index=[c for c in ("gbm", "blend")
                                             if c in bt.metrics.index])
            chosen, why, why_params = choose(metrics)
            why_params.update(horizon=horizon)
            calibration = Calibration.fit(chosen, bt.scores[chosen], bt.scores["churned"])
    del run  # the backtest's features are not kept
    candidates = candidate_scores(features.loc[live], gbm)
    if chosen not in candidates:  # nobody left to score with it (everyone lost)
        chosen, calibration = "recency", Calibration("recency", "rank")
    if bt is None:
        if "btyd" in candidates:  # a probability that needs no past outcomes
            chosen, why, calibration = "btyd", "short", Calibration("btyd", "identity")
        else:
            unused["btyd"] = ("btyd", {})
    churn = np.full(len(features), lost_rate if np.isfinite(lost_rate) else 1.0)
    churn[live] = calibration(candidates[chosen])
    if bt is None and chosen == "btyd":  # no backtest: lost customers keep their probability
        churn[lost] = features["p_no_purchase"].to_numpy(dtype="float64")[lost]
    extra = {f"score_{c}": _spread(candidates[c], live) for c in candidates}
    out = assemble_scores(features, churn, lost, warning_threshold=warning_threshold,
                           extra=extra)
    out.attrs.update(horizon_days=horizon, lost_after_days=lost_after, ranked_by=chosen,
                     ranked_why=why, why_params=why_params, calibration=calibration.method,
                     unused=unused, history_days=history)
    if lang is not None:
        out["risk_reasons"] = render_reasons(out, lang)
    return ChurnResult(scores=out, model=gbm, backtest=bt)


def _spread(values: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Values of the live rows placed back among all rows (NaN for the others)."""
    out = np.full(len(live), np.nan)
    out[live] = values
    return out
