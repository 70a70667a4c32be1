"""Customer lifetime value: BG/NBD for purchase counts, Gamma-Gamma for spend.

A compact scipy implementation of two published models, tested against the
papers' own figures on the CDNOW sample (as ``lifetimes`` tests its fitters):

* :class:`BetaGeoModel`: the BG/NBD model of Fader, Hardie & Lee (2005),
  "Counting your customers the easy way: an alternative to the Pareto/NBD
  model", *Marketing Science* 24(2). While alive, a customer buys at a Poisson
  rate ``lambda ~ Gamma(r, alpha)``; after each *repeat* purchase they drop out
  for good with probability ``p ~ Beta(a, b)``.
* :class:`GammaGammaModel`: Fader & Hardie (2013), "The Gamma-Gamma model of
  monetary value" (note): a customer's purchase amounts are Gamma(p, nu) with
  ``nu ~ Gamma(q, gamma)``, independent of the purchase process.
* :func:`clv`: expected purchases over a horizon x expected spend per purchase,
  optionally discounted step by step (as ``lifetimes.customer_lifetime_value``).
* :func:`btyd_summary` / :func:`score_clv`: from the customer view of
  :func:`segmentation.features.customer_view` to ``p_alive``,
  ``expected_purchases_12m``, ``expected_spend`` and ``clv_12m`` per customer.

Why not a library: ``lifetimes`` is archived and breaks on current pandas and
setuptools; ``pymc-marketing`` is maintained but brings all of PyMC for what
is, here, two maximum-likelihood fits of a handful of parameters.

Time unit: the models work in whatever unit ``recency`` and ``T`` are given in
(weeks for CDNOW, ``unit_days`` in :func:`btyd_summary`); ``alpha`` and the
horizon ``t`` are in the same unit.

The blind spot: in BG/NBD a customer can only drop out right after a repeat
purchase, so a customer with no repeat purchase (``frequency == 0``) always has
``P(alive) = 1``, however long ago they bought. Never show ``p_alive`` alone as
"safe"; read it with ``expected_purchases`` (which is low for such customers)
and with ``frequency``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "BTYD_COLUMNS",
    "CLV_COLUMNS",
    "MIN_REPEAT_BUYERS",
    "VIEW_COLUMNS",
    "BetaGeoModel",
    "CLVWarning",
    "GammaGammaModel",
    "btyd_summary",
    "clv",
    "score_clv",
]

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
#: Optimiser bounds on the log of every parameter (about 2e-9 .. 5e8).
_LOG_BOUNDS = (-20.0, 20.0)


class CLVWarning(UserWarning):
    """Degenerate data or an unreliable fit in the CLV models."""


# ---------------------------------------------------------------------------
# validation helpers


def _as_float(values: Any, name: str) -> np.ndarray:
    """A 1-d float64 array copy-free where possible; ValueError if not numeric or not finite."""
    try:
        arr = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric") from err
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has {int(np.sum(~np.isfinite(arr)))} missing or infinite "
                         "values")
    return arr


def _same_length(arrays: dict[str, np.ndarray]) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"inputs differ in length: {lengths}")


def _check_frequency(x: np.ndarray) -> None:
    if np.any(x < 0):
        raise ValueError(f"frequency must be >= 0 (repeat purchases); {int(np.sum(x < 0))} "
                         "values are negative")
    if np.any(x != np.floor(x)):
        raise ValueError("frequency must be whole numbers (count of repeat purchases)")


def _btyd_arrays(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, ...]:
    """Validated ``(x, t_x, T)``: x whole and >= 0, 0 <= t_x <= T, T > 0."""
    x = _as_float(frequency, "frequency")
    tx = _as_float(recency, "recency")
    big_t = _as_float(T, "T")
    _same_length({"frequency": x, "recency": tx, "T": big_t})
    _check_frequency(x)
    if np.any(big_t <= 0):
        raise ValueError(f"T must be > 0 (time since the first purchase); "
                         f"{int(np.sum(big_t <= 0))} values are not")
    if np.any(tx < 0):
        raise ValueError(f"recency must be >= 0; {int(np.sum(tx < 0))} values are negative")
    if np.any(tx > big_t):
        raise ValueError(f"recency must be <= T (the last purchase cannot come after the end "
                         f"of the observation); {int(np.sum(tx > big_t))} values exceed T")
    return x, tx, big_t


def _sample(n: int, sample_size: int | None, random_state: Any) -> np.ndarray | None:
    """Sorted row positions of a seeded random sample, or ``None`` for all rows."""
    if sample_size is None or sample_size >= n:
        return None
    if sample_size < 1:
        raise ValueError(f"sample_size must be a positive number of customers, got "
                         f"{sample_size!r}")
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, size=int(sample_size), replace=False))


def _maximise(objective, start: np.ndarray, names: Sequence[str], max_iter: int,
              model: str) -> np.ndarray:
    """Minimise ``objective`` (value, gradient) over log-parameters with L-BFGS-B."""
    res = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                            bounds=[_LOG_BOUNDS] * len(start),
                            options={"maxiter": max_iter})
    if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
        raise ValueError(f"{model}: the likelihood could not be evaluated ({res.message})")
    if not res.success:
        warnings.warn(f"{model}: the optimiser did not converge ({res.message}); "
                      "the parameters may be inaccurate", ConvergenceWarning, stacklevel=3)
    at_bound = [n for n, v in zip(names, res.x, strict=True)
                if min(abs(v - _LOG_BOUNDS[0]), abs(v - _LOG_BOUNDS[1])) < 1e-3]
    if at_bound:
        warnings.warn(f"{model}: {', '.join(at_bound)} ran to the edge of the search range; "
                      "the data do not identify the model well (too few customers or no "
                      "heterogeneity); consider a penalizer", CLVWarning, stacklevel=3)
    return np.exp(res.x)


# ---------------------------------------------------------------------------
# BG/NBD


def _bgnbd_loglik(params: np.ndarray, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray,
                  *, gradient: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-customer BG/NBD log-likelihood (FHL 2005 eq. 6) and its gradient.

    ``gradient``: total gradient with respect to ``(log r, log alpha, log a, log b)``.
    """
    r, alpha, a, b = params
    rep = x > 0
    xr = x[rep]
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.betaln(a, b + x) - special.betaln(a, b)
    a3 = -(r + x) * np.log(alpha + big_t)
    # second term only for repeat buyers (they may have dropped out after t_x)
    a4 = np.full_like(x, -np.inf)
    a4[rep] = np.log(a) - np.log(b + xr - 1) - (r + xr) * np.log(alpha + tx[rep])
    mix = np.logaddexp(a3, a4)
    ll = a1 + a2 + mix
    if not gradient:
        return ll, None
    w = np.exp(a4 - mix)  # posterior weight of "dropped out after t_x"
    w_alive = 1.0 - w
    d_r = (special.digamma(r + x) - special.digamma(r) + np.log(alpha)
           - w_alive * np.log(alpha + big_t))
    d_alpha = r / alpha - w_alive * (r + x) / (alpha + big_t)
    d_r[rep] -= w[rep] * np.log(alpha + tx[rep])
    d_alpha[rep] -= w[rep] * (r + xr) / (alpha + tx[rep])
    psi_ab = special.digamma(a + b)
    psi_abx = special.digamma(a + b + x)
    d_a = psi_ab - psi_abx + w / a
    d_b = psi_ab + special.digamma(b + x) - special.digamma(b) - psi_abx
    d_b[rep] -= w[rep] / (b + xr - 1)
    grad = np.array([d_r.sum(), d_alpha.sum(), d_a.sum(), d_b.sum()]) * params
    return ll, grad


class BetaGeoModel(BaseEstimator):
    """BG/NBD model (Fader, Hardie & Lee 2005) of repeat purchases and dropout.

    Parameters
    ----------
    penalizer : L2 penalty on the parameters, added to the mean negative
        log-likelihood as ``penalizer * (r^2 + alpha^2 + a^2 + b^2)`` (the
        ``lifetimes`` convention). 0 gives the maximum-likelihood estimate; a
        small value (0.001 .. 0.1) keeps the fit stable on small or degenerate data.
    max_iter : iteration limit of the L-BFGS-B optimiser.

    Attributes
    ----------
    r_, alpha_ : shape and rate of the Gamma distribution of purchase rates
        (``alpha_`` is in the time unit of ``recency`` and ``T``).
    a_, b_ : parameters of the Beta distribution of dropout probabilities.
    log_likelihood_ : total log-likelihood on the fitting data (the sample, if
        one was drawn), without the penalty.
    n_fit_ : number of customers the model was fitted on.

    Notes
    -----
    Inputs per customer, in one time unit (weeks in the paper):

    - ``frequency`` (x): number of *repeat* purchases (purchase days after the first).
    - ``recency`` (t_x): time from the first to the last purchase (0 when x = 0).
    - ``T``: time from the first purchase to the end of the observation.

    The fitted object keeps only the parameters, never the data.
    """

    def __init__(self, penalizer: float = 0.0, max_iter: int = 1000):
        self.penalizer = penalizer
        self.max_iter = max_iter

    def fit(self, frequency: Any, recency: Any, T: Any, *,
            sample_size: int | None = 200_000, random_state: Any = 7) -> BetaGeoModel:
        """Maximum-likelihood fit (optionally penalised) with scipy's L-BFGS-B.

        Parameters
        ----------
        frequency, recency, T : array-likes (arrays, Series, lists) of equal
            length; see the class Notes.
        sample_size : fit on a seeded random sample of this many customers
            when there are more; ``None`` uses everyone. The four parameters
            describe the population, not individuals, so a sample of a few
            hundred thousand estimates them as well as millions would (the
            standard error shrinks as 1/sqrt(n)); every customer is still
            scored with the fitted model.
        random_state : seed (or ``numpy.random.Generator``) for the sample.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            On missing or infinite values, negative or fractional frequency,
            ``T <= 0``, ``recency < 0`` or ``recency > T``, unequal lengths,
            no customers, or a likelihood that cannot be evaluated.
        """
        if self.penalizer < 0:
            raise ValueError(f"penalizer must be >= 0, got {self.penalizer!r}")
        x, tx, big_t = _btyd_arrays(frequency, recency, T)
        if len(x) == 0:
            raise ValueError("BG/NBD needs at least one customer")
        rows = _sample(len(x), sample_size, random_state)
        if rows is not None:
            x, tx, big_t = x[rows], tx[rows], big_t[rows]
        n = len(x)
        penalizer = float(self.penalizer)

        def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
            params = np.exp(log_params)
            ll, grad = _bgnbd_loglik(params, x, tx, big_t)
            value = -ll.sum() / n + penalizer * np.sum(params**2)
            return value, -grad / n + 2 * penalizer * params**2

        # r = a = b = 1; alpha on the scale of the data: mean time between purchases
        alpha0 = np.clip(big_t.sum() / max(x.sum(), 1.0), 1e-3, 1e6)
        start = np.log([1.0, alpha0, 1.0, 1.0])
        params = _maximise(objective, start, ("r", "alpha", "a", "b"), self.max_iter, "BG/NBD")
        self.r_, self.alpha_, self.a_, self.b_ = (float(v) for v in params)
        self.log_likelihood_ = float(_bgnbd_loglik(params, x, tx, big_t, gradient=False)[0].sum())
        self.n_fit_ = n
        return self

    @property
    def params_(self) -> dict[str, float]:
        """The fitted parameters ``{"r", "alpha", "a", "b"}``."""
        check_is_fitted(self, "r_")
        return {"r": self.r_, "alpha": self.alpha_, "a": self.a_, "b": self.b_}

    def _dropout_log_odds(self, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        """log of ``a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x)`` for x > 0, -inf for x = 0."""
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        out = np.full(np.broadcast(x, tx, big_t).shape, -np.inf)
        x, tx, big_t = np.broadcast_arrays(x, tx, big_t)
        rep = x > 0
        xr = x[rep]
        out[rep] = (np.log(a) - np.log(b + xr - 1)
                    + (r + xr) * (np.log(alpha + big_t[rep]) - np.log(alpha + tx[rep])))
        return out

    def p_alive(self, frequency: Any, recency: Any, T: Any) -> np.ndarray:
        """Probability that each customer is still alive at ``T`` (FHL 2005 eq. 11).

        ``P(alive) = 1 / (1 + [x > 0] * a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x))``,
        computed as a logistic of the log-odds so that it never overflows.

        **Blind spot**: a customer with no repeat purchase (``frequency == 0``)
        gets exactly 1, however long ago the first purchase was, because BG/NBD
        lets customers drop out only right after a repeat purchase. ``p_alive``
        alone must therefore never be read (or shown) as "safe": one-time buyers
        of long ago look perfectly alive. Read it together with
        :meth:`expected_purchases` and the frequency.

        Parameters
        ----------
        frequency, recency, T : array-likes as in :meth:`fit`.

        Returns
        -------
        ndarray of float64 in (0, 1], one per customer.
        """
        check_is_fitted(self, "r_")
        x, tx, big_t = _btyd_arrays(frequency, recency, T)
        return special.expit(-self._dropout_log_odds(x, tx, big_t))

    def p_no_purchase(self, t: float | Any, frequency: Any, recency: Any,
                      T: Any) -> np.ndarray:
        """Probability of no purchase in the next ``t``: the BTYD churn probability.

        ``P(X(T, T+t) = 0) = 1 - P(alive) + P(alive) * ((alpha+T)/(alpha+T+t))^(r+x)``:
        a customer who is gone makes no purchase; one still alive makes none
        when their Poisson clock does not tick in ``t``, with the rate's
        posterior ``Gamma(r + x, alpha + T)`` (Fader, Hardie & Lee 2005; while
        alive, dropping out needs a purchase first, so the alive branch is
        exactly "no event").

        The ``P(alive)`` caveat: customers without a repeat purchase get
        ``P(alive) = 1`` however long ago they bought, so for them only the
        rate term speaks: ``(alpha+T)/(alpha+T+t)`` rises towards 1 as ``T``
        grows, which still ranks a one-time buyer of long ago as likely to stay
        silent, but less sharply than a dead repeat buyer. The churn pipeline
        therefore judges this score on its backtest like every other candidate.

        Returns
        -------
        ndarray of float64 in [0, 1], one per customer.
        """
        check_is_fitted(self, "r_")
        x, tx, big_t = _btyd_arrays(frequency, recency, T)
        t = np.asarray(t, dtype="float64")
        if np.any(~np.isfinite(t)) or np.any(t < 0):
            raise ValueError("t must be finite and >= 0")
        alive = special.expit(-self._dropout_log_odds(x, tx, big_t))
        quiet = np.exp((self.r_ + x) * (np.log(self.alpha_ + big_t)
                                        - np.log(self.alpha_ + big_t + t)))
        return np.clip(1.0 - alive + alive * quiet, 0.0, 1.0)

    def expected_purchases(self, t: float | Any, frequency: Any, recency: Any,
                           T: Any) -> np.ndarray:
        """Conditional expected number of purchases in the next ``t`` (FHL 2005 eq. 10).

        ``E[Y(t) | x, t_x, T] = (a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x)
        * 2F1(r+x, b+x; a+b+x-1; z)] * P(alive)``, with ``z = t/(alpha+T+t)``.

        For numerical safety the hypergeometric term is evaluated after Euler's
        transformation, ``(1-z)^(r+x) 2F1(r+x, b+x; c; z) = (1-z)^(a-1)
        2F1(a+b-1-r, a-1; c; z)`` with ``c = a+b+x-1``: its first two
        parameters no longer grow with x, so large frequencies neither overflow
        nor lose precision; ``P(alive)`` is a logistic of the log-odds.

        Parameters
        ----------
        t : horizon length in the time unit of ``T`` (scalar, or an array
            broadcasting with the customers).
        frequency, recency, T : array-likes as in :meth:`fit`.

        Returns
        -------
        ndarray of float64 >= 0, one per customer.
        """
        check_is_fitted(self, "r_")
        x, tx, big_t = _btyd_arrays(frequency, recency, T)
        t = np.asarray(t, dtype="float64")
        if np.any(~np.isfinite(t)) or np.any(t < 0):
            raise ValueError("t must be finite and >= 0")
        return self._alive_purchases(t, x, big_t) * special.expit(
            -self._dropout_log_odds(x, tx, big_t))

    def _alive_purchases(self, t: np.ndarray, x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        """Expected purchases in the next ``t`` for a customer known to be alive at T."""
        r, alpha, a, b = self.r_, self.alpha_, self.a_, self.b_
        if abs(a - 1) < 1e-6:
            # 0/0 at a = 1 exactly; the function is smooth there, so step next to it
            a = 1 + 1e-6
        z = t / (alpha + big_t + t)
        c = a + b + x - 1
        tail = (1 - z) ** (a - 1) * special.hyp2f1(a + b - 1 - r, a - 1, c, z)
        # rounding can leave -1e-17 at t = 0
        return np.maximum(c / (a - 1) * (1 - tail), 0.0)

    def expected_purchases_new(self, t: float | Any) -> np.ndarray:
        """Expected purchases in ``(0, t]`` of a new customer (FHL 2005 eq. 9).

        ``E[X(t)] = (a+b-1)/(a-1) * [1 - (alpha/(alpha+t))^r 2F1(r, b; a+b-1; t/(alpha+t))]``,
        i.e. eq. 10 with ``x = t_x = T = 0``: the repeat purchases after the
        first one, counted from the first purchase.

        Parameters
        ----------
        t : time since the first purchase, in the model's time unit (scalar or array).

        Returns
        -------
        ndarray of float64 >= 0, shaped like ``t``.
        """
        check_is_fitted(self, "r_")
        t = np.asarray(t, dtype="float64")
        if np.any(~np.isfinite(t)) or np.any(t < 0):
            raise ValueError("t must be finite and >= 0")
        return self._alive_purchases(t, np.zeros_like(t), np.zeros_like(t))


# ---------------------------------------------------------------------------
# Gamma-Gamma


def _gg_loglik(params: np.ndarray, x: np.ndarray, zbar: np.ndarray, *,
               gradient: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-customer Gamma-Gamma log-likelihood of the mean spend (FH 2013 eq. 3)."""
    p, q, v = params
    px = p * x
    log_vxz = np.log(v + x * zbar)
    ll = (special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q)
          + q * np.log(v) + (px - 1) * np.log(zbar) + px * np.log(x) - (px + q) * log_vxz)
    if not gradient:
        return ll, None
    psi = special.digamma(px + q)
    d_p = x * (psi - special.digamma(px) + np.log(zbar) + np.log(x) - log_vxz)
    d_q = psi - special.digamma(q) + np.log(v) - log_vxz
    d_v = q / v - (px + q) / (v + x * zbar)
    return ll, np.array([d_p.sum(), d_q.sum(), d_v.sum()]) * params


class GammaGammaModel(BaseEstimator):
    """Gamma-Gamma model of spend per purchase (Fader & Hardie 2013).

    Each purchase amount is Gamma(p, nu); ``nu`` varies across customers as
    Gamma(q, v) (``v`` is the paper's gamma). Assumes spend is independent of
    purchase frequency (check the correlation of frequency and mean spend
    among repeat buyers before trusting it).

    Parameters
    ----------
    penalizer : L2 penalty ``penalizer * (p^2 + q^2 + v^2)`` on the mean
        negative log-likelihood, as in :class:`BetaGeoModel`.
    max_iter : iteration limit of the L-BFGS-B optimiser.

    Attributes
    ----------
    p_, q_, v_ : fitted parameters (``v_`` is the paper's gamma, in money units).
    log_likelihood_ : total log-likelihood of the fitting data (unpenalised).
    n_fit_ : number of repeat buyers the model was fitted on.
    """

    def __init__(self, penalizer: float = 0.0, max_iter: int = 1000):
        self.penalizer = penalizer
        self.max_iter = max_iter

    def fit(self, frequency: Any, monetary_value: Any, *,
            sample_size: int | None = 200_000, random_state: Any = 7) -> GammaGammaModel:
        """Maximum-likelihood fit on the customers with ``frequency > 0``.

        Parameters
        ----------
        frequency : repeat purchases per customer (whole numbers >= 0).
            Customers with 0 are **ignored**: they have no repeat purchase to
            average, so their ``monetary_value`` is not read (it may be NaN or 0).
        monetary_value : mean spend of the repeat purchases; must be > 0
            wherever ``frequency > 0``.
        sample_size, random_state : seeded sample of the repeat buyers, as in
            :meth:`BetaGeoModel.fit`.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            On unequal lengths, bad frequencies, no customer with
            ``frequency > 0``, or a non-positive / missing spend for one.
        """
        if self.penalizer < 0:
            raise ValueError(f"penalizer must be >= 0, got {self.penalizer!r}")
        x = _as_float(frequency, "frequency")
        try:
            m = np.atleast_1d(np.asarray(monetary_value, dtype="float64"))
        except (TypeError, ValueError) as err:
            raise ValueError("monetary_value must be numeric") from err
        _same_length({"frequency": x, "monetary_value": m})
        _check_frequency(x)
        rep = x > 0
        if not rep.any():
            raise ValueError("Gamma-Gamma needs customers with frequency > 0 (repeat buyers); "
                             "there are none")
        x, m = x[rep], m[rep]
        bad = ~np.isfinite(m) | (m <= 0)
        if bad.any():
            raise ValueError(f"monetary_value must be finite and > 0 for customers with "
                             f"frequency > 0; {int(bad.sum())} are not")
        rows = _sample(len(x), sample_size, random_state)
        if rows is not None:
            x, m = x[rows], m[rows]
        n = len(x)
        penalizer = float(self.penalizer)

        def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
            params = np.exp(log_params)
            ll, grad = _gg_loglik(params, x, m)
            value = -ll.sum() / n + penalizer * np.sum(params**2)
            return value, -grad / n + 2 * penalizer * params**2

        # p = 1, q = 2 and v = mean spend put the population mean p v/(q-1) at the data's mean
        start = np.log([1.0, 2.0, float(np.mean(m))])
        params = _maximise(objective, start, ("p", "q", "v"), self.max_iter, "Gamma-Gamma")
        self.p_, self.q_, self.v_ = (float(v) for v in params)
        self.log_likelihood_ = float(_gg_loglik(params, x, m, gradient=False)[0].sum())
        self.n_fit_ = n
        if self.q_ <= 1:
            warnings.warn(f"Gamma-Gamma: q = {self.q_:.3g} <= 1, so the population mean spend "
                          "p*v/(q-1) does not exist; expected spend cannot be computed",
                          CLVWarning, stacklevel=2)
        return self

    @property
    def params_(self) -> dict[str, float]:
        """The fitted parameters ``{"p", "q", "v"}``."""
        check_is_fitted(self, "p_")
        return {"p": self.p_, "q": self.q_, "v": self.v_}

    @property
    def population_mean_(self) -> float:
        """Mean spend per purchase in the population, ``p v / (q - 1)`` (needs q > 1)."""
        check_is_fitted(self, "p_")
        if self.q_ <= 1:
            raise ValueError(f"the fitted q = {self.q_:.3g} <= 1: the population mean spend "
                             "is infinite")
        return self.p_ * self.v_ / (self.q_ - 1)

    def conditional_expected_average_profit(self, frequency: Any,
                                            monetary_value: Any) -> np.ndarray:
        """Expected spend per purchase given a customer's history (FH 2013 eq. 5).

        ``E[Z | x, zbar] = (q-1)/(p x + q-1) * p v/(q-1) + p x/(p x + q-1) * zbar``:
        a weighted mean of the population mean and the customer's own mean
        spend, the customer's weight growing with x. For ``frequency == 0`` it
        is the population mean ``p v / (q - 1)`` and ``monetary_value`` is not
        read (may be NaN).

        Returns
        -------
        ndarray of float64, one per customer.

        Raises
        ------
        ValueError
            When the fitted ``q <= 1`` (no finite population mean), on bad
            frequencies, or on missing / non-positive spend where ``frequency > 0``.
        """
        mean = self.population_mean_
        x = _as_float(frequency, "frequency")
        m = np.atleast_1d(np.asarray(monetary_value, dtype="float64"))
        _same_length({"frequency": x, "monetary_value": m})
        _check_frequency(x)
        rep = x > 0
        bad = rep & (~np.isfinite(m) | (m <= 0))
        if bad.any():
            raise ValueError(f"monetary_value must be finite and > 0 for customers with "
                             f"frequency > 0; {int(bad.sum())} are not")
        px = self.p_ * x
        zbar = np.where(rep, m, 0.0)
        weight = (self.q_ - 1) / (px + self.q_ - 1)
        return weight * mean + (1 - weight) * zbar


# ---------------------------------------------------------------------------
# CLV


def _horizon_purchases(bgnbd: BetaGeoModel, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray,
                       *, horizon: float, discount_rate: float,
                       periods_per_step: float | None) -> np.ndarray:
    """Expected purchases in ``(T, T + horizon]``, discounted per step when asked."""
    if not np.isfinite(horizon) or horizon < 0:
        raise ValueError(f"horizon must be finite and >= 0, got {horizon!r}")
    if discount_rate < 0:
        raise ValueError(f"discount_rate must be >= 0, got {discount_rate!r}")
    if discount_rate == 0:
        return bgnbd.expected_purchases(horizon, x, tx, big_t)
    if periods_per_step is None or not periods_per_step > 0:
        raise ValueError("discounting needs periods_per_step > 0: the length of one "
                         "discounting step in the model's time unit (4.345 weeks for a month)")
    n_full = int(np.floor(horizon / periods_per_step + 1e-9))
    ends = [k * periods_per_step for k in range(1, n_full + 1)]
    if not ends or ends[-1] < horizon - 1e-9:
        ends.append(horizon)
    total = np.zeros(len(x))
    before = np.zeros(len(x))
    for end in ends:
        upto = bgnbd.expected_purchases(end, x, tx, big_t)
        total += (upto - before) / (1 + discount_rate) ** (end / periods_per_step)
        before = upto
    return total


def clv(bgnbd: BetaGeoModel, gg: GammaGammaModel, frequency: Any, recency: Any, T: Any,
        monetary_value: Any, *, horizon: float, discount_rate: float = 0.0,
        periods_per_step: float | None = None) -> np.ndarray:
    """Expected customer value over the next ``horizon``.

    ``clv = E[purchases in (T, T + horizon]] * E[spend per purchase]`` from a
    fitted :class:`BetaGeoModel` and :class:`GammaGammaModel` (the two are
    assumed independent, as in Fader & Hardie's note).

    With ``discount_rate > 0`` the horizon is cut into steps of
    ``periods_per_step`` (the last one possibly shorter) and the purchases
    expected in step k, ending at ``t_k``, are discounted by
    ``(1 + discount_rate) ** (t_k / periods_per_step)``, as
    ``lifetimes.customer_lifetime_value`` does with monthly steps
    (``periods_per_step = 4.345`` weeks, ``discount_rate`` per month).

    Parameters
    ----------
    bgnbd, gg : fitted models.
    frequency, recency, T : BTYD inputs in the time unit of ``bgnbd``.
    monetary_value : mean spend of the repeat purchases (ignored where frequency is 0).
    horizon : length of the horizon in the model's time unit (52 for a year in weeks).
    discount_rate : discount rate per step; 0 (the default) means no discounting.
    periods_per_step : length of one discounting step in the model's time unit;
        required when ``discount_rate > 0``.

    Returns
    -------
    ndarray of float64, one value per customer (money units of ``monetary_value``).

    Raises
    ------
    ValueError
        On bad inputs (see :meth:`BetaGeoModel.fit`), a negative horizon or rate,
        discounting without ``periods_per_step``, or a Gamma-Gamma fit with ``q <= 1``.
    """
    x, tx, big_t = _btyd_arrays(frequency, recency, T)
    spend = gg.conditional_expected_average_profit(x, monetary_value)
    purchases = _horizon_purchases(bgnbd, x, tx, big_t, horizon=horizon,
                                   discount_rate=discount_rate,
                                   periods_per_step=periods_per_step)
    return purchases * spend


# ---------------------------------------------------------------------------
# from the customer view


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
