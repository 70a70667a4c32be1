"""Benchmark: the batch CLI's ``score``, four Parquet files in, every customer out as CSV.

Measures, each as a fresh process (wall seconds and its own peak resident memory):

* the plain baseline: DuckDB reading the same four files into the core view (frequency,
  spend, first / last shipment, recent and prior windows, the customer's branch and
  region) and writing it as CSV, one SQL statement;
* ``python -m segmentation score --transactions ... --customers ... --surveys ...
  --complaints ... --out scores.csv`` (read, clean, hold in DuckDB, customer view,
  churn backtest and scores, tiers, clusters, the formula-safe CSV);
* ``python -m segmentation score --workspace DIR --out scores.csv``: the same scoring of
  the dataset already loaded in the workspace (no files to read).

The four tables of the workspace are exported to Parquet once, into ``--files DIR``
(reused when they are there already; default: a temporary folder).

    .venv/bin/python -m bench.bench_cli_score [--customers 1000000] [--workspace DIR]
        [--files DIR]

(from the repository root).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._workspace import ROOT, add_common_args, bench_workspace, step_command

TABLES = ("transactions", "customers", "surveys", "complaints")
WINDOW = 90

#: The plain baseline: the core view straight from the files, written as CSV.
BASELINE_SQL = """
COPY (
  WITH tx AS (SELECT customer_id, CAST(date AS DATE) AS day, amount
              FROM read_parquet('{transactions}')),
  bounds AS (SELECT max(day) AS as_of FROM tx),
  core AS (
    SELECT customer_id,
           min(day) FILTER (WHERE amount > 0) AS first_date,
           max(day) FILTER (WHERE amount > 0) AS last_date,
           count(DISTINCT day) FILTER (WHERE amount > 0) AS frequency,
           sum(amount) AS monetary_total,
           count(DISTINCT day) FILTER (WHERE amount > 0 AND day > as_of - {window})
             AS frequency_recent,
           count(DISTINCT day) FILTER (WHERE amount > 0 AND day <= as_of - {window}
                                       AND day > as_of - 2 * {window}) AS frequency_prior,
           sum(amount) FILTER (WHERE day > as_of - {window}) AS spend_recent,
           sum(amount) FILTER (WHERE day <= as_of - {window} AND day > as_of - 2 * {window})
             AS spend_prior,
           any_value(as_of) - max(day) FILTER (WHERE amount > 0) AS recency_days
    FROM tx, bounds GROUP BY customer_id)
  SELECT core.*, c.branch, c.region, c.customer_type
  FROM core LEFT JOIN read_parquet('{customers}') AS c USING (customer_id)
  ORDER BY customer_id
) TO '{out}' (FORMAT csv, HEADER)
"""


def export_files(ws, folder: Path) -> None:
    """The workspace's four tables as Parquet files in ``folder`` (as a user would give them)."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    snap = ws.current()
    with ws.lease(snap), duckdb.connect(str(ws.folder / snap.file), read_only=True) as con:
        con.execute("SET enable_progress_bar = false")
        for table in TABLES:
            if table in snap.rows:
                target = folder / f"{table}.parquet"
                tmp = target.with_suffix(".parquet.part")
                con.execute(f"COPY {table} TO '{tmp}' (FORMAT parquet)")
                os.replace(tmp, target)


def step_baseline(files: str, out: str) -> None:
    import duckdb

    with duckdb.connect() as con:
        con.execute("SET enable_progress_bar = false")
        con.execute(BASELINE_SQL.format(transactions=Path(files) / "transactions.parquet",
                                        customers=Path(files) / "customers.parquet",
                                        window=WINDOW, out=out))


def measure(argv: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds (user + system, every thread: what a busy machine does not
    inflate), peak RSS (MB) and the output of the process ``argv``; exits on failure."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        out.seek(0)
        stderr, stdout = err.read().decode(errors="replace"), out.read().decode(errors="replace")
    if proc.returncode:
        sys.exit(f"{' '.join(argv[1:4])} ... failed ({proc.returncode}):\n{stderr[-3000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--files", metavar="DIR",
                        help="the four Parquet files: reused if there, else exported there "
                             "from the workspace (default: a temporary folder)")
    parser.add_argument("--step", choices=("baseline",), help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step == "baseline":
        step_baseline(args.src, args.out)
        return

    ws = bench_workspace(args.workspace, args.customers, "bench-cli-score-")
    files = Path(args.files or tempfile.mkdtemp(prefix="bench-cli-files-"))
    if not all((files / f"{t}.parquet").exists() for t in TABLES if t in ws.current().rows):
        t0 = time.perf_counter()
        export_files(ws, files)
        print(f"exported the tables to Parquet in {files} in {time.perf_counter() - t0:.1f} s")
    out = Path(tempfile.mkdtemp(prefix="bench-cli-out-"))
    inputs = [arg for t in TABLES if (files / f"{t}.parquet").exists()
              for arg in (f"--{t}", str(files / f"{t}.parquet"))]
    py = sys.executable
    runs = {
        "DuckDB: files -> core view CSV (baseline)":
            step_command("bench.bench_cli_score", "--step", "baseline", "--src", str(files),
                         "--out", str(out / "baseline.csv")),
        "CLI score: four Parquet files -> CSV":
            [py, "-m", "segmentation", "score", *inputs, "--out", str(out / "files.csv")],
        "CLI score --workspace -> CSV":
            [py, "-m", "segmentation", "score", "--workspace", str(ws.folder),
             "--out", str(out / "workspace.csv")],
    }
    rows = []
    load_before = os.getloadavg()
    for label, argv in runs.items():
        seconds, cpu, peak, stdout = measure(argv)
        rows.append((label, seconds, cpu, peak))
        print(f"{label}: {seconds:.1f} s, {peak:,.0f} MB  {stdout.strip()[-120:]}", flush=True)
    customers = sum(1 for _ in (out / "files.csv").open(encoding="utf-8-sig")) - 1
    base = rows[0][1]
    print(f"\n{'':44}{'seconds':>9}{'CPU s':>8}{'peak RSS MB':>13}{'vs baseline':>13}")
    for label, seconds, cpu, peak in rows:
        print(f"{label:44}{seconds:>9.1f}{cpu:>8.1f}{peak:>13,.0f}{seconds / base:>12.1f}x")
    print(f"customers scored: {customers:,} (budget at 1,000,000: <= 60 s, <= 4,096 MB)")
    # the machine is shared: wall seconds grow with its load, CPU seconds hardly do
    print("load average (1, 5, 15 min) before the runs: "
          + ", ".join(f"{x:.2f}" for x in load_before)
          + "; after: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
          + f" ({os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
