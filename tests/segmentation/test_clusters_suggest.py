"""The suggested k recovers planted structure (generated senders with a known number of
kinds), and beats the raw silhouette's preference for two clusters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from segmentation.clusters import suggest_k

SERVICES = ("express", "standard", "parcel", "international", "cod")
CHANNELS = ("app", "counter", "pickup", "mini_program")


def planted_view(k: int, n: int = 1_500, seed: int = 7) -> tuple[pd.DataFrame, np.ndarray]:
    """A customer view of ``n`` senders of ``k`` well-separated kinds: each kind has its
    own shipping rate, value per shipment, pieces per shipment, favourite service and
    channel (shares drawn around it); customer type splits the kinds in two groups."""
    rng = np.random.default_rng(seed)
    kind = rng.integers(0, k, n)
    rate = np.exp(np.array([0.5, 2.0, 3.5, 1.2, 2.8, 4.2])[:k])      # shipments a year
    value = np.exp(np.array([2.0, 3.5, 2.5, 5.0, 4.0, 3.0])[:k])     # ¥ per shipment
    pieces = np.exp(np.array([0.0, 1.5, 3.0, 0.5, 2.5, 0.2])[:k])    # pieces per shipment
    service = np.eye(5)[np.arange(k) % 5] * 0.8 + 0.04
    channel = np.eye(4)[(np.arange(k) * 3 // 2) % 4] * 0.8 + 0.05
    tenure = rng.uniform(365, 900, n)
    shipments = np.maximum(1, np.round(rate[kind] * np.exp(rng.normal(0, 0.15, n))
                                       * tenure / 365)).astype("int64")
    avg = value[kind] * np.exp(rng.normal(0, 0.15, n))
    services = np.vstack([rng.dirichlet(service[i] * 60) for i in kind])
    channels = np.vstack([rng.dirichlet(channel[i] * 60) for i in kind])
    view = pd.DataFrame({
        "frequency": shipments, "n_transactions": shipments, "tenure_days": tenure,
        "monetary_avg": avg, "monetary_total": avg * shipments,
        "quantity_total": shipments * pieces[kind] * np.exp(rng.normal(0, 0.15, n)),
        **{f"service_share_{s}": services[:, i] for i, s in enumerate(SERVICES)},
        **{f"channel_share_{c}": channels[:, i] for i, c in enumerate(CHANNELS)},
        "customer_type": np.where(np.isin(kind, [0, 3, 5]), "enterprise", "individual"),
    }, index=pd.Index([f"C{i:06d}" for i in range(n)], name="customer_id"))
    return view, kind


@pytest.mark.parametrize("k", [4, 6], ids=["four kinds", "six kinds"])
def test_suggested_k_recovers_planted_kinds(k):
    view, _ = planted_view(k)
    scores, suggested = suggest_k(view, k_range=range(2, 11))
    assert suggested == k
    assert scores.loc[scores["k"] == k, "gain"].item() == scores["gain"].max()
    # structureless data score lower at every k, most at k = 2
    assert (scores["reference"] < scores["silhouette"]).all()
    assert scores["reference"].is_monotonic_decreasing
