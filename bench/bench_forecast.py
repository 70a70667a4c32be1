"""Benchmark: the shipment-volume forecast for 5,000 branches, weekly, over 3 years.

Two parts:

* **5,000 branches** (``--branches``, in 50 regions) of weekly shipments and
  revenue over ``--weeks`` weeks (156: three years), drawn from the sample
  generator's own daily intensity curves (its Spring Festival dip and rush,
  618 and Double 11 peaks: ``data.generate_sample._day_weights``), each branch a
  random mix of its customer archetypes, with Poisson noise. Times
  :func:`segmentation.forecast.forecast_panel`, what the page and the CLI run
  after the weekly aggregation: the rolling-origin backtest (4 origins over the
  last year) of the harmonic model and of seasonal naive, the per-branch
  choice, the 13-week forecast with 80 % / 95 % intervals and bottom-up
  reconciliation to regions and the network, for both metrics. Budget: 60 s.
  The baseline, measured in the same run on the same arrays, is seasonal naive
  alone with its own backtest over the same origins (forecast, MASE, coverage).
* **The generated network** of ``--customers`` customers in a workspace: the
  daily activity cube read from DuckDB and the forecast from it, end to end
  (:func:`segmentation.forecast.forecast_from_engine`).

Prints seconds per step, the backtest summary per level, and peak RSS. Not a test.

    .venv/bin/python -m bench.bench_forecast [--branches 5000] [--weeks 156]
        [--customers 200000] [--workspace DIR]

(from the repository root). ``--workspace DIR`` reuses (or, when empty, fills) a
workspace folder, so that repeated runs skip the generation.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from bench._workspace import add_common_args, bench_workspace, peak_mb

BUDGET_S = 60.0


def synthetic_panel(branches: int, weeks: int, *, seed: int = 7):
    """A :class:`~segmentation.forecast.WeeklyPanel` of ``branches`` branches (in up to 50
    regions of at least 100 branches) over ``weeks`` weeks ending in late June 2025; one
    branch in 20 opens during the period."""
    from data.generate_sample import ARCHETYPES, _day_weights
    from segmentation.forecast import WeeklyPanel

    rng = np.random.default_rng(seed)
    last = pd.Timestamp("2025-06-23")
    first = last - pd.Timedelta(weeks=weeks - 1)
    days = pd.date_range(first, last + pd.Timedelta(days=6), freq="D")
    norm = pd.date_range(f"{first.year}-01-01", f"{last.year - 1}-12-31", freq="D")
    w = _day_weights(days.to_numpy(dtype="datetime64[D]"), norm.to_numpy(dtype="datetime64[D]"))
    weekly = w.reshape(len(ARCHETYPES), weeks, 7).sum(axis=2)            # (K, weeks)
    share = np.array([a["share"] for a in ARCHETYPES.values()])
    mix = rng.dirichlet(share * 20, size=branches)                        # (branches, K)
    size = rng.lognormal(np.log(30), 0.8, branches)                       # parcels a day
    expected = (mix @ weekly).T * size[None, :]                           # (weeks, branches)
    ships = rng.poisson(expected).astype(float)
    revenue = ships * rng.lognormal(np.log(25), 0.3, branches)[None, :] \
        * rng.lognormal(0, 0.1, ships.shape)
    starts = np.where(rng.random(branches) < 0.05, rng.integers(1, weeks - 20, branches), 0)
    rows = np.arange(weeks)[:, None] < starts[None, :]
    ships[rows] = np.nan
    revenue[rows] = np.nan
    n_regions = max(1, min(50, branches // 100))
    frame = pd.DataFrame({
        "branch": pd.array([f"B{i:05d}" for i in range(branches)], dtype="string"),
        "region": pd.array([f"R{i % n_regions:02d}" for i in range(branches)],
                           dtype="string")})
    return WeeklyPanel(pd.DatetimeIndex(pd.date_range(first, periods=weeks, freq="7D")),
                       frame, {"shipments": ships, "revenue": revenue}, starts.astype(int))


def seasonal_naive_baseline(panel, config) -> dict[str, float]:
    """Seasonal naive alone with its own backtest over the same origins: its forecast,
    MASE and 80 % coverage per metric (what the model must beat, and its cost)."""
    from segmentation.forecast.model import mase_scale, seasonal_naive

    out = {}
    n = len(panel.weeks)
    for metric, values in panel.values.items():
        errors, hits, count = 0.0, 0, 0
        for i in range(config.backtest_origins, 0, -1):
            end = n - config.horizon * i
            block = seasonal_naive(values[:end], config.horizon, config.levels)
            actual = values[end:end + config.horizon]
            scaled = np.abs(actual - block.mean) / mase_scale(values[:end])[None, :]
            ok = np.isfinite(scaled)
            errors += scaled[ok].sum()
            hits += int(((actual >= block.lower[80]) & (actual <= block.upper[80]))[ok].sum())
            count += int(ok.sum())
        seasonal_naive(values, config.horizon, config.levels)
        out[metric] = errors / max(count, 1)
        out[f"{metric}_coverage"] = hits / max(count, 1)
    return out


def _summary(result) -> None:
    for row in result.accuracy().itertuples(index=False):
        on_model = f"  on the model {row.model_share:.0%}" if row.level == "branch" else ""
        print(f"  {row.metric:9s} {row.level:8s} series {row.series:6,d}  MASE "
              f"{row.mase:5.2f} (seasonal naive {row.mase_snaive:5.2f})  80% held "
              f"{row.coverage_80:6.1%}  95% held {row.coverage_95:6.1%}{on_model}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser, customers=200_000)
    parser.add_argument("--branches", type=int, default=5000)
    parser.add_argument("--weeks", type=int, default=156)
    args = parser.parse_args()

    from segmentation.forecast import ForecastConfig, forecast_from_engine, forecast_panel

    config = ForecastConfig()
    t0 = time.perf_counter()
    panel = synthetic_panel(args.branches, args.weeks)
    print(f"{args.branches:,} branches x {args.weeks} weeks generated in "
          f"{time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    baseline = seasonal_naive_baseline(panel, config)
    base_s = time.perf_counter() - t0
    print(f"seasonal naive + its backtest, 2 metrics (baseline): {base_s:8.2f} s  "
          f"(MASE shipments {baseline['shipments']:.2f}, revenue {baseline['revenue']:.2f}; "
          f"80% held {baseline['shipments_coverage']:.1%})")
    forecast_panel(synthetic_panel(min(args.branches, 50), args.weeks), config)  # imports
    t0 = time.perf_counter()
    result = forecast_panel(panel, config)
    spent = time.perf_counter() - t0
    print(f"forecast_panel: backtest + choice + forecast + reconcile, 2 metrics: "
          f"{spent:8.2f} s  ({spent / max(base_s, 1e-9):,.0f}x the baseline; "
          f"budget {BUDGET_S:.0f} s: {'within' if spent <= BUDGET_S else 'OVER'})")
    print(f"rows: forecast {len(result.forecast):,}, history {len(result.history):,}")
    _summary(result)

    ws = bench_workspace(args.workspace, args.customers, "bench-forecast-")
    snap = ws.current()
    engine = ws.engine(snap)
    try:
        t0 = time.perf_counter()
        network = forecast_from_engine(engine)
        print(f"workspace network ({snap.n_customers:,} customers): cube from DuckDB + "
              f"forecast: {time.perf_counter() - t0:8.2f} s")
        _summary(network)
    finally:
        engine.dispose()
    print(f"peak RSS {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
