"""Benchmark: customer view from PostgreSQL, pushdown vs reading all rows into pandas.

Generates the sample network at benchmark size (default 1,000,000 customers,
about 11,700,000 transactions) into a workspace (or reuses the one given with
``--workspace``), loads it with ``COPY`` into a schema of the local PostgreSQL
(default ``bench_seg`` in the ``test`` database, or ``--url`` / the
``SEG_TEST_POSTGRES_URL`` variable), then measures in separate fresh processes (so
that each peak memory figure is its own):

* ``pushdown``: :func:`segmentation.features.customer_view` through the app's
  read-only engine (:func:`segmentation.connections.open_engine`): the one
  aggregation query runs in PostgreSQL and only per-customer rows travel;
* ``pandas (read_sql)``: every transaction row (customer_id, date, amount) read
  with ``pandas.read_sql``, then the plain core groupby of
  ``bench_customer_view.py``;
* ``pandas (COPY)``: the same rows streamed as CSV by ``COPY ... TO STDOUT`` (the
  fastest way out of PostgreSQL) into ``pandas.read_csv``, then the same groupby.

Prints seconds, peak RSS and ratios; checks that the core columns agree. The
schema is dropped at the end unless ``--keep``; ``--reuse`` skips the load when
the schema is already filled.

    .venv/bin/python -m bench.bench_database [--customers 1000000] [--workspace DIR]
        [--url URL] [--keep] [--reuse]

(from the repository root).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# imported here, before any clock starts
import pandas as pd
import sqlalchemy as sa

from bench._workspace import ROOT, add_common_args, bench_workspace, peak_mb, step_command
from bench.bench_customer_view import WINDOW, core_agree, core_groupby, save_core

DEFAULT_URL = os.environ.get("SEG_TEST_POSTGRES_URL",
                             "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TABLES = ("transactions", "customers", "surveys", "complaints")


def _names(schema: str) -> dict[str, str]:
    return {name: f"{schema}.{name}" for name in TABLES}


def step_pushdown(url: str, schema: str, out: str) -> dict:
    from segmentation.connections import ConnectionSpec, open_engine
    from segmentation.features import customer_view

    engine = open_engine(ConnectionSpec.from_url(url), statement_timeout_s=3600)
    start = time.perf_counter()
    view = customer_view(engine, window_days=WINDOW, table_names=_names(schema))
    seconds = time.perf_counter() - start
    save_core(view, out)
    return {"seconds": seconds, "peak_mb": peak_mb(), "customers": len(view),
            "columns": view.shape[1]}


def _read_sql(url: str, schema: str):
    return pd.read_sql(f"SELECT customer_id, date, amount FROM {schema}.transactions",
                       sa.create_engine(url), parse_dates=["date"])


def _read_copy(url: str, schema: str):
    buffer = io.BytesIO()
    with sa.create_engine(url).connect() as conn:
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(
                f"COPY (SELECT customer_id, date, amount FROM {schema}.transactions) "
                "TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    buffer.seek(0)
    return pd.read_csv(buffer, names=["customer_id", "date", "amount"],
                       dtype={"customer_id": "str"}, parse_dates=["date"])


def _pandas_step(read, url: str, schema: str, out: str) -> dict:
    """Every transaction row into pandas with ``read``, then the core groupby."""
    start = time.perf_counter()
    tx = read(url, schema)
    read_seconds = time.perf_counter() - start
    view = core_groupby(tx)
    seconds = time.perf_counter() - start
    save_core(view, out)
    return {"seconds": seconds, "read_seconds": read_seconds, "peak_mb": peak_mb(),
            "customers": len(view), "rows": len(tx)}


STEPS = {"pushdown": step_pushdown,
         "read_sql": lambda *a: _pandas_step(_read_sql, *a),
         "copy": lambda *a: _pandas_step(_read_copy, *a)}


def _run_step(step: str, url: str, schema: str, out: Path) -> dict:
    proc = subprocess.run(step_command("bench.bench_database", "--step", step, "--url", url,
                                       "--schema", schema, "--out", str(out)),
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"step {step} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _filled(url: str, schema: str) -> int | None:
    """Transactions in ``schema``, or ``None`` when it does not exist yet."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("transactions", schema=schema):
                return None
            return conn.exec_driver_sql(
                f"SELECT count(*) FROM {schema}.transactions").scalar_one()
    finally:
        engine.dispose()


def _load(url: str, schema: str, folder: str | None, customers: int) -> None:
    """The tables of the (generated or reused) workspace, copied into ``schema``."""
    import duckdb

    from tests.conftest import copy_into_postgres

    ws = bench_workspace(folder, customers, "bench-db-ws-")
    snap = ws.current()
    with ws.lease(snap), duckdb.connect(str(ws.folder / snap.file), read_only=True) as con:
        tables = {name: con.table(name).df() for name in TABLES if name in snap.rows}
    t0 = time.perf_counter()
    copy_into_postgres(url, schema, tables)
    print(f"loaded into PostgreSQL schema {schema} with COPY in "
          f"{time.perf_counter() - t0:.1f} s")


def _drop(url: str, schema: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_args(parser)
    parser.add_argument("--url", default=DEFAULT_URL, help="PostgreSQL URL (SQLAlchemy)")
    parser.add_argument("--schema", default="bench_seg")
    parser.add_argument("--keep", action="store_true", help="keep the schema afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="use the schema as it is when it is already filled")
    parser.add_argument("--step", choices=tuple(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.schema.isidentifier():
        parser.error("--schema must be a plain identifier")
    if args.step:
        print(json.dumps(STEPS[args.step](args.url, args.schema, args.out)))
        return

    rows = _filled(args.url, args.schema)
    if rows is None or not args.reuse:
        _load(args.url, args.schema, args.workspace, args.customers)
        rows = _filled(args.url, args.schema)
    print(f"PostgreSQL {args.schema}.transactions: {rows:,} rows")
    folder = Path(tempfile.mkdtemp(prefix="bench-db-"))
    try:
        results = {step: _run_step(step, args.url, args.schema, folder / f"{step}.parquet")
                   for step in STEPS}
    finally:
        if not args.keep:
            _drop(args.url, args.schema)
    push = results["pushdown"]
    print()
    print(f"{'':46}{'seconds':>9}{'of which read':>15}{'peak RSS MB':>13}{'vs pushdown':>13}")
    labels = {"pushdown": f"pushdown: one query in PostgreSQL ({push['columns']} cols)",
              "read_sql": "pandas: read_sql all rows + core groupby",
              "copy": "pandas: COPY all rows + core groupby"}
    for step, label in labels.items():
        r = results[step]
        read = f"{r['read_seconds']:.2f}" if "read_seconds" in r else "-"
        print(f"{label:46}{r['seconds']:>9.2f}{read:>15}{r['peak_mb']:>13.0f}"
              f"{r['seconds'] / push['seconds']:>12.2f}x")
    a = pd.read_parquet(folder / "pushdown.parquet")
    agree = {step: core_agree(a, pd.read_parquet(folder / f"{step}.parquet"))
             for step in ("read_sql", "copy")}
    print(f"rows to the app: pushdown {push['customers']:,} (one per customer), "
          f"pandas {results['read_sql']['rows']:,} (one per transaction)")
    print(f"core columns agree: with read_sql {agree['read_sql']}, with COPY {agree['copy']}")


if __name__ == "__main__":
    main()
