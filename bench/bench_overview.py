"""Benchmark: the overview page at 1,000,000 customers through streamlit's AppTest.

Generates the sample network at benchmark size (about 10,000,000 transactions),
loads it into a workspace, then times through ``AppTest``:

* the first render (customer view + daily cubes computed, nothing cached);
* a filter change (one branch): cached view, only filtering reruns;
* a language switch and a page switch (should recompute nothing heavy);
* a plain baseline in the same run: the library calls the first render makes,
  without Streamlit, to show what the framework adds.

    .venv/bin/python bench/bench_overview.py [--customers 1000000] [--workspace DIR]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _timed(label: str, fn, results: list) -> None:
    start = time.perf_counter()
    fn()
    results.append((label, time.perf_counter() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--workspace", help="reuse (or create) a workspace folder")
    args = parser.parse_args()

    from bench._workspace import bench_workspace

    ws = bench_workspace(args.workspace, args.customers, "bench-overview-")
    folder = ws.folder
    snap = ws.current()
    print(f"workspace {folder}: {snap.n_customers:,} customers, "
          f"{snap.rows['transactions']:,} transactions")
    os.environ["SEG_WORKSPACE"] = str(folder)

    # plain baseline: the heavy library calls of a first render, no Streamlit
    import pandas as pd

    from segmentation.features import customer_view
    from segmentation.overview import activity_cube, headline, monthly_trend, survey_cube

    results: list[tuple[str, float]] = []
    as_of = pd.Timestamp(snap.date_max)
    engine = ws.engine()
    holder = {}

    def baseline():
        holder["view"] = customer_view(engine, as_of=as_of, window_days=90)
        holder["act"] = activity_cube(engine, as_of=as_of)
        holder["sv"] = survey_cube(engine, as_of=as_of)
        headline(holder["view"], holder["act"], holder["sv"], as_of=as_of)
        monthly_trend(holder["act"], holder["sv"], as_of=as_of)

    _timed("library calls only (baseline)", baseline, results)
    branch = sorted(holder["view"]["branch"].dropna().unique())[0]

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    _timed("AppTest first render", at.run, results)
    assert not at.exception, at.exception
    _timed("AppTest rerun, nothing changed", at.run, results)

    def filter_branch():
        at.session_state["flt_branch"] = [branch]
        at.run()

    _timed("AppTest filter to one branch", filter_branch, results)
    assert not at.exception, at.exception

    def switch_language():
        at.session_state["lang"] = "zh"
        at.run()

    _timed("AppTest language switch", switch_language, results)

    def switch_page():
        at.switch_page("pages/data.py")
        at.run()

    _timed("AppTest switch to the data page", switch_page, results)
    assert not at.exception, at.exception

    base = results[0][1]
    print()
    print(f"{'step':36}{'seconds':>10}{'vs baseline':>14}")
    for label, seconds in results:
        print(f"{label:36}{seconds:>10.2f}{seconds / base:>13.2f}x")


if __name__ == "__main__":
    main()
