"""Benchmark: transactions -> customer view, SQL pushdown in DuckDB vs a plain pandas groupby.

Generates the sample network at benchmark size (default 1,000,000 customers,
about 10,000,000 transactions) into a workspace (or reuses the one given with
``--workspace``), then measures in separate fresh processes (so that each peak
memory figure is its own):

* ``pushdown``: :func:`segmentation.features.customer_view` on the DuckDB workspace
  (the full view: trends, service and channel mix, home branch, customer attributes,
  surveys, complaints);
* ``views``: :func:`segmentation.features.customer_views` at the last day and one and
  two windows of 90 days before it (what the churn backtest reads), in one pass;
* ``duckdb core``: the plain baseline, a hand-written DuckDB ``GROUP BY customer_id`` of
  the core columns (first / last date, frequency, monetary, recent and prior frequency
  and spend) fetched into pandas (``fetch_df``);
* ``duckdb same``: the same, with every aggregate the view's transactions query computes
  (refunds, quantities, the service / channel counts as well);
* ``duckdb all``: the plain query of the same columns as the view (issue 23's budget is
  1.3x of it): the aggregates of ``duckdb same`` joined with the customers' attributes
  and the survey and complaint measures, the ratios and shares computed in SQL, one
  hand-written statement;
* with ``--pandas``: the transactions read into pandas, then a plain groupby of the core
  columns, and the full view by the tests' pandas reference.

Prints seconds, peak RSS and the ratios; checks that the core columns agree.

    .venv/bin/python -m bench.bench_customer_view [--customers 1000000] [--workspace DIR]
        [--pandas]

(from the repository root). The pandas steps read the transactions from a Parquet
export of the workspace, written once into the temporary folder (never into the
workspace folder).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from bench._workspace import ROOT, add_common_args, bench_workspace, peak_mb, step_command

WINDOW = 90
CORE = ["frequency", "monetary_total", "frequency_recent", "spend_recent"]


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


def _plain_sql(as_of: str, *, same: bool, services=(), channels=()) -> str:
    """The baseline's SQL: one plain GROUP BY over the transactions up to ``as_of``."""
    end = f"DATE '{as_of}' + 1"
    recent = f"date >= DATE '{as_of}' - {WINDOW - 1}"
    prior = f"date >= DATE '{as_of}' - {2 * WINDOW - 1} AND date < DATE '{as_of}' - {WINDOW - 1}"
    cols = ["customer_id", "min(date) AS first_date", "max(date) AS last_date",
            "count(DISTINCT date) FILTER (WHERE amount >= 0) AS frequency",
            "sum(amount) AS monetary_total",
            f"count(DISTINCT date) FILTER (WHERE amount >= 0 AND {recent}) AS frequency_recent",
            f"count(DISTINCT date) FILTER (WHERE amount >= 0 AND {prior}) AS frequency_prior",
            f"sum(amount) FILTER (WHERE {recent}) AS spend_recent",
            f"sum(amount) FILTER (WHERE {prior}) AS spend_prior"]
    if same:
        cols += ["min(date) FILTER (WHERE amount >= 0) AS first_purchase_date",
                 "max(date) FILTER (WHERE amount >= 0) AS last_purchase_date",
                 "count(*) FILTER (WHERE amount >= 0) AS n_transactions",
                 "count(*) FILTER (WHERE amount < 0) AS refund_count",
                 "sum(-amount) FILTER (WHERE amount < 0) AS refund_amount",
                 "sum(quantity) AS quantity_total", "sum(weight_kg) AS weight_total"]
        cols += [f"count(*) FILTER (WHERE amount >= 0 AND service = '{v}') AS service_n_{i}"
                 for i, v in enumerate(services)]
        cols += [f"count(*) FILTER (WHERE amount >= 0 AND channel = '{v}') AS channel_n_{i}"
                 for i, v in enumerate(channels)]
    return (f"SELECT {', '.join(cols)} FROM transactions WHERE date < {end} "
            "AND customer_id IS NOT NULL GROUP BY customer_id ORDER BY customer_id")


def _all_columns_sql(as_of: str, services, channels) -> str:
    """The baseline of the full view: one hand-written query giving the view's columns
    (the transaction aggregates of :func:`_plain_sql`, the customers' attributes, survey
    and complaint measures, the derived ratios and shares), joined on ``customer_id``."""
    end = f"DATE '{as_of}' + 1"
    recent = f"DATE '{as_of}' - {WINDOW - 1}"
    prior = f"DATE '{as_of}' - {2 * WINDOW - 1}"
    shares = [f"tx.service_n_{i} / nullif(tx.n_transactions, 0) AS service_share_{i}"
              for i in range(len(services))]
    shares += [f"tx.channel_n_{i} / nullif(tx.n_transactions, 0) AS channel_share_{i}"
               for i in range(len(channels))]
    tx = _plain_sql(as_of, same=True, services=services, channels=channels)
    tx = tx[:tx.index(" ORDER BY")]
    return f"""
    WITH tx AS ({tx}),
    sv AS (SELECT customer_id, count(*) AS n_surveys, avg(score) AS satisfaction_avg,
                  avg(score) FILTER (WHERE date >= {recent}) AS satisfaction_recent,
                  avg(score) FILTER (WHERE date >= {prior} AND date < {recent})
                      AS satisfaction_prior,
                  max(CAST(date AS DATE)) AS last_day
           FROM surveys WHERE date < {end} AND score IS NOT NULL GROUP BY customer_id),
    svl AS (SELECT s.customer_id, avg(s.score) AS satisfaction_last
            FROM surveys s JOIN sv ON s.customer_id = sv.customer_id
                 AND CAST(s.date AS DATE) = sv.last_day
            WHERE s.score IS NOT NULL GROUP BY s.customer_id),
    cp AS (SELECT customer_id, count(*) AS n_complaints,
                  count(*) FILTER (WHERE date >= {recent}) AS complaints_recent,
                  count(*) FILTER (WHERE CASE WHEN resolved_date IS NOT NULL
                                         THEN resolved_date >= {end}
                                         ELSE lower(status) = 'open' END) AS complaints_open
           FROM complaints WHERE date < {end} GROUP BY customer_id)
    SELECT tx.customer_id, c.name, c.phone, c.customer_type, c.branch, c.region,
           c.area_type, c.signup_date, c.account_manager,
           tx.first_date, tx.last_date, tx.first_purchase_date, tx.last_purchase_date,
           DATE '{as_of}' - tx.last_date AS recency_days,
           DATE '{as_of}' - tx.first_date AS tenure_days,
           tx.frequency, tx.n_transactions, tx.monetary_total,
           tx.monetary_total / nullif(tx.frequency, 0) AS monetary_avg,
           tx.refund_count, coalesce(tx.refund_amount, 0) AS refund_amount,
           (tx.last_purchase_date - tx.first_purchase_date) / nullif(tx.frequency - 1, 0)
               AS avg_interval_days,
           tx.quantity_total, tx.weight_total, tx.frequency_recent, tx.frequency_prior,
           (tx.frequency_recent - tx.frequency_prior) / nullif(tx.frequency_prior, 0)
               AS frequency_trend,
           coalesce(tx.spend_recent, 0) AS spend_recent,
           coalesce(tx.spend_prior, 0) AS spend_prior,
           CASE WHEN tx.spend_prior > 0 THEN (coalesce(tx.spend_recent, 0) - tx.spend_prior)
                / tx.spend_prior END AS spend_trend,
           {', '.join(shares) + ',' if shares else ''}
           coalesce(sv.n_surveys, 0) AS n_surveys, sv.satisfaction_avg,
           svl.satisfaction_last, sv.satisfaction_recent, sv.satisfaction_prior,
           coalesce(cp.n_complaints, 0) AS n_complaints,
           coalesce(cp.complaints_recent, 0) AS complaints_recent,
           coalesce(cp.complaints_open, 0) AS complaints_open
    FROM tx LEFT JOIN customers c ON c.customer_id = tx.customer_id
         LEFT JOIN sv ON sv.customer_id = tx.customer_id
         LEFT JOIN svl ON svl.customer_id = tx.customer_id
         LEFT JOIN cp ON cp.customer_id = tx.customer_id
    ORDER BY tx.customer_id"""


def step_duckdb(folder: str, out: str, same: bool, every: bool = False) -> dict:
    """The plain baseline: a hand-written DuckDB GROUP BY into pandas (no library code);
    ``every``: the query of every column of the view (:func:`_all_columns_sql`)."""
    import duckdb

    from segmentation.workspace import Workspace

    ws = Workspace(folder)
    snap = ws.current()
    with ws.lease(snap), duckdb.connect(str(ws.folder / snap.file), read_only=True) as con:
        as_of = con.execute("SELECT CAST(max(date) AS DATE) FROM transactions").fetchone()[0]
        as_of = as_of.isoformat()
        values = {c: [v for (v,) in con.execute(
            f"SELECT {c} FROM transactions WHERE {c} IS NOT NULL AND amount >= 0 "
            f"GROUP BY {c} ORDER BY count(*) DESC, {c}").fetchall()]
            for c in ("service", "channel")} if same or every else {}
        services, channels = values.get("service", ()), values.get("channel", ())
        sql = (_all_columns_sql(as_of, services, channels) if every
               else _plain_sql(as_of, same=same, services=services, channels=channels))
        start = time.perf_counter()
        frame = con.execute(sql).fetch_df().set_index("customer_id")
        seconds = time.perf_counter() - start
    save_core(frame, out)
    return {"seconds": seconds, "peak_mb": peak_mb(), "customers": len(frame),
            "columns": frame.shape[1]}


def step_views(folder: str) -> dict:
    """The views at the last day and one and two windows before it, in one pass."""
    import pandas as pd

    from segmentation.features import customer_views, data_as_of
    from segmentation.workspace import Workspace

    engine = Workspace(folder).engine()
    as_of = data_as_of(engine)
    days = [as_of - pd.Timedelta(days=k * WINDOW) for k in range(3)]
    start = time.perf_counter()
    views = customer_views(engine, days=days, window_days=WINDOW)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "peak_mb": peak_mb(),
            "customers": [len(v) for v in views.values()]}


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


def step_reference(folder: str, parquet: str, out: str) -> dict:
    """The same full view (all columns) with plain pandas groupbys (tests' reference)."""
    import pandas as pd

    from segmentation.workspace import Workspace
    from tests.segmentation.reference import pandas_customer_view

    start_load = time.perf_counter()
    tables = {"transactions": pd.read_parquet(parquet),
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
    def num(frame, c):  # a sum over no rows: NULL in plain SQL, 0 in the view
        return frame[c].astype(float).fillna(0.0)

    return all((abs(num(a, c) - num(b, c)) <= 1e-6 * (1 + abs(num(b, c)))).all() for c in CORE)


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
    parser.add_argument("--pandas", action="store_true",
                        help="also time plain pandas on the rows (exports them once)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each step (fresh processes); the median is printed")
    parser.add_argument("--step", choices=("pushdown", "views", "duckdb-core", "duckdb-same",
                                           "duckdb-all", "pandas", "reference"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--parquet", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "pushdown":
        print(json.dumps(step_pushdown(args.src, args.out)))
        return
    if args.step == "views":
        print(json.dumps(step_views(args.src)))
        return
    if args.step in ("duckdb-core", "duckdb-same", "duckdb-all"):
        print(json.dumps(step_duckdb(args.src, args.out, args.step == "duckdb-same",
                                     args.step == "duckdb-all")))
        return
    if args.step == "pandas":
        print(json.dumps(step_pandas(args.src, args.out)))
        return
    if args.step == "reference":
        print(json.dumps(step_reference(args.src, args.parquet, args.out)))
        return

    import pandas as pd

    ws = bench_workspace(args.workspace, args.customers, "bench-view-")
    folder = ws.folder
    out = Path(tempfile.mkdtemp(prefix="bench-view-out-"))

    def run(step: str, src: str = str(folder)) -> dict:
        """The step ``--repeat`` times, alternating with the others' runs: the median run."""
        return _run_step("--step", step, "--src", src, "--out", str(out / f"{step}.parquet"))

    steps = ["pushdown", "duckdb-core", "duckdb-same", "duckdb-all", "views"]
    runs: dict[str, list[dict]] = {s: [] for s in steps}
    for _ in range(max(1, args.repeat)):  # interleaved, so that a busy moment hits all
        for step in steps:
            runs[step].append(run(step))

    def mid(step: str) -> dict:
        rows = sorted(runs[step], key=lambda r: r["seconds"])
        return {**rows[len(rows) // 2], "peak_mb": median(r["peak_mb"] for r in rows)}

    push, core, same, every, multi = (mid(s) for s in steps)
    a = pd.read_parquet(out / "pushdown.parquet")

    def agree(name: str) -> bool:
        return core_agree(a, pd.read_parquet(out / name))

    print()
    print(f"median of {max(1, args.repeat)} runs, each in a fresh process")
    print(f"{'':52}{'seconds':>9}{'peak RSS MB':>13}{'pushdown /':>12}")
    rows = [(f"pushdown: customer_view, full view ({push['columns']} cols)", push),
            (f"plain DuckDB GROUP BY, core ({core['columns']} cols) -> pandas", core),
            (f"plain DuckDB GROUP BY, same aggregates ({same['columns']} cols)", same),
            (f"plain DuckDB, the view's columns, one query ({every['columns']} cols)", every)]
    for label, r in rows:
        print(f"{label:52}{r['seconds']:>9.2f}{r['peak_mb']:>13.0f}"
              f"{push['seconds'] / r['seconds']:>11.2f}x")
    print(f"{'customer_views: 3 days (0, 90, 180 back), one pass':52}{multi['seconds']:>9.2f}"
          f"{multi['peak_mb']:>13.0f}{'':>12}")
    print(f"customers: {push['customers']:,} (views: {multi['customers']}); core columns agree "
          f"with the plain DuckDB query: {agree('duckdb-core.parquet')}, with the query of "
          f"every column: {agree('duckdb-all.parquet')}")
    print(f"budget (issue 23): the view within 1.3x the plain query of the same columns "
          f"({push['seconds'] / every['seconds']:.2f}x) and 1.5 GB ({push['peak_mb']:,.0f} MB)")
    if not args.pandas:
        return
    parquet = Path(tempfile.gettempdir()) / f"bench-view-{ws.current().dataset_id}.parquet"
    if not parquet.exists():
        t0 = time.perf_counter()
        export_transactions(ws, parquet)
        print(f"exported the transactions to {parquet} in {time.perf_counter() - t0:.1f} s")
    base = run("pandas", str(parquet))
    ref = _run_step("--step", "reference", "--src", str(folder), "--parquet", str(parquet),
                    "--out", str(out / "ref.parquet"))
    for label, r in ((f"pandas: same full view ({ref['columns']} cols)", ref),
                     ("pandas: core groupby only (8 cols)", base)):
        print(f"{label:52}{r['seconds']:>9.2f}{r['peak_mb']:>13.0f}"
              f"{push['seconds'] / r['seconds']:>11.2f}x")
    print(f"(pandas also needs the rows in memory first: reading them took "
          f"{ref['load_seconds']:.1f} s)")
    print(f"core columns agree with the full pandas view: {agree('ref.parquet')}, "
          f"with the core groupby: {agree('pandas.parquet')}")


if __name__ == "__main__":
    main()
