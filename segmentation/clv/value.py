"""Customer value over a horizon from the two fitted models, optionally discounted."""

from __future__ import annotations

from typing import Any

import numpy as np

from .bgnbd import BetaGeoModel
from .common import btyd_arrays
from .gamma_gamma import GammaGammaModel


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
    x, tx, big_t = btyd_arrays(frequency, recency, T)
    spend = gg.conditional_expected_average_profit(x, monetary_value)
    purchases = _horizon_purchases(bgnbd, x, tx, big_t, horizon=horizon,
                                   discount_rate=discount_rate,
                                   periods_per_step=periods_per_step)
    return purchases * spend
