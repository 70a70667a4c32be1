"""Every benchmark of ``bench/`` runs as its docstring says, at a small size (smoke test).

Each runs as ``python -m bench.<name> --customers N --workspace DIR`` from the
repository root, in a subprocess, on one workspace generated once for the module,
and must exit 0 having printed its figures. So the benchmarks cannot rot unnoticed;
their timings at this size mean nothing. ``bench_database`` needs PostgreSQL
(``SEG_TEST_POSTGRES_URL``), ``bench_spark`` the Spark Thrift server of
``SEG_TEST_SPARK_URL`` (started once for the session, see ``tests/spark/conftest.py``).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.spark.conftest import spark_server  # noqa: F401 - the session's Spark server

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = 3000  # the churn model, the backtest and every page still have data to show

pytestmark = pytest.mark.bench

#: module -> (extra arguments, lines it must print)
BENCHES = {
    "bench_cli_start": (["--repeat", "2"], ["python -c pass (baseline)", "--help",
                                              "users list (scopes checked)"]),
    "bench_cli_score": ([], ["DuckDB: files -> core view CSV (baseline)",
                             "CLI score: four Parquet files -> CSV",
                             "CLI score --workspace -> CSV", "customers scored"]),
    "bench_customer_view": (["--repeat", "1", "--pandas"],
                            ["pushdown: customer_view, full view",
                             "plain DuckDB GROUP BY, core",
                             "customer_views: 3 days",
                             "core columns agree with the plain DuckDB query: True",
                             "core columns agree with the full pandas view: True"]),
    "bench_overview": ([], ["library calls only (baseline)", "AppTest filter to one branch"]),
    "bench_tiers": (["--repeat", "3", "--page"], ["re-tiering after a slider move",
                                                  "AppTest rerun after moving slider"]),
    "bench_churn": (["--sample", "2000"], ["score_churn: backtest + fit + score",
                                           "candidate"]),
    "bench_clusters": (["--subset", "2000"], ["fit on the sample, 1 thread",
                                              "full (baseline)"]),
    "bench_first_render": ([], ["baseline (new session, one metric)", "defaults prepared",
                                "Overview first figures", "Overview with the at-risk count",
                                "overview", "churn"]),
    "bench_spark": ([], ["Spark: plain GROUP BY customer_id (baseline)", "rows travelled",
                         "core columns agree with DuckDB: True",
                         "Spark (in the engine): headline figures (Overview)",
                         "headline figures agree with the in-process ones: True"]),
    "bench_rerun": (["--pages", "churn,overview", "--repeat", "2"],
                    ["rerun one-metric script (baseline)", "rerun Churn page",
                     "rerun Overview page"]),
    "bench_report": (["--no-sample"], ["baseline: bare python-pptx deck of the same charts",
                                       "deck after the figures are cached"]),
    "bench_forecast": (["--branches", "300"],
                       ["seasonal naive + its backtest, 2 metrics (baseline)",
                        "forecast_panel: backtest + choice + forecast + reconcile",
                        "workspace network", "shipments branch"]),
    "bench_database": (["--schema", f"bench_smoke_{os.getpid()}"],
                       ["pushdown: one query in PostgreSQL",
                        "core columns agree: with read_sql True, with COPY True"]),
}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """One generated network for every benchmark (each would otherwise generate its own)."""
    folder = tmp_path_factory.mktemp("bench-ws")
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from bench._workspace import bench_workspace; "
         "bench_workspace(sys.argv[1], int(sys.argv[2]), '')", str(folder), str(CUSTOMERS)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return folder


def test_every_benchmark_is_smoke_tested():
    assert {p.stem for p in (ROOT / "bench").glob("bench_*.py")} == set(BENCHES)


@pytest.mark.parametrize("name", sorted(BENCHES))
def test_docstring_says_how_to_run_it(name):
    doc = ast.get_docstring(ast.parse((ROOT / "bench" / f"{name}.py").read_text()))
    assert f"python -m bench.{name}" in doc
    assert "--workspace DIR" in doc and "--customers" in doc


@pytest.mark.parametrize("name", sorted(BENCHES))
def test_benchmark_runs_at_a_small_size(name, workspace, request):
    if name == "bench_database" and not os.environ.get("SEG_TEST_POSTGRES_URL"):
        pytest.skip("needs PostgreSQL: set SEG_TEST_POSTGRES_URL")
    extra, expected = BENCHES[name]
    if name == "bench_spark":  # on the session's one Spark server (tests/spark/conftest.py)
        extra = ["--url", str(request.getfixturevalue("spark_server"))]
    env = {k: v for k, v in os.environ.items() if k != "SEG_WORKSPACE"}
    proc = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", "--customers", str(CUSTOMERS),
         "--workspace", str(workspace), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    missing = [line for line in expected if line not in proc.stdout]
    assert missing == [], proc.stdout[-3000:]
