"""The forecasting methods: a dynamic harmonic regression with the Chinese shipping events
(statsmodels), the seasonal-naive benchmark and a recent average for short histories.

All three take a block of weekly series at once, shape ``(weeks, series)``, so that
5,000 branches cost one least-squares solve rather than 5,000 model fits.

**Harmonic regression** (Hyndman & Athanasopoulos, *Forecasting: Principles and
Practice*, "dynamic harmonic regression": the recommended model for weekly data,
whose 52.18-week year is too long a season for ETS or seasonal ARIMA, statsforecast's
AutoETS included). Per series, on ``log1p`` of the weekly volume::

    log1p(y_t) = a + b t + sum_k (c_k sin(2 pi k d_t) + s_k cos(2 pi k d_t))
                 + sum_e g_e x_{e,t} + error_t

with ``d_t`` the fraction of the calendar year (statsmodels' ``CalendarFourier``,
order :attr:`ForecastConfig.fourier_order`), a linear trend and the event shares
``x_{e,t}`` of :func:`~segmentation.forecast.calendar.event_regressors` (Spring
Festival rush, eve, holiday and recovery, 618, Double 11). The fit is statsmodels'
``OLS`` with every series of the block as one column of the response (the design
is shared), so parameters, residuals and ``(X'X)^-1`` come from the library; the
per-series residual variance ``s_j^2`` and the usual prediction variance
``s_j^2 (1 + x_f' (X'X)^-1 x_f)`` give normal intervals on the log scale, which
map back to positive, right-skewed intervals on the volume. The point is the
mean, by Duan's smearing estimate ``exp(m) * mean(exp(residuals)) - 1`` (means add
up, so branch points can be summed to regions and the network; the normal-theory
``exp(m + v / 2)`` overshoots where a sparse branch's empty weeks make the log
residuals heavy-tailed).

**Seasonal naive**: the same week a year (52 weeks) earlier, with intervals from the
spread of the year-on-year differences in the training data (Hyndman's seasonal
naive, h <= 52).

**Recent average**: the mean of the last 8 weeks, for a series with less than a year
of history.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .calendar import event_regressors

#: a year of weeks: the seasonal-naive lag
SEASON = 52
#: weeks averaged by the recent-average fallback
RECENT_WEEKS = 8


@dataclass(frozen=True)
class ForecastConfig:
    """Settings of a forecast; one object, passed whole.

    ``horizon`` weeks ahead; interval ``levels``; ``fourier_order`` pairs of yearly
    sine/cosine terms; ``min_weeks`` of history for the harmonic model (fewer: seasonal
    naive, or below a year the recent average); the model is fitted on at most the
    last ``history_weeks``; the backtest has ``backtest_origins`` origins, every
    ``horizon`` weeks over the last year.
    """

    horizon: int = 13
    levels: tuple[int, ...] = (80, 95)
    fourier_order: int = 3
    min_weeks: int = 60
    history_weeks: int = 156
    backtest_origins: int = 4
    #: a forecast week at least this many times the usual week is a peak
    peak_ratio: float = 1.25


@dataclass(frozen=True)
class Block:
    """Forecasts of a block of series: ``mean`` and ``lower`` / ``upper`` per level, each
    of shape ``(horizon, series)``; NaN where the method does not apply to a series."""

    mean: np.ndarray
    lower: dict[int, np.ndarray]
    upper: dict[int, np.ndarray]

    @classmethod
    def empty(cls, horizon: int, k: int, levels: tuple[int, ...]) -> Block:
        def nan() -> np.ndarray:
            return np.full((horizon, k), np.nan)

        return cls(nan(), {lv: nan() for lv in levels}, {lv: nan() for lv in levels})

    def put(self, columns: np.ndarray, other: Block) -> None:
        """Write ``other`` (forecasts of the series ``columns``) into this block."""
        self.mean[:, columns] = other.mean
        for lv in self.lower:
            self.lower[lv][:, columns] = other.lower[lv]
            self.upper[lv][:, columns] = other.upper[lv]


def _z(level: int) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + level / 200))


def _weekly_index(weeks: pd.DatetimeIndex) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(weeks, freq="W-MON")


def design(weeks: pd.DatetimeIndex, horizon: int, config: ForecastConfig
           ) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The regressors of the training ``weeks`` (consecutive Mondays) and of the
    ``horizon`` weeks after them: constant, trend, yearly Fourier terms and the events
    seen at least once in training (an event never seen cannot be estimated)."""
    from statsmodels.tsa.deterministic import CalendarFourier, DeterministicProcess

    index = _weekly_index(weeks)
    future = pd.date_range(index[-1] + pd.Timedelta(weeks=1), periods=horizon, freq="W-MON")
    process = DeterministicProcess(index, constant=True, order=1,
                                   additional_terms=[CalendarFourier("YE", config.fourier_order)])
    train, ahead = process.in_sample(), process.out_of_sample(horizon, future)
    events_train, events_ahead = event_regressors(index), event_regressors(future)
    seen = [c for c in events_train.columns if events_train[c].to_numpy().max() > 0]
    x = np.column_stack([train.to_numpy(), events_train[seen].to_numpy()])
    xf = np.column_stack([ahead.to_numpy(), events_ahead[seen].to_numpy()])
    return x, xf, [*train.columns, *seen]


def _n_deterministic(config: ForecastConfig) -> int:
    """Columns of :func:`design` before the events: constant, trend, Fourier pairs."""
    return 2 + 2 * config.fourier_order


def harmonic(values: np.ndarray, weeks: pd.DatetimeIndex, horizon: int,
             config: ForecastConfig, *, regressors: tuple[np.ndarray, np.ndarray] | None = None
             ) -> Block:
    """The harmonic regression of every column of ``values`` (``(weeks, series)``,
    volumes >= 0, the same training weeks for all) ``horizon`` weeks ahead.

    ``regressors``: the training and future rows of :func:`design` when the caller has
    them (the last ``len(weeks)`` training rows are used; events absent from those
    rows are left out), so that groups of series starting in different weeks share
    one design.
    """
    import statsmodels.api as sm

    if regressors is None:
        x, xf, _ = design(weeks, horizon, config)
    else:
        x, xf = regressors[0][-len(weeks):], regressors[1]
        keep = np.ones(x.shape[1], dtype=bool)
        keep[_n_deterministic(config):] = x[:, _n_deterministic(config):].max(axis=0) > 0
        x, xf = x[:, keep], xf[:, keep]
    z = np.log1p(np.clip(values, 0, None))
    fit = sm.OLS(z, x).fit()
    params = fit.params.reshape(x.shape[1], -1)
    resid = z - x @ params
    df = max(fit.df_resid, 1.0)
    s2 = (resid**2).sum(axis=0) / df                               # (series,)
    leverage = np.einsum("hp,pq,hq->h", xf, fit.normalized_cov_params, xf)
    var = s2[None, :] * (1.0 + leverage[:, None])                  # (horizon, series)
    centre = xf @ params
    sd = np.sqrt(var)
    # Duan's smearing estimate of the mean: robust where log residuals are not normal
    # (a sparse branch's empty weeks), unlike exp(m + v / 2)
    smear = np.exp(resid).mean(axis=0)
    mean = np.clip(np.exp(centre) * smear[None, :] - 1.0, 0, None)
    lower, upper = {}, {}
    for lv in config.levels:
        z_lv = _z(lv)
        lower[lv] = np.clip(np.expm1(centre - z_lv * sd), 0, None)
        upper[lv] = np.expm1(centre + z_lv * sd)
    return Block(mean, lower, upper)


def seasonal_naive(values: np.ndarray, horizon: int, levels: tuple[int, ...]) -> Block:
    """The week a year earlier, for columns with more than :data:`SEASON` weeks
    (``horizon <= SEASON``); intervals from the year-on-year differences."""
    if horizon > SEASON:
        raise ValueError(f"seasonal naive needs horizon <= {SEASON}")
    n = values.shape[0]
    start = n - SEASON
    mean = values[start:start + horizon].astype(float)
    diffs = values[SEASON:] - values[:-SEASON]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a column with no full year
        sd = np.sqrt(np.nanmean(diffs**2, axis=0)) if len(diffs) else np.full(
            values.shape[1], np.nan)
    lower, upper = {}, {}
    for lv in levels:
        half = _z(lv) * sd[None, :]
        lower[lv] = np.clip(mean - half, 0, None)
        upper[lv] = mean + half
    return Block(mean, lower, upper)


def recent_average(values: np.ndarray, horizon: int, levels: tuple[int, ...]) -> Block:
    """The mean of the last :data:`RECENT_WEEKS` weeks (NaN: not a week of the series
    yet), with the spread of those weeks."""
    recent = values[-RECENT_WEEKS:].astype(float)
    m = np.sum(~np.isnan(recent), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.nanmean(np.where(m > 0, recent, 0.0), axis=0)
        centre = np.where(m > 0, centre, np.nan)
        spread = np.nanstd(np.where(m > 0, recent, 0.0), axis=0, ddof=0)
        sd = np.where(m > 1, spread * np.sqrt(m / np.maximum(m - 1, 1)) * np.sqrt(1 + 1 / m),
                      np.where(m == 1, centre, np.nan))
    mean = np.repeat(centre[None, :], horizon, axis=0)
    lower, upper = {}, {}
    for lv in levels:
        half = np.repeat((_z(lv) * sd)[None, :], horizon, axis=0)
        lower[lv] = np.clip(mean - half, 0, None)
        upper[lv] = mean + half
    return Block(mean, lower, upper)


def mase_scale(values: np.ndarray) -> np.ndarray:
    """The MASE denominator per column of ``values`` (NaN before a series starts): the
    in-sample mean absolute error of the seasonal-naive forecast (lag :data:`SEASON`),
    or of the naive one (lag 1) for a series with a year of history or less. NaN where
    it is 0 (a constant series has no scale)."""
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: no scale
        n_weeks = np.sum(~np.isnan(values), axis=0)
        yearly = (np.nanmean(np.abs(values[SEASON:] - values[:-SEASON]), axis=0)
                  if values.shape[0] > SEASON else np.full(values.shape[1], np.nan))
        weekly = (np.nanmean(np.abs(np.diff(values, axis=0)), axis=0)
                  if values.shape[0] > 1 else np.full(values.shape[1], np.nan))
    scale = np.where(n_weeks > SEASON, yearly, weekly)
    return np.where(scale > 0, scale, np.nan)
