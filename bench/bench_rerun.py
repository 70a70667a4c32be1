"""Benchmark: a page rerun with nothing changed (budget at 1,000,000 customers: <= 0.5 s).

Generates the sample network at benchmark size (default 1,000,000 customers) into a
workspace (or reuses the one given with ``--workspace``), then, per page, opens it in
a new AppTest session (its first render fills the caches: churn scoring included on
the Churn page, reported but not the point) and times ``--repeat`` reruns of that
session with nothing changed: what a click elsewhere, a tab switch or a widget that
changes nothing costs. Every cached result is then reused; what is left is what the
page rebuilds on each run (cuts of the scores, masks, wording, tables) and drawing.

Next to it, a plain baseline measured in the same run: the rerun of a script that
draws one metric (what the framework costs by itself). Medians of ``--repeat``.

    .venv/bin/python -m bench.bench_rerun [--customers 1000000] [--workspace DIR]
        [--pages churn,overview,...] [--repeat 5]

(from the repository root).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from bench._apptest import check, new_session
from bench._workspace import add_common_args, bench_workspace

PAGES = ("churn", "overview", "tiers", "clusters", "satisfaction", "data")
TITLES = {"churn": "Churn", "overview": "Overview", "tiers": "Tiers", "clusters": "Clusters",
          "satisfaction": "Satisfaction", "data": "Data"}


def _median_rerun(at, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        check(at)
    return statistics.median(times)


def baseline(repeat: int) -> float:
    """Reruns of a one-metric script: the framework alone."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string('import streamlit as st\nst.metric("customers", "1")\n')
    at.run()
    return _median_rerun(at, repeat)


def page_rerun(page: str, repeat: int) -> tuple[float, float]:
    """Seconds of the first render of ``page`` in a new session, and the median rerun."""
    at = new_session()
    if page != "overview":  # the default page
        at.switch_page(f"pages/{page}.py")
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    check(at)
    if not (at.metric or at.dataframe or at.get("plotly_chart")):
        raise SystemExit(f"the {page} page drew no figures")
    return first, _median_rerun(at, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--pages", default="churn",
                        help=f"pages to rerun, comma-separated, of {','.join(PAGES)} "
                             "(default: churn)")
    parser.add_argument("--repeat", type=int, default=5, help="reruns per page (median)")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        parser.error(f"unknown pages: {unknown}")

    ws = bench_workspace(args.workspace, args.customers, "bench-rerun-")
    os.environ["SEG_WORKSPACE"] = str(ws.folder)

    base = baseline(args.repeat)
    rows = [(page, *page_rerun(page, args.repeat)) for page in pages]

    snap = ws.current()
    print(f"\n{snap.n_customers:,} customers; medians of {args.repeat} reruns")
    print(f"{'what':34}{'seconds':>9}{'vs baseline':>13}")
    print(f"{'rerun one-metric script (baseline)':34}{base:>9.3f}{1:>12.1f}x")
    for page, first, rerun in rows:
        label = f"rerun {TITLES[page]} page"
        print(f"{label:34}{rerun:>9.3f}{rerun / base:>12.1f}x   (first render {first:.1f} s)")


if __name__ == "__main__":
    main()
