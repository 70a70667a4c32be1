"""The Gamma-Gamma model of spend per purchase (Fader & Hardie 2013)."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from scipy import special
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from .common import CLVWarning, as_float, check_frequency, maximise, same_length, sample_rows


def _gg_loglik(params: np.ndarray, x: np.ndarray, zbar: np.ndarray, *,
               gradient: bool = True, groups: tuple[np.ndarray, np.ndarray] | None = None
               ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per-customer Gamma-Gamma log-likelihood of the mean spend (FH 2013 eq. 3).

    ``groups``: ``np.unique(x, return_inverse=True)``; the special functions of ``x``
    alone are then evaluated once per distinct frequency and gathered (same numbers).
    """
    p, q, v = params
    ux, inv = groups if groups is not None else (x, None)

    def per_x(values: np.ndarray) -> np.ndarray:
        return values if inv is None else values[inv]

    px = p * x
    log_vxz = np.log(v + x * zbar)
    log_x = per_x(np.log(ux))
    ll = (per_x(special.gammaln(p * ux + q) - special.gammaln(p * ux)) - special.gammaln(q)
          + q * np.log(v) + (px - 1) * np.log(zbar) + px * log_x - (px + q) * log_vxz)
    if not gradient:
        return ll, None
    psi = per_x(special.digamma(p * ux + q))
    d_p = x * (psi - per_x(special.digamma(p * ux)) + np.log(zbar) + log_x - log_vxz)
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
        x = as_float(frequency, "frequency")
        try:
            m = np.atleast_1d(np.asarray(monetary_value, dtype="float64"))
        except (TypeError, ValueError) as err:
            raise ValueError("monetary_value must be numeric") from err
        same_length({"frequency": x, "monetary_value": m})
        check_frequency(x)
        rep = x > 0
        if not rep.any():
            raise ValueError("Gamma-Gamma needs customers with frequency > 0 (repeat buyers); "
                             "there are none")
        x, m = x[rep], m[rep]
        bad = ~np.isfinite(m) | (m <= 0)
        if bad.any():
            raise ValueError(f"monetary_value must be finite and > 0 for customers with "
                             f"frequency > 0; {int(bad.sum())} are not")
        rows = sample_rows(len(x), sample_size, random_state)
        if rows is not None:
            x, m = x[rows], m[rows]
        n = len(x)
        penalizer = float(self.penalizer)
        groups = np.unique(x, return_inverse=True)

        def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
            params = np.exp(log_params)
            ll, grad = _gg_loglik(params, x, m, groups=groups)
            value = -ll.sum() / n + penalizer * np.sum(params**2)
            return value, -grad / n + 2 * penalizer * params**2

        # p = 1, q = 2 and v = mean spend put the population mean p v/(q-1) at the data's mean
        start = np.log([1.0, 2.0, float(np.mean(m))])
        params = maximise(objective, start, ("p", "q", "v"), self.max_iter, "Gamma-Gamma")
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
        x = as_float(frequency, "frequency")
        m = np.atleast_1d(np.asarray(monetary_value, dtype="float64"))
        same_length({"frequency": x, "monetary_value": m})
        check_frequency(x)
        rep = x > 0
        bad = rep & (~np.isfinite(m) | (m <= 0))
        if bad.any():
            raise ValueError(f"monetary_value must be finite and > 0 for customers with "
                             f"frequency > 0; {int(bad.sum())} are not")
        px = self.p_ * x
        zbar = np.where(rep, m, 0.0)
        weight = (self.q_ - 1) / (px + self.q_ - 1)
        return weight * mean + (1 - weight) * zbar
