"""Shipment-volume forecast of a network: weekly shipments and revenue per branch, region
and the network, 13 weeks ahead, backtested and coherent.

:func:`forecast_network` runs on the daily activity cube (computed inside the
database, see :func:`segmentation.overview.activity_cube`); :func:`forecast_panel`
on a :class:`~segmentation.forecast.series.WeeklyPanel`. Both return one
:class:`ForecastResult` for the whole network: a viewer's share of it is
:meth:`ForecastResult.scoped` (a branch manager's branch, a regional lead's region
and its branches), so everyone reads the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from ..access import Scope
from .engine import METHODS, run_metric
from .model import SEASON, ForecastConfig
from .series import METRICS, WeeklyPanel, last_complete_week, weekly_panel

#: the hierarchy's levels, bottom first
LEVELS: tuple[str, ...] = ("branch", "region", "network")
#: columns identifying a series
SERIES_COLUMNS: tuple[str, ...] = ("level", "region", "branch")


@dataclass(frozen=True)
class ForecastResult:
    """A forecast and how it was made.

    ``forecast``: one row per series, metric and week ahead: ``level``, ``region``,
    ``branch`` (``<NA>`` above the branch level), ``metric``, ``week`` (its Monday),
    ``point``, ``lower_<L>`` / ``upper_<L>`` per interval level, ``method``
    (``model`` / ``snaive`` / ``recent`` for branches; ``bottom_up`` above).
    Sorted by metric, then the network, the regions and the branches, then week.
    ``history``: ``level``, ``region``, ``branch``, ``metric``, ``week``, ``value``.
    ``backtest``: one row per series and metric: ``method``, ``reason``
    (``beats`` / ``no_better`` / ``untested`` / ``short``; empty above the branch
    level), ``mase`` (what is shipped), ``mase_model``, ``mase_snaive``,
    ``coverage_<L>``, ``points``.
    """

    forecast: pd.DataFrame
    history: pd.DataFrame
    backtest: pd.DataFrame
    as_of: date
    last_week: pd.Timestamp
    config: ForecastConfig = field(default_factory=ForecastConfig)
    has_branches: bool = True
    unassigned: float = 0.0

    def scoped(self, scope: Scope | None) -> ForecastResult:
        """The rows a user of ``scope`` may read: branches of the scope; regions of a
        regional scope; the network only for an unlimited scope."""
        if scope is None or scope.is_all:
            return self

        def keep(frame: pd.DataFrame) -> pd.DataFrame:
            level = frame["level"].to_numpy()
            branch = frame["branch"].astype("string").isin(scope.branches).fillna(False)
            region = frame["region"].astype("string").isin(scope.regions).fillna(False)
            ok = ((level == "branch") & (branch | region).to_numpy()) | \
                ((level == "region") & region.to_numpy())
            return frame[ok].reset_index(drop=True)

        return replace(self, forecast=keep(self.forecast), history=keep(self.history),
                       backtest=keep(self.backtest))

    def accuracy(self) -> pd.DataFrame:
        """Per level and metric: series, MASE of what is shipped and of seasonal naive
        (means over the series), the share of branches on the model, and the interval
        coverage pooled over every backtest week."""
        bt = self.backtest
        rows = []
        for (level, metric), grp in bt.groupby(["level", "metric"], sort=False):
            points = grp["points"].to_numpy(dtype=float)
            row = {"level": level, "metric": metric, "series": len(grp),
                   "mase": _mean(grp["mase"]), "mase_snaive": _mean(grp["mase_snaive"]),
                   "model_share": (float((grp["method"] == "model").mean())
                                   if level == "branch" else float("nan")),
                   "points": int(points.sum())}
            for lv in self.config.levels:
                cov = grp[f"coverage_{lv}"].to_numpy(dtype=float)
                ok = ~np.isnan(cov)
                row[f"coverage_{lv}"] = (float((cov[ok] * points[ok]).sum() / points[ok].sum())
                                         if points[ok].sum() else float("nan"))
            rows.append(row)
        return pd.DataFrame(rows)

    def series(self) -> pd.DataFrame:
        """The series of the result: ``level``, ``region``, ``branch``, top level first."""
        ids = self.backtest[list(SERIES_COLUMNS)].drop_duplicates()
        order = ids["level"].map({lv: i for i, lv in enumerate(reversed(LEVELS))})
        return ids.assign(_o=order).sort_values(["_o", "region", "branch"]).drop(
            columns="_o").reset_index(drop=True)

    def peaks(self, level: str, region: object = None, branch: object = None,
              metric: str = "shipments") -> pd.DataFrame:
        """The weeks ahead at least :attr:`ForecastConfig.peak_ratio` times the usual week
        (the median week of the last year of history) of one series, largest first:
        ``week``, ``point``, ``usual``, ``ratio``."""
        fc = _pick(self.forecast, level, region, branch, metric)
        hist = _pick(self.history, level, region, branch, metric)
        usual = usual_week(hist["value"].to_numpy(dtype=float))
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = fc["point"].to_numpy(dtype=float) / usual
        out = pd.DataFrame({"week": fc["week"].to_numpy(), "point": fc["point"].to_numpy(),
                            "usual": usual, "ratio": ratio})
        out = out[out["ratio"] >= self.config.peak_ratio]
        return out.sort_values("ratio", ascending=False).reset_index(drop=True)


def usual_week(values: np.ndarray) -> float:
    """The usual weekly volume: the median of the last year's weeks (NaN: none)."""
    recent = values[-SEASON:]
    recent = recent[~np.isnan(recent)]
    return float(np.median(recent)) if len(recent) else float("nan")


def _mean(values: pd.Series) -> float:
    arr = values.to_numpy(dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if len(arr) else float("nan")


def _pick(frame: pd.DataFrame, level: str, region: object, branch: object,
          metric: str) -> pd.DataFrame:
    ok = (frame["level"] == level) & (frame["metric"] == metric)
    for column, value in (("region", region), ("branch", branch)):
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            ok &= frame[column].isna()
        else:
            ok &= frame[column] == value
    return frame[ok.fillna(False).to_numpy()].sort_values("week")


def _hierarchy(panel: WeeklyPanel) -> tuple[np.ndarray, pd.DataFrame]:
    """``S`` (aggregates x branches) and the aggregates' ``level`` / ``region`` /
    ``branch``: one row per region (when known), then the network."""
    region = panel.branches["region"]
    names = sorted(region.dropna().unique().tolist()) if panel.has_branches else []
    rows = [(region == r).fillna(False).to_numpy(dtype=float) for r in names]
    rows.append(np.ones(len(panel.branches)))
    ids = pd.DataFrame({"level": ["region"] * len(names) + ["network"],
                        "region": pd.array([*names, pd.NA], dtype="string"),
                        "branch": pd.array([pd.NA] * (len(names) + 1), dtype="string")})
    return np.vstack(rows), ids


def forecast_panel(panel: WeeklyPanel, config: ForecastConfig | None = None,
                   *, as_of: date | pd.Timestamp | None = None) -> ForecastResult:
    """Backtest, choose, forecast and reconcile every metric of ``panel``."""
    config = config or ForecastConfig()
    S, agg_ids = _hierarchy(panel)
    branch_ids = pd.DataFrame({"level": "branch",
                               "region": panel.branches["region"].astype("string"),
                               "branch": panel.branches["branch"].astype("string")})
    ids = pd.concat([branch_ids, agg_ids], ignore_index=True)
    k = len(branch_ids)
    last = panel.weeks[-1]
    ahead = pd.date_range(last + pd.Timedelta(weeks=1), periods=config.horizon, freq="7D")
    forecasts, histories, backtests = [], [], []
    for metric in panel.metrics:
        values = panel.values[metric]
        result = run_metric(values, panel.weeks, panel.starts, S, config)
        n = len(ids)
        method = np.concatenate([np.array(METHODS)[result.choice[:k]],
                                 np.full(n - k, "bottom_up")])
        fc = ids.loc[np.tile(np.arange(n), config.horizon)].reset_index(drop=True)
        fc["metric"] = metric
        fc["week"] = np.repeat(ahead.to_numpy(), n)
        fc["point"] = result.forecast.mean.ravel()
        for lv in config.levels:
            fc[f"lower_{lv}"] = result.forecast.lower[lv].ravel()
            fc[f"upper_{lv}"] = result.forecast.upper[lv].ravel()
        fc["method"] = np.tile(method, config.horizon)
        forecasts.append(fc)
        full = np.column_stack([values, np.nan_to_num(values) @ S.T])
        hist = ids.loc[np.tile(np.arange(n), len(panel.weeks))].reset_index(drop=True)
        hist["metric"] = metric
        hist["week"] = np.repeat(panel.weeks.to_numpy(), n)
        hist["value"] = full.ravel()
        histories.append(hist[~np.isnan(hist["value"].to_numpy())])
        bt = pd.concat([ids, result.scores], axis=1)
        bt.insert(3, "metric", metric)
        bt.insert(4, "method", method)
        bt.insert(5, "reason", np.concatenate([result.reason, np.full(n - k, "")]))
        backtests.append(bt)
    keep_branches = panel.has_branches
    out = [pd.concat(f, ignore_index=True) for f in (forecasts, histories, backtests)]
    if not keep_branches:  # the one column is the network itself
        out = [f[f["level"] != "branch"].reset_index(drop=True) for f in out]
    forecast, history, backtest = out
    rank = forecast["level"].map({lv: i for i, lv in enumerate(reversed(LEVELS))})
    forecast = (forecast.assign(_o=rank)
                .sort_values(["metric", "_o", "region", "branch", "week"], kind="stable",
                             na_position="first")
                .drop(columns="_o").reset_index(drop=True))
    as_of = pd.Timestamp(as_of if as_of is not None else last + pd.Timedelta(days=6)).date()
    return ForecastResult(forecast, history.reset_index(drop=True), backtest, as_of, last,
                          config, has_branches=panel.has_branches,
                          unassigned=panel.unassigned)


def forecast_network(cube: pd.DataFrame, *, as_of: date | pd.Timestamp,
                     config: ForecastConfig | None = None) -> ForecastResult:
    """The network's forecast from the daily activity cube (every branch: call with the
    unscoped cube and cut with :meth:`ForecastResult.scoped`).

    Raises
    ------
    ForecastUnavailable
        Too little history (fewer than 8 complete weeks), no activity columns, or dates
        outside the Spring Festival table (2000-2060).
    """
    panel = weekly_panel(cube, as_of=as_of)
    return forecast_panel(panel, config, as_of=as_of)


def forecast_from_engine(engine, *, as_of: date | pd.Timestamp | None = None,
                         table_names=None, config: ForecastConfig | None = None
                         ) -> ForecastResult:
    """:func:`forecast_network` on the activity cube computed inside ``engine`` (the
    analysis date defaults to the last transaction date)."""
    from ..features.dates import data_as_of
    from ..overview import activity_cube

    if as_of is None:
        as_of = data_as_of(engine, table_names)
    as_of = pd.Timestamp(as_of)
    cube = activity_cube(engine, as_of=as_of, table_names=table_names)
    return forecast_network(cube, as_of=as_of, config=config)


def output_frame(result: ForecastResult) -> pd.DataFrame:
    """One row per series and week ahead, the metrics side by side (the CLI's file):
    ``level``, ``region``, ``branch``, ``week``, then per metric ``<metric>`` (the point
    forecast), ``<metric>_lower_<L>``, ``<metric>_upper_<L>`` per interval level and
    ``<metric>_method``."""
    levels = result.config.levels
    keys = ["level", "region", "branch", "week"]
    parts = []
    for metric in METRICS:
        fc = result.forecast[result.forecast["metric"] == metric]
        if fc.empty:
            continue
        cols = {"point": metric}
        for lv in levels:
            cols[f"lower_{lv}"] = f"{metric}_lower_{lv}"
            cols[f"upper_{lv}"] = f"{metric}_upper_{lv}"
        cols["method"] = f"{metric}_method"
        part = fc[keys + list(cols)].rename(columns=cols).set_index(keys)
        parts.append(part)
    out = pd.concat(parts, axis=1).reset_index()
    order = out["level"].map({lv: i for i, lv in enumerate(reversed(LEVELS))})
    out = out.assign(_o=order).sort_values(["_o", "region", "branch", "week"],
                                           na_position="first").drop(columns="_o")
    out["week"] = pd.to_datetime(out["week"]).dt.date
    return out.reset_index(drop=True)


__all__ = ["LEVELS", "ForecastResult", "forecast_network", "forecast_panel",
           "forecast_from_engine", "last_complete_week", "output_frame", "usual_week"]
