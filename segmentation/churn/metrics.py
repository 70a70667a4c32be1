"""How well a score ranks churners: ROC-AUC, precision, recall and lift in the top 10 %."""

from __future__ import annotations

import math

import numpy as np

#: The top share the backtest reports on (the top 10 %).
TOP_SHARE = 0.1


def top_share_metrics(y_true, score, *, share: float = TOP_SHARE) -> dict[str, float]:
    """Precision, recall and lift among the ``share`` highest scores.

    The top group holds ``k = ceil(share * n)`` customers. Customers tied at the
    cut score count fractionally (the expected value under a random tie break),
    so a score with many ties (days since the last shipment) is neither favoured
    nor penalised by the order of the rows. Missing scores rank last.

    Parameters
    ----------
    y_true : bools (True = churned), one per customer.
    score : higher = more likely to churn.
    share : the top share, 0 < share <= 1.

    Returns
    -------
    dict with ``precision`` (churners in the top group / k), ``recall``
    (churners in the top group / all churners; NaN without churners), ``lift``
    (precision / base rate), ``base_rate``, ``k`` and ``n``.
    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(score, dtype="float64")
    if y.shape != s.shape or y.ndim != 1:
        raise ValueError("y_true and score must be one-dimensional and of equal length")
    if not 0 < share <= 1:
        raise ValueError(f"share must be in (0, 1], got {share!r}")
    n = len(y)
    if n == 0:
        return {"precision": math.nan, "recall": math.nan, "lift": math.nan,
                "base_rate": math.nan, "k": 0, "n": 0}
    s = np.where(np.isnan(s), -np.inf, s)
    k = int(math.ceil(share * n - 1e-9))
    cut = np.sort(s)[::-1][k - 1]
    above = s > cut
    at = s == cut
    hits = y[above].sum() + (k - above.sum()) * y[at].mean()
    positives = y.sum()
    base = positives / n
    precision = hits / k
    return {"precision": float(precision),
            "recall": float(hits / positives) if positives else math.nan,
            "lift": float(precision / base) if base > 0 else math.nan,
            "base_rate": float(base), "k": k, "n": n}


def ranking_metrics(y_true, score, *, share: float = TOP_SHARE,
                    capacity: int | None = None) -> dict[str, float]:
    """ROC-AUC plus :func:`top_share_metrics`, as the backtest reports them.

    Parameters
    ----------
    capacity : the call list's length among these customers: the share churned
        among the ``capacity`` highest scores is ``precision_capacity`` (NaN
        when ``None``).

    Returns
    -------
    dict with ``roc_auc`` (NaN with one class only), ``precision_top10``,
    ``recall_top10``, ``lift_top10``, ``precision_capacity``, ``base_rate``,
    ``n`` (the ``_top10`` names are kept for any ``share``).
    """
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(score, dtype="float64")
    top = top_share_metrics(y, s, share=share)
    auc = math.nan
    if 0 < y.sum() < len(y):
        finite = s[np.isfinite(s)]
        low = (finite.min() if len(finite) else 0.0) - 1.0
        from sklearn.metrics import roc_auc_score  # not on the way to pages that only count

        auc = float(roc_auc_score(y, np.where(np.isfinite(s), s, low)))
    at_capacity = math.nan
    if capacity is not None and len(y):
        at_capacity = top_share_metrics(y, s, share=min(max(capacity, 1), len(y)) / len(y))[
            "precision"]
    return {"roc_auc": auc, "precision_top10": top["precision"],
            "recall_top10": top["recall"], "lift_top10": top["lift"],
            "precision_capacity": at_capacity, "base_rate": top["base_rate"], "n": top["n"]}
