"""The scores frame: status, risk, value at risk and reason codes per customer."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .metrics import TOP_SHARE
from .reasoning import reason_codes
from .signals import SIGNAL_COLUMNS

#: Customer statuses, in display order.
STATUSES: tuple[str, ...] = ("warning", "ok", "lost")


def _expected_value(features: pd.DataFrame) -> np.ndarray:
    """``clv_12m``, else the spend of the last year annualised from the history."""
    clv = features["clv_12m"].to_numpy(dtype="float64")
    fallback = (features["monetary_total"].to_numpy(dtype="float64") * 365.0
                / np.maximum(features["tenure_days"].to_numpy(dtype="float64"), 365.0))
    return np.where(np.isfinite(clv), clv, np.clip(np.nan_to_num(fallback), 0, None))


def assemble_scores(features: pd.DataFrame, churn: np.ndarray, lost: np.ndarray, *,
                     warning_threshold: float, extra: Mapping[str, np.ndarray] | None = None,
                     high_risk: float | None = None) -> pd.DataFrame:
    """The scores frame (see :meth:`ChurnModel.score`), reason codes without words.

    ``high_risk``: the risk from which a reason says "high risk"; default the top
    :data:`TOP_SHARE` of these live customers (a part of a network passes the cut
    learned on the network's sample)."""
    status = np.where(lost, "lost", np.where(churn >= warning_threshold, "warning", "ok"))
    value = _expected_value(features)
    live = churn[~lost]
    high = (float(high_risk) if high_risk is not None
            else float(np.quantile(live, 1 - TOP_SHARE)) if len(live) else math.nan)
    signals = features[list(SIGNAL_COLUMNS)]
    signals.attrs.update(features.attrs)
    why = reason_codes(signals, pd.Series(churn, index=features.index), high_risk=high,
                       warning_threshold=warning_threshold,
                       lost=pd.Series(lost, index=features.index))
    columns: dict[str, object] = {
        "status": pd.array(status, dtype="str"),
        "churn_risk": churn,
        **(extra or {}),
        "p_alive": features["p_alive"].to_numpy(dtype="float64"),
        "expected_purchases_12m": features["expected_purchases_12m"].to_numpy(
            dtype="float64"),
        "clv_12m": features["clv_12m"].to_numpy(dtype="float64"),
        "expected_value": value,
        "value_at_risk": np.where(lost, 0.0, churn * value),
        "reason_codes": why["reason_codes"].array,
    }
    out = pd.DataFrame(columns, index=features.index)
    attributes = [c for c in ("branch", "region", "customer_type") if c in features.columns]
    out = pd.concat([out, signals, features[attributes]], axis=1)
    # lost last, then by value at risk; the stable sort keeps customer_id order in ties
    order = np.lexsort((-out["value_at_risk"].to_numpy(), lost))
    out = out.iloc[order]
    out.attrs.update(as_of=features.attrs.get("as_of"), high_risk_threshold=high,
                     window_days=features.attrs.get("window_days"),
                     typical_interval_days=features.attrs.get("typical_interval_days"),
                     satisfaction_scale=features.attrs.get("satisfaction_scale", (1.0, 5.0)),
                     warning_threshold=float(warning_threshold))
    return out
