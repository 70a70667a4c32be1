"""Simulated weekly panels with a planted campaign effect (for the campaign tests).

Vectorised numpy: one panel of a few thousand customers takes milliseconds, so a
hundred simulations run in seconds.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from segmentation.campaigns import Campaign, CampaignPanel

START = dt.date(2025, 3, 3)
PRE, POST = 26, 13
TIERS = ("gold", "silver", "bronze")
BRANCHES = ("A", "B", "C", "D")


def simulate(seed: int, *, n: int = 3000, effect: float = 0.0, share: float = 0.2,
             holdout: float = 0.0, targeting: str = "random", trend_sd: float = 0.0,
             drift: float = 0.0) -> tuple[CampaignPanel, float]:
    """A panel and the planted effect on shipments per contacted customer.

    ``effect`` extra shipments per week for every contacted customer after the start;
    ``targeting="growing"`` targets the customers whose rate was already rising
    (``trend_sd`` the spread of those weekly relative trends); ``drift`` extra weekly
    shipments of every chosen customer from four weeks before the start on, for a reason
    the data do not show (what the parallel-trend check is for).
    """
    rng = np.random.default_rng(seed)
    weeks = np.arange(-PRE, POST)
    tier = rng.integers(0, len(TIERS), n)
    branch = rng.integers(0, len(BRANCHES), n)
    level = rng.gamma(3.0, 1.0 / 3.0, n) * np.array([3.0, 1.5, 0.7])[tier]
    trend = rng.normal(0.0, trend_sd, n) if trend_sd else np.zeros(n)
    season = 1.0 + 0.25 * np.sin(2 * np.pi * (weeks + seed % 13) / 52)
    rate = level[:, None] * season[None, :] * np.clip(1.0 + trend[:, None] * weeks, 0.05, None)
    shipments = rng.poisson(rate).astype(float)
    if targeting == "growing":
        # the list is pulled four weeks before the start: the customers whose shipments
        # grew most from the first to the second half of the half-year before
        early, late = shipments[:, :11].mean(axis=1), shipments[:, 11:22].mean(axis=1)
        score = (late - early) / np.sqrt(early + late + 0.5)
        z = (score - score.mean()) / score.std()
        # growing customers are far more likely to be picked, but not only they are
        chosen = rng.random(n) < 1.0 / (1.0 + np.exp(-(2.0 * z - 2.2)))
    else:
        chosen = rng.random(n) < share
    held = chosen & (rng.random(n) < holdout)
    contacted = chosen & ~held
    post = contacted[:, None] & (weeks >= 0)[None, :]
    shipments = shipments + rng.poisson(effect * post)
    shipments = shipments + rng.poisson(drift * (chosen[:, None] & (weeks >= -4)[None, :]))
    amount = rng.gamma(4.0, 15.0, n)
    revenue = shipments * amount[:, None] * rng.lognormal(0.0, 0.1, shipments.shape)
    seen = np.flatnonzero(shipments[:, :PRE].sum(axis=1) > 0)  # known before the start
    last = np.where(shipments[:, :PRE] > 0, np.arange(PRE), -1).max(axis=1)
    ids = pd.Index([f"C{i:05d}" for i in range(n)], name="customer_id")
    customers = pd.DataFrame({
        "tier": np.asarray(TIERS, dtype=object)[tier],
        "branch": np.asarray(BRANCHES, dtype=object)[branch],
        "region": "R",
        "recency_days": (PRE - last) * 7.0,
        "group": np.where(held, "holdout", np.where(contacted, "target", "pool")),
    }, index=ids).iloc[seen]
    panel = CampaignPanel(
        customers=customers, shipments=shipments[seen], revenue=revenue[seen],
        active_before=shipments[seen][:, PRE - 13:PRE].sum(axis=1) > 0,
        active_after=shipments[seen][:, PRE:].sum(axis=1) > 0,
        start=pd.Timestamp(START), pre_weeks=PRE, post_weeks=POST, retention_days=91)
    return panel, effect * POST


def campaign_of(panel: CampaignPanel) -> Campaign:
    groups = panel.customers["group"]
    return Campaign("sim", "Simulated", START, START + dt.timedelta(days=27), 5.0,
                    tuple(groups.index[groups == "target"]),
                    tuple(groups.index[groups == "holdout"]))
