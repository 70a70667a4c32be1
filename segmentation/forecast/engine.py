"""One metric of a hierarchy of weekly series: every method, the rolling-origin backtest,
the per-branch choice against seasonal naive, and bottom-up reconciliation.

The hierarchy is branches (the bottom) summed by a 0/1 matrix ``S`` into the
aggregates (regions, then the network). Reconciliation is **bottom-up**: an
aggregate's point forecast is the sum of its branches' points, so a regional
lead's numbers are HQ's numbers by construction. Bottom-up by hand rather than
hierarchicalforecast's MinTrace: the library needs statsforecast, which pins
pandas < 3 (this project runs pandas 3), and with one shared design matrix the
branch forecasts are already fitted jointly; MinTrace's gain is largest where
aggregates carry signal the bottom lacks, which the backtest's aggregate MASE
below would show. Prediction intervals are not additive (branches move
together), so an aggregate's interval comes from its **own** model, as a ratio to
its own point, applied around the reconciled point; the backtest reports how
often those intervals held.

Backtest (:func:`run_metric`): origins every ``horizon`` weeks over the last year
(``backtest_origins`` of them), each forecasting the following ``horizon`` weeks
from the history before it. Per series it reports the MASE of the harmonic model
and of seasonal naive on the same weeks (errors scaled by the seasonal-naive
in-sample error of each origin's training data) and whether the intervals held.
A branch whose model does not beat seasonal naive there (or that has no backtest)
is forecast by seasonal naive; a branch with less than a year of history by its
recent average. The choice reads the same backtest it is judged on, so the
shipped MASE is slightly optimistic; the model's and seasonal naive's own
columns are not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .model import (
    SEASON,
    Block,
    ForecastConfig,
    design,
    harmonic,
    mase_scale,
    recent_average,
)
from .model import seasonal_naive as snaive_block

#: the methods, in the order of fallback (a chosen method missing at an origin falls back)
METHODS: tuple[str, ...] = ("model", "snaive", "recent")


def forecast_methods(values: np.ndarray, weeks: pd.DatetimeIndex, starts: np.ndarray,
                     horizon: int, config: ForecastConfig) -> dict[str, Block]:
    """Every method's forecast of every column of ``values`` (``(weeks, series)``, NaN
    before a series' ``starts`` week), ``horizon`` weeks after the last week."""
    n_weeks, k = values.shape
    blocks = {m: Block.empty(horizon, k, config.levels) for m in METHODS}
    have = n_weeks - starts
    first = np.maximum(starts, n_weeks - config.history_weeks)
    fit = (n_weeks - first) >= config.min_weeks
    if fit.any():
        x, xf, _ = design(weeks, horizon, config)  # one design, sliced per start week
        for f in np.unique(first[fit]):
            cols = np.flatnonzero(fit & (first == f))
            blocks["model"].put(cols, harmonic(values[f:, cols], weeks[f:], horizon, config,
                                               regressors=(x, xf)))
    cols = np.flatnonzero(have > SEASON)
    if len(cols) and horizon <= SEASON:
        blocks["snaive"].put(cols, snaive_block(values[:, cols], horizon, config.levels))
    cols = np.flatnonzero(have > 0)
    if len(cols):
        blocks["recent"].put(cols, recent_average(values[:, cols], horizon, config.levels))
    return blocks


def combine(blocks: dict[str, Block], choice: np.ndarray, levels: tuple[int, ...]) -> Block:
    """Per column, the forecast of the chosen method (index into :data:`METHODS`), the
    next method in :data:`METHODS` where the chosen one has none."""
    horizon, k = blocks[METHODS[0]].mean.shape
    out = Block.empty(horizon, k, levels)
    for i, name in enumerate(METHODS):
        block = blocks[name]
        take = (choice <= i)[None, :] & np.isnan(out.mean) & ~np.isnan(block.mean)
        out.mean[take] = block.mean[take]
        for lv in levels:
            out.lower[lv][take] = block.lower[lv][take]
            out.upper[lv][take] = block.upper[lv][take]
    return out


def _ratio_block(point: np.ndarray, own: Block, levels: tuple[int, ...]) -> Block:
    """Intervals of ``own`` (an aggregate's own forecast) as ratios to its point, put
    around the reconciled ``point``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = {lv: np.where(own.mean > 0, point * own.lower[lv] / own.mean, point)
                 for lv in levels}
        upper = {lv: np.where(own.mean > 0, point * own.upper[lv] / own.mean, point)
                 for lv in levels}
    return Block(point, lower, upper)


@dataclass(frozen=True)
class MetricResult:
    """The shipped forecast of one metric for every series, and its backtest.

    ``forecast``: :class:`Block` of shape ``(horizon, series)`` with branches first,
    then the aggregates in the order of ``S``. ``choice``: the method (index into
    :data:`METHODS`) per branch and per aggregate (the aggregate's own, which only
    shapes its intervals). ``scores``: one row per series with ``mase``,
    ``mase_model``, ``mase_snaive``, ``coverage_<level>``, ``points``;
    ``reason`` per branch: ``beats`` / ``no_better`` / ``untested`` / ``short``.
    (Pooled figures per level: :meth:`~segmentation.forecast.ForecastResult.accuracy`.)
    """

    forecast: Block
    choice: np.ndarray
    reason: np.ndarray
    scores: pd.DataFrame


def _scaled_errors(actual: np.ndarray, block: Block, scale: np.ndarray) -> np.ndarray:
    return np.abs(actual - block.mean) / scale[None, :]


def run_metric(values: np.ndarray, weeks: pd.DatetimeIndex, starts: np.ndarray,
               S: np.ndarray, config: ForecastConfig) -> MetricResult:
    """Backtest, choose per branch, forecast and reconcile one metric.

    Parameters
    ----------
    values : ``(weeks, branches)`` weekly volumes, NaN before each branch's ``starts``.
    weeks : the Mondays of the rows.
    S : ``(aggregates, branches)`` 0/1 membership of each branch in each aggregate.
    """
    n_weeks, k = values.shape
    h, levels = config.horizon, config.levels
    agg_values = np.nan_to_num(values) @ S.T
    agg_starts = np.array([starts[S[a] > 0].min() if (S[a] > 0).any() else n_weeks
                           for a in range(S.shape[0])], dtype=int)
    # an aggregate's own series starts with its first branch (NaN before, as for branches)
    agg_own = np.where(np.arange(n_weeks)[:, None] >= agg_starts[None, :], agg_values, np.nan)
    origins = [n_weeks - h * i for i in range(config.backtest_origins, 0, -1)
               if n_weeks - h * i > 0]
    runs = []
    for end in origins:
        steps = min(h, n_weeks - end)
        branch = forecast_methods(values[:end], weeks[:end], starts, steps, config)
        own = forecast_methods(agg_own[:end], weeks[:end], agg_starts, steps, config)
        runs.append((end, steps, branch, own, mase_scale(values[:end]),
                     mase_scale(agg_own[:end])))

    def mase_of(method: str, agg: bool, common: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """Mean scaled error of ``method`` per series over the backtest (on the weeks where
        model and seasonal naive both forecast, when ``common``) and the point count."""
        total = np.zeros(S.shape[0] if agg else k)
        count = np.zeros_like(total)
        for end, steps, branch, own, scale, agg_scale in runs:
            blocks, actual = (own, agg_own[end:end + steps]) if agg else \
                (branch, values[end:end + steps])
            err = _scaled_errors(actual, blocks[method], agg_scale if agg else scale)
            ok = ~np.isnan(err)
            if common:
                ok &= ~np.isnan(blocks["model"].mean) & ~np.isnan(blocks["snaive"].mean)
            total += np.where(ok, err, 0).sum(axis=0)
            count += ok.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / count, np.nan), count

    def choose(agg: bool) -> tuple:
        m_model, n = mase_of("model", agg)
        m_snaive, _ = mase_of("snaive", agg)
        blocks = forecast_methods(agg_own if agg else values, weeks,
                                  agg_starts if agg else starts, h, config)
        has_model = ~np.isnan(blocks["model"].mean[0])
        has_snaive = ~np.isnan(blocks["snaive"].mean[0])
        tested = (n > 0) & has_model
        beats = tested & (m_model < m_snaive)
        choice = np.where(beats, 0, np.where(has_snaive, 1, 2))
        reason = np.where(beats, "beats", np.where(tested, "no_better",
                                                   np.where(has_model, "untested", "short")))
        return choice, reason, m_model, m_snaive, blocks

    choice, reason, b_model, b_snaive, final = choose(agg=False)
    a_choice, _, a_model, a_snaive, a_final = choose(agg=True)

    # the shipped forecast: chosen branch methods, summed up, aggregate intervals as ratios
    shipped = combine(final, choice, levels)
    point = np.nan_to_num(shipped.mean) @ S.T
    agg = _ratio_block(point, combine(a_final, a_choice, levels), levels)

    # the backtest of what is shipped, per series and pooled per level
    n_series = k + S.shape[0]
    total, count, inside_n = np.zeros(n_series), np.zeros(n_series), np.zeros(n_series)
    hits = {lv: np.zeros(n_series) for lv in levels}
    for end, steps, branch, own, scale, agg_scale in runs:
        b = combine(branch, choice, levels)
        a = _ratio_block(np.nan_to_num(b.mean) @ S.T, combine(own, a_choice, levels), levels)
        actual = np.column_stack([values[end:end + steps], agg_own[end:end + steps]])
        mean = np.column_stack([b.mean, a.mean])
        err = np.abs(actual - mean) / np.concatenate([scale, agg_scale])[None, :]
        # judged on the weeks where the model and the benchmark both forecast
        both = np.column_stack([~np.isnan(branch["model"].mean) & ~np.isnan(branch["snaive"].mean),
                                ~np.isnan(own["model"].mean) & ~np.isnan(own["snaive"].mean)])
        ok = ~np.isnan(actual) & ~np.isnan(mean) & both
        total += np.where(ok & ~np.isnan(err), err, 0).sum(axis=0)
        count += (ok & ~np.isnan(err)).sum(axis=0)
        inside_n += ok.sum(axis=0)
        for lv in levels:
            lo = np.column_stack([b.lower[lv], a.lower[lv]])
            hi = np.column_stack([b.upper[lv], a.upper[lv]])
            hits[lv] += (ok & (actual >= lo) & (actual <= hi)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = pd.DataFrame({
            "mase": np.where(count > 0, total / count, np.nan),
            "mase_model": np.concatenate([b_model, a_model]),
            "mase_snaive": np.concatenate([b_snaive, a_snaive]),
            **{f"coverage_{lv}": np.where(inside_n > 0, hits[lv] / np.maximum(inside_n, 1),
                                          np.nan) for lv in levels},
            "points": inside_n.astype(int),
        })
    forecast = Block(np.column_stack([shipped.mean, agg.mean]),
                     {lv: np.column_stack([shipped.lower[lv], agg.lower[lv]]) for lv in levels},
                     {lv: np.column_stack([shipped.upper[lv], agg.upper[lv]]) for lv in levels})
    return MetricResult(forecast, np.concatenate([choice, a_choice]), reason, scores)
