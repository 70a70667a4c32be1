"""Array helpers shared by the scoring, summaries and migration modules."""

from __future__ import annotations

import numpy as np
import pandas as pd


def codes_and_categories(values: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (-1 = missing) and categories (categorical order, else sorted)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), list(values.cat.categories)
    codes, uniques = pd.factorize(values, sort=True)
    return codes, list(uniques)


def as_float(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def float_column(scored: pd.DataFrame, column: str) -> np.ndarray:
    return as_float(scored[column])


def clean(values: np.ndarray) -> np.ndarray:
    """Missing values as 0 (sums skip them); no copy when nothing is missing."""
    return np.nan_to_num(values) if np.isnan(values).any() else values
