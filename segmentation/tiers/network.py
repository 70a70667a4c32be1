"""Tiers of a network scored in buckets: learned once in the engine, applied to any part.

:func:`~segmentation.tiers.assign` ranks the customers of one view against each other, so
a view of a part of the network (one hash bucket of customers, see
:func:`segmentation.churn.features.bucket_tables`) would be ranked within that part.
:class:`NetworkTiers` learns what the ranks need from the whole network, in the engine,
and then grades each customer on its own:

- the R, F, M, T percentiles from a grid of network-wide quantiles of each measure
  (:data:`GRID`, computed by :func:`measure_quantiles`; a value's percentile is read off
  the grid by linear interpolation, the middle of the grid's range for a value many
  customers share, as an average rank does);
- the tiers by thresholds of annual spend and annual shipments: the settings' own in
  threshold mode, else the Tiers page's suggestion for the settings' shares from the
  network's quantiles (:func:`segmentation.pushdown.suggest_thresholds_in_engine`).

A customer's scores, tier and RFM segment then depend only on that customer's row: the
same in whichever bucket it is scored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..sql import TableNames, connected, fetch, quantile_cont
from .constants import MEASURES, REQUIRED_COLUMNS
from .scoring import ScoringBase
from .settings import TierSettings

__all__ = ["GRID", "NetworkTiers", "measure_quantiles"]

#: Fractions of the quantile grid each measure is learned on.
GRID: tuple[float, ...] = tuple(round(i / 50, 2) for i in range(51))


def measure_quantiles(bind: sa.Engine | sa.Connection, columns: Sequence[str],
                      fractions: Sequence[float], *, as_of, window_days: int = 90,
                      table_names: TableNames | None = None) -> pd.DataFrame:
    """Quantiles of per-customer measures (columns of
    :func:`segmentation.pushdown.customer_measures`) over the whole network, in the
    engine: one query, one row travels.

    Returns
    -------
    DataFrame indexed by ``fraction`` with one float64 column per measure.
    """
    from ..pushdown import customer_measures

    fractions = [float(f) for f in fractions]
    with connected(bind) as conn:
        measures = customer_measures(conn, as_of=as_of, window_days=window_days,
                                     table_names=table_names)
        cols = [quantile_cont(sa.cast(measures.c[c], sa.Double()), f).label(f"q{j}_{i}")
                for j, c in enumerate(columns) for i, f in enumerate(fractions)]
        row = fetch(conn, sa.select(*cols).select_from(measures)).iloc[0]
    return pd.DataFrame(
        {c: [float(row[f"q{j}_{i}"]) if pd.notna(row[f"q{j}_{i}"]) else np.nan
             for i in range(len(fractions))] for j, c in enumerate(columns)},
        index=pd.Index(fractions, name="fraction"))


def _grid_percentile(values: np.ndarray, quantiles: np.ndarray, fractions: np.ndarray,
                     higher_better: bool) -> np.ndarray:
    """Percentiles in (0, 1] of ``values`` read off a quantile grid (missing: lowest)."""
    out = np.full(len(values), 1e-9)
    ok = np.isfinite(quantiles)
    present = ~np.isnan(values)
    if not ok.any() or not present.any():
        return out
    q, f = quantiles[ok], fractions[ok]
    if not higher_better:  # the percentile of -value
        q, f = -q[::-1], 1.0 - f[::-1]
    x = values[present] if higher_better else -values[present]
    if q[0] == q[-1]:  # one value for everyone: the middle, as the in-app rank gives
        out[present] = 0.5
        return out
    # a value shared by a stretch of the grid: the middle of that stretch (average rank)
    last = np.r_[q[1:] != q[:-1], True]
    first = np.r_[True, q[1:] != q[:-1]]
    upper = np.interp(x, q[last], f[last])
    lower = np.interp(x, q[first], f[first])
    out[present] = np.clip((upper + lower) / 2.0, 1e-9, 1.0)
    return out


@dataclass(frozen=True)
class NetworkTiers:
    """Tier settings and measure quantiles learned from a whole network
    (:meth:`fit`), applied to the rows of any part of it (:meth:`assign`).

    Attributes
    ----------
    settings : the settings graded with, in threshold mode (thresholds learned for a
        share-mode input).
    grid : the network quantiles of each measure, indexed by fraction.
    """

    settings: TierSettings
    grid: pd.DataFrame

    @classmethod
    def fit(cls, bind: sa.Engine | sa.Connection, settings: TierSettings | None = None, *,
            as_of, table_names: TableNames | None = None) -> NetworkTiers:
        """Learn the grid and, for share-mode ``settings``, the thresholds, in the engine."""
        from ..pushdown import suggest_thresholds_in_engine

        settings = settings if settings is not None else TierSettings()
        columns = [column for _, column, _ in MEASURES.values()]
        grid = measure_quantiles(bind, columns, GRID, as_of=as_of, table_names=table_names)
        if settings.mode != "threshold":
            thresholds = suggest_thresholds_in_engine(bind, settings, as_of=as_of,
                                                      table_names=table_names)
            settings = dataclasses.replace(settings, mode="threshold", thresholds=thresholds)
        return cls(settings, grid)

    def base(self, view: pd.DataFrame) -> ScoringBase:
        """A :class:`~segmentation.tiers.ScoringBase` of ``view`` whose percentiles are read
        off the network grid (nothing ranked within ``view``)."""
        missing = [c for c in REQUIRED_COLUMNS if c not in view.columns]
        if missing:
            raise ValueError(f"the customer view lacks the column(s) {', '.join(missing)}")
        fractions = self.grid.index.to_numpy(dtype="float64")
        pct = np.empty((len(MEASURES), len(view)))
        for i, (_, column, higher) in enumerate(MEASURES.values()):
            if column not in view.columns:
                pct[i] = 0.5
                continue
            values = pd.to_numeric(view[column], errors="coerce").to_numpy(
                dtype="float64", na_value=np.nan)
            pct[i] = _grid_percentile(values, self.grid[column].to_numpy(dtype="float64"),
                                      fractions, higher)
        scores = np.clip(np.ceil(pct * 5), 1, 5).astype(np.int8)
        cells = ((scores[0] - 1) * 5 + (scores[1] - 1)).astype(np.int8)
        return ScoringBase(view=view, percentiles=pct, scores=scores, cells=cells, notes=(),
                           has_tenure="tenure_days" in view.columns)

    def assign(self, view: pd.DataFrame) -> pd.DataFrame:
        """``view`` with the columns of :func:`~segmentation.tiers.assign`
        (:data:`~segmentation.tiers.OUTPUT_COLUMNS`), each row graded on its own."""
        from .assignment import assign

        return assign(self.base(view), self.settings).scored
