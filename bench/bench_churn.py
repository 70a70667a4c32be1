"""Benchmark: the churn pipeline at 1,000,000 customers (backtest, choose, fit, score).

Generates the sample network at benchmark size (default 1,000,000 customers,
about 10,000,000 transactions, with surveys and complaints), writes it to a
DuckDB workspace, then times :func:`segmentation.churn.score_churn`, the call
the page and the CLI make, end to end:

* the **backtest**: up to three rolling windows, on a seeded sample of about
  ``--backtest-sample`` customers (100,000 by default) drawn once in the database
  (a hash of ``customer_id`` in the views' ``WHERE``), the same in every window;
  in each, churn features at the window's day (customer view of the sample,
  BG/NBD and Gamma-Gamma, P(no purchase), signals), the outcomes (read from the
  next window's view), the training set H days earlier (the next window's
  features) and the time-shifted gradient boosting on it, every candidate
  judged on the sampled customers not lost, the paired bootstrap of each
  difference to the recency rule, the chosen one calibrated on the latest window;
* the **fit**: the time-shifted model trained on the latest window (its
  features and labels are reused, not recomputed), when it is chosen;
* the **score**: features at ``as_of`` (the view given, as on the page), the
  chosen score calibrated, value at risk and reason codes for everyone;

and, separately, the words of the reasons in both languages (what a language
switch costs) and the call list. The steps inside ``score_churn`` are timed by
wrapping the module's functions. Prints seconds per step, peak RSS, every
candidate's backtest figures, the sample sizes and a plain baseline measured in the
same run (the customer view at ``as_of - H``, the labels, one gradient-boosting fit
on ``--sample`` customers, predictions for everyone). Not a test.

    .venv/bin/python -m bench.bench_churn [--customers 1000000] [--horizon H]
        [--sample 200000] [--workspace DIR] [--lifecycle]

(from the repository root). ``--workspace DIR`` reuses (or, when empty, fills) a
workspace folder, so that repeated runs skip the generation.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
import warnings
from collections import defaultdict

from bench._workspace import add_common_args, bench_workspace, peak_mb


def _timed(names: list[str], spent: dict[str, float], owners: list | None = None) -> None:
    """Wrap ``<owner>.<name>`` so that its time adds up in ``spent[name]``.

    The owners default to every module of the ``segmentation.churn`` package that holds
    the name: each submodule looks its helpers up in its own namespace, so each one that
    imported the function gets the wrapper (one wrapper, so nested calls count once each).
    """
    if owners is None:
        import segmentation.churn as churn

        for info in pkgutil.iter_modules(churn.__path__):  # the package loads them lazily
            importlib.import_module(f"{churn.__name__}.{info.name}")
        owners = [m for n, m in sorted(sys.modules.items())
                  if n == "segmentation.churn" or n.startswith("segmentation.churn.")]
    for name in names:
        holders = [o for o in owners if name in vars(o)]
        if not holders:
            raise AttributeError(f"no module of segmentation.churn holds {name!r}")
        fn = getattr(holders[0], name)

        def wrapper(*args, _fn=fn, _name=name, **kwargs):
            t0 = time.perf_counter()
            try:
                return _fn(*args, **kwargs)
            finally:
                spent[_name] += time.perf_counter() - t0

        for owner in holders:
            if getattr(owner, name) is fn:
                setattr(owner, name, wrapper)


def _baseline(engine, *, as_of, horizon: int, view, sample: int) -> tuple[float, int]:
    """The plain baseline: plain features (the customer view at ``as_of - H``, its numeric
    columns), the labels (one query), one gradient-boosting fit on at most ``sample``
    customers (default settings, one thread) and its predictions for every customer at
    ``as_of`` (from the view given). Seconds and training rows."""
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    from segmentation.churn.labels import churn_labels
    from segmentation.features import customer_view

    t0 = time.perf_counter()
    cutoff = as_of - pd.Timedelta(days=horizon)
    train = customer_view(engine, as_of=cutoff)
    y = churn_labels(engine, start=cutoff, horizon_days=horizon, index=train.index)
    x = train.select_dtypes("number")
    rows = np.arange(len(x))
    if len(rows) > sample:
        rows = np.sort(np.random.default_rng(7).choice(len(x), sample, replace=False))
    with threadpool_limits(1, user_api="openmp"):
        model = HistGradientBoostingClassifier(random_state=7).fit(
            x.iloc[rows].to_numpy(dtype="float64"), y.to_numpy()[rows])
        model.predict_proba(view[list(x.columns)].to_numpy(dtype="float64"))
    return time.perf_counter() - t0, len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--horizon", type=int, default=None,
                        help="H in days (default: from the purchase cycle and the history)")
    parser.add_argument("--sample", type=int, default=200_000,
                        help="BG/NBD fit sample, cap on the boosting's training customers")
    parser.add_argument("--backtest-sample", type=int, default=100_000,
                        help="customers the backtest reads (a seeded sample drawn in the "
                             "database when there are more)")
    parser.add_argument("--lifecycle", action="store_true", help="also time the lifecycle")
    args = parser.parse_args()

    import segmentation.churn as churn
    from segmentation.clv import CLVWarning
    from segmentation.features import customer_view, data_as_of

    warnings.simplefilter("ignore", CLVWarning)
    engine = bench_workspace(args.workspace, args.customers, "bench-churn-").engine()
    as_of = data_as_of(engine)

    t0 = time.perf_counter()
    view = customer_view(engine, as_of=as_of)
    t_view = time.perf_counter() - t0
    print(f"as_of {as_of.date()}, {len(view):,} customers, history {churn.history_days(view)} "
          f"days (view at as_of, as the page has it cached: {t_view:.1f} s)")

    spent: dict[str, float] = defaultdict(float)
    _timed(["run_backtest", "churn_features", "training_set", "churn_labels",
            "candidate_scores", "assemble_scores", "paired_differences"], spent)
    _timed(["fit"], spent, owners=[churn.ChurnModel])
    t0 = time.perf_counter()
    result = churn.score_churn(engine, as_of=as_of, view=view, horizon_days=args.horizon,
                               lang=None, config=churn.ChurnConfig(
                                   sample_size=args.sample,
                                   backtest_sample=args.backtest_sample))
    t_total = time.perf_counter() - t0
    t_base, n_base = _baseline(engine, as_of=as_of, horizon=result.horizon_days, view=view,
                               sample=args.sample)
    bt = result.backtest
    t_backtest = spent["run_backtest"]
    t0 = time.perf_counter()
    words = {lang: churn.render_reasons(result.scores, lang) for lang in ("en", "zh")}
    t_words = time.perf_counter() - t0
    t0 = time.perf_counter()
    calls = churn.call_list(result.scores[result.scores["status"] == "warning"],
                            calls_per_branch=20)
    t_calls = time.perf_counter() - t0

    print()
    print(f"{'step':52}{'seconds':>10}")
    print(f"{'score_churn: backtest + fit + score':52}{t_total:>10.1f}")
    print(f"{'  plain baseline (view at as_of - H, labels,':52}{t_base:>10.1f}")
    print(f"{'   one boosting fit on ' + format(n_base, ',') + ', predict all): ratio':52}"
          f"{t_total / t_base:>10.2f}")
    print(f"{'  backtest (every candidate, choice, calibration)':52}{t_backtest:>10.1f}")
    print(f"{'    of which training sets (H before each window)':52}"
          f"{spent['training_set']:>10.1f}")
    print(f"{'    of which paired bootstrap':52}{spent['paired_differences']:>10.1f}")
    print(f"{'  fit + score after the backtest':52}{t_total - t_backtest:>10.1f}")
    print(f"{'  (all churn_features calls: views, BTYD, signals)':52}"
          f"{spent['churn_features']:>10.1f}")
    print(f"{'  (gradient boosting fits)':52}{spent['fit']:>10.1f}")
    print(f"{'  (candidate scores, both days)':52}{spent['candidate_scores']:>10.1f}")
    print(f"{'  (value at risk, statuses, reason codes)':52}{spent['assemble_scores']:>10.1f}")
    print(f"{'reasons in words, en + zh (a language switch)':52}{t_words:>10.1f}")
    print(f"{'call list, 20 per branch':52}{t_calls:>10.1f}")
    if args.lifecycle:
        t0 = time.perf_counter()
        lc = churn.lifecycle_stages(engine, as_of=as_of,
                                    horizon_days=result.horizon_days)
        print(f"{'lifecycle (12 months)':52}{time.perf_counter() - t0:>10.1f}")
        print(lc.counts.tail(3).to_string())
    print(f"peak RSS {peak_mb():,.0f} MB")
    print()
    print(f"H = {result.horizon_days} days; ranked by {result.ranking.chosen} "
          f"({result.ranking.why}, {result.ranking.calibration.method})")
    if bt is not None:
        print(f"backtest: {len(bt.cutoffs)} windows {bt.step_days} days apart, latest eval "
              f"{bt.eval_cutoff.date()}, train {bt.train_cutoff}, n_train {bt.n_train:,}")
        if bt.sampled is not None:
            print(f"customer sample drawn in the database: {bt.sample_share:.2%} of the "
                  f"customers ({bt.sampled:,} at the latest window's day; --backtest-sample "
                  f"{bt.sample:,}), the same in every window; every sampled customer not "
                  f"lost is judged")
        else:
            print(f"every customer read; judged per window: a sample of at most "
                  f"{bt.sample:,} customers")
        print(bt.windows.drop(columns=["cutoff"]).round(3).to_string())
        print(bt.comparison.round(3).to_string())
        print(bt.calibration_sentence("en"))
    print(result.explanation("en"))
    print(result.scores["status"].value_counts().to_string())
    print(f"call list: {int(calls['call_this_week'].sum()):,} calls this week, "
          f"{int((~calls['call_this_week']).sum()):,} further warnings")
    print(result.scores[["churn_risk", "value_at_risk"]].assign(
        risk_reasons=words["en"]).head(5).to_string())


if __name__ == "__main__":
    main()
