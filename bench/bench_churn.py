"""Benchmark: the churn model at 1,000,000 customers (fit on a sample, score everyone).

Generates the sample network at benchmark size (default 1,000,000 customers,
about 10,000,000 transactions, with surveys and complaints), writes it to a
DuckDB workspace, then times in one process:

* ``fit``: :meth:`segmentation.churn.ChurnModel.fit` at the last day: the
  customer view at the cutoff ``as_of - H`` (all customers), the BG/NBD and
  Gamma-Gamma fits (on a 200,000-customer sample), the label and same-season
  queries, and the calibrated gradient boosting on a ``--sample`` of the
  training customers;
* ``score``: :meth:`~segmentation.churn.ChurnModel.score` for every customer at
  ``as_of``: the view at ``as_of``, BG/NBD / CLV, probabilities, value at risk
  and the reasons in one language;
* optionally (``--backtest``) the backtest, which repeats both one horizon earlier;
* optionally (``--lifecycle``) the 12-month lifecycle stages.

Prints seconds per step, peak RSS and a few sanity figures. Not a test.

    .venv/bin/python bench/bench_churn.py [--customers 1000000] [--horizon 180]
        [--sample 200000] [--workspace DIR] [--backtest] [--lifecycle]

``--workspace DIR`` reuses (or, when empty, fills) a workspace folder, so that
repeated runs skip the generation.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._workspace import peak_mb  # noqa: E402


def _workspace(folder: Path, customers: int):
    from data.generate_sample import generate
    from segmentation.workspace import Workspace

    ws = Workspace(folder)
    if ws.current() is not None:
        print(f"reusing the workspace in {folder}")
        return ws
    t0 = time.perf_counter()
    tables = generate(customers, with_text=False)
    tables.pop("truth")
    print(f"generated {customers:,} customers, {len(tables['transactions']):,} transactions "
          f"in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    ws.replace(tables, source="bench")
    print(f"wrote the workspace in {time.perf_counter() - t0:.1f} s")
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--horizon", type=int, default=None,
                        help="H in days (default: derived from the data)")
    parser.add_argument("--sample", type=int, default=200_000,
                        help="training customers for the classifier")
    parser.add_argument("--workspace", help="workspace folder to reuse or fill")
    parser.add_argument("--backtest", action="store_true", help="also time the backtest")
    parser.add_argument("--lifecycle", action="store_true", help="also time the lifecycle")
    args = parser.parse_args()

    from segmentation.churn import ChurnModel, backtest, default_horizon, lifecycle_stages
    from segmentation.clv import CLVWarning
    from segmentation.features import customer_view, data_as_of

    warnings.simplefilter("ignore", CLVWarning)
    folder = Path(args.workspace or tempfile.mkdtemp(prefix="bench-churn-"))
    engine = _workspace(folder, args.customers).engine()
    as_of = data_as_of(engine)

    t0 = time.perf_counter()
    view = customer_view(engine, as_of=as_of)
    t_view = time.perf_counter() - t0
    horizon = args.horizon or default_horizon(view)
    print(f"as_of {as_of.date()}, {len(view):,} customers, H = {horizon} days "
          f"(view at as_of: {t_view:.1f} s)")

    model = ChurnModel(horizon, sample_size=args.sample)
    t0 = time.perf_counter()
    model.fit(engine, as_of=as_of)
    t_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores = model.score(engine, as_of=as_of, view=view)
    t_score = time.perf_counter() - t0
    t0 = time.perf_counter()
    scores_cold = model.score(engine, as_of=as_of)
    t_score_cold = time.perf_counter() - t0
    same = (scores_cold["churn_risk"].sort_index() - scores["churn_risk"].sort_index()).abs()
    print(f"largest difference between the two scorings: {same.max():.2e}")

    print()
    print(f"{'step':44}{'seconds':>10}")
    print(f"{'fit (view at cutoff, BTYD, labels, HGB)':44}{t_fit:>10.1f}")
    print(f"{'score, view at as_of given (page, CLI)':44}{t_score:>10.1f}")
    print(f"{'score, view computed':44}{t_score_cold:>10.1f}")
    print(f"{'fit + score (view computed)':44}{t_fit + t_score_cold:>10.1f}")
    if args.backtest:
        t0 = time.perf_counter()
        bt = backtest(engine, as_of=as_of, horizon_days=horizon, sample_size=args.sample)
        print(f"{'backtest':44}{time.perf_counter() - t0:>10.1f}")
        print(bt.metrics.round(3).to_string())
        print(bt.calibration_sentence("en"))
    if args.lifecycle:
        t0 = time.perf_counter()
        lc = lifecycle_stages(engine, as_of=as_of, horizon_days=horizon)
        print(f"{'lifecycle (12 months)':44}{time.perf_counter() - t0:>10.1f}")
        print(lc.counts.tail(3).to_string())
    print(f"peak RSS {peak_mb():,.0f} MB")
    print(f"training customers {model.n_train_:,} (sampled from the customers not lost at "
          f"{model.cutoff_.date()}), base rate {model.base_rate_:.1%}")
    print(scores["status"].value_counts().to_string())
    print(scores[["churn_risk", "value_at_risk", "risk_reasons"]].head(5).to_string())


if __name__ == "__main__":
    main()
