"""Key drivers: importance (standardised regression coefficient) against performance."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

from .data import SatisfactionData
from .scales import DRIVER_QUADRANTS

# --------------------------------------------------------------------------- key drivers


def key_drivers(data: SatisfactionData, *, by: str | None = None, min_responses: int = 30
                ) -> pd.DataFrame:
    """Importance (standardised regression coefficient) against performance (mean).

    Parameters
    ----------
    data : the (selected) data; answers with a missing dimension are left out.
    by : fit one model per value of this column (e.g. ``"tier"``); ``None``: one model.
    min_responses : groups with fewer complete answers (or fewer than
        ``dimensions + 2``) get no row.

    Returns
    -------
    DataFrame with ``by`` (when given), ``dimension``, ``importance`` (beta of
    the dimension, scores z-standardised), ``share`` (its share of the
    positive betas), ``correlation`` (Pearson with the overall score),
    ``performance`` (mean score), ``responses`` and ``quadrant`` (a key of
    :data:`DRIVER_QUADRANTS`), most important first within each group. A
    dimension without variance gets no row.
    """
    dims = list(data.dimensions)
    cols = ["dimension", "importance", "share", "correlation", "performance", "responses",
            "quadrant"]
    if not data.has_surveys or not dims:
        return pd.DataFrame(columns=([by] if by else []) + cols)
    sv = data.surveys
    complete = sv.dropna(subset=["score", *dims])
    if by is None:
        groups: Iterable = [(None, complete)]
    else:
        groups = complete.groupby(by, observed=True, sort=True) if by in complete else []
    parts = []
    for key, frame in groups:
        part = _drivers(frame, dims, min_responses)
        if part is None:
            continue
        if by is not None:
            part.insert(0, by, key)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=([by] if by else []) + cols)
    return pd.concat(parts, ignore_index=True)


def _drivers(frame: pd.DataFrame, dims: list[str], min_responses: int) -> pd.DataFrame | None:
    x = frame[dims].to_numpy(dtype="float64")
    y = frame["score"].to_numpy(dtype="float64")
    sd = x.std(axis=0)
    usable = sd > 0
    if len(frame) < max(min_responses, int(usable.sum()) + 2) or not usable.any() \
            or y.std() == 0:
        return None
    used = [d for d, ok in zip(dims, usable, strict=True) if ok]
    xs = (x[:, usable] - x[:, usable].mean(axis=0)) / sd[usable]
    ys = (y - y.mean()) / y.std()
    beta = LinearRegression().fit(xs, ys).coef_
    corr = [float(np.corrcoef(x[:, i], y)[0, 1]) for i in np.flatnonzero(usable)]
    positive = beta[beta > 0].sum()
    out = pd.DataFrame({
        "dimension": used,
        "importance": beta,
        "share": np.where(beta > 0, beta / positive, 0.0) if positive > 0 else np.nan,
        "correlation": corr,
        "performance": x[:, usable].mean(axis=0),
        "responses": len(frame),
    })
    high_imp = out["importance"] >= out["importance"].median()
    high_perf = out["performance"] >= out["performance"].median()
    lookup = {v: k for k, v in DRIVER_QUADRANTS.items()}
    out["quadrant"] = [lookup[(bool(i), bool(p))] for i, p in zip(high_imp, high_perf,
                                                                   strict=True)]
    return out.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
