"""Benchmark: the churn pipeline at 1,000,000 customers (backtest, choose, fit, score).

Generates the sample network at benchmark size (default 1,000,000 customers,
about 10,000,000 transactions, with surveys and complaints), writes it to a
DuckDB workspace, then times :func:`segmentation.churn.score_churn`, the call
the page and the CLI make, end to end:

* the **backtest**: up to three rolling windows; in each, churn features at
  the window's day (customer view, BG/NBD and Gamma-Gamma on a 200,000-customer
  sample, P(no purchase), signals), the labels, the training set H days
  earlier (shared with the next window's day when they coincide) and the
  time-shifted gradient boosting on a ``--sample`` of it, every candidate
  scored on a ``--backtest-sample`` of the customers (100,000 by default) and
  judged, the paired bootstrap of each difference to the recency rule, the
  chosen one calibrated on the latest window;
* the **fit**: the time-shifted model trained on the latest window (its
  features and labels are reused, not recomputed), when it is chosen;
* the **score**: features at ``as_of`` (the view given, as on the page), the
  chosen score calibrated, value at risk and reason codes for everyone;

and, separately, the words of the reasons in both languages (what a language
switch costs) and the call list. The steps inside ``score_churn`` are timed by
wrapping the module's functions. Prints seconds per step, peak RSS, every
candidate's backtest figures. Not a test.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--horizon", type=int, default=None,
                        help="H in days (default: from the purchase cycle and the history)")
    parser.add_argument("--sample", type=int, default=200_000,
                        help="training customers for the gradient boosting")
    parser.add_argument("--backtest-sample", type=int, default=100_000,
                        help="customers judged per backtest window")
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
              f"{bt.eval_cutoff.date()}, train {bt.train_cutoff}, n_train {bt.n_train:,}; "
              f"judged per window: a sample of at most {bt.sample:,} customers")
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
