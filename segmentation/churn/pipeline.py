"""The whole pipeline the page and the CLI share (:func:`score_churn`): backtest, choose,
fit, score; one typed result (:class:`ChurnResult`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..features import customer_view
from .backtesting import Backtest, candidate_scores, gbm_problem, model_config, run_backtest
from .calibration import Calibration, pct_rank
from .choice import choose
from .config import DEFAULT_CONFIG, ChurnConfig
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
from .explain import Ranking
from .features import ViewCache, churn_features
from .model import ChurnModel
from .reasoning import render_reasons
from .scores import assemble_scores


@dataclass(frozen=True)
class ChurnResult:
    """What :func:`score_churn` returns.

    Attributes
    ----------
    scores : one row per customer (see :meth:`ChurnModel.score`), every candidate's
        raw score in ``score_<candidate>``.
    ranking : which ranking is used and why, with the backtest figures (:class:`Ranking`).
    backtest : the rolling-origin backtest (per-window table, comparison, calibration);
        ``None`` when the history is too short for one.
    model : the fitted time-shifted model (``None`` unless the chosen ranking uses it),
        trained on the backtest's latest window (its customer sample above
        ``config.backtest_sample`` customers) without a calibration of its own
        (:func:`~segmentation.churn.backtesting.model_config`): ``scores["churn_risk"]``
        is its score calibrated on the backtest.
    config : the settings used.
    as_of, horizon_days, lost_after_days, history_days : the scoring day, H, the lost
        cutoff, the days of history.
    """

    scores: pd.DataFrame
    ranking: Ranking
    backtest: Backtest | None
    model: ChurnModel | None
    config: ChurnConfig
    as_of: pd.Timestamp
    horizon_days: int
    lost_after_days: int
    history_days: int

    @property
    def ranked_by(self) -> str:
        """The candidate whose score ranks (:data:`CANDIDATES`)."""
        return self.ranking.chosen

    @property
    def calibration(self) -> Calibration:
        return self.ranking.calibration

    def explanation(self, lang: str = "en") -> str:
        """Which score ranks and why, with every candidate's figures (:class:`Ranking`)."""
        return self.ranking.explanation(lang)


def score_churn(bind: sa.Engine | sa.Connection, *, as_of=None,
                horizon_days: int | None = None, lost_after_days: int | None = None,
                lang: str | None = "en", check: bool = True, view: pd.DataFrame | None = None,
                table_names: Mapping[str, str] | None = None,
                config: ChurnConfig | None = None) -> ChurnResult:
    """The whole pipeline the page and the CLI share: backtest, choose, fit, score.

    1. Below :data:`MIN_CUSTOMERS` customers or :data:`MIN_HISTORY_DAYS` days
       of history, :class:`ChurnUnavailable` says what is missing.
    2. ``H`` defaults to :func:`default_horizon` of the view at ``as_of`` with
       its history.
    3. With ``H + 30`` days of history, :func:`backtest` judges every
       candidate on rolling windows and chooses one (a model only where it
       beats the recency rule on every window or by more than the bootstrap
       interval) with its calibration. The time-shifted model, when chosen, is
       then trained (:meth:`ChurnModel.fit`) on features at ``as_of - H`` with
       the very labels the latest window judged on, and applied at ``as_of``.
    4. With less history, the BG/NBD probability of no purchase in H days
       ranks (``why == "short"``), or, without repeat buyers, the recency rank
       (``"rank_only"``; a rank, not a probability).

    The probabilities keep the chosen score's order: where the calibration is
    flat, the score breaks the tie (by less than one in a million), so that the
    list is ranked by the score the backtest judged.

    Parameters
    ----------
    bind : engine or connection holding the canonical tables.
    as_of : scoring day (default: the last transaction day).
    horizon_days, lost_after_days : H and the lost cutoff; the lost cutoff defaults
        to :func:`default_lost_after` at ``as_of - H``.
    lang : language of ``risk_reasons``; ``None`` leaves the words out (the
        scores carry ``reason_codes`` and the signal values, and
        :func:`render_reasons` words them in either language later).
    check : run the backtest; ``False`` skips it (label-free ranking as in 4).
    view : the customer view at ``as_of`` (``config.window_days``), when the
        caller already has it.
    table_names : canonical table -> actual name.
    config : :class:`ChurnConfig` (default ``ChurnConfig()``).

    Returns
    -------
    ChurnResult

    Raises
    ------
    ChurnUnavailable
        Too few customers or days of history (see 1).
    """
    config = DEFAULT_CONFIG if config is None else config
    day = resolve_as_of(bind, as_of, table_names)
    window = config.window_days
    if view is None:
        view = customer_view(bind, as_of=day, window_days=window, table_names=table_names)
    check_enough_data(view)
    history = history_days(view)
    if horizon_days is None:
        horizon_days = default_horizon(view, history=history)
    horizon = check_horizon(horizon_days)
    views: ViewCache = {(day, window): view}
    run = None
    if check and history >= backtest_need(horizon):
        run = run_backtest(bind, day=day, horizon=horizon, lost_after_days=lost_after_days,
                            history=history, n_bins=10, table_names=table_names, views=views,
                            config=config)
    features = churn_features(bind, as_of=day, horizon_days=horizon, window_days=window,
                              table_names=table_names, view=view, views=views,
                              sample_size=config.sample_size,
                              random_state=config.random_state)
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
    if bt is not None and (chosen == "gbm" or (chosen == "blend" and "gbm" in bt.blend_of)):
        # the final model learns from the very window the backtest judged last
        train_x = run.features.loc[run.live]
        train_y = run.labels.loc[run.live]
        train_x.attrs.update(run.features.attrs, cutoff=bt.eval_cutoff,
                             lost_after_days=lost_after, lost_churn_rate=lost_rate,
                             n_lost=int((~run.live).sum()))
        if gbm_problem(train_y) is None:
            gbm = ChurnModel(horizon, lost_after, config=model_config(config)).fit(
                train_x, train_y, as_of=day)
        else:  # cannot happen with the backtest's checks; stay safe: the next best label-free
            drop = [c for c in ("gbm", "blend") if c in bt.metrics.index]
            chosen, why, why_params = choose(
                bt.metrics.drop(index=drop),
                bt.comparison.drop(index=drop, level="candidate", errors="ignore"),
                min_windows_all=config.min_windows_all)
            why_params.update(horizon=horizon)
            calibration = Calibration.fit(chosen, bt.scores[chosen], bt.scores["churned"])
    del run  # the backtest's features are not kept
    candidates = candidate_scores(features, gbm, rows=live,
                                  blend_of=bt.blend_of if bt is not None else None)
    if chosen not in candidates:  # nobody left to score with it (everyone lost)
        chosen, calibration = "recency", Calibration("recency", "rank")
    if bt is None:
        if "btyd" in candidates:  # a probability that needs no past outcomes
            chosen, why, calibration = "btyd", "short", Calibration("btyd", "identity")
        else:
            unused["btyd"] = ("btyd", {})
    churn = np.full(len(features), lost_rate if np.isfinite(lost_rate) else 1.0)
    churn[live] = calibration(candidates[chosen])
    if calibration.method == "isotonic":  # steps: let the score break their ties
        churn[live] = _keep_order(churn[live], candidates[chosen])
    if bt is None and chosen == "btyd":  # no backtest: lost customers keep their probability
        churn[lost] = features["p_no_purchase"].to_numpy(dtype="float64")[lost]
    elif lost.any():
        # lost customers are past the lost cutoff: the far end of the recency axis, so
        # they rank above every live customer and, among themselves, by days since the
        # last purchase (ties broken by less than one in a million)
        top = max(float(churn[lost].max()), float(churn[live].max()) if live.any() else 0.0)
        recency = features["recency_days"].to_numpy(dtype="float64")[lost]
        churn[lost] = _keep_order(np.full(int(lost.sum()), top), recency)
    extra = {f"score_{c}": _spread(candidates[c], live) for c in candidates}
    out = assemble_scores(features, churn, lost, warning_threshold=config.warning_threshold,
                           extra=extra)
    if lang is not None:
        out["risk_reasons"] = render_reasons(out, lang)
    ranking = Ranking(chosen=chosen, why=why, params=why_params, calibration=calibration,
                      unused=unused,
                      metrics=bt.metrics if bt is not None else pd.DataFrame(),
                      uncertain=bt.uncertain if bt is not None else False,
                      confidence=config.confidence)
    return ChurnResult(scores=out, ranking=ranking, backtest=bt, model=gbm, config=config,
                       as_of=day, horizon_days=horizon, lost_after_days=lost_after,
                       history_days=history)


def _keep_order(p: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Probabilities ``p`` (non-decreasing in ``score``) with their ties broken by the score,
    by less than one in a million, so that sorting by them sorts by the score."""
    if len(p) == 0:
        return p
    return p * (1.0 - 1e-6) + 1e-6 * pct_rank(score)


def _spread(values: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Values of the live rows placed back among all rows (NaN for the others)."""
    out = np.full(len(live), np.nan)
    out[live] = values
    return out
