"""Benchmark: the overview page at 1,000,000 customers through streamlit's AppTest.

Generates the sample network at benchmark size (about 10,000,000 transactions)
into a workspace (or reuses the one given with ``--workspace``), then times
through ``AppTest``, driving the widgets as a user does:

* the first render (customer view + daily cubes computed, nothing cached);
* a rerun with nothing changed;
* a filter change (one branch, through the sidebar's branch multiselect):
  cached view, only filtering reruns;
* a language switch (the session's state object, as the sidebar's switch writes
  it) and a page switch (should recompute nothing heavy);
* a plain baseline in the same run: the library calls the first render makes,
  without Streamlit, to show what the framework adds.

The benchmark checks that each step did what it says: the branch filter changes
the figures, the language switch their labels.

    .venv/bin/python -m bench.bench_overview [--customers 1000000] [--workspace DIR]

(from the repository root).
"""

from __future__ import annotations

import argparse
import os
import time

from bench._apptest import app_state, check, figures, new_session
from bench._workspace import add_common_args, bench_workspace


def _timed(label: str, fn, results: list) -> None:
    start = time.perf_counter()
    fn()
    results.append((label, time.perf_counter() - start))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    args = parser.parse_args()

    ws = bench_workspace(args.workspace, args.customers, "bench-overview-")
    snap = ws.current()
    os.environ["SEG_WORKSPACE"] = str(ws.folder)

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

    at = new_session()
    _timed("AppTest first render", at.run, results)
    check(at)
    everyone = figures(at)
    if not everyone:
        raise SystemExit("the first render shows no figures")
    _timed("AppTest rerun, nothing changed", at.run, results)

    def filter_branch():
        at.sidebar.multiselect(key="_w_flt_branch").set_value([branch]).run()

    _timed("AppTest filter to one branch", filter_branch, results)
    check(at)
    one_branch = figures(at)
    if app_state(at).sidebar.filters.get("branch") != [branch] or one_branch == everyone:
        raise SystemExit(f"the branch filter did not change the figures: {one_branch}")

    def switch_language():
        # AppTest drops sidebar widgets from its tree after a rerun under st.navigation;
        # the switch writes this attribute (ui.sidebar.language_switch binds it)
        app_state(at).sidebar.lang = "zh"
        at.run()

    _timed("AppTest language switch", switch_language, results)
    check(at)
    chinese = figures(at)
    if list(chinese) == list(one_branch) or list(chinese.values()) == list(everyone.values()):
        raise SystemExit(f"the language switch did not relabel the figures (or lost the "
                         f"branch filter): {chinese}")

    def switch_page():
        at.switch_page("pages/data.py")
        at.run()

    _timed("AppTest switch to the data page", switch_page, results)
    check(at)

    base = results[0][1]
    print(f"\n{snap.n_customers:,} customers, branch {branch}")
    print(f"{'step':36}{'seconds':>10}{'vs baseline':>14}")
    for label, seconds in results:
        print(f"{label:36}{seconds:>10.2f}{seconds / base:>13.2f}x")
    print()
    print(f"{'figure':24}{'everyone':>16}{'one branch':>16}")
    for label, value in everyone.items():
        print(f"{label:24}{value:>16}{one_branch.get(label, '-'):>16}")


if __name__ == "__main__":
    main()
