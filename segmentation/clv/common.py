"""What both CLV models share: :class:`CLVWarning`, input validation, seeded
samples and the bounded log-parameter optimiser."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import optimize
from sklearn.exceptions import ConvergenceWarning

#: Optimiser bounds on the log of every parameter (about 2e-9 .. 5e8).
_LOG_BOUNDS = (-20.0, 20.0)


class CLVWarning(UserWarning):
    """Degenerate data or an unreliable fit in the CLV models."""


def as_float(values: Any, name: str) -> np.ndarray:
    """A 1-d float64 array copy-free where possible; ValueError if not numeric or not finite."""
    try:
        arr = np.asarray(values, dtype="float64")
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be numeric") from err
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} has {int(np.sum(~np.isfinite(arr)))} missing or infinite "
                         "values")
    return arr


def same_length(arrays: dict[str, np.ndarray]) -> None:
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"inputs differ in length: {lengths}")


def check_frequency(x: np.ndarray) -> None:
    if np.any(x < 0):
        raise ValueError(f"frequency must be >= 0 (repeat purchases); {int(np.sum(x < 0))} "
                         "values are negative")
    if np.any(x != np.floor(x)):
        raise ValueError("frequency must be whole numbers (count of repeat purchases)")


def btyd_arrays(frequency: Any, recency: Any, T: Any) -> tuple[np.ndarray, ...]:
    """Validated ``(x, t_x, T)``: x whole and >= 0, 0 <= t_x <= T, T > 0."""
    x = as_float(frequency, "frequency")
    tx = as_float(recency, "recency")
    big_t = as_float(T, "T")
    same_length({"frequency": x, "recency": tx, "T": big_t})
    check_frequency(x)
    if np.any(big_t <= 0):
        raise ValueError(f"T must be > 0 (time since the first purchase); "
                         f"{int(np.sum(big_t <= 0))} values are not")
    if np.any(tx < 0):
        raise ValueError(f"recency must be >= 0; {int(np.sum(tx < 0))} values are negative")
    if np.any(tx > big_t):
        raise ValueError(f"recency must be <= T (the last purchase cannot come after the end "
                         f"of the observation); {int(np.sum(tx > big_t))} values exceed T")
    return x, tx, big_t


def sample_rows(n: int, sample_size: int | None, random_state: Any) -> np.ndarray | None:
    """Sorted row positions of a seeded random sample, or ``None`` for all rows."""
    if sample_size is None or sample_size >= n:
        return None
    if sample_size < 1:
        raise ValueError(f"sample_size must be a positive number of customers, got "
                         f"{sample_size!r}")
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(n, size=int(sample_size), replace=False))


def maximise(objective, start: np.ndarray, names: Sequence[str], max_iter: int,
             model: str) -> np.ndarray:
    """Minimise ``objective`` (value, gradient) over log-parameters with L-BFGS-B."""
    res = optimize.minimize(objective, start, jac=True, method="L-BFGS-B",
                            bounds=[_LOG_BOUNDS] * len(start),
                            options={"maxiter": max_iter})
    if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
        raise ValueError(f"{model}: the likelihood could not be evaluated ({res.message})")
    if not res.success:
        warnings.warn(f"{model}: the optimiser did not converge ({res.message}); "
                      "the parameters may be inaccurate", ConvergenceWarning, stacklevel=3)
    at_bound = [n for n, v in zip(names, res.x, strict=True)
                if min(abs(v - _LOG_BOUNDS[0]), abs(v - _LOG_BOUNDS[1])) < 1e-3]
    if at_bound:
        warnings.warn(f"{model}: {', '.join(at_bound)} ran to the edge of the search range; "
                      "the data do not identify the model well (too few customers or no "
                      "heterogeneity); consider a penalizer", CLVWarning, stacklevel=3)
    return np.exp(res.x)
