"""CSAT / NPS and mean scores with their uncertainty bands (Wilson, normal, Student's t)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .scales import Scale

# --------------------------------------------------------------------------- intervals


def z_value(confidence: float) -> float:
    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes: np.ndarray | float, n: np.ndarray | float, *,
                    confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``successes / n`` (NaN where ``n == 0``)."""
    x = np.asarray(successes, dtype="float64")
    n = np.asarray(n, dtype="float64")
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo, hi = centre - half, centre + half
    bad = n <= 0
    return np.where(bad, np.nan, np.clip(lo, 0, 1)), np.where(bad, np.nan, np.clip(hi, 0, 1))


def mean_interval(mean: np.ndarray | float, sd: np.ndarray | float, n: np.ndarray | float, *,
                  confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student's t interval of a mean from its sample sd (ddof 1); NaN where ``n < 2``."""
    mean = np.asarray(mean, dtype="float64")
    n = np.asarray(n, dtype="float64")
    ok = n >= 2
    df = np.where(ok, n - 1, 1.0)
    t = stats.t.ppf(0.5 + confidence / 2, df)
    half = np.where(ok, t * np.asarray(sd, dtype="float64") / np.sqrt(np.where(ok, n, 1.0)),
                    np.nan)
    return mean - half, mean + half


def _nps_interval(prom: np.ndarray, det: np.ndarray, n: np.ndarray, z: float):
    with np.errstate(divide="ignore", invalid="ignore"):
        pp, pd_ = prom / n, det / n
        nps = pp - pd_
        half = z * np.sqrt(np.maximum(pp + pd_ - nps * nps, 0.0) / n)
    bad = n <= 0
    return (np.where(bad, np.nan, np.clip(nps - half, -1, 1)),
            np.where(bad, np.nan, np.clip(nps + half, -1, 1)))


def score_counts(frame: pd.DataFrame, scale: Scale, keys: Sequence[str]) -> pd.DataFrame:
    """Per group of ``keys``: responses, good, bad, score sum and sum of squares."""
    score = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    ok = score.notna()
    parts = pd.DataFrame({
        **{k: frame[k] for k in keys},
        "responses": ok.astype("int64"),
        "good": (score >= scale.good_min).astype("int64"),
        "bad": ((score <= scale.bad_max) if scale.bad_max is not None
                else (score < scale.good_min)).astype("int64") * ok,
        "score_sum": score.fillna(0.0),
        "score_sq": score.fillna(0.0) ** 2,
    })[ok.to_numpy()]
    if not keys:
        return parts.drop(columns=list(keys)).sum().to_frame().T
    return parts.groupby(list(keys), observed=True, sort=True, dropna=True).sum()


def finish_estimates(counts: pd.DataFrame, scale: Scale, confidence: float) -> pd.DataFrame:
    """Mean, index and their intervals from :func:`score_counts`."""
    n = counts["responses"].to_numpy(dtype="float64")
    good, bad = counts["good"].to_numpy("float64"), counts["bad"].to_numpy("float64")
    s, sq = counts["score_sum"].to_numpy("float64"), counts["score_sq"].to_numpy("float64")
    out = pd.DataFrame(index=counts.index)
    out["responses"] = counts["responses"].astype("int64")
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, s / n, np.nan)
        var = np.where(n > 1, (sq - n * mean * mean) / (n - 1), np.nan)
    sd = np.sqrt(np.maximum(var, 0.0))
    out["mean"] = mean
    out["mean_lo"], out["mean_hi"] = mean_interval(mean, sd, n, confidence=confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        if scale.kind == "nps":
            index = np.where(n > 0, (good - bad) / n, np.nan)
            lo, hi = _nps_interval(good, bad, n, z_value(confidence))
        else:
            index = np.where(n > 0, good / n, np.nan)
            lo, hi = wilson_interval(good, n, confidence=confidence)
    out["index"], out["index_lo"], out["index_hi"] = index, lo, hi
    return out


def index_estimates(surveys: pd.DataFrame, scale: Scale, *, by: str | Sequence[str] | None = None,
                    confidence: float = 0.95) -> pd.DataFrame:
    """CSAT / NPS and mean score with their intervals, overall or per group.

    Parameters
    ----------
    surveys : rows with ``score`` (and the ``by`` columns).
    scale : decides the index (CSAT share or NPS).
    by : grouping column(s); ``None`` for one overall row (index 0).
    confidence : of the intervals.

    Returns
    -------
    DataFrame with ``responses``, ``mean``, ``mean_lo``, ``mean_hi``, ``index``
    (CSAT in [0, 1] or NPS in [-1, 1]), ``index_lo``, ``index_hi``.
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    return finish_estimates(score_counts(surveys, scale, keys), scale, confidence)


def adjusted_index(counts: pd.DataFrame, scale: Scale) -> tuple[pd.Series, pd.Series]:
    """Index and its variance with one good and one bad pseudo-answer (Agresti-Caffo)."""
    n = counts["responses"].astype("float64") + 2
    good = counts["good"].astype("float64") + 1
    bad = counts["bad"].astype("float64") + 1
    if scale.kind == "nps":
        pp, pd_ = good / n, bad / n
        value = pp - pd_
        return value, (pp + pd_ - value * value) / n
    p = good / n
    return p, p * (1 - p) / n
