"""From a ranking's score to a churn probability, learned on the backtest; the reliability
curve of the chosen score."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss

#: Isotonic calibration from this many backtest customers (and 50 of each outcome); Platt below.
ISOTONIC_FROM = 1000


@dataclass(frozen=True)
class Calibration:
    """A map from a candidate's score to a churn probability, learned on the backtest.

    ``method``: "isotonic" (:class:`sklearn.isotonic.IsotonicRegression`, from
    :data:`ISOTONIC_FROM` backtest customers), "platt" (a logistic regression
    on the score: log days for the recency rule, log-odds for probabilities,
    the rank for the blend), "identity" (a probability used as it is) or
    "rank" (the score's percentile among the customers scored: a rank, not a
    probability; only when nothing could be checked).
    """

    candidate: str
    method: str
    model: object = field(default=None, repr=False)

    def __call__(self, score) -> np.ndarray:
        s = np.asarray(score, dtype="float64")
        if len(s) == 0:
            return s
        if self.method == "identity":
            return np.clip(np.nan_to_num(s, nan=0.5), 0.0, 1.0)
        if self.method == "rank":
            return pct_rank(s)
        if self.model is None:
            raise RuntimeError(f"this {self.method} calibration was read from storage "
                               "without its fitted map; score again to apply it")
        x = _calibration_x(self.candidate, s)
        if self.method == "isotonic":
            return np.clip(self.model.predict(x), 0.0, 1.0)
        return self.model.predict_proba(x.reshape(-1, 1))[:, 1]

    @property
    def calibrated(self) -> bool:
        """True when learned from outcomes (isotonic or Platt)."""
        return self.method in ("isotonic", "platt")

    @classmethod
    def fit(cls, candidate: str, score, y, *, method: str = "auto") -> Calibration:
        """Learn the map on backtest scores ``score`` and outcomes ``y`` (bool)."""
        s = np.asarray(score, dtype="float64")
        y = np.asarray(y, dtype=bool)
        if method == "auto":
            few = min(y.sum(), (~y).sum())
            method = "isotonic" if len(y) >= ISOTONIC_FROM and few >= 50 else "platt"
        x = _calibration_x(candidate, s)
        if method == "isotonic":
            model = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True,
                                       out_of_bounds="clip").fit(x, y.astype("float64"))
        elif method == "platt":
            model = LogisticRegression(C=1e4).fit(x.reshape(-1, 1), y)
        else:
            raise ValueError(f"method must be 'auto', 'isotonic' or 'platt', got {method!r}")
        return cls(candidate, method, model)


def _calibration_x(candidate: str, score: np.ndarray) -> np.ndarray:
    """The score on the scale a Platt fit is linear in."""
    if candidate == "recency":
        return np.log1p(np.clip(np.nan_to_num(score, nan=0.0), 0, None))
    if candidate in ("gbm", "btyd"):
        p = np.clip(np.nan_to_num(score, nan=0.5), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))
    return np.nan_to_num(score, nan=0.5)


def pct_rank(values: np.ndarray) -> np.ndarray:
    """Average-rank percentile in (0, 1] (missing values rank lowest)."""
    if len(values) == 0:
        return np.asarray(values, dtype="float64")
    v = pd.Series(np.asarray(values, dtype="float64"))
    return v.rank(pct=True, method="average", na_option="bottom").to_numpy(dtype="float64")


def cross_fitted(candidate: str, score: np.ndarray, y: np.ndarray,
                  random_state: int) -> np.ndarray:
    """Calibrated probabilities, each half calibrated on the other (stratified, seeded)."""
    rng = np.random.default_rng(random_state)
    fold = np.zeros(len(y), dtype=int)
    for cls in (False, True):
        idx = np.flatnonzero(y == cls)
        fold[rng.permutation(idx)[: len(idx) // 2]] = 1
    out = np.empty(len(y))
    for k in (0, 1):
        train = fold != k
        if min(y[train].sum(), (~y[train]).sum()) < 1:
            out[~train] = y[train].mean() if train.any() else 0.5
            continue
        # the same method as the final map, decided on the whole backtest
        method = "isotonic" if (len(y) >= ISOTONIC_FROM
                                and min(y.sum(), (~y).sum()) >= 50) else "platt"
        cal = Calibration.fit(candidate, score[train], y[train], method=method)
        out[~train] = cal(score[~train])
    return out


def reliability_table(y: np.ndarray, p: np.ndarray, n_bins: int) -> tuple[pd.DataFrame, float]:
    if 0 < y.sum() < len(y) and len(y) >= 2 * n_bins:
        observed, predicted = calibration_curve(y, p, n_bins=n_bins, strategy="quantile")
        edges = np.percentile(p, np.linspace(0, 100, n_bins + 1))
        counts = np.bincount(np.searchsorted(edges[1:-1], p), minlength=n_bins)
        counts = counts[counts > 0].astype("int64")
        if len(counts) == len(observed):
            return (pd.DataFrame({"mean_predicted": predicted, "observed": observed,
                                  "n": counts}), float(brier_score_loss(y, p)))
    brier = float(brier_score_loss(y, p)) if 0 < y.sum() < len(y) else math.nan
    return (pd.DataFrame(columns=["mean_predicted", "observed", "n"], dtype="float64"), brier)
