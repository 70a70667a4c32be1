"""From the customer view to the BTYD inputs (:func:`btyd_summary`) and to the CLV
columns of every customer (:func:`score_clv`)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from .bgnbd import BetaGeoModel
from .common import CLVWarning
from .gamma_gamma import GammaGammaModel

#: Columns :func:`btyd_summary` needs in the customer view.
VIEW_COLUMNS: tuple[str, ...] = ("first_date", "last_date", "frequency", "monetary_total")
#: Optional view columns preferred over ``first_date`` / ``last_date`` when present.
_PURCHASE_DATES: tuple[str, str] = ("first_purchase_date", "last_purchase_date")
#: Columns of :func:`btyd_summary`, in order.
BTYD_COLUMNS: tuple[str, ...] = ("frequency_btyd", "recency_btyd", "T_btyd", "monetary_btyd")
#: Columns of :func:`score_clv`, in order.
CLV_COLUMNS: tuple[str, ...] = ("p_alive", "expected_purchases_12m", "expected_spend", "clv_12m")

#: Fewer repeat buyers than this: BG/NBD is fitted with :data:`_FALLBACK_PENALIZER`
#: and Gamma-Gamma is replaced by observed averages (both with a :class:`CLVWarning`).
MIN_REPEAT_BUYERS = 20
_FALLBACK_PENALIZER = 0.01
#: A first purchase on ``as_of`` is treated as observed for half a day (T must be > 0).
_MIN_T_DAYS = 0.5
#: Gamma-Gamma needs positive amounts; net spend at or below zero is clipped to this.
_MIN_MONETARY = 0.01


def btyd_summary(view: pd.DataFrame, *, as_of: Any, unit_days: float = 7.0) -> pd.DataFrame:
    """The BTYD inputs per customer, from the customer view.

    Parameters
    ----------
    view : DataFrame indexed by customer, as :func:`segmentation.features.customer_view`
        gives it, with ``first_date``, ``last_date`` (datetime64), ``frequency``
        (distinct purchase days, the first included; 0 for a customer with only
        refunds) and ``monetary_total`` (net spend). When the view also has
        ``first_purchase_date`` / ``last_purchase_date`` they are used instead
        of ``first_date`` / ``last_date`` (which also count refund days), and
        ``first_date`` only serves customers without purchases.
    as_of : end of the observation (the view's ``as_of``); a time of day is dropped.
    unit_days : length of the model's time unit in days (7: weeks, as in the papers).

    Returns
    -------
    DataFrame
        Same index, float64 columns except ``frequency_btyd`` (int64):

        - ``frequency_btyd``: repeat purchase days, ``frequency - 1`` (0 when
          ``frequency`` is 0 or 1).
        - ``recency_btyd``: ``(last purchase - first purchase) / unit_days``;
          0 when there is no repeat purchase.
        - ``T_btyd``: ``(as_of - first purchase) / unit_days``, at least half a
          day (a first purchase on ``as_of`` still needs T > 0). Customers
          without purchases use ``first_date``.
        - ``monetary_btyd``: mean spend per purchase day, approximated as
          ``monetary_total / frequency`` and clipped at 0.01. The papers use the
          mean of the *repeat* purchase days only, but the view has no per-day
          amounts, so the first day is included and refunds are netted in
          (:func:`score_clv` accounts for the extra day). NaN when
          ``frequency`` is 0; not used by the models when ``frequency_btyd`` is 0.

    Raises
    ------
    ValueError
        On missing columns, a non-positive ``unit_days``, missing first dates,
        a negative frequency, or dates after ``as_of`` or in the wrong order.
    """
    missing = [c for c in VIEW_COLUMNS if c not in view.columns]
    if missing:
        raise ValueError(f"the customer view lacks the column(s) {missing}; "
                         f"btyd_summary needs {list(VIEW_COLUMNS)}")
    if not unit_days > 0:
        raise ValueError(f"unit_days must be > 0, got {unit_days!r}")
    as_of = pd.Timestamp(as_of).normalize()
    freq = pd.to_numeric(view["frequency"]).to_numpy(dtype="float64", na_value=np.nan)
    if np.any(np.isnan(freq)) or np.any(freq < 0):
        raise ValueError("frequency must be a count >= 0 for every customer")
    freq = freq.astype("int64")
    bought = freq > 0
    first_col, last_col = ("first_date", "last_date")
    if all(c in view.columns for c in _PURCHASE_DATES):
        first_col, last_col = _PURCHASE_DATES
    first = pd.to_datetime(view[first_col]).to_numpy(dtype="datetime64[ns]")
    last = pd.to_datetime(view[last_col]).to_numpy(dtype="datetime64[ns]")
    any_first = pd.to_datetime(view["first_date"]).to_numpy(dtype="datetime64[ns]")
    first = np.where(bought, first, any_first)
    if np.any(np.isnat(first)) or np.any(bought & np.isnat(last)):
        raise ValueError(f"{first_col} / {last_col} are missing for some customers")
    as_of64 = np.datetime64(as_of.to_datetime64(), "ns")
    last_ok = np.where(bought, last, first)
    if np.any(first > as_of64) or np.any(last_ok > as_of64):
        raise ValueError(f"some dates fall after as_of = {as_of.date()}; build the view with "
                         "the same as_of")
    if np.any(last_ok < first):
        raise ValueError(f"{last_col} is before {first_col} for some customers")
    unit = np.timedelta64(1, "D")
    recency = np.where(freq > 1, (last_ok - first) / unit / unit_days, 0.0)
    big_t = np.maximum((as_of64 - first) / unit, _MIN_T_DAYS) / unit_days
    total = pd.to_numeric(view["monetary_total"]).to_numpy(dtype="float64", na_value=np.nan)
    if np.any(bought & ~np.isfinite(total)):
        raise ValueError("monetary_total is missing for some customers with purchases")
    monetary = np.full(len(view), np.nan)
    np.divide(total, freq, out=monetary, where=bought)
    monetary[bought] = np.maximum(monetary[bought], _MIN_MONETARY)
    return pd.DataFrame({
        "frequency_btyd": np.maximum(freq - 1, 0),
        "recency_btyd": recency.astype("float64"),
        "T_btyd": big_t.astype("float64"),
        "monetary_btyd": monetary,
    }, index=view.index)


def _expected_spend(x: np.ndarray, m: np.ndarray, *, sample_size: int | None,
                    random_state: Any) -> tuple[np.ndarray, dict[str, float] | None]:
    """Gamma-Gamma expected spend, or observed averages (with a warning) when it cannot fit."""
    rep = x > 0
    n_rep = int(rep.sum())
    reason = None
    if n_rep < MIN_REPEAT_BUYERS:
        reason = f"only {n_rep} repeat buyers (fewer than {MIN_REPEAT_BUYERS})"
    elif np.ptp(m[rep]) == 0:
        reason = "every repeat buyer has the same mean spend"
    else:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                gg = GammaGammaModel().fit(x, m, sample_size=sample_size,
                                           random_state=random_state)
            except ValueError as err:
                gg, reason = None, f"the fit failed ({err})"
        problems = [w for w in caught if issubclass(w.category, CLVWarning | ConvergenceWarning)]
        for w in caught:
            if w not in problems:
                warnings.warn(w.message, w.category, stacklevel=3)
        if gg is not None and problems:
            reason = f"the fit is unreliable ({problems[0].message})"
        if reason is None:
            return gg.conditional_expected_average_profit(x, m), gg.params_
    warnings.warn(f"Gamma-Gamma not used: {reason}; expected_spend is each repeat buyer's own "
                  "mean spend, and the mean over repeat buyers (or over all buyers) for the "
                  "others", CLVWarning, stacklevel=3)
    observed = m[rep] if n_rep else m[np.isfinite(m)]
    fallback = float(np.mean(observed)) if len(observed) else np.nan
    return np.where(rep, m, fallback), None


def score_clv(view: pd.DataFrame, *, as_of: Any, horizon_days: float = 365,
              unit_days: float = 7.0, sample_size: int | None = 200_000,
              random_state: Any = 7) -> pd.DataFrame:
    """Fit BG/NBD and Gamma-Gamma on the customer view and score every customer.

    Parameters
    ----------
    view : customer view, see :func:`btyd_summary` for the columns used.
    as_of : end of the observation (the view's ``as_of``).
    horizon_days : the horizon of the expectations, in days. The column names
        say ``12m`` because the default (365) is the horizon the dashboard
        shows; the names stay fixed for other horizons (so pages can rely on
        them) and ``result.attrs["horizon_days"]`` records the one used.
    unit_days : the models' time unit in days (see :func:`btyd_summary`).
    sample_size, random_state : both models are fitted on a seeded sample of
        this many customers (repeat buyers for Gamma-Gamma) when there are
        more, and everyone is scored; see :meth:`BetaGeoModel.fit`.

    Returns
    -------
    DataFrame
        Same index as ``view``, float64 columns:

        - ``p_alive``: BG/NBD probability of being alive at ``as_of``. **1 for
          every customer without a repeat purchase day** (the model's blind
          spot, see :meth:`BetaGeoModel.p_alive`): never read it alone.
        - ``expected_purchases_12m``: expected purchase days in the next
          ``horizon_days``.
        - ``expected_spend``: expected spend per purchase day (Gamma-Gamma;
          the population mean for customers without repeat purchases). The
          model is fitted on the repeat buyers with ``frequency_btyd + 1`` as
          the number of amounts averaged, because ``monetary_btyd`` includes
          the first purchase day (see :func:`btyd_summary`).
        - ``clv_12m``: ``expected_purchases_12m * expected_spend``, undiscounted.

        ``attrs`` holds ``horizon_days``, ``unit_days`` and the fitted
        parameters (``bgnbd``, ``gamma_gamma``; ``None`` when not fitted).

    Warns
    -----
    CLVWarning
        With no repeat buyer at all (BG/NBD cannot be fitted: every column is
        NaN); with fewer than :data:`MIN_REPEAT_BUYERS` (BG/NBD is fitted with
        a small penalty; spend falls back to observed averages); when
        Gamma-Gamma cannot be fitted or gives no finite mean (observed averages).

    Raises
    ------
    ValueError
        On a malformed view (see :func:`btyd_summary`) or a non-positive horizon.
    """
    if not horizon_days > 0:
        raise ValueError(f"horizon_days must be > 0, got {horizon_days!r}")
    summary = btyd_summary(view, as_of=as_of, unit_days=unit_days)
    out = pd.DataFrame(np.nan, index=view.index, columns=list(CLV_COLUMNS), dtype="float64")
    out.attrs.update({"horizon_days": horizon_days, "unit_days": unit_days,
                      "bgnbd": None, "gamma_gamma": None})
    if summary.empty:
        return out
    x = summary["frequency_btyd"].to_numpy(dtype="float64")
    tx = summary["recency_btyd"].to_numpy()
    big_t = summary["T_btyd"].to_numpy()
    m = summary["monetary_btyd"].to_numpy()
    n_rep = int(np.sum(x > 0))
    if n_rep == 0:
        warnings.warn("no customer has a repeat purchase day, so BG/NBD cannot be fitted; "
                      "the CLV columns are empty (NaN)", CLVWarning, stacklevel=2)
        return out
    penalizer = 0.0
    if n_rep < MIN_REPEAT_BUYERS:
        penalizer = _FALLBACK_PENALIZER
        warnings.warn(f"only {n_rep} customers have repeat purchase days (fewer than "
                      f"{MIN_REPEAT_BUYERS}); BG/NBD is fitted with penalizer {penalizer} and "
                      "its figures are rough", CLVWarning, stacklevel=2)
    try:
        bg = BetaGeoModel(penalizer=penalizer).fit(x, tx, big_t, sample_size=sample_size,
                                                   random_state=random_state)
    except ValueError as err:
        warnings.warn(f"BG/NBD could not be fitted ({err}); the CLV columns are empty (NaN)",
                      CLVWarning, stacklevel=2)
        return out
    horizon = horizon_days / unit_days
    purchases = bg.expected_purchases(horizon, x, tx, big_t)
    # monetary_btyd averages all x + 1 purchase days (see btyd_summary), so Gamma-Gamma is
    # told it averages x + 1 amounts; with x it would overstate p (about 2x on simulated
    # data) and trust each customer's own mean too much. One-time buyers stay at 0.
    days_averaged = np.where(x > 0, x + 1, 0.0)
    spend, gg_params = _expected_spend(days_averaged, m, sample_size=sample_size,
                                       random_state=random_state)
    out["p_alive"] = bg.p_alive(x, tx, big_t)
    out["expected_purchases_12m"] = purchases
    out["expected_spend"] = spend
    out["clv_12m"] = purchases * spend
    out.attrs.update({"bgnbd": bg.params_, "gamma_gamma": gg_params})
    return out
