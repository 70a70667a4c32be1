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
script that draws one metric (what the framework costs by itself). Before them, the
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
import os
import time

from bench._apptest import check, new_session
from bench._workspace import add_common_args, bench_workspace

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--pages", default=",".join(PAGES),
                        help=f"pages to open, comma-separated (default: {','.join(PAGES)})")
    args = parser.parse_args()
    pages = [p.strip() for p in args.pages.split(",") if p.strip()]
    unknown = sorted(set(pages) - set(PAGES))
    if unknown:
        parser.error(f"unknown pages: {unknown}")

    ws = bench_workspace(args.workspace, args.customers, "bench-first-render-")
    os.environ["SEG_WORKSPACE"] = str(ws.folder)

    import streamlit as st

    base = min(baseline() for _ in range(3))
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
    print(f"{'page':14}{'cold s':>9}{'warm s':>9}{'warm vs baseline':>18}  drawn")
    for page, cold, warm, shown in rows:
        what = ", ".join(f"{n} {kind}" for kind, n in shown.items() if n)
        print(f"{page:14}{cold:>9.2f}{warm:>9.2f}{warm / base:>17.1f}x  {what}")


if __name__ == "__main__":
    main()
