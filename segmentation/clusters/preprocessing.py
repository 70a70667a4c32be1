"""From a customer view to the scaled space: feature checks, the column transformer,
seeded samples, customer-id order and thread limits."""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import RobustScaler, StandardScaler
from threadpoolctl import threadpool_limits

from .features import feature_matrix, resolve_features
from .notes import ClusterError, ClusterNote, ClusterWarning
from .specs import DEFAULT_FEATURES, FEATURE_GROUPS, feature_of_column

_SCALED_KINDS = ("log", "linear")


def _groups(columns: Sequence[str]) -> dict[str, list[str]]:
    """Matrix columns grouped by feature key, in column order."""
    groups: dict[str, list[str]] = {}
    for column in columns:
        key = feature_of_column(column)
        assert key is not None, column
        groups.setdefault(key, []).append(column)
    return groups


def preprocessor(columns: Sequence[str]) -> ColumnTransformer:
    """Impute, scale robustly and weight each feature by 1 / sqrt(its columns)."""
    branches, weights = [], {}
    for key, cols in _groups(columns).items():
        scaler = (RobustScaler(unit_variance=True) if FEATURE_GROUPS[key].kind in _SCALED_KINDS
                  else StandardScaler())
        imputer = SimpleImputer(strategy="median", keep_empty_features=True)
        branches.append((key, make_pipeline(imputer, scaler), list(cols)))
        weights[key] = 1.0 / math.sqrt(len(cols))
    return ColumnTransformer(branches, transformer_weights=weights, remainder="drop",
                             verbose_feature_names_out=False)


def thread_limit(n_threads: int | None):
    return nullcontext() if n_threads is None else threadpool_limits(limits=n_threads)


def in_id_order(view: pd.DataFrame) -> pd.DataFrame:
    """The view sorted by customer id (no copy when it already is)."""
    if view.index.is_monotonic_increasing:
        return view
    return view.sort_index(kind="stable")


def sample_positions(n: int, sample_size: int | None, random_state: int) -> np.ndarray | None:
    """Sorted positions of a seeded sample, or ``None`` for all rows."""
    if sample_size is None or n <= sample_size:
        return None
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, size=int(sample_size), replace=False))


def take_rows(view: pd.DataFrame, positions: np.ndarray | None) -> pd.DataFrame:
    return view if positions is None else view.iloc[positions]


@dataclass
class Prepared:
    """A fit sample's matrix after the degenerate-input checks."""

    features: list[str]
    matrix: pd.DataFrame  # NaN kept
    n_distinct: int
    notes: list[ClusterNote]


def prepare(view: pd.DataFrame, features: Sequence[str] | None) -> Prepared:
    keys, missing = resolve_features(view, features)
    notes: list[ClusterNote] = []
    if missing:
        notes.append(ClusterNote("missing_features", "warning", {"features": missing}))
    if not keys:
        raise ClusterError("no_features", features=list(features or DEFAULT_FEATURES))
    matrix = feature_matrix(view, keys, impute=False)
    filled = matrix.fillna(matrix.median(skipna=True).fillna(0.0)).to_numpy()
    constant = np.ptp(filled, axis=0) == 0 if len(filled) else np.ones(filled.shape[1], bool)
    if constant.all():
        # every customer looks the same: keep the columns, one cluster will follow
        n_distinct = min(len(filled), 1)
    else:
        if constant.any():
            dropped = [c for c, flag in zip(matrix.columns, constant, strict=True) if flag]
            notes.append(ClusterNote("constant_columns", "warning", {"columns": dropped}))
            matrix = matrix.loc[:, ~constant]
            filled = filled[:, ~constant]
            keys = [k for k in keys if k in set(_groups(matrix.columns))]
        n_distinct = len(pd.DataFrame(filled).drop_duplicates())
    return Prepared(keys, matrix, n_distinct, notes)


def warn_notes(notes: Iterable[ClusterNote]) -> None:
    for note in notes:
        if note.level == "warning":
            warnings.warn(ClusterWarning(note), stacklevel=3)
