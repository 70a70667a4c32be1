"""The feature matrix: which features a view can provide, their values in natural
units and transformed for clustering (see the table in :mod:`segmentation.clusters`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .notes import ClusterError
from .specs import (
    ANNUALIZE_MIN_DAYS,
    DEFAULT_FEATURES,
    FEATURE_GROUPS,
    MAX_CATEGORIES,
    feature_of_column,
)


def _has_values(view: pd.DataFrame, column: str) -> bool:
    return column in view.columns and bool(view[column].notna().any())


def _prefixed(view: pd.DataFrame, prefix: str) -> list[str]:
    return [c for c in view.columns if isinstance(c, str) and c.startswith(prefix)
            and view[c].notna().any()]


def available_features(view: pd.DataFrame) -> list[str]:
    """The feature keys (:data:`FEATURE_GROUPS` order) that ``view`` can provide.

    A feature is available when its source columns exist and hold at least one
    value (a view built without surveys has no ``satisfaction``; one whose
    transactions have no ``service`` column has no ``service_mix``).
    """
    out = []
    for key, spec in FEATURE_GROUPS.items():
        if spec.kind == "share":
            ok = bool(_prefixed(view, spec.prefix or ""))
        else:
            ok = all(_has_values(view, c) for c in spec.requires)
        if ok:
            out.append(key)
    return out


def resolve_features(view: pd.DataFrame, features: Sequence[str] | None
                     ) -> tuple[list[str], list[str]]:
    """(usable keys, requested keys the view lacks); ``None`` = the available defaults."""
    if isinstance(features, str):
        features = [features]
    if features is None:
        available = set(available_features(view))
        return [k for k in DEFAULT_FEATURES if k in available], []
    unknown = [k for k in features if k not in FEATURE_GROUPS]
    if unknown:
        raise ClusterError("unknown_feature", feature=", ".join(map(str, unknown)))
    available = set(available_features(view))
    keys = list(dict.fromkeys(features))
    return [k for k in keys if k in available], [k for k in keys if k not in available]


def float_values(view: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(view[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _per(numerator: np.ndarray, denominator: np.ndarray, scale: float = 1.0) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, scale * numerator / denominator, np.nan)


def natural_columns(view: pd.DataFrame, key: str) -> dict[str, np.ndarray]:
    """The columns of one feature in natural units (NaN where unknown)."""
    spec = FEATURE_GROUPS[key]
    if spec.kind == "share":
        return {c: float_values(view, c) for c in _prefixed(view, spec.prefix or "")}
    if spec.kind == "category":
        values = view[spec.requires[0]]
        counts = values.dropna().astype(str).value_counts()
        # most frequent first, ties by text: the same columns whatever the row order
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_CATEGORIES]
        text = values.astype("string")
        return {f"{spec.prefix}{v}": (text == v).fillna(False).to_numpy(dtype=float)
                for v, _ in ordered}
    assert spec.column is not None
    if key == "frequency":
        days = np.maximum(float_values(view, "tenure_days") + 1, ANNUALIZE_MIN_DAYS)
        values = float_values(view, "frequency") * 365.0 / days
    elif key == "shipment_size":
        values = _per(float_values(view, "quantity_total"), float_values(view, "n_transactions"))
    elif key == "complaint_rate":
        values = _per(float_values(view, "n_complaints"), float_values(view, "n_transactions"),
                      100.0)
    else:
        values = float_values(view, spec.requires[0])
    return {spec.column: values}


def feature_values(view: pd.DataFrame, features: Sequence[str] | None = None) -> pd.DataFrame:
    """The chosen features in natural units (yuan, days, shares), NaN where unknown.

    Parameters
    ----------
    view : customer view (:func:`segmentation.features.customer_view`).
    features : feature keys (:data:`FEATURE_GROUPS`); ``None`` = the defaults
        the view can provide. Keys the view lacks are skipped.

    Returns
    -------
    DataFrame indexed like ``view``, one float column per feature column (see
    the table in :mod:`segmentation.clusters`), in feature order.
    """
    keys, _ = resolve_features(view, features)
    columns: dict[str, np.ndarray] = {}
    for key in keys:
        columns.update(natural_columns(view, key))
    return pd.DataFrame(columns, index=view.index, dtype=float)


def _signed_log1p(values: np.ndarray) -> np.ndarray:
    return np.sign(values) * np.log1p(np.abs(values))


def _transform(natural: pd.DataFrame) -> pd.DataFrame:
    out = natural.copy()
    for column in out.columns:
        key = feature_of_column(column)
        if key is not None and FEATURE_GROUPS[key].kind == "log":
            out[column] = _signed_log1p(out[column].to_numpy())
    return out


def feature_matrix(view: pd.DataFrame, features: Sequence[str] | None = None, *,
                   impute: bool = True) -> pd.DataFrame:
    """The numeric matrix the clusters are learned on (before scaling).

    Parameters
    ----------
    view : customer view.
    features : feature keys; ``None`` = the defaults the view can provide.
        Keys the view lacks are skipped (:class:`CustomerClusterer` warns).
    impute : replace missing values by the median of their column (0 when a
        column has no value at all). ``False`` keeps NaN, for a pipeline that
        learns its own medians.

    Returns
    -------
    DataFrame indexed like ``view`` with float columns: ``log`` features as
    ``sign(x) * log1p(|x|)`` (recency, frequency, spend, average value,
    shipment size, complaint rate), shares and one-hot columns in 0..1,
    tenure and satisfaction as they are. Column names as in
    :func:`feature_values`.
    """
    matrix = _transform(feature_values(view, features))
    if impute:
        medians = matrix.median(skipna=True).fillna(0.0)
        matrix = matrix.fillna(medians)
    return matrix
