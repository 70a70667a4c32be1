"""Ranks and scores of one customer view: :func:`prepare_scoring` (once per view),
:func:`restrict_scoring`, percentiles, RFM scores and segments."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .. import i18n
from .arrays import clean, codes_and_categories, float_column
from .constants import (
    DEFAULT_ANNUALIZE_MIN_DAYS,
    DEFAULT_WEIGHTS,
    MEASURES,
    REQUIRED_COLUMNS,
    REVENUE,
    RFM_SEGMENT_RULES,
)
from .notes import Note, count_text, make_note
from .settings import TierSettings, segment_grid


def rfm_segments(scores: pd.DataFrame,
                 rules: pd.DataFrame | Sequence[Mapping[str, Any]] = RFM_SEGMENT_RULES
                 ) -> pd.Series:
    """Segment per customer from its ``r_score`` and ``f_score`` via a rules table."""
    records = rules.to_dict("records") if isinstance(rules, pd.DataFrame) else list(rules)
    segments = list(dict.fromkeys(r["segment"] for r in records))
    grid = segment_grid(records).to_numpy().ravel()
    codes_of_cell = np.array([segments.index(s) for s in grid], dtype=np.int8)
    r = scores["r_score"].clip(1, 5).to_numpy(dtype="int64") - 1
    f = scores["f_score"].clip(1, 5).to_numpy(dtype="int64") - 1
    codes = codes_of_cell[r * 5 + f]
    return pd.Series(pd.Categorical.from_codes(codes, categories=segments, validate=False),
                     index=scores.index, name="rfm_segment")




def _percentile(values: np.ndarray, higher_better: bool) -> tuple[np.ndarray, str | None, int]:
    """Percentile in (0, 1] (ties averaged), 0.5 when constant, 1e-9 when missing.

    Returns the percentiles, ``"constant"`` or ``None``, and the number missing.
    """
    n = len(values)
    missing = np.isnan(values)
    n_missing = int(missing.sum())
    out = np.full(n, 1e-9)
    if n == n_missing:
        return out, None, n_missing
    valid = values[~missing]
    if valid.min() == valid.max():
        out[~missing] = 0.5
        return out, ("constant" if n > 1 else None), n_missing
    ranked = pd.Series(valid if higher_better else -valid).rank(method="average", pct=True)
    out[~missing] = ranked.to_numpy()
    return out, None, n_missing


def _scores_of(pct: np.ndarray) -> np.ndarray:
    return np.clip(np.ceil(pct * 5), 1, 5).astype(np.int8)


def percentile_ranks(view: pd.DataFrame) -> pd.DataFrame:
    """Continuous R, F, M (and T, when ``tenure_days`` exists) percentiles in (0, 1].

    Higher = better; ties share a value; a constant column gives 0.5 for
    everyone (with a ``UserWarning``); a missing value counts as the lowest.
    Columns ``r_score``, ``f_score``, ``m_score`` (, ``t_score``), same index.
    """
    out = pd.DataFrame(index=view.index)
    for key, (score, column, higher) in MEASURES.items():
        if column not in view.columns:
            continue
        values = pd.to_numeric(view[column], errors="coerce").to_numpy(dtype="float64",
                                                                       na_value=np.nan)
        pct, state, _ = _percentile(values, higher)
        if state == "constant":
            warnings.warn(f"all customers have the same {column}; the {key.upper()} score is 3 "
                          "for everyone", UserWarning, stacklevel=2)
        out[score] = pct
    return out


def rfm_scores(view: pd.DataFrame, *, bins: int = 5) -> pd.DataFrame:
    """R, F and M (and T) scores 1..``bins`` from :func:`percentile_ranks` (int64)."""
    pct = percentile_ranks(view)
    return np.ceil(pct * bins).clip(1, bins).astype("int64")


def value_scores(scores: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.Series:
    """Weighted mean of the score columns; ``weights`` keyed like :attr:`TierSettings.weights`.

    Given percentiles x 5 the result is the ``value_score`` of :func:`assign`.
    """
    weights = TierSettings._check_weights(weights if weights is not None else DEFAULT_WEIGHTS)
    total = sum(weights.values())
    value = np.zeros(len(scores))
    for key, w in weights.items():
        if w > 0:
            value = value + scores[MEASURES[key][0]].to_numpy(dtype="float64") * (w / total)
    return pd.Series(value, index=scores.index, name="value_score")


@dataclass(frozen=True, eq=False)
class ScoringBase:
    """What a slider move does not change: ranks and scores of one customer view.

    Built by :func:`prepare_scoring`; holds a reference to the view (no copy).

    Attributes
    ----------
    view : the customer view.
    percentiles : float64 array (4, n): R, F, M, T percentiles in (0, 1].
    scores : int8 array (4, n): the 1..5 scores.
    cells : int8 array (n,): RFM grid cell ``(r - 1) * 5 + (f - 1)``.
    notes : notes about the measures (constant or missing values).
    has_tenure : whether the view has ``tenure_days``.
    network : for a base made by :func:`restrict_scoring`, the base of the whole
        population it was cut from: share cuts are placed among its customers,
        so a customer's tier does not depend on who else is shown.
    """

    view: pd.DataFrame
    percentiles: np.ndarray
    scores: np.ndarray
    cells: np.ndarray
    notes: tuple[Note, ...]
    has_tenure: bool
    _cache: dict = field(default_factory=dict, repr=False)
    network: ScoringBase | None = field(default=None, repr=False)

    @property
    def n(self) -> int:
        return len(self.view)

    def measure(self, column: str) -> np.ndarray:
        """A numeric view column as float64, missing values as 0 (cached; for sums)."""
        key = ("measure", column)
        if key not in self._cache:
            self._cache[key] = clean(float_column(self.view, column))
        return self._cache[key]

    def groups(self, column: str) -> tuple[np.ndarray, list]:
        """Codes (-1 = missing) and sorted values of a view column (cached; for mixes)."""
        key = ("groups", column)
        if key not in self._cache:
            if column not in self.view.columns:
                raise ValueError(f"no {column!r} column to break the tiers down by")
            self._cache[key] = codes_and_categories(self.view[column])
        return self._cache[key]

    def annual(self, min_days: int = DEFAULT_ANNUALIZE_MIN_DAYS
               ) -> tuple[np.ndarray, np.ndarray]:
        """``(annual_spend, annual_shipments)`` for an exposure floor (cached per floor)."""
        key = ("annual", min_days)
        if key not in self._cache:
            view = self.view
            if self.has_tenure:
                exposure = np.fmax(float_column(view, "tenure_days") + 1.0, float(min_days))
            else:
                exposure = np.full(len(view), 365.0)
            factor = 365.0 / exposure
            self._cache[key] = (float_column(view, REVENUE) * factor,
                                float_column(view, "frequency") * factor)
        return self._cache[key]


def prepare_scoring(view: pd.DataFrame) -> ScoringBase:
    """Rank the customers of a view once, for any number of :func:`assign` calls.

    Parameters
    ----------
    view : customer view with ``recency_days``, ``frequency``, ``monetary_total``
        and optionally ``tenure_days`` (see :func:`segmentation.features.customer_view`).

    Returns
    -------
    ScoringBase

    Raises
    ------
    ValueError
        When a required column is missing (the message names it).
    """
    missing = [c for c in REQUIRED_COLUMNS if c not in view.columns]
    if missing:
        raise ValueError(f"the customer view lacks the column(s) {', '.join(missing)}")
    n = len(view)
    pct = np.empty((len(MEASURES), n))
    notes: list[Note] = []
    has_tenure = "tenure_days" in view.columns
    for i, (key, (_, column, higher)) in enumerate(MEASURES.items()):
        if column not in view.columns:
            pct[i] = 0.5
            continue
        values = pd.to_numeric(view[column], errors="coerce").to_numpy(dtype="float64",
                                                                       na_value=np.nan)
        pct[i], state, n_missing = _percentile(values, higher)
        if state == "constant":
            notes.append(make_note(
                "constant_measure", "warning",
                lambda lang, key=key: {"measure": i18n.t(f"tiers.measure.{key}", lang),
                                       "score": key.upper()},
                measure=key, column=column))
        if n_missing:
            notes.append(make_note(
                "missing_measure", "warning",
                lambda lang, key=key, m=n_missing: {
                    "count": count_text(m, lang),
                    "measure": i18n.t(f"tiers.measure.{key}", lang), "score": key.upper()},
                measure=key, column=column, customers=n_missing))
    scores = _scores_of(pct)
    cells = ((scores[0] - 1) * 5 + (scores[1] - 1)).astype(np.int8)
    return ScoringBase(view=view, percentiles=pct, scores=scores, cells=cells,
                       notes=tuple(notes), has_tenure=has_tenure)


def restrict_scoring(base: ScoringBase, view: pd.DataFrame) -> ScoringBase:
    """The customers of ``view`` with the ranks they have in ``base`` (nothing re-ranked).

    ``view`` holds a subset of ``base.view``'s customers (e.g. one branch's, or with
    names masked); its rows are shown, while :func:`assign` places share cuts
    among all of ``base``'s customers: tiers stay properties of the whole
    population (a VIP is a VIP whoever looks). Restricting a restricted base
    restricts its population again.

    Raises
    ------
    ValueError
        When ``view`` has a customer that ``base`` lacks.
    """
    network = base.network or base
    positions = network.view.index.get_indexer(view.index)
    if (positions < 0).any():
        raise ValueError("the view has customers that the scoring base lacks")
    return ScoringBase(view=view, percentiles=network.percentiles[:, positions],
                       scores=network.scores[:, positions], cells=network.cells[positions],
                       notes=network.notes, has_tenure=network.has_tenure, network=network)
