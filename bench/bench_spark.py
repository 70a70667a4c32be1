"""Benchmark: the customer view computed inside Apache Spark (Thrift server) next to DuckDB.

The generated network (default 1,000,000 customers, about 10,000,000 transactions) is
exported from the workspace as Parquet files (a folder beside nothing the workspace
owns) and registered in a local Spark Thrift server (``CREATE TABLE … USING parquet
LOCATION``), as a lakehouse keeps its tables. Then, in this order:

* ``Spark: plain GROUP BY customer_id`` (baseline): count, sum, min and max date per
  customer, fetched into the app;
* ``Spark: customer view``: :func:`segmentation.features.customer_view` on the Spark
  connection (every query of the view, the rows that travelled counted);
* ``Spark (in the engine)``: the headline figures, the tier thresholds' quantiles, a page
  of one branch's customers and the size check of :mod:`segmentation.pushdown`, with the
  rows each one brought back (next to the customers of the full fetch);
* ``DuckDB: customer view``: the same view on the workspace (same data), and the
  engine-side figures compared with the in-process ones.

Prints seconds, the rows that travelled from Spark next to the transactions that stayed
there, and whether the core columns agree with DuckDB's.

    .venv/bin/python -m bench.bench_spark [--customers 1000000] [--workspace DIR]
        [--url spark://127.0.0.1:10000/default]

(from the repository root; at 1M customers run it under ``flock /work/bench.lock``).
Without ``--url`` a local server is started on a free port (``local[2]``, 3 GB driver)
and stopped at the end; needs pyspark and Java 17+.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench._workspace import add_common_args, bench_workspace

CORE = ["frequency", "n_transactions", "monetary_total", "frequency_recent", "spend_recent",
        "recency_days"]
TABLES = ("transactions", "customers", "surveys", "complaints")


def export_parquet(ws, folder: Path) -> dict[str, int]:
    """Every table of the workspace's current snapshot as Parquet files under
    ``folder/<table>/`` (the workspace is only read); rows per table."""
    import duckdb

    snap = ws.current()
    rows: dict[str, int] = {}
    with ws.lease(snap), duckdb.connect(str(ws.folder / snap.file), read_only=True) as con:
        present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                   .fetchall()}
        for name in TABLES:
            if name not in present:
                continue
            target = folder / name
            target.mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY (SELECT * FROM {name}) TO '{target}' "
                        "(FORMAT parquet, PER_THREAD_OUTPUT true, OVERWRITE_OR_IGNORE true)")
            rows[name] = int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])
    return rows


def core_agree(a, b) -> bool:
    if len(a) != len(b) or not a.index.equals(b.index):
        return False
    return all(((a[c].astype(float) - b[c].astype(float)).abs()
                <= 1e-6 * (1 + b[c].astype(float).abs())).all() for c in CORE)


def engine_figures(engine, as_of, travelled: dict, counting, view) -> dict:
    """The figures computed in Spark (:mod:`segmentation.pushdown`), each with its seconds
    and the rows that travelled, printed next to the full fetch of the customer view."""
    from segmentation import pushdown, sql
    from segmentation.access import Scope
    from segmentation.tiers import TierSettings

    branch = str(view["branch"].value_counts().index[0])
    settings = TierSettings()
    out: dict = {}
    runs = {
        "headline figures (Overview)": lambda: pushdown.headline_in_engine(engine, as_of=as_of),
        "tier threshold quantiles": lambda: pushdown.suggest_thresholds_in_engine(
            engine, settings, as_of=as_of),
        "one branch's customers, a 1,000-row page": lambda: pushdown.customer_page(
            engine, as_of=as_of, limit=1000, scope=Scope(branches=(branch,))),
        "size check before a fetch": lambda: pushdown.check_scope_size(
            engine, limit=sql.SPARK_MAX_ROWS, as_of=as_of),
    }
    original = sql.fetch_spark
    sql.fetch_spark = counting
    try:
        for label, run in runs.items():
            before = travelled["rows"]
            t0 = time.perf_counter()
            out[label] = run()
            seconds = time.perf_counter() - t0
            moved = travelled["rows"] - before
            print(f"Spark (in the engine): {label:<42} {seconds:6.1f} s   "
                  f"{max(moved, 1):,} rows travelled (full fetch: {len(view):,})")
    finally:
        sql.fetch_spark = original
    return out


def compare_engine_figures(figures: dict, duck_engine, duck_view, as_of) -> None:
    """Whether Spark's engine-side figures agree with the in-process ones on DuckDB."""
    import numpy as np

    from segmentation.overview import activity_cube, headline, survey_cube
    from segmentation.tiers import TierSettings, prepare_scoring, suggest_thresholds

    ref = headline(duck_view, activity_cube(duck_engine, as_of=as_of),
                   survey_cube(duck_engine, as_of=as_of), as_of=as_of)
    got = figures["headline figures (Overview)"]
    same = np.allclose(got[["current", "previous"]].to_numpy(),
                       ref[["current", "previous"]].to_numpy(), rtol=1e-9, equal_nan=True)
    print(f"headline figures agree with the in-process ones: {same}")
    exact = suggest_thresholds(prepare_scoring(duck_view), TierSettings())
    print(f"tier thresholds (Spark percentile_approx / exact in-process):\n"
          f"  {figures['tier threshold quantiles']}\n  {exact}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--url", help="a running Spark Thrift server (default: start one)")
    args = parser.parse_args()

    import sqlalchemy as sa

    from bench._spark import ThriftServer, drop_database, free_port, register_parquet
    from segmentation import sql
    from segmentation.connections import ConnectionSpec, open_engine
    from segmentation.features import customer_view

    ws = bench_workspace(args.workspace, args.customers, "bench-spark-")
    out = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    t0 = time.perf_counter()
    rows = export_parquet(ws, out / "tables")
    print(f"exported {rows['transactions']:,} transactions as Parquet in "
          f"{time.perf_counter() - t0:.1f} s")

    server = None
    url = args.url
    if url is None:
        server = ThriftServer(free_port(), out / "server", driver_memory="3g")
        print(f"started a local Spark Thrift server in {server.start():.0f} s")
        url = server.url()
    try:
        database = f"bench_spark_{out.name.replace('-', '_').lower()}"
        admin = sa.create_engine(sa.make_url(url).set(database="default"))
        t0 = time.perf_counter()
        for name in rows:
            register_parquet(admin, name, out / "tables" / name, database=database)
        print(f"registered the Parquet tables in Spark in {time.perf_counter() - t0:.1f} s")
        spec = ConnectionSpec.from_url(sa.make_url(url).set(database=database))
        engine = open_engine(spec, statement_timeout_s=3600)

        travelled = {"rows": 0, "queries": 0}
        original = sql.fetch_spark

        def counting(result, **kw):
            frame = original(result, **kw)
            travelled["rows"] += len(frame)
            travelled["queries"] += 1
            return frame

        with engine.connect() as conn:
            t0 = time.perf_counter()
            base = conn.exec_driver_sql(
                "SELECT customer_id, count(*) AS n, sum(amount) AS total, min(`date`) AS first, "
                "max(`date`) AS last FROM transactions GROUP BY customer_id").fetchall()
            plain = time.perf_counter() - t0
        print(f"Spark: plain GROUP BY customer_id (baseline)   {plain:8.1f} s   "
              f"{len(base):,} rows travelled")
        as_of = ws.current().date_max
        sql.fetch_spark = counting
        try:
            with sql.rows_bound(None):
                t0 = time.perf_counter()
                spark_view = customer_view(engine, as_of=as_of)
                seconds = time.perf_counter() - t0
        finally:
            sql.fetch_spark = original
        print(f"Spark: customer view                           {seconds:8.1f} s   "
              f"{travelled['rows']:,} rows travelled in {travelled['queries']} queries "
              f"({seconds / plain:.2f}x the baseline)")
        print(f"  transactions that stayed in Spark: {rows['transactions']:,} "
              f"({travelled['rows'] / rows['transactions']:.1%} of that travelled)")
        engine_side = engine_figures(engine, as_of, travelled, counting, spark_view)
        engine.dispose()

        t0 = time.perf_counter()
        duck_view = customer_view(ws.engine(), as_of=as_of)
        duck = time.perf_counter() - t0
        print(f"DuckDB: customer view (same data, in-process) {duck:8.1f} s   "
              f"{len(duck_view):,} customers")
        print(f"core columns agree with DuckDB: {core_agree(spark_view, duck_view)}")
        compare_engine_figures(engine_side, ws.engine(), duck_view, as_of)
        drop_database(admin, database)
        admin.dispose()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
