"""Benchmark: re-tiering 1,000,000 customers after a slider move.

Builds a synthetic customer view with numpy (the columns :mod:`segmentation.tiers`
reads, plus attribute and filler columns so the frame is as wide as a real view),
then times:

* ``prepare_scoring`` once (the ranks: done once per view and cached by the page);
* ``assign`` after each kind of slider move (weights, shares, threshold mode,
  thresholds, frequency classes), median of several runs;
* the per-move summaries the page draws (tier summary, tier mixes, RFM grid,
  migration against a preset and its sentences);
* the naive baseline: ``score_customers``, which ranks again from scratch.

With ``--page`` (and a tiers page in ``pages/tiers.py``) it also times an AppTest
rerun of the page after a slider move, on a generated workspace of the same size
(``--workspace DIR`` reuses one; generating 1,000,000 customers takes minutes).

    .venv/bin/python -m bench.bench_tiers [--customers 1000000] [--repeat 9] [--page]
        [--workspace DIR]

(from the repository root).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from bench._workspace import ROOT, add_common_args
from segmentation.tiers import (
    Threshold,
    TierSettings,
    assign,
    migration,
    migration_sentences,
    pareto,
    prepare_scoring,
    rfm_grid,
    score_customers,
    tier_mix,
    tier_summary,
    top_share,
)


def synthetic_view(n: int, *, seed: int = 7, filler: int = 30) -> pd.DataFrame:
    """A customer view of ``n`` customers with realistic ties (integer days and counts)."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(0, 900, n).astype("float64")
    recency = np.minimum(np.floor(rng.exponential(120, n)), tenure)
    frequency = 1 + rng.negative_binomial(1, 0.12, n)
    monetary = np.round(frequency * rng.lognormal(3.5, 1.2, n), 2)
    branches = np.array([f"网点{i:03d}" for i in range(300)])
    regions = np.array(["华东", "华南", "华北", "华中", "西南", "西北", "东北"])
    branch_codes = rng.integers(0, len(branches), n)
    cols: dict[str, object] = {
        "customer_type": pd.array(np.where(rng.random(n) < 0.3, "enterprise", "individual"),
                                  dtype="str"),
        "branch": pd.array(branches[branch_codes], dtype="str"),
        "region": pd.array(regions[branch_codes % len(regions)], dtype="str"),
        "area_type": pd.array(np.where(rng.random(n) < 0.6, "urban", "rural"), dtype="str"),
        "recency_days": recency,
        "tenure_days": tenure,
        "frequency": frequency.astype("int64"),
        "n_transactions": frequency.astype("int64"),
        "monetary_total": monetary,
        "monetary_avg": monetary / frequency,
    }
    for i in range(filler):
        cols[f"filler_{i}"] = rng.random(n)
    index = pd.Index(np.char.add("C", np.arange(n).astype("U7")), dtype="str",
                     name="customer_id")
    return pd.DataFrame(cols, index=index)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def library(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    view = synthetic_view(args.customers)
    print(f"synthetic view: {len(view):,} customers x {view.shape[1]} columns "
          f"in {time.perf_counter() - t0:.1f} s")

    rows: list[tuple[str, float]] = []
    seconds, base = timed(lambda: prepare_scoring(view), 1)
    rows.append(("prepare_scoring (once per view)", seconds))

    default = TierSettings()
    moves = {
        "assign after a weight change": [replace(default, weights={"r": w, "f": 0.3, "m": 0.5})
                                          for w in (0.1, 0.15, 0.2, 0.25)],
        "assign after a share change": [replace(default, shares=(s, 0.2, 0.3, 0.5 - s))
                                         for s in (0.05, 0.08, 0.1, 0.12)],
        "assign, threshold mode, threshold change": [
            replace(default, mode="threshold",
                    thresholds=(Threshold(spend, 24), Threshold(2000, 12), Threshold(500, 4)))
            for spend in (5000, 10000, 20000, 50000)],
        "assign after a frequency-class change": [
            replace(default, frequency_classes={"high": h, "medium": 6}) for h in (12, 24, 36)],
    }
    for label, variants in moves.items():
        cycle = iter(variants * args.repeat)
        seconds, result = timed(lambda cycle=cycle: assign(base, next(cycle)), args.repeat)
        rows.append((label, seconds))

    result = assign(base, default)
    scored = result.scored
    preset = assign(base, replace(default, shares=(0.05, 0.25, 0.3, 0.4))).scored
    result.mix("branch"), result.mix("region")  # factorise the groups once per view
    summaries = {
        "result.summary()": lambda: result.summary(),
        "result.mix('branch')": lambda: result.mix("branch"),
        "result.mix('region')": lambda: result.mix("region"),
        "result.grid()": lambda: result.grid(),
        "tier_summary(scored) (no cache)": lambda: tier_summary(scored),
        "tier_mix(scored, 'branch') (no cache)": lambda: tier_mix(scored, "branch"),
        "rfm_grid(scored) (no cache)": lambda: rfm_grid(scored),
        "top_share(5%)": lambda: top_share(scored, 0.05),
        "migration vs a preset + sentences": lambda: migration_sentences(
            *migration(preset["tier"], scored["tier"], scored["monetary_total"])),
        "pareto by revenue (slider-independent: cache)": lambda: pareto(scored),
        "pareto by value score": lambda: pareto(scored, by="value_score"),
    }
    for label, fn in summaries.items():
        seconds, _ = timed(fn, args.repeat)
        rows.append((f"  {label}", seconds))

    seconds, _ = timed(lambda: score_customers(view, default), max(1, args.repeat // 3))
    rows.append(("baseline: score_customers (ranks again)", seconds))

    print()
    print(f"{'step (median)':48}{'ms':>10}")
    for label, seconds in rows:
        print(f"{label:48}{seconds * 1000:>10.1f}")
    move = statistics.median(s for label, s in rows if label.startswith("assign"))
    per_move = move + sum(s for label, s in rows if label.strip().startswith(
        ("result.", "migration")))
    baseline = rows[-1][1]
    print(f"\nre-tiering after a slider move: {move * 1000:.0f} ms "
          f"vs {baseline * 1000:.0f} ms ranking from scratch ({baseline / move:.0f}x faster)")
    print(f"with the page's per-move numbers (summary, two mixes, grid, migration): "
          f"{per_move * 1000:.0f} ms")


def page(args: argparse.Namespace) -> None:
    """AppTest rerun of the tiers page after a slider move (needs ``pages/tiers.py``)."""
    if not (ROOT / "pages" / "tiers.py").exists():
        print("\n--page: pages/tiers.py does not exist yet; skipped")
        return
    from bench._apptest import check, new_session
    from bench._workspace import bench_workspace

    folder = bench_workspace(args.workspace, args.customers, "bench-tiers-").folder
    os.environ["SEG_WORKSPACE"] = str(folder)

    at = new_session()
    at.run()
    check(at)
    at.switch_page("pages/tiers.py")
    start = time.perf_counter()
    at.run()
    print(f"\nAppTest first render of the tiers page: {time.perf_counter() - start:.2f} s")
    assert not at.exception, at.exception
    if not at.slider:
        print("no slider found on the tiers page; nothing to move")
        return
    slider = at.slider[0]
    values = [slider.min, slider.max] if not isinstance(slider.value, tuple) else None
    times = []
    for i in range(args.repeat):
        if values is None:
            break
        start = time.perf_counter()
        slider.set_value(values[i % 2]).run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    if times:
        print(f"AppTest rerun after moving slider '{slider.label}': "
              f"median {statistics.median(times) * 1000:.0f} ms over {len(times)} moves")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--page", action="store_true",
                        help="also time the page via AppTest (on the --workspace network)")
    args = parser.parse_args()
    library(args)
    if args.page:
        page(args)


if __name__ == "__main__":
    main()
