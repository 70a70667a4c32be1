"""Benchmark: the first render of each page in a new session, through streamlit's AppTest.

Generates the sample network at benchmark size (default 1,000,000 customers)
into a workspace (or reuses the one given with ``--workspace``), then, for each
page of the app (``app.py``'s navigation), opens it in a new AppTest session and
times the run until its figures are drawn:

* ``cold``: the server's caches cleared first (the first visitor after a start or
  a new load: customer view, cubes and models computed);
* ``warm``: another new session right after (a further visitor: the caches hold the
  results, the session's own state is new);

next to a plain baseline measured in the same run: a new AppTest session of a
script that draws one metric (what the framework costs by itself).

First, the dataset's default figures are prepared as the background job does after a
load (:func:`segmentation.precompute.compute_defaults`: view, cubes, churn scores with
backtest and CLV, lifecycle; timed, or "already stored"), then the Overview is opened
in two new processes (``--step``): once with the at-risk count held back ("being
prepared", the page's own figures only: ``first figures``) and once whole, the count
read from the stored scores (``at-risk count``). A workspace given with
``--workspace`` gets the stored results in its ``derived/`` folder. Before them, the
data page is opened once (``server start``: the app's modules imported); a page's
``cold`` figure still includes the first import of the libraries only it uses
(plotly's figure factories, scikit-learn). The benchmark checks that each page
drew figures (metrics, charts or tables) without an error.

    .venv/bin/python -m bench.bench_first_render [--customers 1000000] [--workspace DIR]
        [--pages overview,tiers,...]

(from the repository root).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from bench._apptest import check, new_session
from bench._workspace import ROOT, add_common_args, bench_workspace, step_command

PAGES = ("overview", "tiers", "clusters", "satisfaction", "churn", "data")


def drawn(at) -> dict[str, int]:
    """How many metrics, charts and tables the run drew."""
    return {"metrics": len(at.metric), "charts": len(at.get("plotly_chart")),
            "tables": len(at.dataframe)}


def first_render(page: str) -> tuple[float, dict[str, int]]:
    """Seconds of a new session's first run of ``pages/<page>.py``, and what it drew."""
    at = new_session()
    if page != "overview":  # the default page
        at.switch_page(f"pages/{page}.py")
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    check(at)
    shown = drawn(at)
    if not any(shown.values()):
        raise SystemExit(f"the {page} page drew no figures in a new session")
    return seconds, shown


def baseline() -> float:
    """A new AppTest session of a one-metric script: the framework alone."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string('import streamlit as st\nst.metric("customers", "1")\n')
    start = time.perf_counter()
    at.run()
    return time.perf_counter() - start


def prepare(ws) -> float | None:
    """Seconds to compute and store the dataset's defaults (``None``: already stored)."""
    from segmentation import precompute as pc

    snap = ws.current()
    store = pc.DerivedStore(ws.folder, snap.dataset_id)
    if store.complete:
        return None
    start = time.perf_counter()
    pc.compute_defaults(ws.engine(snap), store, pc.default_key(snap.dataset_id, snap.date_max))
    return time.perf_counter() - start


def overview_step(held: bool) -> dict:
    """In this new process: the Overview's first run in a new session, with the at-risk
    count held back (``held``) or read from the stored scores."""
    if held:
        from ui import background

        background.churn_pending = lambda *args: True  # "being prepared", nothing scored
    at = new_session()
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    check(at)
    shown = {m.label: m.value for m in at.metric}
    return {"seconds": seconds, "at_risk": shown.get("Customers at risk"),
            "metrics": len(shown)}


def _run_step(step: str, folder) -> dict:
    proc = subprocess.run(step_command("bench.bench_first_render", "--step", step,
                                       "--workspace", str(folder)),
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "SEG_WORKSPACE": str(folder)})
    if proc.returncode:
        sys.exit(f"step {step} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--step", choices=("figures", "at-risk"), help=argparse.SUPPRESS)
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"pages to open, comma-separated (default: {','.join(PAGES)})")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        parser.error(f"unknown pages: {unknown}")

    if args.step:  # a new process: the Overview in one new session
        os.environ["SEG_WORKSPACE"] = str(args.workspace)
        print(json.dumps(overview_step(held=args.step == "figures")))
        return
    ws = bench_workspace(args.workspace, args.customers, "bench-first-render-")
    os.environ["SEG_WORKSPACE"] = str(ws.folder)

    import streamlit as st

    prepared = prepare(ws)
    base = min(baseline() for _ in range(3))
    figures_only = _run_step("figures", ws.folder)
    whole = _run_step("at-risk", ws.folder)
    start, _ = first_render("data")
    rows = []
    for page in pages:
        st.cache_data.clear()
        st.cache_resource.clear()
        cold, shown = first_render(page)
        warm, _ = first_render(page)
        rows.append((page, cold, warm, shown))

    snap = ws.current()
    print(f"\n{snap.n_customers:,} customers; baseline (new session, one metric): "
          f"{base:.3f} s; server start (first session, data page): {start:.2f} s")
    print("defaults prepared (the background job after a load): "
          + ("already stored" if prepared is None else f"{prepared:.1f} s"))
    print(f"new process, Overview first figures (at-risk count held back): "
          f"{figures_only['seconds']:.2f} s ({figures_only['seconds'] / base:.1f}x baseline, "
          f"{figures_only['metrics']} metrics)")
    print(f"new process, Overview with the at-risk count (stored scores): "
          f"{whole['seconds']:.2f} s ({whole['seconds'] / base:.1f}x baseline, "
          f"count {whole['at_risk']})")
    print(f"{'page':14}{'cold s':>9}{'warm s':>9}{'warm vs baseline':>18}  drawn")
    for page, cold, warm, shown in rows:
        what = ", ".join(f"{n} {kind}" for kind, n in shown.items() if n)
        print(f"{page:14}{cold:>9.2f}{warm:>9.2f}{warm / base:>17.1f}x  {what}")


if __name__ == "__main__":
    main()
