"""Small generated purchase histories of known shape, with their future, for judging the
churn ranking against what really happened next (no product code involved).

Each customer buys at a personal daily rate (gamma across customers) times a seasonal
factor, from their first purchase until an unobserved death (exponential lifetime with a
gamma-distributed rate across customers: the Pareto/NBD story). Three shapes:

* ``cohort``: every customer's first purchase falls in one quarter (the shape of the
  online-retail cohort data sets: the base ages together);
* ``seasonal``: customers arrive all along, purchases peak strongly every autumn;
* ``steady``: customers arrive all along, no season (a steady-state network).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

START = pd.Timestamp("2023-01-01")


def history(shape: str, *, n: int = 3000, days: int = 900, seed: int = 7) -> pd.DataFrame:
    """Transactions ``customer_id``, ``date``, ``amount`` of a generated network.

    Parameters
    ----------
    shape : "cohort", "seasonal" or "steady".
    n : customers.
    days : days simulated from :data:`START` (the future included).
    seed : seed of every draw.
    """
    rng = np.random.default_rng(seed)
    if shape == "cohort":
        first = rng.integers(0, 90, n)
        rate = rng.gamma(0.6, 1 / 0.6, n) / 40.0          # mean one purchase per 40 days
        life = rng.exponential(1.0, n) / rng.gamma(0.7, 1 / (0.7 * 200.0), n)
    elif shape in ("seasonal", "steady"):
        first = rng.integers(0, days, n)
        rate = rng.gamma(1.2, 1 / 1.2, n) / 20.0           # mean one purchase per 20 days
        life = rng.exponential(1.0, n) / rng.gamma(1.0, 1 / 300.0, n)
    else:
        raise ValueError(f"unknown shape {shape!r}")
    day = np.arange(days)
    season = np.ones(days)
    if shape == "seasonal":  # a strong autumn peak, a quiet spring
        doy = (START + pd.to_timedelta(day, unit="D")).day_of_year.to_numpy()
        season = 1.0 + 0.8 * np.cos(2 * np.pi * (doy - 300) / 365.25)
    alive = (day[None, :] >= first[:, None]) & (day[None, :] < (first + life)[:, None])
    buys = alive & (rng.random((n, days)) < np.clip(rate[:, None] * season[None, :], 0, 1))
    buys[np.arange(n), np.clip(first, 0, days - 1)] = True  # the first purchase
    who, when = np.nonzero(buys)
    return pd.DataFrame({
        "customer_id": pd.array([f"C{i:05d}" for i in who], dtype="str"),
        "date": START + pd.to_timedelta(when, unit="D"),
        "amount": np.round(rng.lognormal(3.0, 0.6, len(who)), 2),
    })


def churned_after(transactions: pd.DataFrame, *, as_of: pd.Timestamp, days: int,
                  customers: pd.Index) -> pd.Series:
    """True for the customers who made no purchase in ``(as_of, as_of + days]``."""
    tx = transactions
    window = tx[(tx["date"] > as_of) & (tx["date"] <= as_of + pd.Timedelta(days=days))]
    bought = pd.Index(window["customer_id"].unique())
    return pd.Series(~customers.isin(bought), index=customers, name="churned")
