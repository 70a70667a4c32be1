"""Benchmark: transactions -> customer view, SQL pushdown in DuckDB vs a plain pandas groupby.

Generates the sample network at benchmark size (default 1,000,000 customers,
about 10,000,000 transactions) into a workspace (or reuses the one given with
``--workspace``), then measures in separate fresh processes (so that each peak
memory figure is its own):

* ``pushdown``: :func:`segmentation.features.customer_view` on the DuckDB workspace
  (the full view: trends, service and channel mix, home branch, customer attributes);
* ``pandas``: the transactions read into pandas, then a plain groupby computing
  the core columns (frequency, monetary, first/last date, recent and prior windows).

Prints seconds, peak RSS and the ratio; checks that the core columns agree.

    .venv/bin/python -m bench.bench_customer_view [--customers 1000000] [--workspace DIR]

(from the repository root). The pandas steps read the transactions from
``bench_transactions.parquet``, exported from the workspace next to it once.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._workspace import ROOT, add_common_args, bench_workspace, peak_mb, step_command

WINDOW = 90
CORE = ["frequency", "monetary_total", "frequency_recent", "spend_recent"]
PARQUET = "bench_transactions.parquet"


def save_core(view, out: str) -> None:
    """Write the view's core columns to Parquet (for the agreement check)."""
    core = view[CORE].copy()
    core.attrs = {}
    core.to_parquet(out)


def step_pushdown(folder: str, out: str) -> dict:
    from segmentation.features import customer_view
    from segmentation.workspace import Workspace

    ws = Workspace(folder)
    start = time.perf_counter()
    view = customer_view(ws.engine(), window_days=WINDOW)
    seconds = time.perf_counter() - start
    save_core(view, out)
    return {"seconds": seconds, "peak_mb": peak_mb(), "customers": len(view),
            "columns": view.shape[1]}


def core_groupby(tx):
    """The plain pandas baseline: core view columns from raw transaction rows.

    ``tx`` has ``customer_id``, ``date`` (datetime64) and ``amount``; returns
    frequency, monetary, first/last date and the recent / prior windows per customer.
    """
    import pandas as pd

    as_of = tx["date"].max()
    tx = tx[tx["date"] <= as_of]
    purchase = tx["amount"] > 0
    recent = tx["date"] > as_of - pd.Timedelta(days=WINDOW)
    prior = ~recent & (tx["date"] > as_of - pd.Timedelta(days=2 * WINDOW))
    frame = pd.DataFrame({
        "customer_id": tx["customer_id"], "amount": tx["amount"],
        "pday": tx["date"].where(purchase),
        "rday": tx["date"].where(purchase & recent),
        "prday": tx["date"].where(purchase & prior),
        "ramount": tx["amount"].where(recent, 0.0),
        "pamount": tx["amount"].where(prior, 0.0),
    })
    g = frame.groupby("customer_id", sort=True)
    view = pd.DataFrame({
        "first_date": g["pday"].min(), "last_date": g["pday"].max(),
        "frequency": g["pday"].nunique(), "monetary_total": g["amount"].sum(),
        "frequency_recent": g["rday"].nunique(), "frequency_prior": g["prday"].nunique(),
        "spend_recent": g["ramount"].sum(), "spend_prior": g["pamount"].sum(),
    })
    view["recency_days"] = (as_of - view["last_date"]).dt.days
    return view


def step_pandas(parquet: str, out: str) -> dict:
    import pandas as pd

    tx = pd.read_parquet(parquet, columns=["customer_id", "date", "amount"])
    start = time.perf_counter()
    view = core_groupby(tx)
    seconds = time.perf_counter() - start
    save_core(view, out)
    return {"seconds": seconds, "peak_mb": peak_mb(), "customers": len(view)}


def step_reference(folder: str, out: str) -> dict:
    """The same full view (all columns) with plain pandas groupbys (tests' reference)."""
    import pandas as pd

    from segmentation.workspace import Workspace
    from tests.segmentation.reference import pandas_customer_view

    start_load = time.perf_counter()
    tables = {"transactions": pd.read_parquet(Path(folder) / PARQUET),
              "customers": Workspace(folder).read("customers")}
    load = time.perf_counter() - start_load
    as_of = tables["transactions"]["date"].max()
    start = time.perf_counter()
    view = pandas_customer_view(tables, as_of, WINDOW)
    seconds = time.perf_counter() - start
    save_core(view, out)
    return {"seconds": seconds, "load_seconds": load, "peak_mb": peak_mb(),
            "customers": len(view), "columns": view.shape[1]}


def core_agree(a, b) -> bool:
    """Whether two core-column frames hold the same customers and values (1e-6 relative)."""
    a = a.set_axis(a.index.astype(str))
    b = b.set_axis(b.index.astype(str))
    if len(a) != len(b) or not a.index.isin(b.index).all():
        return False
    b = b.loc[a.index]
    return all((abs(a[c].astype(float) - b[c].astype(float))
                <= 1e-6 * (1 + abs(b[c].astype(float)))).all() for c in CORE)


def _run_step(*args: str) -> dict:
    proc = subprocess.run(step_command("bench.bench_customer_view", *args), cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"step {args[1]} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def export_transactions(ws, out: Path) -> None:
    """The workspace's transactions as Parquet (dates as timestamps), for the pandas steps."""
    import duckdb

    snap = ws.current()
    with ws.lease(snap), duckdb.connect(str(ws.folder / snap.file), read_only=True) as con:
        con.execute("COPY (SELECT * REPLACE (CAST(date AS TIMESTAMP) AS date) "
                    f"FROM transactions) TO '{out}' (FORMAT parquet)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--step", choices=("pushdown", "pandas", "reference"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "pushdown":
        print(json.dumps(step_pushdown(args.src, args.out)))
        return
    if args.step == "pandas":
        print(json.dumps(step_pandas(args.src, args.out)))
        return
    if args.step == "reference":
        print(json.dumps(step_reference(args.src, args.out)))
        return

    import pandas as pd

    ws = bench_workspace(args.workspace, args.customers, "bench-view-")
    folder = ws.folder
    if not (folder / PARQUET).exists():
        t0 = time.perf_counter()
        export_transactions(ws, folder / PARQUET)
        print(f"exported the transactions to {PARQUET} in {time.perf_counter() - t0:.1f} s")
    out = Path(tempfile.mkdtemp(prefix="bench-view-out-"))

    push = _run_step("--step", "pushdown", "--src", str(folder),
                     "--out", str(out / "push.parquet"))
    base = _run_step("--step", "pandas", "--src", str(folder / PARQUET),
                     "--out", str(out / "base.parquet"))
    ref = _run_step("--step", "reference", "--src", str(folder),
                    "--out", str(out / "ref.parquet"))
    a = pd.read_parquet(out / "push.parquet")

    def agree(name: str) -> bool:
        return core_agree(a, pd.read_parquet(out / name))

    print()
    print(f"{'':44}{'seconds':>9}{'peak RSS MB':>13}{'vs pushdown':>13}")
    rows = [(f"pushdown: DuckDB, full view ({push['columns']} cols)", push),
            (f"pandas: same full view ({ref['columns']} cols)", ref),
            ("pandas: core groupby only (8 cols)", base)]
    for label, r in rows:
        print(f"{label:44}{r['seconds']:>9.2f}{r['peak_mb']:>13.0f}"
              f"{r['seconds'] / push['seconds']:>12.2f}x")
    print(f"(pandas also needs the rows in memory first: reading them took "
          f"{ref['load_seconds']:.1f} s)")
    print(f"customers: {push['customers']:,}; core columns agree with the full pandas view: "
          f"{agree('ref.parquet')}, with the core groupby: {agree('base.parquet')}")


if __name__ == "__main__":
    main()
